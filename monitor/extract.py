"""Bytes -> Page: title, visible text and charset. Pure; the only module that parses HTML.

Besides the title and text, the extractor records the few structural facts the judge needs
(headings, password fields and links of short pages, the text outside the site's chrome, vendor
markers), so judging stays a pure function over data.

Pages come from hostile servers: wrong or missing charsets, invalid bytes, markup inside titles,
truncated bodies. Nothing here raises on bad input; the worst case is a Page with no title.

beautifulsoup4 decodes (UnicodeDammit: header charset, then <meta>, then fallbacks) and finds
the title; the visible text is taken with lxml.html directly, because a full bs4 tree of a
20 KB page costs ~1.4 ms of CPU against ~0.07 ms for lxml (measured), and text is needed for
every page (keywords, soft-404, parking and challenge pages). bs4 (~0.09 s to import, most of
it soupsieve) is imported only when a page needs it: a body without a usable header charset, or
a title with markup in it.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import logging
import re
import warnings
from html.entities import html5 as html5_entities
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from .formbox import OWN_NAME_FIELDS, OWN_PASSWORD, mark_signin_box, signin_box_chars
from .models import SHORT_PAGE_CHARS, THIN_CONTENT_CHARS, Page
from .vendormarks import vendor_marks

# Undecodable bytes are what hostile pages send; the U+FFFD in the text already says so. bs4
# logs a warning for each such page, which cron would mail on every run: keep it to errors.
logging.getLogger("bs4.dammit").setLevel(logging.ERROR)

MAX_TEXT_CHARS = 200_000
MAX_KEY_SCAN = 1_000_000  # raw visible text read for Page.words_key (spacing included)
_SPACE_AND_DIGITS = b" \t\n\r\x0b\x0c0123456789"
MAX_TITLE_CHARS = 500
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_HTML_SNIFF = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|title)\b",
                         re.IGNORECASE | re.DOTALL)
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head")
_TITLE_ELEMENT = re.compile(r"<title\b[^>]*>.*?</title\s*>", re.IGNORECASE | re.DOTALL)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
#: The site's chrome: what `Page.content_text` leaves out. Forms stay (ASP.NET pages wrap
#: the whole body in one).
_CHROME = ("a", "nav", "header", "footer", "aside", "select", "button", "label")
#: A <header> or <footer> inside an <article> belongs to that article (its headline,
#: byline, tags), not to the site's chrome (HTML's sectioning rule; <main> is no section).
_SECTIONS = frozenset(("article", "header", "footer"))
_DROPPED = "MONITOR-CHROME"
#: Matched against the lower-cased body: bytes.lower() folds ASCII letters only, as
#: IGNORECASE does for a bytes pattern, and a literal `type` is found in C (IGNORECASE tried
#: the pattern at every byte: 0.48 -> 0.12 ms mean on the 567 of 3,000 real pages it reads).
_PASSWORD_INPUT = re.compile(rb"type\s*=\s*[\"']?password")
_PASSWORD_COUNT = f"count({OWN_PASSWORD})"
_MAX_LANG_CHARS = 16  # "pt-br", "zh-hant-tw": a language tag, not a sentence
MAX_HEADINGS = 3
#: Where a page's links lead is read on pages with a handful of links (landers, notices).
MAX_LINK_HOSTS_SCAN = 60
MAX_HEADING_CHARS = 200
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def collapse(text: str) -> str:
    """Collapse runs of whitespace (newlines, tabs, NBSP) to single spaces and strip."""
    return " ".join(text.split())  # str.split is ~10x faster than a regex on page-sized text


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    match = _CHARSET.search(content_type)
    return match.group(1).lower() if match else None


def is_html(content_type: str | None, body: bytes) -> bool:
    """HTML by declared type, or by sniffing when the type is missing or generic."""
    if content_type:
        kind = content_type.split(";", 1)[0].strip().lower()
        if kind in ("text/html", "application/xhtml+xml"):
            return True
        if kind not in ("", "text/plain", "application/octet-stream"):
            return False
    return bool(_HTML_SNIFF.match(body[:1024]))


def _trim_partial(body: bytes) -> bytes:
    """Drop an incomplete UTF-8 sequence left at the end of a truncated body."""
    for back in range(1, 4):
        if len(body) < back:
            break
        byte = body[-back]
        if byte < 0x80:
            return body
        if byte >= 0xC0:  # lead byte: is its sequence complete?
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return body if back >= need else body[:-back]
    return body


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _codec(name: str | None) -> str | None:
    """Python's codec for a declared charset, or None when unknown (or not a text codec)."""
    if not name:
        return None
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def decode(
    body: bytes, content_type: str | None, truncated: bool = False
) -> tuple[str, str | None]:
    """Bytes -> (text, charset used): header charset, then <meta>, then UTF-8/cp1252."""
    if truncated:
        body = _trim_partial(body)
    declared = header_charset(content_type)
    codec = _codec(declared)
    if codec and not body.startswith(_BOMS):
        # As browsers do: the header's charset wins (a BOM aside) and bad bytes become U+FFFD.
        # Guessing instead would depend on which detector happens to be installed.
        return body.decode(codec, "replace"), declared
    from bs4 import UnicodeDammit

    known = [declared] if declared else []
    dammit = UnicodeDammit(body, known_definite_encodings=known, is_html=True)
    if dammit.unicode_markup is None:  # pragma: no cover - cp1252 fallback always decodes
        return body.decode("utf-8", "replace"), "utf-8"
    return dammit.unicode_markup, dammit.original_encoding


def _inside(head: str, opener: str, closer: str) -> bool:
    """Whether the end of `head` (lower-cased text before a tag) is inside opener...closer."""
    opened = head.rfind(opener)
    return opened != -1 and head.find(closer, opened) == -1


def _plain_entities(text: str) -> bool:
    """Every `&` starts a complete numeric or known named reference (`&amp;`, `&#8211;`),
    the only ones html.unescape and bs4 are sure to read alike."""
    if "&" not in text:
        return True
    found = _ENTITY.findall(text)
    return len(found) == text.count("&") and all(
        _ordinary_char(name) if name.startswith("#") else f"{name};" in html5_entities
        for name in found)


def _ordinary_char(reference: str) -> bool:
    """A numeric reference to a printable character (control characters, surrogates and
    noncharacters are decoded differently by different parsers)."""
    code = int(reference[2:], 16) if reference[1:2] in ("x", "X") else int(reference[1:])
    return 32 <= code < 127 or 160 <= code < 0xD800 or 0xE000 <= code < 0xFDD0


def _title(markup: str) -> str | None:
    """The page title, decoded by bs4 from the first <title> element that is not inside an
    <svg> or a comment. Only that element is given to bs4: building a bs4 tree costs Python
    calls per tag, and the title is all we need from it."""
    for match in _TITLE_ELEMENT.finditer(markup):
        head = markup[: match.start()].lower()
        if _inside(head, "<svg", "</svg") or _inside(head, "<!--", "-->"):
            continue
        element = match.group(0)
        inner = element[element.index(">") + 1: element.rindex("<")]
        if "<" not in inner and _plain_entities(inner):
            # Plain text and well-formed entities, as nearly every title is: the same text
            # bs4's html.parser gives, at a fraction of the cost (~0.1 ms a page).
            title = collapse(html.unescape(inner))
        else:
            from bs4 import BeautifulSoup
            from bs4.element import Tag

            tag = BeautifulSoup(element, "html.parser").find("title")
            title = collapse(tag.get_text()) if isinstance(tag, Tag) else ""
        return title[:MAX_TITLE_CHARS] or None
    return None


def _parse(markup: str) -> lxml.html.HtmlElement | None:
    # A space before every tag keeps the texts of adjacent elements apart in minified markup
    # ("<h1>404</h1><p>Sorry" reads "404 Sorry", not "404Sorry"); str.replace costs ~nothing.
    markup = _XML_DECLARATION.sub("", markup, count=1).replace("<", " <")
    try:
        return lxml.html.document_fromstring(markup)
    except (ValueError, etree.ParserError):
        return None


def _raw_text(doc: lxml.html.HtmlElement) -> str:
    text: str = etree.tostring(doc, method="text", encoding="unicode", with_tail=False)
    return text


#: The document's text with libxml2's normalize-space() (C): runs of space, tab, CR and LF
#: folded to one space, ends stripped. str.split() also folds VT, FF, the ASCII separators
#: and Unicode spaces (NBSP...), which libxml2 leaves: `_cut` folds those where present.
_FOLDED_TEXT = etree.XPath("normalize-space()", smart_strings=False)
_ODD_ASCII_SPACE = "\x0b\x0c\x1c\x1d\x1e\x1f"


def _folded(doc: lxml.html.HtmlElement) -> str:
    """The document's text, ASCII blanks folded: collapse() of it is collapse() of the raw
    text, and its words_key is the raw text's (only ASCII blanks differ). ~12 µs for a
    20 KB page, where serialising and folding in Python took ~75 µs."""
    text: str = _FOLDED_TEXT(doc)
    return text


def _cut(folded: str, limit: int) -> str:
    """collapse(folded)[:limit], for a text `_folded` returned.

    Nothing is left to fold when the first `limit` + 1 characters hold no whitespace but
    single spaces: every other character str.split() folds is non-printable (Zs, Zl, Zp or
    Cc), and an ASCII text is checked for the few of them libxml2 leaves. Otherwise only a
    prefix a little longer than `limit` is folded in Python (folding costs per word), and
    more only when whitespace made it fall short."""
    head = folded[: limit + 1]
    if head.isascii():
        if not any(c in head for c in _ODD_ASCII_SPACE):
            return head[:limit]
    elif "\xa0" not in head and head.isprintable():  # (NBSP: the usual one; a quick look)
        return head[:limit]
    take = limit + limit // 4 + 16
    while True:
        text = collapse(folded[:take])
        if len(text) > limit or take >= len(folded):
            return text[:limit]
        take *= 2


def _text_of(doc: lxml.html.HtmlElement, limit: int) -> str:
    """The document's text, whitespace collapsed, at most `limit` characters."""
    return _cut(_folded(doc), limit)


def _key_text(markup: str, doc: lxml.html.HtmlElement, folded: str) -> str:
    """The text Page.words_key digests: the first MAX_KEY_SCAN characters of the raw text,
    or the folded text (the same key) when the raw text cannot be that long (an entity
    gives at most two characters, and each tag one space)."""
    return folded if 2 * len(markup) <= MAX_KEY_SCAN else _raw_text(doc)[:MAX_KEY_SCAN]


def _strip_invisible(doc: lxml.html.HtmlElement) -> None:
    etree.strip_elements(doc, *_INVISIBLE, etree.Comment, etree.ProcessingInstruction,
                         with_tail=False)


def words_key(visible: str) -> str:
    """A digest of visible text without digits and ASCII whitespace: equal keys mean the same
    words (only counts, dates, spacing or markup changed). Raw or collapsed text of the same
    page give the same key. One bytes.translate: ~40 µs for a 20 KB page, where folding the
    words in Python took ~280 µs (content.legacy_text_key, keys stored before 0.2.1)."""
    kept = visible.encode("utf-8", "replace").translate(None, _SPACE_AND_DIGITS)
    return "w" + hashlib.blake2b(kept, digest_size=12).hexdigest()


def markup_words_key(markup: str) -> str:
    """words_key of a document's visible text, exactly as extract() computes Page.words_key."""
    doc = _parse(markup)
    if doc is None:
        return words_key("")
    _strip_invisible(doc)
    return words_key(_key_text(markup, doc, _folded(doc)))


def visible_text(markup: str, limit: int = MAX_TEXT_CHARS) -> str:
    """The text a reader sees (no scripts, styles, templates or head), whitespace collapsed,
    at most `limit` characters."""
    doc = _parse(markup)
    if doc is None:
        return ""
    _strip_invisible(doc)
    return _text_of(doc, limit)


def _headings(doc: lxml.html.HtmlElement) -> tuple[str, ...]:
    found = []
    for element in doc.iter("h1", "h2"):
        text = collapse(element.text_content())[:MAX_HEADING_CHARS]
        if text:
            found.append(text)
            if len(found) == MAX_HEADINGS:
                break
    return tuple(found)


def _strip_chrome(doc: lxml.html.HtmlElement) -> None:
    """Remove the site's chrome (links, menus, the site's header and footer, sidebars, form
    controls); an article's own header (its headline) stays."""
    sections = [element for element in doc.iter("header", "footer")  # (XPath: ~3x slower)
                if not any(a.tag in _SECTIONS for a in element.iterancestors())]
    for element in sections:
        # Renamed, then stripped with the rest in C, keeping the text that follows each:
        # drop_tree() moves that text through Python and raises on a control character
        # libxml2 kept ("\x0b", "\x0c"). The parser lower-cases names: no page uses this one.
        element.tag = _DROPPED
    etree.strip_elements(doc, _DROPPED, *(tag for tag in _CHROME
                                          if tag not in ("header", "footer")), with_tail=False)


def link_hosts(hrefs: list[str]) -> tuple[str, ...]:
    """The distinct hosts the links lead to, lower case, "" for a link within the site
    (relative), sorted; fragments, mailto:, tel: and javascript: links are no destination."""
    found: set[str] = set()
    for href in hrefs:
        href = href.strip()
        if not href or href.startswith("#"):
            continue
        try:
            parts = urlsplit(href)
            host = (parts.hostname or "").lower()
        except ValueError:
            continue
        if parts.scheme and parts.scheme.lower() not in ("http", "https"):
            continue
        found.add(host.removeprefix("www."))
    return tuple(sorted(found))


def _has_password_input(body: bytes) -> bool:
    """A cheap look for `type="password"` in the markup (substring first: no regex over
    the body of every article)."""
    return (b"assword" in body or b"ASSWORD" in body) and bool(
        _PASSWORD_INPUT.search(body.lower()))


def extract(
    body: bytes, content_type: str | None, *, truncated: bool = False, full_text: bool = True
) -> Page:
    """Parse a (possibly capped) body.

    `full_text=False` keeps only the first SHORT_PAGE_CHARS + 1 characters of visible text:
    enough to tell a short (error, parking, challenge) page from an article, and much cheaper
    on big pages. Keyword checks need the full text.
    """
    if not body or not is_html(content_type, body):
        return Page(is_html=False)
    with warnings.catch_warnings():  # a library's opinion of a page is not our output
        warnings.simplefilter("ignore")
        markup, charset = decode(body, content_type, truncated)
        title = _title(markup)
    doc = _parse(markup)
    if doc is None:
        return Page(title=title, is_html=True, charset=charset)
    _strip_invisible(doc)
    folded = _folded(doc)
    text = _cut(folded, MAX_TEXT_CHARS if full_text else SHORT_PAGE_CHARS + 1)
    key = words_key(_key_text(markup, doc, folded))  # (before the chrome goes)
    passwords = links = names = 0
    hosts: tuple[str, ...] = ()
    # Sign-in walls are short, or carry a password field under long terms of use; articles
    # need no counting.
    if len(text) <= SHORT_PAGE_CHARS or _has_password_input(body):
        passwords = int(doc.xpath(_PASSWORD_COUNT))
        if not passwords:  # (a sign-in form drawn without one: a user name field first)
            names = int(doc.xpath(f"count({OWN_NAME_FIELDS})"))
        links = int(doc.xpath("count(//a[@href])"))
        if links <= MAX_LINK_HOSTS_SCAN:
            hosts = link_hosts(doc.xpath("//a/@href"))
    headings = _headings(doc)
    if passwords:
        mark_signin_box(doc)
    _strip_chrome(doc)
    content = _text_of(doc, THIN_CONTENT_CHARS + 1)
    box = signin_box_chars(doc) if passwords else 0
    marks = vendor_marks(body) if len(content) <= THIN_CONTENT_CHARS else ()
    lang = (doc.get("lang") or doc.get("xml:lang") or "").strip().lower()[:_MAX_LANG_CHARS]
    return Page(title=title, text=text, is_html=True, charset=charset, content_text=content,
                headings=headings, password_fields=passwords, links=links, marks=marks,
                signin_box_chars=box, name_fields=names,
                link_hosts=hosts,
                words_key=key, lang=lang)
