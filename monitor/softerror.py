"""Error pages that never say "404" or "not found": a page that opens with a failure notice
("An error occurred while processing your request", "Something went wrong", "There's been a
glitch") or with the advice every not-found template gives its visitor ("you may have
mistyped the address", "the link you followed may be broken", "you've taken a wrong turn");
a maintenance notice ("We'll be back soon", "Site under maintenance") or a platform's
out-of-service notice ("This application is currently unavailable"), which say the site is
down for now; and a link platform's "Invalid Dynamic Link", which says the link is dead.

Pure functions over a Page. Both read only a page that is no article (thin content, not built
as an article) and only its labels (title segments, headings) and the opening of its own
content: an article may quote either wording further down.
"""

from __future__ import annotations

import re

from .models import THIN_CONTENT_CHARS, Page
from .pagehints import article_like, headline, search_if, title_segments

#: How far into a page's own content its advice may start (menus' leftovers come first)...
NOTICE_WITHIN = 240
#: ... and a failure notice: it is the page's first words. Further down, "Oops! Something went
#: wrong" is a form's hidden error message (site builders put one under every form).
FAILURE_WITHIN = 80

_YOU = r"(?:you|we|i)(?:\s+(?:have|had|are)|['’](?:ve|re))?"
#: A failure notice in place of the page: the application failed to draw it.
_FAILURE = re.compile(
    r"\b(?:an?\s+(?:unexpected\s+|unknown\s+|internal\s+|application\s+)?error\s+"
    r"(?:has\s+|was\s+)?(?:occurr?ed|been\s+encountered|encountered)"
    r"|there(?:\s+(?:was|has\s+been|is)|['’]s\s+been)\s+an?\s+(?:unexpected\s+|unknown\s+)?"
    r"(?:error|glitch|problem)\b"
    r"|something\s+(?:went|has\s+gone|is)\s+wrong(?!\s+(?:while|when)\s+submitting)"
    r"|(?:not\s+(?:quite\s+)?sure|don['’]t\s+know)\s+what\s+(?:went\s+wrong|happened)"
    r"|(?:we|you)(?:\s+have|['’]ve)?\s+encountered\s+an?\s+(?:unexpected\s+)?(?:error|problem)"
    # "An error occurred" in the main European languages
    r"|er\s+(?:heeft\s+zich\s+een\s+fout\s+voorgedaan|is\s+een\s+fout\s+opgetreden)"
    r"|es\s+ist\s+ein\s+(?:unerwarteter\s+)?fehler\s+aufgetreten"
    r"|une\s+erreur\s+(?:inattendue\s+)?(?:s['’]est\s+produite|est\s+survenue)"
    r"|se\s+(?:ha\s+)?produ(?:jo|cido)\s+un\s+error|si\s+[èe]\s+verificato\s+un\s+errore"
    r"|ocorreu\s+um\s+erro|wyst[aą]pi[lł]\s+b[lł][aą]d|ett\s+fel\s+(?:har\s+)?uppstod)",
    re.IGNORECASE,
)
_FAILURE_TRIGGERS = ("error", "glitch", "problem", "wrong", "happened", "fout", "fehler",
                     "erreur", "errore", "erro", "błąd", "blad", "bład", "fel")
#: What a not-found template tells its visitor about the address they used.
_WRONG_ADDRESS = re.compile(
    r"\b(?:mis-?typed\s+(?:the|a|this|that|your)\s+(?:web\s+)?(?:address|url|link)"
    rf"|{_YOU}\s+(?:may|might)\s+have\s+mis-?typed"
    r"|typed\s+(?:in\s+)?(?:a|the|an)\s+(?:wrong|incorrect|invalid)\s+(?:web\s+)?"
    r"(?:address|url|link)"
    r"|(?:the\s+)?(?:web\s+)?(?:address|url)\s+(?:was|is|may\s+be|might\s+be)\s+"
    r"(?:mis-?typed|typed\s+incorrectly|misspelled|incorrect)"
    r"|(?:the\s+)?link\s+(?:that\s+)?(?:you\s+)?(?:followed|clicked|used)\s+"
    r"(?:may\s+be|might\s+be|is|was)\s+(?:broken|outdated|incorrect|wrong|old|out\s+of\s+date)"
    r"|(?:taken|took|made)\s+a\s+wrong\s+turn"
    r"|check\s+(?:the|your)\s+(?:web\s+)?(?:url|address|link|spelling)\s+(?:and\s+try\s+again"
    r"|for\s+(?:proper\s+)?(?:spelling|typos|errors)|(?:that\s+)?you\s+(?:entered|typed)))",
    re.IGNORECASE,
)
#: A maintenance notice in place of the page: the site is down for now, whatever the status.
_MAINTENANCE = re.compile(
    r"\b(?:(?:site|website|service|we\s+are|we['’]re|currently)\s+(?:is\s+)?(?:temporarily\s+)?"
    r"(?:under|down\s+for|undergoing|performing|closed\s+for)\s+(?:some\s+|scheduled\s+|planned\s+)?"
    r"maintenance|(?:we['’]ll|we\s+will)\s+be\s+back\s+(?:soon|shortly|online)"
    # (not "Website maintenance" alone: a web agency's service is called so)
    r"|maintenance\s+mode|^(?:site\s+|website\s+)?(?:is\s+)?(?:under|down\s+for)\s+maintenance$)",
    re.IGNORECASE,
)
_MAINTENANCE_TRIGGERS = ("maintenance", "be back")
#: A platform's notice that the application or site is out of service for now ("This
#: application is currently unavailable", "Website Temporarily Unavailable"): down, as a
#: 503 says. Not an item out of stock, nor a service "not available in your country".
_OUT_OF_SERVICE = re.compile(
    r"\b(?:web\s*site|site|web\s*app|application|app|service|portal|page)\s+(?:is\s+)?"
    r"(?:currently\s+|temporarily\s+){0,2}(?:unavailable|not\s+available|offline)\b"
    r"(?!\s+(?:in|for|to)\s+(?:your|this|the)\b|\s+(?:in|outside)\s+\w)",
    re.IGNORECASE,
)
_OUT_OF_SERVICE_TRIGGERS = ("unavailable", "not available", "offline")
#: ... said to be for now: "temporarily", "please try again later". A platform's bare "your
#: site is currently unavailable" is as often a site it has deactivated (judged as such).
_FOR_NOW = re.compile(
    r"\btemporar|\btry\s+(?:your\s+request\s+|it\s+)?again|\blater\s+time\b|\bcheck\s+back\b"
    r"|\bback\s+(?:soon|shortly|online)\b|\bresumed\b|\bas\s+soon\s+as\s+possible\b",
    re.IGNORECASE)
#: How far into the page the advice to come back may come.
_FOR_NOW_WITHIN = 400
#: A link platform's answer for a link it does not know ("Invalid Dynamic Link", "Invalid
#: URL", "This link has expired"): the link itself is dead. Read in labels only.
_INVALID_LINK = re.compile(
    r"^\W*invalid\s+(?:dynamic\s+|short\s+|deep\s+|magic\s+|share\s+)?"
    r"(?:link|url|address|invite|invitation)\W*$"
    r"|^\W*(?:this\s+|the\s+)?(?:link|url|invite|invitation)\s+(?:is\s+|has\s+)?"
    r"(?:invalid|expired|no\s+longer\s+valid)\W*$",
    re.IGNORECASE,
)
_WRONG_ADDRESS_TRIGGERS = ("typed", "link", "wrong turn", "check the", "check your", "address",
                           "url")


def _labels(page: Page) -> list[str]:
    """Title segments and headings that read as labels, not headlines."""
    return [text for text in (*title_segments(page.title or ""), *page.headings)
            if text and not headline(text)]


def _notice(page: Page, pattern: re.Pattern[str], triggers: tuple[str, ...], within: int, *,
            labels: bool = True) -> str | None:
    if len(page.content_text) > THIN_CONTENT_CHARS or article_like(page):
        return None
    lead = page.content_text[:within]
    for heading in page.headings:  # a headline quoting the words is an article's own
        if headline(heading):
            lead = lead.replace(heading, " ")
    for text in (*(_labels(page) if labels else ()), lead):
        match = search_if(pattern, text, triggers)
        if match:
            return match.group(0)
    return None


def failure_notice(page: Page) -> str | None:
    """The wording of a failure notice that opens a page with no content of its own."""
    return _notice(page, _FAILURE, _FAILURE_TRIGGERS, FAILURE_WITHIN)


def wrong_address(page: Page) -> str | None:
    """The wording of a not-found template's advice about a mistyped or stale address."""
    # (in the opening only: a help page may be headed "Check the URL")
    return _notice(page, _WRONG_ADDRESS, _WRONG_ADDRESS_TRIGGERS, NOTICE_WITHIN, labels=False)


def maintenance_notice(page: Page) -> str | None:
    """The wording of a maintenance notice that opens a page with no content of its own."""
    return _notice(page, _MAINTENANCE, _MAINTENANCE_TRIGGERS, NOTICE_WITHIN)


def out_of_service(page: Page) -> str | None:
    """The wording of a platform's notice that the application or site is unavailable for
    now, on a page with no content of its own (a label, or the page's opening), that says
    it is for now ("temporarily", "please try again later")."""
    notice = _notice(page, _OUT_OF_SERVICE, _OUT_OF_SERVICE_TRIGGERS, FAILURE_WITHIN)
    if notice is None:
        return None
    said = f"{page.title or ''} {page.content_text[:_FOR_NOW_WITHIN]}"
    return notice if _FOR_NOW.search(said) else None


def invalid_link(page: Page) -> str | None:
    """A label saying the link is invalid or expired, on a page with no content of its own
    (an article headlined "Invalid URL errors and how to fix them" is a headline)."""
    if len(page.content_text) > THIN_CONTENT_CHARS or article_like(page):
        return None
    for text in _labels(page):
        match = _INVALID_LINK.search(text)
        if match:
            return match.group(0).strip()
    return None
