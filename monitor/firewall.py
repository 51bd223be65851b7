"""A firewall's refusal drawn as a page, any vendor: the visitor's address or request is
blocked ("Your IP address is not allowlisted", "... is using a security service for
protection against online attacks. An action has triggered the service and blocked your
request", "Web Page Blocked!"). Nothing to solve, unlike a bot check: a refusal, judged
`blocked`/`forbidden` whatever status it came with.

Pure functions over a Page, read like a wall's wording: on a short page, and on an
article-sized one only in its opening or in a heading that is the block's own label.
"""

from __future__ import annotations

import re

from .models import SHORT_PAGE_CHARS, Page
from .pagehints import article_like, bare, label_match, lead, search_if

_FIREWALL_BLOCK = re.compile(
    r"\byour\s+ip(?:\s+address)?\s+(?:\(?[\d.:a-f]+\)?\s+)?(?:has\s+been\s+|is\s+|was\s+)"
    r"(?:temporarily\s+)?(?:blocked|banned|blacklisted|denied|not\s+(?:allowed|allowlisted"
    r"|whitelisted|permitted))"
    r"|using\s+a\s+security\s+service\s+(?:for\s+protection|to\s+protect\s+itself)\s+"
    r"(?:against|from)\s+online\s+attacks"
    r"|(?:triggered|firewall)\b.{0,40}?\bblocked\s+your\s+(?:request|access|ip)"
    r"|\b(?:the|your)\s+request\s+(?:is|was|has\s+been)\s+blocked"
    r"|potentially\s+(?:unsafe|malicious)\s+(?:operation|request)\s+(?:has\s+been\s+|was\s+)?"
    r"detected"
    # a server's refusal said to the visitor: "You are not authorized to access this page."
    r"|\byou\s+(?:are|were)\s+not\s+(?:authori[sz]ed|permitted|allowed)\s+to\s+(?:access|view)"
    r"\s+this\s+(?:page|resource|site|website|content|server|directory)",
    re.IGNORECASE,
)
_TRIGGERS = ("your ip", "security service", "blocked your", "request is blocked",
             "request was blocked", "request has been blocked", "potentially", "not authori",
             "not permitted", "not allowed")
#: A block's own label: "Web Page Blocked!", "Request blocked", "Blocked".
_BLOCK_LABEL = re.compile(
    r"^(?:(?:web\s+)?page|access|request|url|site|website|connection)?\s*(?:has\s+been\s+|was\s+"
    r"|is\s+)?blocked[.!]?$", re.IGNORECASE)


def looks_firewall_block(page: Page) -> str | None:
    """A firewall's block page, or None."""
    if len(page.text) > SHORT_PAGE_CHARS:
        return None
    label = label_match(_BLOCK_LABEL, page.title or "", *page.headings) if bare(page) else None
    if label:
        return f"a firewall's block page titled {label.group(0)!r}"
    texts = [page.text]
    if article_like(page):
        texts = [lead(page), *(h for h in page.headings if label_match(_FIREWALL_BLOCK, h))]
    for text in texts:
        match = search_if(_FIREWALL_BLOCK, text, _TRIGGERS)
        if match:
            return f"a firewall's block page: {match.group(0)!r}"
    return None
