"""What kind of page is this? Error pages served with 200, parking and for-sale pages,
suspended hosting, bot walls and sign-in walls, read from the facts `extract` put on a Page.

Pure functions over data. Each returns a short explanation for the curator, or None. They
are tuned against false alarms first: the signals combine what a page says with how it is
built (little content, a password field, few links, a vendor's marker in the markup), so an
article that merely *mentions* "404", "domain for sale" or "captcha" is never caught.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from rapidfuzz import fuzz

from .models import SHORT_PAGE_CHARS, THIN_CONTENT_CHARS, Hop, Page

#: A sign-in page may carry a footer of links, not a site's worth of navigation.
LOGIN_MAX_LINKS = 60
#: Two pages with at least this similarity of their own content are the same page.
SAME_PAGE_SIMILARITY = 0.9
FINGERPRINT_CHARS = 2000
_MIN_FINGERPRINT_CHARS = 40

def _search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """pattern.search(text), skipped when none of the pattern's trigger words occurs:
    a big alternation costs ~0.1 ms per 1,000 characters, a lower-cased `in` almost nothing."""
    if not text:
        return None
    low = text.lower()
    if not any(word in low for word in _TRIGGERS[pattern]):
        return None
    return pattern.search(text)


# --- soft-404 ---------------------------------------------------------------------------

_ERROR_TITLE = re.compile(
    r"^(?:error|o{2,}ps|sorry)(?:\s*$|\s*[!:,|(\-–—]|\.(?:\s|$)|\s*\d)|^\s*404\b|\b404\s+(?:error|page\s+not)\b|\berror\s*:?\s*404\b"
    r"|\bpage\s+not\s+found\b|^not\s+found\b|\bnot\s+found$|\bfile\s+not\s+found\b"
    r"|\b(?:page|content|article)\s+(?:does\s+not|doesn['’]?t)\s+exist\b"
    r"|\bno\s+longer\s+(?:available|exists)\b|\bpage\s+(?:is\s+)?(?:missing|unavailable)\b"
    r"|\b(?:cannot|can\W?t|could\s+not|couldn\W?t)\s+(?:be\s+)?found\b"
    r"|\b(?:cannot|can\W?t|could\s+not|couldn\W?t)\s+find\s+(?:the|this|that|what|your)\b",
    re.IGNORECASE,
)
#: Headings are stricter than titles: "Error messages explained" is an article's heading.
_ERROR_HEADING = re.compile(
    r"^\s*(?:error\s*)?404\b|\b404\s+(?:error|page)\b|\berror\s*:?\s*404\b|^o{2,}ps\b"
    r"|\b(?:page|file)\s+not\s+found\b|^not\s+found\b"
    r"|\bpage\s+(?:does\s+not|doesn['’]?t)\s+exist\b"
    r"|\b(?:cannot|can\W?t|could\s+not|couldn\W?t)\s+(?:be\s+)?found\b",
    re.IGNORECASE,
)
_LOOKING_FOR = (
    r"(?:the\s+|this\s+)?(?:page|url|file|document|content)(?:/url)?\s+(?:that\s+)?"
    r"(?:you\s*(?:are|were|'re|’re)?\s+(?:looking\s+for|trying\s+to\s+(?:reach|access))"
    r"|you\s+requested|requested)"
)
_NOT_THERE = (
    r"(?:(?:could|can)\s*not\s+be\s+(?:found|located)|can['’]?t\s+be\s+found"
    r"|(?:was|is)\s+not\s+found|wasn['’]?t\s+found|isn['’]?t\s+(?:here|available)"
    r"|does\s*(?:n['’]?t|\s+not)\s+exist|(?:is\s+)?no\s+longer\s+(?:available|exists|here)"
    r"|(?:may|might)\s+(?:have\s+been|be)\s+(?:moved|removed|deleted|renamed|unavailable)"
    r"|has\s+been\s+(?:moved|removed|deleted)|(?:is|was)\s+(?:removed|deleted))"
)
_ERROR_TEXT = re.compile(  # no leading \b: minified markup runs texts together
    r"(?:(?<![\w(#.$-])404\W{0,3}(?:error\b|errorsorry|page\s+(?:error|not)|(?:file\s+)?not\s+found"
    r"|o{2,}ps|sorry|the\s+page|page/url)"
    r"|error\s*(?:code\s*)?:?\s*404\b|page\s+not\s+found"
    rf"|{_LOOKING_FOR}\s+{_NOT_THERE}|(?:this|that)\s+(?:page|url|link)\s+{_NOT_THERE}"
    r"|nothing\s+(?:was\s+)?found\s+(?:at|here)"
    r"|we\s+(?:couldn['’]?t|could\s+not|can['’]?t|cannot)\s+find\s+(?:the|that|this|what|any)"
    r"\s+(?:page|you)"
    r"|the\s+(?:requested\s+)?(?:page|url)\s+(?:could\s*not|cannot|can['’]?t)\s+be\s+found)",
    re.IGNORECASE,
)


#: A bare "404" (not a phone area code, suite or part of a number) beside an error word.
_NOT_A_CODE = r"(?<![\w(#.$-])(?<!suite )(?<!room )(?<!unit )(?<!route )(?<!box )"
_BARE_404 = re.compile(
    rf"{_NOT_A_CODE}404(?![\w)-]|[.,]\d)(?=.{{0,60}}?\b(?:page|error|not\s+found|missing)\b)"
    rf"|\b(?:o{{2,}}ps|uh[\s-]*oh|whoops|sorry)\b.{{0,60}}?{_NOT_A_CODE}404(?![\w)-]|[.,]\d)",
    re.IGNORECASE | re.DOTALL,
)


#: How far into a page's own content its error message may start.
_ERROR_TEXT_WITHIN = 320


def looks_soft_404(page: Page) -> str | None:
    """A 200 page that is really an error page: its title, an error heading on a page with
    little content of its own, or the wording of its (short) text."""
    if page.title and _ERROR_TITLE.search(page.title):
        return f"title {page.title!r} reads like an error page"
    thin = len(page.content_text) <= THIN_CONTENT_CHARS
    if thin:
        for heading in page.headings:
            if _ERROR_HEADING.search(heading):
                return f"heading {heading!r} reads like an error page"
    # An error page says so first; an article that mentions "404 Not Found" says it later.
    haystacks = [page.content_text[:_ERROR_TEXT_WITHIN]] if thin else []
    if len(page.text) <= SHORT_PAGE_CHARS:
        haystacks.append(page.text[:_ERROR_TEXT_WITHIN])
    for text in haystacks:
        match = _ERROR_TEXT.search(text) or _BARE_404.search(text)
        if match:
            return f"page says {match.group(0)!r}"
    return None


def fingerprint(page: Page) -> str:
    """A bounded excerpt of the page's own content, for comparing two pages of one site.
    Paths are left out: error pages often echo the URL they were asked for."""
    words = page.content_text[:FINGERPRINT_CHARS].split()
    return " ".join(w for w in words if "/" not in w and "monitor-probe" not in w)


def same_page(page: Page, other: Page) -> float | None:
    """0..1 similarity of two pages' own content, or None when either has too little text to
    tell (a JavaScript shell that every URL of a site serves cannot be told apart)."""
    mine, theirs = fingerprint(page), fingerprint(other)
    if min(len(mine), len(theirs)) < _MIN_FINGERPRINT_CHARS:
        return None
    return round(fuzz.ratio(mine, theirs) / 100.0, 3)


# --- parked, for sale, placeholder, suspended hosting -----------------------------------

_DOMAIN = r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}"
_FOR_SALE = re.compile(
    r"\b(?:this\s+domain\s+(?:name\s+)?(?:is|may\s+be)\s+(?:for\s+sale|available)"
    r"|(?:the\s+)?domain\s+(?:name\s+)?[\w.-]*\s*(?:is|may\s+be)\s+for\s+sale"
    rf"|{_DOMAIN}\s+(?:is|may\s+(?:still\s+)?be)\s+for\s+(?:sale|lease)"
    rf"|{_DOMAIN}\s+may\s+still\s+be\s+available"
    r"|domain\s+name\s+is\s+available\s+for\s+(?:purchase|sale|lease)"
    r"|(?:buy|purchase|lease)\s+this\s+domain|(?:domain|website)\s+(?:is\s+)?parked"
    r"|parked\s+(?:free|domain)|make\s+an\s+offer\s+on\s+this\s+domain"
    r"|inquire\s+about\s+this\s+domain|contact\s+(?:with\s+)?(?:the\s+)?domain\s+owner"
    r"|sedoparking|parkingcrew|bodis\.com|hugedomains|afternic|domain\s+parking"
    r"|this\s+web\s+page\s+is\s+parked)",
    re.IGNORECASE,
)
#: Said by parking and hosting placeholders, but also by articles: thin pages only.
_THIN_PARKED = re.compile(
    r"\bparked\s+(?:at|by|with)\s+\w+|^\s*(?:domain\s+)?default\s+(?:web\s+)?page\b"
    r"|\bwelcome\s+to\s+nginx\b|\bdefault\s+page\b.{0,20}\bit\s+works\b|^\s*it\s+works!"
    r"|\b(?:web\s+)?server'?s?\s+default\s+page\b|^\s*iis\s+windows\s+server\s*$",
    re.IGNORECASE,
)
#: A title that is nothing but "<domain> is available/for sale".
_DOMAIN_TITLE_AVAILABLE = re.compile(rf"^\s*{_DOMAIN}\s+is\s+available\s*$", re.IGNORECASE)
_SUSPENDED = re.compile(
    r"\b(?:(?:this\s+)?account\s+(?:has\s+been\s+|is\s+|was\s+)?(?:suspended|expired)"
    r"|(?:web)?site\s+(?:has\s+)?expired|(?:web\s*)?site\s+(?:has\s+been\s+|is\s+)"
    r"(?:suspended|disabled|deactivated)|hosting\s+(?:account\s+|plan\s+)?(?:has\s+)?expired"
    r"|bandwidth\s+limit\s+exceeded|(?:this\s+)?domain\s+(?:name\s+)?(?:has\s+)?expired"
    r"|isn['’]?t\s+connected\s+to\s+a\s+website|site\s+(?:was|has\s+been)\s+deleted"
    r"|(?:web)?site\s+is\s+temporarily\s+unavailable.{0,200}?\b(?:contact|manage\s+this\s+site)"
    r"|suspendedpage\.cgi)",
    re.IGNORECASE | re.DOTALL,
)
_PLACEHOLDER = re.compile(  # no leading \b: block elements' texts may run together
    r"(?:coming\s+soon|under\s+construction|future\s+home\s+of|launching\s+soon"
    r"|website\s+is\s+(?:being\s+built|on\s+its\s+way)|default\s+(?:web\s+)?page)\b",
    re.IGNORECASE,
)
_PLACEHOLDER_CHARS = 300


def looks_parked(page: Page, final_url: str = "") -> str | None:
    """Parked and for-sale domains, registrar placeholders and suspended or expired hosting:
    the site is gone whatever the status code says. The detail says which."""
    if "suspendedpage.cgi" in final_url.lower():
        return ("hosting or domain suspended or expired: redirected to the host's "
                "suspended-account page")
    title = page.title or ""
    short = page.text if len(page.text) <= SHORT_PAGE_CHARS else ""
    thin = len(page.content_text) <= THIN_CONTENT_CHARS
    # Only a thin page is the host's notice: an article may report a suspended account.
    suspended = thin and (_search(_SUSPENDED, title) or _search(_SUSPENDED, short))
    if suspended:
        return f"hosting or domain suspended or expired: page says {suspended.group(0)!r}"
    for text in (title, *page.headings, short):
        match = _search(_FOR_SALE, text)
        if match:
            return f"domain for sale or parked: page says {match.group(0)!r}"
    if _DOMAIN_TITLE_AVAILABLE.search(title):
        return f"domain for sale or parked: titled {title!r}"
    if thin:
        for text in (title, *page.headings, short[:_ERROR_TEXT_WITHIN]):
            match = _THIN_PARKED.search(text) if text else None
            if match:
                return f"parked or a server's placeholder, no site: page says {match.group(0)!r}"
    if "parking-lander" in page.marks and _bare(page):
        return "domain parked: a parking lander's script and no content of its own"
    if len(page.text) <= _PLACEHOLDER_CHARS:
        match = _PLACEHOLDER.search(page.text) or _PLACEHOLDER.search(title)
        if match:
            return f"placeholder page, no site: page says {match.group(0)!r}"
    return None


# --- bot walls ------------------------------------------------------------------------

CHALLENGE_STATUSES = frozenset({403, 429, 503})
_CHALLENGE_TITLE = re.compile(
    r"^(?:just\s+a\s+moment|attention\s+required|access\s+denied|please\s+wait"
    r"|checking\s+your\s+browser|ddos-guard|security\s+check|are\s+you\s+a\s+(?:robot|human)"
    r"|human\s+verification|verify(?:ing)?\s+you\s+are\s+(?:a\s+)?human|pardon\s+our\s+interruption"
    r"|one\s+more\s+step|request\s+unsuccessful|site\s+verification|bot\s+verification"
    r"|you\s+have\s+been\s+blocked|access\s+to\s+this\s+page\s+has\s+been\s+denied"
    r"|sucuri\s+website\s+firewall|robot\s+check\s*$)"
    r"|\bcaptcha\s*$|\bsecurity\s+checkpoint\s*$",
    re.IGNORECASE,
)
#: Wording only bot walls use: read on any status when the page is short.
_CHALLENGE_STRONG = re.compile(
    r"\b(?:checking\s+(?:if\s+the\s+site\s+connection\s+is\s+secure|your\s+browser\s+before)"
    r"|enable\s+javascript\s+and\s+cookies\s+to\s+continue|verify\s+you\s+are\s+(?:a\s+)?human"
    r"|complete\s+the\s+security\s+check|incapsula\s+incident\s+id|request\s+unsuccessful"
    r"|press\s*(?:&|and)\s*hold|access\s+to\s+this\s+page\s+has\s+been\s+denied"
    r"|why\s+have\s+i\s+been\s+blocked|are\s+you\s+a\s+robot|not\s+a\s+robot"
    r"|(?:checking|verifying)\s+your\s+browser"
    r"|(?:verifying|confirm)\s+(?:that\s+)?you\s+are\s+(?:a\s+)?human"
    r"|please\s+(?:solve|complete)\s+(?:this|the)\s+captcha"
    r"|unusual\s+traffic\s+from\s+your\s+(?:computer\s+)?network"
    r"|(?:believe|think)\s+you\s+(?:are|might\s+be)\s+(?:a\s+)?(?:bot|robot|using\s+automation))",
    re.IGNORECASE,
)
#: Wording that means a challenge only when the status already says "refused" (Cloudflare
#: prints its Ray ID on its 52x error pages too).
_CHALLENGE_WEAK = re.compile(
    r"\bcaptcha\b|\breference\s*#\s*\d+\.[0-9a-f]+\.|\bray\s+id:\s*[0-9a-f]{8,}", re.IGNORECASE)
#: Walls and landers are bare: thin content and a handful of links. Protected and
#: monetised sites carry the same vendors' scripts on their ordinary pages.
_BARE_MAX_LINKS = 15
_CONSENT = re.compile(
    r"\bbefore\s+you\s+continue(?:\s+to\b)?|\bwe\s+value\s+your\s+privacy\b"
    r"|\b(?:accept|reject)\s+all\b.{0,300}?\bcookies\b|\bcookies\b.{0,300}?\b(?:accept|reject)"
    r"\s+all\b",
    re.IGNORECASE | re.DOTALL,
)
_CONSENT_MAX_CHARS = 1500
#: A consent wall has next to nothing of its own besides the dialog; a short article under a
#: cookie banner has more (measured: a 1,000-character article was called a wall at 2,000).
_CONSENT_MAX_CONTENT = 600
_CONSENT_TITLE = re.compile(r"^\s*before\s+you\s+continue\b", re.IGNORECASE)


def _bare(page: Page) -> bool:
    return len(page.content_text) <= THIN_CONTENT_CHARS and page.links <= _BARE_MAX_LINKS \
        and len(page.text) <= SHORT_PAGE_CHARS


def looks_consent(page: Page) -> str | None:
    """A cookie/consent interstitial in place of the page ("Before you continue"): like a
    bot wall, it stands between us and the content. Cookie banners on ordinary pages say
    the same words, so the text counts only on a bare page."""
    match = _CONSENT_TITLE.search(page.title or "")
    if match is None and _bare(page) and len(page.text) <= _CONSENT_MAX_CHARS \
            and len(page.content_text) <= _CONSENT_MAX_CONTENT:
        match = _CONSENT.search(page.text)
    return f"consent wall: page says {match.group(0)!r}" if match else None


_WALL_VENDORS = frozenset({
    "cloudflare-challenge", "incapsula", "perimeterx", "datadome", "sucuri", "ddos-guard",
    "radware", "akamai", "aws-waf",
})


#: Words at least one of which every match of the pattern contains (lower case).
_TRIGGERS: dict[re.Pattern[str], tuple[str, ...]] = {
    _FOR_SALE: ("domain", "for sale", "for lease", "still be available", "parked", "sedo",
                "parkingcrew", "bodis", "afternic"),
    _SUSPENDED: ("suspend", "expired", "deactivated", "bandwidth limit",
                 "temporarily unavailable", "connected to a website", "site was deleted",
                 "site has been deleted", "site is disabled", "site has been disabled"),
    _CHALLENGE_STRONG: ("checking if the site", "checking your browser", "verifying your browser",
                        "enable javascript and cookies", "you are a human", "you are human",
                        "security check", "incapsula", "request unsuccessful", "press",
                        "has been denied", "been blocked", "a robot", "captcha", "unusual traffic",
                        "a bot", "automation"),
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
    if title and _CHALLENGE_TITLE.search(title) and (refused or short) and not failing:
        return f"challenge page titled {title!r}"
    consent = looks_consent(page)
    if consent and not failing:
        return consent
    vendors = [mark for mark in page.marks if mark in _WALL_VENDORS]
    if vendors and _bare(page) and not failing:
        return f"{vendors[0]} bot wall (vendor markup, little content, few links)"
    if short:
        match = _search(_CHALLENGE_STRONG, page.text) or (
            _search(_CHALLENGE_WEAK, page.text) if refused else None)
        if match:
            return f"challenge page: {match.group(0)!r}"
    return None


# --- sign-in walls --------------------------------------------------------------------

_SIGN_IN = r"(?:sign|log)\s*-?\s*(?:in|on)|login|logon|single\s+sign-?on|authenticat\w*"
#: A title segment that is a sign-in label: "Sign in", "Sign in to X", "Log In or Sign Up",
#: "X Sign In", "Single Sign-On"; not a headline that starts with "Login".
_LOGIN_TITLE = re.compile(
    rf"^(?:{_SIGN_IN})(?:\s+(?:to|with|or)\b.*)?$|^.{{0,40}}\b(?:{_SIGN_IN})$", re.IGNORECASE)
_LOGIN_TITLE_CHARS = 1500
_LOGIN_CONTENT_CHARS = 1000  # a sign-in form's page says little of its own
#: What a members-only page says instead of its content.
_LOGIN_NEEDED = re.compile(
    r"\byou\s+(?:must|need\s+to|have\s+to)\s+(?:be\s+)?(?:log(?:ged)?|sign(?:ed)?)\s*-?\s*in\b"
    r"(?!\s+to\s+(?:comment|reply|post|vote|like))"
    r"|\bplease\s+(?:log|sign)\s*-?\s*in\s+(?:to\s+)?(?:continue|view|access|see|read)\b"
    r"|\b(?:log|sign)\s*-?\s*in\s+(?:required|to\s+(?:continue|view\s+this|access\s+this))\b",
    re.IGNORECASE,
)
_LOGIN_PATH = re.compile(
    r"(?:^|/)(?:log[-_]?in|sign[-_]?in|log[-_]?on|sign[-_]?on|auth|authenticate|sso|saml"
    r"|oauth2?|cas|idp|account/login|users/sign_in)(?:\.\w+)?(?:/|$)",
    re.IGNORECASE,
)
_LOGIN_HOSTS = ("accounts.", "account.", "login.", "signin.", "auth.", "sso.", "id.", "idp.")
_RETURN_KEYS = frozenset({
    "returnurl", "return_url", "returnto", "return_to", "redirect_uri", "redirect_url",
    "redirecturl", "redirect", "continue", "next", "goto", "destination", "service", "target",
    "referer", "came_from", "backurl", "fromuri",
})


def _title_segments(title: str) -> list[str]:
    return [seg.strip() for seg in re.split(r"\s+[|\-–—:·]\s+|\s*[|·]\s*", title) if seg.strip()]


def looks_login(page: Page) -> str | None:
    """A sign-in form where content was: a password field on a page with little else, or a
    page titled "Sign in" with hardly any text (forms drawn by JavaScript)."""
    title = page.title or ""
    titled = any(_LOGIN_TITLE.search(seg) for seg in _title_segments(title))
    if (
        page.password_fields and page.links <= LOGIN_MAX_LINKS
        and len(page.text) <= SHORT_PAGE_CHARS
        and (titled or len(page.content_text) <= _LOGIN_CONTENT_CHARS)
    ):
        return "a sign-in form (password field) and little else: not readable anonymously"
    if titled and len(page.text) <= _LOGIN_TITLE_CHARS:
        return f"a sign-in page titled {title!r}: not readable anonymously"
    if len(page.content_text) <= _LOGIN_CONTENT_CHARS:
        match = _LOGIN_NEEDED.search(page.content_text[:_ERROR_TEXT_WITHIN])
        if match:
            return f"page says {match.group(0)!r}: not readable anonymously"
    return None


def _is_login_url(url: str, original: str) -> bool:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if _LOGIN_PATH.search(parts.path) or host.startswith(_LOGIN_HOSTS):
        return True
    wanted = urlsplit(original).path.rstrip("/")
    if len(wanted) < 2:
        return False
    return any(
        key.lower() in _RETURN_KEYS and wanted in unquote(value)
        for key, value in parse_qsl(parts.query)
    )


def login_redirect(url: str, redirects: tuple[Hop, ...], final_url: str) -> str | None:
    """A deep link that now redirects to a sign-in page (/login, accounts.*, ?returnUrl=)."""
    if not redirects or _is_login_url(url, "/"):
        return None
    for hop in redirects:
        if hop.target and _is_login_url(hop.target, url):
            return f"redirects to a sign-in page {hop.target}"
    if _is_login_url(final_url, url):
        return f"redirects to a sign-in page {final_url}"
    return None
