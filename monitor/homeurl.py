"""Which URL is a site's home page: `/`, an index document, a language's front page.

Pure functions over URL strings, shared by the judge (a deep link that now redirects to the
home page is broken) and by curating (`monitor fix` never rewrites a link to a home page).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from .linkdiff import is_tracking_param

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


def path_segments(url: str) -> list[str]:
    """The decoded, non-empty segments of a URL's path."""
    return [segment for segment in unquote(urlsplit(url).path).split("/") if segment]


def is_locale(segment: str) -> bool:
    """A path segment naming a language or locale (`en`, `pt_BR`, `zh-hans`, `jp`)."""
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
    segments = path_segments(url)
    if segments and _HOME_DOCUMENT.fullmatch(segments[-1]):
        segments.pop()
    return not segments or (len(segments) == 1 and is_locale(segments[0]))
