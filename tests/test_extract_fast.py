"""The fast paths read pages exactly as the plain ones did: the text folded by libxml2's
normalize-space(), and by Python only where it leaves Unicode spaces, the site's header and
footer found by walking the tree, and the kept markup's script and comment pattern, each
checked against the plain version it replaced on generated markup."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from monitor import content
from monitor.extract import (
    _CHROME,
    _ODD_ASCII_SPACE,
    MAX_KEY_SCAN,
    _has_password_input,
    _parse,
    _raw_text,
    _strip_invisible,
    collapse,
    extract,
    markup_words_key,
    words_key,
)
from monitor.models import SHORT_PAGE_CHARS, THIN_CONTENT_CHARS
from monitor.vendormarks import VENDOR_MARKS, vendor_marks

UTF8 = "text/html; charset=utf-8"


def test_every_space_libxml2_leaves_is_one_the_fold_looks_for() -> None:
    # normalize-space() folds space, tab, LF and CR; str.split() folds every isspace()
    # character. `_cut` trusts a text with none of the rest: ASCII ones by name, the others
    # by being non-printable.
    left = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c not in " \t\n\r"]
    assert not any(c.isprintable() for c in left)
    assert "".join(c for c in left if c.isascii()) == _ODD_ASCII_SPACE


_SECTION_CHROME = ("//header[not(ancestor::article or ancestor::header or ancestor::footer)]"
                   "|//footer[not(ancestor::article or ancestor::header or ancestor::footer)]")


def _plain(markup: str) -> tuple[str, str, str | None]:
    """(visible text, words key, content text) as extract() read them before: the
    serialised text folded by str.split(), and the chrome found by XPath and dropped by
    drop_tree() (None where that raised: a control character after a header or footer)."""
    doc = _parse(markup)
    assert doc is not None
    _strip_invisible(doc)
    raw = _raw_text(doc)
    try:
        for element in doc.xpath(_SECTION_CHROME):
            element.drop_tree()
    except ValueError:
        return collapse(raw), words_key(raw[:MAX_KEY_SCAN]), None
    etree.strip_elements(doc, *(t for t in _CHROME if t not in ("header", "footer")),
                         with_tail=False)
    return collapse(raw), words_key(raw[:MAX_KEY_SCAN]), collapse(_raw_text(doc))


fragments = st.lists(st.sampled_from([
    "<p>", "</p>", "<b>", "</b>", "<h1>", "</h1>", "<pre>", "</pre>", "<br>", "<article>",
    "</article>", "<header>", "</header>", "<footer>", "</footer>", "<nav>", "</nav>",
    "<a href='/x'>", "</a>", "<script>var a = 1;</script>", "<!-- c -->", "&nbsp;", "&#11;",
    "&#x3000;", "&#8232;", "&#133;", "&#x1c;", "word", "Wörter", "中文", "9", " ", "  ", "\n",
    "\t", "\r\n", "\xa0", "\u3000", "\u2028", "\u2009", "\x0b", "\x0c", "\x1f", "\x85", "\xad",
    "\u200b", "lorem ipsum dolor " * 150, "x\xa0" * 700,
]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(parts=fragments)
def test_text_key_and_content_read_as_the_plain_fold(parts: list[str]) -> None:
    markup = "<html><body>" + "".join(parts) + "</body></html>"
    text, key, own = _plain(markup)
    body = markup.encode()
    for full_text in (True, False):
        page = extract(body, UTF8, full_text=full_text)
        assert page.text == text[: None if full_text else SHORT_PAGE_CHARS + 1]
        assert page.words_key == key
        assert own is None or page.content_text == own[: THIN_CONTENT_CHARS + 1]
    assert markup_words_key(markup) == key


def test_a_long_page_keys_its_raw_text_prefix() -> None:
    # Markup over MAX_KEY_SCAN / 2 characters may have more raw text than the key reads:
    # the key is taken from the serialised text, as before.
    markup = "<p>" + "a \n" * (MAX_KEY_SCAN // 3 + 10) + "tail</p>"
    assert extract(markup.encode(), UTF8).words_key == _plain(markup)[1]


def test_nested_sections_are_chrome_only_outside_an_article() -> None:
    markup = ("<header>site <nav>menu</nav></header><article><header>Headline</header>"
              "<p>Body</p><footer>tags</footer></article><footer>site footer "
              "<header>odd</header></footer><p>after</p>")
    assert extract(markup.encode(), UTF8).content_text == _plain(markup)[2] == \
        "Headline Body tags after"


def test_a_control_character_after_the_site_footer_is_kept_not_raised() -> None:
    # libxml2 keeps VT and FF in text; lxml refuses them in a string set from Python, which
    # drop_tree() did with the footer's tail: the page failed to be read at all
    # ("All strings must be XML compatible"), reported as a fetch error.
    body = b"<body><header>Menu</header>\x0b<p>Text</p><footer>Site</footer>\x0cEnd</body>"
    page = extract(body, UTF8)
    assert page.content_text == "Text End"
    assert page.text == "Menu Text Site End"


_PLAIN_CODE = re.compile(r"<(script|style|svg)\b[^>]*>.*?</\1\s*>|<!--.*?-->",
                         re.IGNORECASE | re.DOTALL)


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(st.sampled_from([
    "<script>", "</script>", "<SCRIPT type=x>", "</Script >", "</script\n>", "<scripts>",
    "</scriptx>", "<style>", "</style>", "<svg>", "</SVG>", "<!--", "-->", "--", "-", "->",
    "<!-->", "<", ">", "</", "x", "<p>", "\n", "ſ", "K",
]), max_size=25))
def test_kept_markup_pattern_matches_as_the_plain_one(parts: list[str]) -> None:
    markup = "".join(parts)
    assert content._CODE.sub("", markup) == _PLAIN_CODE.sub("", markup)


_NEEDLES = sorted({n for _, needles in VENDOR_MARKS for n in needles})


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.sampled_from([*_NEEDLES, b"captcha", b"park", b"lander", b"x", b"RBZ",
                                       b"CF-CHL", b" "]), max_size=12))
def test_guarded_vendor_marks_are_the_plain_ones(parts: list[bytes]) -> None:
    body = b"".join(parts)
    low = body.lower()
    assert vendor_marks(body) == tuple(name for name, needles in VENDOR_MARKS
                                       if any(n in low for n in needles))


_PLAIN_PASSWORD = re.compile(rb"type\s*=\s*[\"']?password", re.IGNORECASE)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.sampled_from([
    b"type", b"TYPE", b"TyPe", b"=", b" ", b"\t", b"\x0b", b"\x0c", b"'", b'"', b"password",
    b"PASSWORD", b"PassWord", b"assword", b"\xc3\x9f", b"\xdf", b"<input ", b">",
]), max_size=12))
def test_password_look_reads_as_the_case_blind_pattern(parts: list[bytes]) -> None:
    body = b"".join(parts)
    assert _has_password_input(body) == bool(
        (b"assword" in body or b"ASSWORD" in body) and _PLAIN_PASSWORD.search(body))
