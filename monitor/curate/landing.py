"""Where a redirect may not take a curated link: a home page, an error page or a login.

`monitor fix` never rewrites a URL to such a landing and `monitor add`/`import` never curate
one. These are judged from the URLs alone (the verdict already read the page itself): sites
send the links they no longer serve to `/`, `/index.html`, `/en/`, `/home`, `/404.html`,
`/error?code=404` or `/login?next=...`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from ..homeurl import is_home_url, is_locale, path_segments
from ..models import Result

_LOGIN_PATH = re.compile(
    r"(?:^|/)(?:log-?in|sign-?in|signon|sso|auth|oauth2?|session/new|users?/sign_in)(?:/|$)"
    r"|[?&](?:returnurl|return_to|redirect_uri|next)=", re.IGNORECASE)
_LOGIN_TITLE = re.compile(r"\b(?:log\s?in|sign\s?in|login|signin)\b", re.IGNORECASE)

_CODE = r"(?:40[0-4]|410|50[0-4])"
_EXTENSION = r"\.(?:s?html?|php\d?|aspx?|jsp|cfm)"
#: A path segment that names an error page wherever it is: `not-found`, `PageNotFound`,
#: `error-404`, `404-page`, `404.html`, `Error.aspx`, `oops`, `something-went-wrong`.
_ERROR_PAGE = re.compile(
    rf"(?:(?:(?:page|file)[-_]?)?not[-_]?found|error[-_]?(?:page|{_CODE})|{_CODE}[-_]?(?:error|page)"
    rf"|o{{2,}}ps|something[-_]went[-_]wrong)(?:{_EXTENSION})?|(?:error|{_CODE}){_EXTENSION}",
    re.IGNORECASE)
#: Segments that name an error page only near the site's root (`/404`, `/en/error`,
#: `/errors/500`): deeper down they are content (`/issues/404`, MDN's `/Global_Objects/Error`).
_ERROR_WORD = re.compile(rf"errors?|{_CODE}", re.IGNORECASE)
#: Query keys that carry an error whatever their value (`?error=`, ASP.NET's `aspxerrorpath`).
_ERROR_KEYS = frozenset({"error", "err", "errorcode", "error_code", "aspxerrorpath", "404"})
#: Query keys that carry an error only when their value is an HTTP error code (`?code=404`).
_STATUS_KEYS = frozenset({"code", "status", "statuscode", "status_code", "http_status"})
_ERROR_STATUS = re.compile(r"[45]\d\d")


def is_error_url(url: str) -> bool:
    """A URL that names an error page in its path or query (`/404`, `/404.html`, `/en/error`,
    `/page-not-found`, `?code=404`, `?error=...`): where sites send links they no longer
    serve. `/issues/404`, `/docs/errors`, `/errors-in-posture` and `?code=200` are pages."""
    near_root = True
    for segment in path_segments(url):
        if _ERROR_PAGE.fullmatch(segment) or (near_root and _ERROR_WORD.fullmatch(segment)):
            return True
        near_root = near_root and is_locale(segment)
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        key = key.lower()
        if key in _ERROR_KEYS or (key in _STATUS_KEYS and _ERROR_STATUS.fullmatch(value.strip())):
            return True
    return False


def _is_login(url: str) -> bool:
    parts = urlsplit(url)
    return bool(_LOGIN_PATH.search(parts.path + ("?" + parts.query if parts.query else "")))


def landing_problem(result: Result, new_url: str) -> str | None:
    """Why `new_url` must not replace the curated URL, or None when it is a fine new home."""
    if result.http_status is None or not 200 <= result.http_status < 300:
        return f"the redirect ends in HTTP {result.http_status}, not a page"
    if not is_home_url(result.url):  # a home page may move to another home page
        for url in (new_url, result.final_url):
            if is_home_url(url):
                return f"it now lands on the home page {url}"
    for url in (new_url, result.final_url):
        if is_error_url(url) and not is_error_url(result.url):
            return f"it now lands on an error page {url}"
    for url in (new_url, result.final_url):
        if _is_login(url):
            return f"it now lands on a login page {url}"
    if result.title and _LOGIN_TITLE.search(result.title):
        return f"it now lands on a login page (title {result.title!r})"
    if urlsplit(result.url).scheme == "https" and urlsplit(new_url).scheme == "http":
        return f"the new address {new_url} drops https"
    return None


def redirect_problem(result: Result) -> str | None:
    """Why a page that answered 200 after redirects is no page to curate: it was sent to the
    home page or an error page (the verdict reads only `/` as a home page)."""
    if not result.redirects:
        return None
    final = result.final_url
    if is_home_url(final) and not is_home_url(result.url):
        return f"redirected to the home page {final}"
    if is_error_url(final) and not is_error_url(result.url):
        return f"redirected to an error page {final}"
    return None
