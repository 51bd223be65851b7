"""A server's, proxy's or CDN's own error page served with 200: "403 Forbidden", "HTTP Status
406 - Not Acceptable", "example.com | 502: Bad gateway", "Server Error: Gateway Timeout". Any
vendor's status page is labelled with the status line it was drawn for; when the response
itself says 200, the label is the truth, and the link is judged as if it had come with it.

Pure functions over a Page. Only labels count (a title segment or one of the first headings,
never a headline), and only on a page with next to no content of its own: documentation
about status codes is an article.
"""

from __future__ import annotations

import re
from http import HTTPStatus

from .models import Page
from .pagehints import article_like, headline, title_segments

#: A status page is a status line and a sentence or two.
STATUS_PAGE_CONTENT = 800
_LABEL_HEADINGS = 2
_CODE = re.compile(r"(?<![\w.,#$€£¥￥(/-])([45]\d\d)(?![\w)/-]|[.,]\d)")
#: A code with nothing but a status word around it: "Error 403", "HTTP 502", "403", "40x".
_CODE_ONLY = re.compile(r"^(?:(?:http|error)\s+)?(?:status\s+|error\s+)?\d{3}(?:\s+error)?$")
#: "Error 503 Backend is unhealthy", "HTTP Error 500.37 - ANCM Failed to Start": a label that
#: opens with the status line names the status, whatever the server adds.
_CODE_FIRST = re.compile(r"^(?:http\s+)?(?:error|status)\s+(\d{3})\b")
#: IIS names its errors with a sub-status: "HTTP Error 404.0 - Not Found", "HTTP Error
#: 500.19 - Internal Server Error", "HTTP Error 500.37 - ANCM Failed to Start".
_SUB_STATUS = re.compile(r"^\s*http\s+error\s+([45]\d\d)\.\d{1,3}\b", re.IGNORECASE)
_CLIENT_OR_SERVER = re.compile(r"^(?:(?:client|server)\s+error|error|http\s+error)\s+")
#: Reason phrases distinctive enough to be a status page's whole label without the code
#: ("Forbidden", "Bad Gateway"); "Not Found" is the soft-404 rule's, "Gone" or "Locked"
#: name too many other things.
_PHRASE_ALONE: dict[str, int] = {
    "bad request": 400, "unauthorized": 401, "forbidden": 403, "method not allowed": 405,
    "not acceptable": 406, "request timeout": 408, "too many requests": 429,
    "internal server error": 500, "bad gateway": 502, "service unavailable": 503,
    "service temporarily unavailable": 503, "gateway timeout": 504, "gateway time out": 504,
}


def _fold(text: str) -> str:
    """Lower-case words and numbers; a path the page echoes ("HTTP Status 404 - /x") goes."""
    words = (w for w in text.lower().replace("'", "").split() if "/" not in w)
    return " ".join(re.findall(r"\w+", " ".join(words)))


def _phrase(code: int) -> str | None:
    try:
        return _fold(HTTPStatus(code).phrase)
    except ValueError:
        return None


def _status_of(label: str) -> int | None:
    sub = _SUB_STATUS.match(label)
    if sub is not None and _phrase(int(sub.group(1))) is not None:
        return int(sub.group(1))
    folded = _fold(label)
    for match in _CODE.finditer(label):
        code = int(match.group(1))
        phrase = _phrase(code)
        if phrase is None:
            continue
        rest = _CLIENT_OR_SERVER.sub("", folded.replace(match.group(1), " ", 1).strip())
        first = _CODE_FIRST.match(folded)
        if phrase in folded or _CODE_ONLY.match(folded) or _PHRASE_ALONE.get(rest) == code \
                or (first is not None and first.group(1) == match.group(1)):
            return code
    return _PHRASE_ALONE.get(_CLIENT_OR_SERVER.sub("", folded))


def embedded_status(page: Page) -> tuple[int, str] | None:
    """The HTTP status a page with no content of its own is labelled with, and the label;
    None for any other page."""
    if len(page.content_text) > STATUS_PAGE_CONTENT or article_like(page):
        return None
    labels = (*title_segments(page.title or ""), *page.headings[:_LABEL_HEADINGS])
    for label in labels:
        if not label or headline(label) or len(label.split()) > 8:
            continue
        code = _status_of(label)
        if code is not None:
            return code, label
    return None
