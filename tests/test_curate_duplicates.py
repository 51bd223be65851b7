"""One link, many spellings: `utm_*`/`fbclid`/`gclid` tracking parameters, a trailing slash
or a default port do not make a new link for `add`, `import` or an article's own duplicates;
any other query parameter (`?id=2`) does. Tables, then both commands on the loopback web."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.cli import main
from monitor.config import load_config
from monitor.curate.newlinks import same_link_key
from monitor.links import SkipReason, extract_links

from loopback import LoopbackWeb, article


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://a.org/x", "https://a.org/x?utm_source=x", True),
        ("https://a.org/x?id=2", "https://a.org/x?id=2&utm_medium=mail&UTM_Campaign=y", True),
        ("https://a.org/x", "https://a.org/x?fbclid=IwAR0abc", True),
        ("https://a.org/x", "https://a.org/x/?gclid=Cj0K", True),
        ("https://a.org/x", "https://a.org:443/x", True),
        ("http://a.org/x", "http://WWW.a.org:80/x/", True),
        ("https://a.org/x", "https://a.org/x#part-2", True),
        # near misses: a parameter that chooses the page, or another path, port or case
        ("https://a.org/x", "https://a.org/x?id=2", False),
        ("https://a.org/x?id=1", "https://a.org/x?id=2", False),
        ("https://a.org/x", "https://a.org/x?utm=1", False),
        ("https://a.org/x", "https://a.org/x?source=newsletter", False),
        ("https://a.org/x", "https://a.org/X", False),
        ("https://a.org/x", "https://a.org:8443/x", False),
        ("https://a.org/x", "https://b.a.org/x", False),
    ],
)
def test_same_link_key(a: str, b: str, same: bool) -> None:
    assert (same_link_key(a) == same_link_key(b)) is same


ARTICLE = """<!doctype html><html><head><title>Exercises I recommend</title></head><body>
<article>
<p><a href="{a}">Flexion exercises</a> and <a href="{a}?utm_source=newsletter&amp;utm_medium=email">
the same page from the newsletter</a>, <a href="{a}/?fbclid=IwAR0abc">shared on Facebook</a>.</p>
<p><a href="{a}?id=2">Part two</a>, and <a href="{b}?utm_campaign=spring">one I listed</a>.</p>
</article></body></html>
"""


def test_an_articles_own_duplicates_are_skipped_with_the_first_spelling() -> None:
    found = extract_links(ARTICLE.format(a="https://a.org/x", b="https://b.org/y"))
    assert [link.url for link in found.links] == [
        "https://a.org/x", "https://a.org/x?id=2", "https://b.org/y?utm_campaign=spring"]
    duplicates = [skip for skip in found.skipped if skip.reason is SkipReason.DUPLICATE]
    assert [(skip.href, skip.detail) for skip in duplicates] == [
        ("https://a.org/x?utm_source=newsletter&utm_medium=email",
         "same link as https://a.org/x"),
        ("https://a.org/x/?fbclid=IwAR0abc", "same link as https://a.org/x"),
    ]


LIST = """\
# My list.
[monitor]
retries = 0
timeout = 5
archive = false
offline_probe = []

[[resource]]
id = "listed"
url = "{url}"
"""


def test_import_adds_each_link_once_whatever_its_tracking_parameters(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = web.set_page("/guides/flexion", article("Flexion exercises"))
    b = web.set_page("/guides/walking", article("Walking with stenosis"))
    source = tmp_path / "article.html"
    source.write_text(ARTICLE.format(a=a, b=b), encoding="utf-8")
    listed = tmp_path / "resources.toml"
    listed.write_text(LIST.format(url=b), encoding="utf-8")

    assert main(["import", "-c", str(listed), str(source)]) == 0
    out = capsys.readouterr().out
    assert f"skipped (duplicate, same link as {a}): {a}?utm_source=newsletter" in out
    assert f"skipped (duplicate, same link as {a}): {a}/?fbclid=IwAR0abc" in out
    assert f"already listed as listed: {b}?utm_campaign=spring" in out
    assert "added 2 resource(s)" in out
    assert web.hits["/guides/flexion"] == 2  # the page and its ?id=2, once each
    assert [r.url for r in load_config(listed).resources] == [b, a, f"{a}?id=2"]


def test_add_refuses_a_listed_page_with_tracking_parameters(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = web.set_page("/guides/walking", article("Walking with stenosis"))
    listed = tmp_path / "resources.toml"
    listed.write_text(LIST.format(url=url), encoding="utf-8")
    before = listed.read_bytes()
    for spelling in (f"{url}?utm_source=newsletter", f"{url}/?fbclid=IwAR0abc&gclid=x"):
        assert main(["add", "-c", str(listed), spelling]) == 2
        err = capsys.readouterr().err
        assert err == f"monitor: error: {spelling} is already listed as 'listed'\n"
    assert listed.read_bytes() == before and web.hits["/guides/walking"] == 0
    assert main(["add", "-c", str(listed), f"{url}?id=2"]) == 0  # near miss: another page
    assert load_config(listed).resources[-1].url == f"{url}?id=2"
