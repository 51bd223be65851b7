"""Bot walls: bot-protection interstitials, WAF blocks and consent walls, whatever status
they carry (`blocked`/`challenge`). Pure functions over a Page and the response headers,
tuned against false alarms: an article that quotes a wall's words is no wall.
"""

from __future__ import annotations

import re

from .consent import looks_consent
from .models import SHORT_PAGE_CHARS, Page
from .pagehints import article_like, bare, label_match, lead, search_if
from .softerror import maintenance_notice
from .statuspage import embedded_status


def _search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return search_if(pattern, text, _TRIGGERS[pattern])


CHALLENGE_STATUSES = frozenset({403, 429, 503})
_CHALLENGE_TITLE = re.compile(
    r"^(?:just\s+a\s+moment|attention\s+required|access\s+denied|please\s+wait"
    r"|checking\s+your\s+browser|ddos-guard|security\s+check|are\s+you\s+a\s+(?:robot|human)"
    r"|human\s+verification|verify(?:ing)?\s+you\s+are\s+(?:a\s+)?human|pardon\s+our\s+interruption"
    r"|one\s+more\s+step|request\s+unsuccessful|site\s+verification|bot\s+verification"
    r"|you\s+have\s+been\s+blocked|access\s+to\s+this\s+page\s+has\s+been\s+denied"
    r"|sucuri\s+website\s+firewall|robot\s+check\s*$|request\s+rejected"
    r"|the\s+requested\s+url\s+was\s+rejected)"
    r"|\bcaptcha\s*$|\bsecurity\s+checkpoint\s*$|^verify\s+to\s+continue\s*$",
    re.IGNORECASE,
)
#: Wording only bot walls use: read on any status when the page is short.
_CHALLENGE_STRONG = re.compile(
    r"\b(?:checking\s+(?:if\s+the\s+site\s+connection\s+is\s+secure|your\s+browser\s+before)"
    r"|enable\s+javascript\s+and\s+cookies\s+to\s+continue|verify\s+(?:that\s+)?you(?:\s+are|.{1,3}re)\s+"
    r"(?:a\s+)?human"
    r"|complete\s+the\s+security\s+check|incapsula\s+incident\s+id|request\s+unsuccessful"
    r"|press\s*(?:&|and)\s*hold|access\s+to\s+this\s+page\s+has\s+been\s+denied"
    r"|why\s+have\s+i\s+been\s+blocked|are\s+you\s+a\s+robot|not\s+a\s+robot"
    r"|(?:checking|verifying)\s+your\s+browser"
    # a curly apostrophe too, and its three characters where UTF-8 was read as Latin-1
    r"|(?:verifying|confirm)\s+(?:that\s+)?you(?:\s+are|.{1,3}re)\s+(?:a\s+)?human"
    r"|please\s+(?:solve|complete)\s+(?:this|the)\s+captcha"
    # a captcha's own instruction: "Type the characters you see in this image"
    r"|(?:type|enter)\s+the\s+characters\s+(?:you\s+see|shown)\s+(?:in|below)"
    r"|unusual\s+traffic\s+from\s+your\s+(?:computer\s+)?network"
    r"|the\s+requested\s+url\s+was\s+rejected|your\s+support\s+id\s+is"
    # a block addressed to the visitor: "your access to this site has been limited",
    # "if you think you have been blocked in error"
    r"|your\s+access\s+(?:to\s+this\s+(?:site|website|page)\s+)?has\s+been\s+"
    r"(?:limited|restricted|blocked|denied)"
    r"|(?:think|believe)\s+(?:that\s+)?you\s+(?:have|['’]ve)\s+been\s+blocked\s+in\s+error"
    r"|(?:believe|think)\s+you\s+(?:are|might\s+be)\s+(?:a\s+)?(?:bot|robot|using\s+automation))",
    re.IGNORECASE,
)
#: Wording that means a challenge only when the status already says "refused" (Cloudflare
#: prints its Ray ID on its 52x error pages too).
_CHALLENGE_WEAK = re.compile(
    r"\bcaptcha\b|\breference\s*#\s*\d+\.[0-9a-f]+\.|\bray\s+id:\s*[0-9a-f]{8,}", re.IGNORECASE)
_WALL_VENDORS = frozenset({
    "cloudflare-challenge", "incapsula", "perimeterx", "datadome", "sucuri", "ddos-guard",
    "radware", "akamai", "aws-waf", "kasada", "akamai-bot-manager", "f5", "reblaze",
    "aws-waf-challenge", "qrator", "wordfence",
})


#: Words at least one of which every match of the pattern contains (lower case).
_TRIGGERS: dict[re.Pattern[str], tuple[str, ...]] = {
    _CHALLENGE_STRONG: ("checking if the site", "checking your browser", "verifying your browser",
                        "enable javascript and cookies", "human",
                        "security check", "incapsula", "request unsuccessful", "press",
                        "has been denied", "been blocked", "a robot", "captcha", "unusual traffic",
                        "a bot", "automation", "was rejected", "support id", "your access",
                        "blocked in error", "characters"),
    _CHALLENGE_WEAK: ("captcha", "reference", "ray id"),
}


def looks_challenge(page: Page, headers: dict[str, str], http_status: int | None) -> str | None:
    """Bot-protection interstitials and WAF blocks, whatever status they carry."""
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return "Cloudflare challenge (cf-mitigated header)"
    refused = http_status in CHALLENGE_STATUSES
    short = len(page.text) <= SHORT_PAGE_CHARS
    # A 500/502/52x page is the origin failing, even when a WAF vendor drew it.
    failing = http_status is not None and http_status >= 500 and not refused
    title = (page.title or "").strip()
    # A wall's title over a wall's own heading ("Just a moment..." / "Checking your browser
    # before accessing x") is one however long the obfuscated script text inside it runs.
    walled = any(label_match(_CHALLENGE_STRONG, h) for h in page.headings)
    if title and _CHALLENGE_TITLE.search(title) and (refused or short or walled) \
            and not failing:
        return f"challenge page titled {title!r}"
    consent = looks_consent(page)
    if consent and not failing:
        return consent
    vendors = [mark for mark in page.marks if mark in _WALL_VENDORS]
    # A site behind a WAF serves its own maintenance page through it, the vendor's script
    # and all: what the page says it is outranks whose markup it carries.
    if vendors and bare(page) and not failing and not maintenance_notice(page):
        return f"{vendors[0]} bot wall (vendor markup, little content, few links)"
    if short:
        # An article may quote a wall ("the site showed 'Checking your browser'"): on an
        # article-sized page the wording counts only in its opening or when a heading is
        # the wall's own ("Security Check").
        text = page.text
        # ("How to fix 'Your access to this site has been limited'" is a headline, no label)
        if article_like(page) and not any(
                label_match(_CHALLENGE_TITLE, h) or label_match(_CHALLENGE_STRONG, h)
                for h in page.headings):
            text = lead(page)
        match = _search(_CHALLENGE_STRONG, text) or (
            _search(_CHALLENGE_WEAK, text) if refused and not _server_error_page(page)
            else None)
        if match:
            return f"challenge page: {match.group(0)!r}"
    return None


def _server_error_page(page: Page) -> bool:
    """A page labelled a server error ("Service Unavailable", "504 Gateway Time-out"): a
    CDN's reference number on it identifies the failed request, not a wall."""
    embedded = embedded_status(page)
    return embedded is not None and embedded[0] >= 500
