"""Where a redirect may not take a curated link: a home page, an error page or a login.

`monitor fix` never rewrites a URL to such a landing and `monitor add`/`import` never curate
one. These are judged from the URLs alone (the verdict already read the page itself): sites
send the links they no longer serve to `/`, `/index.html`, `/en/`, `/home`, `/404.html`,
`/error?code=404` or `/login?next=...`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from ..linkdiff import is_tracking_param
from ..models import Result

_LOGIN_PATH = re.compile(
    r"(?:^|/)(?:log-?in|sign-?in|signon|sso|auth|oauth2?|session/new|users?/sign_in)(?:/|$)"
    r"|[?&](?:returnurl|return_to|redirect_uri|next)=", re.IGNORECASE)
_LOGIN_TITLE = re.compile(r"\b(?:log\s?in|sign\s?in|login|signin)\b", re.IGNORECASE)

#: ISO 639-1 languages, and the country codes sites use as a language prefix (`/jp/`).
_LANGUAGE_CODES = (
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu "
    "cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi "
    "ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks "
    "ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl "
    "nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl "
    "sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve "
    "vi vo wa wo xh yi yo za zh zu at au cn cz dk gb gr hk jp mx nz us")
_LANGUAGES = frozenset(_LANGUAGE_CODES.split())
#: `en`, `en-us`, `pt_BR`, `es-419`, `zh-hans`: the language part is checked against the set.
_LOCALE = re.compile(r"([a-z]{2})(?:[-_](?:[a-z]{2}|\d{3}|hans|hant|latn|cyrl))?",
                     re.IGNORECASE)
#: A site's front-page document: `index.html`, `index.php`, `default.aspx`, `home`.
_HOME_DOCUMENT = re.compile(
    r"(?:index|default|home|homepage)(?:\.(?:s?html?|php\d?|aspx?|jsp|cfm))?", re.IGNORECASE)
#: Query keys that only choose the front page's language.
_LANGUAGE_KEYS = frozenset({"lang", "language", "locale", "hl", "lng"})

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


def _segments(url: str) -> list[str]:
    return [segment for segment in unquote(urlsplit(url).path).split("/") if segment]


def _is_locale(segment: str) -> bool:
    match = _LOCALE.fullmatch(segment)
    return match is not None and match.group(1).lower() in _LANGUAGES


def is_home_url(url: str) -> bool:
    """A site's home page: `/`, an index document (`/index.html`, `/default.aspx`, `/home`),
    a language's front page (`/en/`, `/en-us/index.php`), with at most tracking or language
    parameters. `/homework-tips`, `/docs/index.html` and `/en/exercises/` are pages."""
    query = urlsplit(url).query
    if not all(is_tracking_param(key) or key.lower() in _LANGUAGE_KEYS
               for key, _ in parse_qsl(query, keep_blank_values=True)):
        return False
    segments = _segments(url)
    if segments and _HOME_DOCUMENT.fullmatch(segments[-1]):
        segments.pop()
    return not segments or (len(segments) == 1 and _is_locale(segments[0]))


def is_error_url(url: str) -> bool:
    """A URL that names an error page in its path or query (`/404`, `/404.html`, `/en/error`,
    `/page-not-found`, `?code=404`, `?error=...`): where sites send links they no longer
    serve. `/issues/404`, `/docs/errors`, `/errors-in-posture` and `?code=200` are pages."""
    near_root = True
    for segment in _segments(url):
        if _ERROR_PAGE.fullmatch(segment) or (near_root and _ERROR_WORD.fullmatch(segment)):
            return True
        near_root = near_root and _is_locale(segment)
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
