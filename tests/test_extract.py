"""Title and text extraction from hostile bytes; property tests that nothing ever raises."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest
from helpers_modes import run_monitor, write_config
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.extract import extract
from monitor.judge import Context, judge
from monitor.models import Fetched, Hop, Page, Resource, Status

from loopback import LoopbackWeb


def test_title_whitespace_and_entities_are_normalised() -> None:
    body = b"<html><head><title>\n  Spinal  Stenosis &amp; Exercise &#8211; Guide\n</title>"
    assert extract(body, "text/html").title == "Spinal Stenosis & Exercise – Guide"


def test_charset_from_header_meta_and_fallbacks() -> None:
    latin = "<title>Übungen für Spinalkanalstenose</title>".encode("iso-8859-1")
    assert extract(latin, "text/html; charset=ISO-8859-1").title == \
        "Übungen für Spinalkanalstenose"
    meta = b'<html><head><meta charset="windows-1252"><title>Caf\xe9 \x93quotes\x94</title>'
    assert extract(meta, "text/html").title == "Café “quotes”"
    # header lies (utf-8) but bytes are latin-1: no crash, readable text
    wrong = extract(latin, "text/html; charset=utf-8").title
    assert wrong is not None and "bungen" in wrong


def test_markup_in_title_is_text_not_tags() -> None:
    body = b"<title>&lt;script&gt;alert(1)&lt;/script&gt;\"onerror=</title>"
    assert extract(body, "text/html").title == '<script>alert(1)</script>"onerror='


def test_svg_title_is_not_the_page_title() -> None:
    body = b"<html><body><svg><title>icon</title></svg><p>x</p></body></html>"
    assert extract(body, "text/html").title is None


def test_visible_text_skips_scripts_and_styles() -> None:
    body = (b"<html><head><title>T</title><style>.stenosis{}</style></head><body>"
            b"<script>var flexion = 1;</script><p>Walking helps</p></body></html>")
    page = extract(body, "text/html")
    assert page.text == "Walking helps"


def test_binary_and_pdf_bodies_are_not_html() -> None:
    assert extract(b"%PDF-1.7\n...", "application/pdf") == Page(is_html=False)
    assert extract(bytes(range(256)), None).is_html is False
    assert extract(b"<!doctype html><title>Sniffed</title>", None).title == "Sniffed"


def test_truncated_multibyte_tail_is_dropped_not_misdecoded() -> None:
    body = "<title>Übung für Rücken</title><p>Kräftigung".encode() + "ü".encode()[:1]
    page = extract(body, "text/html", truncated=True)
    assert page.title == "Übung für Rücken"


@settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=2048), content_type=st.one_of(
    st.none(), st.sampled_from(["text/html", "text/html; charset=utf-8",
                                "text/html; charset=bogus-enc", "application/pdf", ""]),
    st.text(max_size=40)))
def test_extract_never_raises_on_random_bytes(body: bytes, content_type: str | None) -> None:
    page = extract(body, content_type)
    assert page.title is None or isinstance(page.title, str)


html_fragments = st.lists(st.sampled_from([
    "<title>", "</title>", "<html>", "<head>", "<body>", "<svg>", "</svg>", "<script>",
    "</script>", "&amp;", "&#0;", "&#x110000;", "404", "Page not found", "for sale",
    "Just a moment...", "stenosis", "\x00", "\ufffd", "<meta charset='utf-16'>", "<!--",
    "<![CDATA[", "]]>", " ", "\n",
]), max_size=40)


@settings(max_examples=150, deadline=None)
@given(parts=html_fragments, code=st.integers(100, 599),
       headers=st.lists(st.tuples(st.sampled_from(["server", "cf-mitigated", "retry-after"]),
                                  st.text(max_size=20)), max_size=3))
def test_judge_always_returns_exactly_one_status(
    parts: list[str], code: int, headers: list[tuple[str, str]]
) -> None:
    body = "".join(parts).encode("utf-8", "surrogatepass")
    page = extract(body, "text/html")
    url = "https://example.org/a/b"
    fetched = Fetched(url=url, final_url="https://example.org/", http_status=code, page=page,
                      headers=tuple(headers), redirects=(Hop(url, 301, "https://example.org/"),))
    resource = Resource(id="r", name="r", url=url, keywords=("stenosis",))
    verdict = judge(resource, fetched, Context(baseline_title="Stenosis exercises"))
    assert isinstance(verdict.status, Status)


def test_title_in_a_comment_is_skipped() -> None:
    body = b"<html><head><!-- <title>Old</title> --><title>New &amp; Real</title></head>"
    assert extract(body, "text/html").title == "New & Real"


INVALID_BYTES = (b"<html><head><title>Caf\xe9 \xff\xfe</title></head>"
                 b"<body>ok \x81\x8d</body></html>")


def test_bytes_invalid_in_the_charset_are_replaced_without_a_library_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG), warnings.catch_warnings():
        warnings.simplefilter("error")
        page = extract(INVALID_BYTES, "text/html; charset=utf-8")
    assert page.title == "Caf\ufffd \ufffd\ufffd"
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_cron_stays_silent_on_a_page_with_undecodable_bytes(
        web: LoopbackWeb, tmp_path: Path) -> None:
    url = web.set_page("/undecodable", INVALID_BYTES)
    write_config(tmp_path / "resources.toml", [("odd", url)])
    done = run_monitor("check", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
def _title_by_bs4(element: str) -> str | None:
    from bs4 import BeautifulSoup

    from monitor.extract import collapse
    tag = BeautifulSoup(element, "html.parser").find("title")
    return (collapse(tag.get_text())[:500] or None) if tag is not None else None


@pytest.mark.parametrize("inner", [
    "Plain", "a &amp; b", "&ndash;&#8211;&#x2013;", "caf&eacute;", "x &lt; y",
    "&amp", "&copy2024", "&notit;", "&#1;", "&#xD800;", "&#150;", "&#0;", "a <b>bold</b>",
    "\r\n  spaced \t out ", "&AMP; &hellip;",
])
def test_fast_title_reads_like_bs4(inner: str) -> None:
    from monitor.extract import _title
    element = f"<title>{inner}</title>"
    assert _title(element) == _title_by_bs4(element)


@given(st.text(alphabet="ab &;#x0129FDlt;gampAMPcopy\u00e9\n<>/", max_size=40))
@settings(max_examples=300, deadline=None)
def test_fast_title_reads_like_bs4_on_any_text(inner: str) -> None:
    from monitor.extract import _title
    element = f"<title>{inner}</title>"
    assert _title(element) == _title_by_bs4(element)


@pytest.mark.parametrize("markup", [
    "<html><head><title>T</title><script>var a = 1;</script></head><body><p>Hello  world"
    "</p><p>Posted 2024-03-02</p></body></html>",
    "<html><body><h1>404</h1><p>Sorry,\n\tthat page\u00a0is gone</p></body></html>",
    "<html><body><nav><a href='/'>Home</a></nav><main>Only <b>bold</b> text</main></body>",
    "<!DOCTYPE html><html><body></body></html>",
])
def test_words_key_is_the_content_text_key_of_the_same_page(markup: str) -> None:
    """content.read reuses the extractor's key instead of parsing the page a second time, so
    both must name the same words (keys stored by earlier runs still match)."""
    from monitor import content

    page = extract(markup.encode(), "text/html; charset=utf-8")
    assert page.words_key == content.read(markup.encode(), "text/html; charset=utf-8",
                                          is_html=True, extract=False).text_key
    assert page.words_key.startswith("w")


def test_words_key_ignores_spacing_and_numbers_but_not_words() -> None:
    from monitor.extract import words_key

    assert words_key("Hello world, 3 new posts") == words_key(" Hello\n\tworld,  12 new  posts")
    assert words_key("Hello world") != words_key("Hello there")
