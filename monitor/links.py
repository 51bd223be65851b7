"""Outbound links of an article (HTML or Markdown) with their anchor text. Pure: no I/O.

Used by `monitor import` (turn an article into resources) and by watched sources. API:

    extract_links(document, *, kind=None, base_url=None, selector=None) -> Extraction
        document  the article as text (HTML or Markdown)
        kind      "html" | "markdown"; None sniffs it (see `sniff_kind`)
        base_url  the article's own URL: resolves relative links and tells the site's own
                  (internal) links from outbound ones. None: taken from the document's
                  <base href>, <link rel=canonical> or og:url, if any.
        selector  CSS selector of the article body (e.g. "article .entry-content"); only
                  links inside matching elements count. None: the whole document.
    Extraction.links    tuple[Link(url, text)], outbound http(s) links in document order,
                        fragment removed, each link once (the first anchor text wins;
                        spellings that `linkdiff.normalise_url` folds, such as `utm_*`,
                        `fbclid`/`gclid` or a trailing slash, are the same link)
    Extraction.skipped  tuple[Skipped(href, text, reason, detail)], every anchor not taken,
                        in document order, with a `SkipReason`
    Extraction.title    the document's <title> (or first Markdown heading), if any
    Extraction.base_url the base URL actually used
    sniff_kind(name, content_type, text) -> "html" | "markdown"

Skipped, whatever the selector: the site's own navigation, header, footer, sidebars and
comment sections (`nav`, `header`, `footer`, `aside`, ARIA landmarks, and ids/classes such as
`menu`, `sidebar`, `breadcrumb`), social and share links, non-web schemes (`mailto:`, `tel:`,
`javascript:`...), bare fragments, links back to the page itself, links to the article's own
site, relative links that cannot be resolved, and duplicates.

Markdown is rendered to HTML with markdown-it-py (CommonMark: inline, reference and `<url>`
links) so both go through the same rules. HTML is parsed with beautifulsoup4 over lxml, whose
soupsieve engine provides the CSS selectors without another dependency.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from bs4.element import Tag
from markdown_it import MarkdownIt

from .linkdiff import normalise_url


class SkipReason(StrEnum):
    """Why an anchor was not taken. Stable strings: shown to curators and in JSON."""

    NAVIGATION = "navigation"  # in the site's nav, header, footer, sidebar or comments
    SOCIAL = "social"  # a social network profile or a share button
    SCHEME = "scheme"  # mailto:, tel:, javascript:, data:, ftp:...
    FRAGMENT = "fragment"  # "#section": a place on this page
    SAME_PAGE = "same-page"  # resolves to the article itself
    INTERNAL = "internal"  # another page of the article's own site
    RELATIVE = "relative"  # relative link and no base URL to resolve it against
    EMPTY = "empty"  # no href, or an unusable one
    DUPLICATE = "duplicate"  # the same URL was already taken


@dataclass(frozen=True, slots=True)
class Link:
    url: str  # absolute http(s) URL, fragment removed
    text: str  # anchor text, whitespace collapsed ("" when there is none)


@dataclass(frozen=True, slots=True)
class Skipped:
    href: str  # as written in the document
    text: str
    reason: SkipReason
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Extraction:
    links: tuple[Link, ...]
    skipped: tuple[Skipped, ...]
    title: str | None = None
    base_url: str | None = None


_BOILERPLATE_TAGS = frozenset({"nav", "header", "footer", "aside"})
_BOILERPLATE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary",
                                "menu", "menubar"})
# Whole words in an id or class: "site-header", "main-menu", "sidebar-widget", "comments".
_BOILERPLATE_WORDS = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|header|masthead|footer|sidebar|breadcrumbs?|"
    r"widget|comments?|related|skip-link|cookie)(?:$|[\s_-])", re.IGNORECASE)
_SOCIAL_WORDS = re.compile(r"(?:^|[\s_-])(?:share|sharing|social|sharedaddy|addtoany)"
                           r"(?:$|[\s_-])", re.IGNORECASE)
_SOCIAL_HOSTS = frozenset({
    "facebook.com", "fb.com", "twitter.com", "x.com", "instagram.com", "linkedin.com",
    "pinterest.com", "tiktok.com", "threads.net", "tumblr.com", "wa.me", "whatsapp.com",
    "t.me", "telegram.me", "bsky.app", "mastodon.social", "vk.com", "snapchat.com",
})
# Share endpoints on sites whose other pages may well be recommended (a reddit thread).
_SHARE_URLS = re.compile(
    r"^(?:reddit\.com/submit|news\.ycombinator\.com/submitlink|getpocket\.com/(?:save|edit)|"
    r"digg\.com/submit|buffer\.com/add|addtoany\.com/|sharethis\.com/|flipboard\.com/bookmarklet)",
    re.IGNORECASE)
_WEB_SCHEMES = frozenset({"http", "https"})
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_HTML_SNIFF = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype|html|head|body|meta|div|p|a)\b",
                         re.IGNORECASE | re.DOTALL)


def sniff_kind(name: str | None = None, content_type: str | None = None,
               text: str = "") -> str:
    """"html" or "markdown": by content type, then file suffix, then the text itself."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return "html"
    if kind in ("text/markdown", "text/x-markdown"):
        return "markdown"
    suffix = PurePath(urlsplit(name).path if name and "://" in name else name or "").suffix
    if suffix.lower() in _MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix.lower() in _HTML_SUFFIXES:
        return "html"
    return "html" if _HTML_SNIFF.match(text[:2048]) else "markdown"


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _site(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _is_social(url: str) -> bool:
    parts = urlsplit(url)
    site = _site(parts.hostname or "")
    if any(site == social or site.endswith("." + social) for social in _SOCIAL_HOSTS):
        return True
    return bool(_SHARE_URLS.match(site + parts.path))


def _words(tag: Tag) -> str:
    classes: object = tag.get("class") or []
    names = " ".join(map(str, classes)) if isinstance(classes, list) else str(classes)
    return f"{tag.get('id') or ''} {names}"


def _region(anchor: Tag, stop: Tag | None) -> SkipReason | None:
    """NAVIGATION or SOCIAL when the anchor sits in such a region (up to `stop`)."""
    for parent in [anchor, *anchor.parents]:
        if parent is stop or not isinstance(parent, Tag) or parent.name in ("body", "html"):
            break
        words = _words(parent)
        if _SOCIAL_WORDS.search(words):
            return SkipReason.SOCIAL
        role = str(parent.get("role") or "").lower()
        if parent.name in _BOILERPLATE_TAGS or role in _BOILERPLATE_ROLES or (
                parent is not anchor and _BOILERPLATE_WORDS.search(words)):
            return SkipReason.NAVIGATION
    return None


def _anchor_text(anchor: Tag) -> str:
    text = _collapse(anchor.get_text(" "))
    if text:
        return text
    for image in anchor.find_all("img"):
        alt = _collapse(str(image.get("alt") or ""))
        if alt:
            return alt
    return _collapse(str(anchor.get("aria-label") or anchor.get("title") or ""))


def _document_base(soup: BeautifulSoup) -> str | None:
    candidates = [
        soup.find("base", href=True),
        soup.find("link", rel="canonical", href=True),
    ]
    for tag in candidates:
        if isinstance(tag, Tag) and urlsplit(str(tag["href"])).scheme in _WEB_SCHEMES:
            return str(tag["href"])
    og = soup.find("meta", attrs={"property": "og:url"})
    if isinstance(og, Tag) and urlsplit(str(og.get("content") or "")).scheme in _WEB_SCHEMES:
        return str(og["content"])
    return None


def _without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def _same_page(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (_site(pa.netloc), pa.path.rstrip("/") or "/", pa.query) == \
        (_site(pb.netloc), pb.path.rstrip("/") or "/", pb.query)


def _classify(href: str, base: str | None) -> tuple[str | None, SkipReason | None, str]:
    """(absolute URL, None, "") for an outbound candidate, else (None, reason, detail)."""
    href = href.strip()
    if not href:
        return None, SkipReason.EMPTY, "no href"
    if href.startswith("#"):
        return None, SkipReason.FRAGMENT, ""
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return None, SkipReason.EMPTY, "malformed URL"
    if scheme and scheme not in _WEB_SCHEMES:
        return None, SkipReason.SCHEME, f"{scheme}: link"
    if not scheme and base is None:
        return None, SkipReason.RELATIVE, "relative link and no base URL"
    try:
        href = urljoin(base, href) if not scheme and base is not None else href
        parts = urlsplit(href)
        host = parts.hostname
        _ = parts.port
    except ValueError:
        return None, SkipReason.EMPTY, "malformed URL"
    if not host or any(ch.isspace() for ch in href):
        return None, SkipReason.EMPTY, "malformed URL"
    url = _without_fragment(href)
    if base is not None:
        if _same_page(url, base):
            return None, SkipReason.SAME_PAGE, ""
        if _site(host) == _site(urlsplit(base).hostname or ""):
            return None, SkipReason.INTERNAL, f"on the article's own site {_site(host)}"
    return url, None, ""


def _parse_html(html: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(html, "lxml")


def markdown_to_html(text: str) -> str:
    return str(MarkdownIt("commonmark").render(text))


def _markdown_title(text: str) -> str | None:
    for line in text.splitlines():
        match = re.match(r"^#{1,2}\s+(.+?)\s*#*\s*$", line)
        if match:
            return _collapse(match.group(1))
    return None


def extract_links(
    document: str, *, kind: str | None = None, base_url: str | None = None,
    selector: str | None = None,
) -> Extraction:
    """The outbound links of `document` and every anchor skipped, with reasons.

    Raises ValueError only for an invalid `selector` (our caller's input, not the page's).
    """
    kind = kind or sniff_kind(text=document)
    html = markdown_to_html(document) if kind == "markdown" else document
    soup = _parse_html(html)
    base = base_url or _document_base(soup)
    if kind == "markdown":
        title = _markdown_title(document)
    else:
        title_tag = soup.find("title")
        title = (_collapse(title_tag.get_text()) or None) if title_tag is not None else None
    if selector:
        try:
            roots: list[Tag] = list(soup.select(selector))
        except Exception as exc:  # soupsieve's SelectorSyntaxError and friends
            first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ValueError(f"invalid CSS selector {selector!r}: {first_line}") from None
    else:
        roots = [soup]
    links: list[Link] = []
    skipped: list[Skipped] = []
    taken: dict[str, str] = {}  # normalise_url -> the first spelling taken
    seen_anchor: set[int] = set()
    for root in roots:
        stop = root if selector else None
        for anchor in root.find_all("a"):
            if id(anchor) in seen_anchor:  # nested selector matches
                continue
            seen_anchor.add(id(anchor))
            href = str(anchor.get("href") or "")
            text = _anchor_text(anchor)
            url, reason, detail = _classify(href, base)
            if url is not None and reason is None:
                region = _region(anchor, stop)
                if region is None and _is_social(url):
                    region = SkipReason.SOCIAL
                if region is not None:
                    reason = region
                elif normalise_url(url) in taken:
                    reason = SkipReason.DUPLICATE
                    first = taken[normalise_url(url)]
                    detail = f"same link as {first}" if first != url else ""
            if reason is not None:
                skipped.append(Skipped(href, text, reason, detail))
                continue
            assert url is not None
            taken[normalise_url(url)] = url
            links.append(Link(url, text))
    return Extraction(tuple(links), tuple(skipped), title, base)
