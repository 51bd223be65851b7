"""links.py: outbound links of an article with their anchor text, and every skip's reason."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from monitor.links import SkipReason, extract_links, sniff_kind

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent
BASE = "https://blog.example.com/post"


def shipped_urls() -> list[str]:
    data = tomllib.loads((ROOT / "resources.toml").read_text(encoding="utf-8"))
    return [r["url"] for r in data["resource"]]


@pytest.mark.parametrize("name", ["lss-article.html", "lss-article.md"])
def test_saved_article_yields_exactly_the_shipped_list(name: str) -> None:
    found = extract_links((FIXTURES / name).read_text(encoding="utf-8"),
                          kind=sniff_kind(name))
    assert sorted(link.url for link in found.links) == sorted(shipped_urls())
    assert found.title and "Lumbar Spinal Stenosis" in found.title


def test_html_article_skips_site_chrome_with_reasons() -> None:
    found = extract_links((FIXTURES / "lss-article.html").read_text(encoding="utf-8"))
    assert found.base_url == "https://www.balancedback.com/blog/spinal-stenosis-exercises"
    reasons = {s.text: s.reason for s in found.skipped}
    assert reasons["Facebook"] is SkipReason.SOCIAL
    assert reasons["Share"] is SkipReason.SOCIAL and reasons["Reddit"] is SkipReason.SOCIAL
    assert reasons["Write to us"] is SkipReason.SCHEME and reasons["call"] is SkipReason.SCHEME
    assert reasons["Print"] is SkipReason.SCHEME
    assert reasons["Jump to the list"] is SkipReason.FRAGMENT
    assert reasons["Site by WebAgency"] is SkipReason.NAVIGATION  # footer
    assert reasons["Sign up for our newsletter"] is SkipReason.NAVIGATION  # aside
    assert reasons["the guide"] is SkipReason.DUPLICATE
    assert reasons["find out about an innovative new procedure"] is SkipReason.INTERNAL
    first = found.links[0]
    assert first.text.startswith("a video series showing three back stretches")
    assert "#" not in first.url  # fragment dropped


def page(body: str, head: str = "") -> str:
    return f"<html><head><title>T</title>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("anchor", "reason"),
    [
        ('<a href="mailto:a@b.c">m</a>', SkipReason.SCHEME),
        ('<a href="tel:123">t</a>', SkipReason.SCHEME),
        ('<a href="javascript:void(0)">j</a>', SkipReason.SCHEME),
        ('<a href="ftp://x.org/f">f</a>', SkipReason.SCHEME),
        ('<a href="#top">top</a>', SkipReason.FRAGMENT),
        ('<a>no href</a>', SkipReason.EMPTY),
        ('<a href="http://[::1">bad</a>', SkipReason.EMPTY),
        (f'<a href="{BASE}#comments">c</a>', SkipReason.SAME_PAGE),
        ('<a href="/other">o</a>', SkipReason.INTERNAL),
        ('<a href="https://www.blog.example.com/x">o</a>', SkipReason.INTERNAL),
        ('<nav><a href="https://other.org/">o</a></nav>', SkipReason.NAVIGATION),
        ('<div role="navigation"><a href="https://other.org/">o</a></div>',
         SkipReason.NAVIGATION),
        ('<div id="sidebar"><a href="https://other.org/">o</a></div>', SkipReason.NAVIGATION),
        ('<ul class="breadcrumb"><li><a href="https://other.org/">o</a></li></ul>',
         SkipReason.NAVIGATION),
        ('<div class="post-share"><a href="https://other.org/">o</a></div>', SkipReason.SOCIAL),
        ('<a href="https://x.com/someone">x</a>', SkipReason.SOCIAL),
        ('<a href="https://www.linkedin.com/shareArticle?url=u">in</a>', SkipReason.SOCIAL),
        ('<a href="https://news.ycombinator.com/submitlink?u=x">hn</a>', SkipReason.SOCIAL),
    ],
)
def test_skips(anchor: str, reason: SkipReason) -> None:
    found = extract_links(page(anchor), base_url=BASE)
    assert found.links == ()
    assert [s.reason for s in found.skipped] == [reason]


@pytest.mark.parametrize(
    ("anchor", "url", "text"),
    [  # near misses of the skips above: these are real outbound links
        ('<a href="https://other.org/a#part">A  b\n c</a>', "https://other.org/a", "A b c"),
        ('<a href="https://www.reddit.com/r/back/comments/1">thread</a>',
         "https://www.reddit.com/r/back/comments/1", "thread"),
        ('<a href="https://www.youtube.com/watch?v=x">video</a>',
         "https://www.youtube.com/watch?v=x", "video"),
        ('<a href="https://send.example.org/share-your-story">story</a>',
         "https://send.example.org/share-your-story", "story"),
        ('<div class="navigator-tips"><a href="https://other.org/">o</a></div>',
         "https://other.org/", "o"),
        ('<a href="https://other.org/"><img alt="Logo text"></a>', "https://other.org/",
         "Logo text"),
        ('<a class="nav-link" href="https://other.org/p">in body</a>', "https://other.org/p",
         "in body"),
    ],
)
def test_outbound_links(anchor: str, url: str, text: str) -> None:
    found = extract_links(page(anchor), base_url=BASE)
    assert [(link.url, link.text) for link in found.links] == [(url, text)]


def test_relative_links_need_a_base() -> None:
    found = extract_links(page('<a href="/x">x</a><a href="https://o.org/">o</a>'))
    assert [s.reason for s in found.skipped] == [SkipReason.RELATIVE]
    assert [link.url for link in found.links] == ["https://o.org/"]
    based = extract_links(page('<a href="other/x">x</a>', '<base href="https://a.org/d/">'),
                          base_url=None)
    assert based.base_url == "https://a.org/d/"
    assert [s.reason for s in based.skipped] == [SkipReason.INTERNAL]


def test_selector_limits_links_to_the_article_body() -> None:
    html = page('<a href="https://out.org/">outside</a>'
                '<div class="body"><a href="https://in.org/">inside</a>'
                '<div class="share"><a href="https://in.org/s">s</a></div></div>')
    found = extract_links(html, base_url=BASE, selector="div.body")
    assert [link.text for link in found.links] == ["inside"]
    assert [s.reason for s in found.skipped] == [SkipReason.SOCIAL]
    with pytest.raises(ValueError, match="invalid CSS selector"):
        extract_links(html, selector="div[")


def test_duplicates_keep_the_first_anchor_text() -> None:
    found = extract_links(page('<a href="https://o.org/">first</a>'
                               '<a href="https://o.org/#x">second</a>'), base_url=BASE)
    assert [(link.url, link.text) for link in found.links] == [("https://o.org/", "first")]
    assert [s.reason for s in found.skipped] == [SkipReason.DUPLICATE]


@pytest.mark.parametrize(
    ("name", "content_type", "text", "kind"),
    [
        ("a.md", None, "<html>", "markdown"),
        ("a.html", None, "# x", "html"),
        ("https://x.org/post", "text/html; charset=utf-8", "", "html"),
        ("https://x.org/README.md", "text/plain", "", "markdown"),
        (None, None, "<!doctype html><p>", "html"),
        (None, None, "# Title\n[a](https://x.org)", "markdown"),
    ],
)
def test_sniff_kind(name: str | None, content_type: str | None, text: str, kind: str) -> None:
    assert sniff_kind(name, content_type, text) == kind
