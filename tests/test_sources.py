"""Watched source articles: the link-set diff (pure, table tests), `[[source]]` validation, and
end to end on the loopback web (article on http://localhost:PORT, its links on 127.0.0.1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor.cli import main
from monitor.config import ConfigError, load_config, parse_config
from monitor.linkdiff import LinkState, normalise_url, observe
from monitor.models import Fetched, FetchError, Link, LinkChange, Run, SourceReport, Status
from monitor.pipeline import Outcome
from monitor.safetext import display_run
from monitor.schedule import run_line
from monitor.sources import fetch_status, read_report

from conftest import write_config
from loopback import LoopbackWeb

T0 = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.mark.parametrize(("a", "b"), [
    ("https://example.org/page", "http://example.org/page"),
    ("https://www.example.org/page", "https://example.org/page"),
    ("https://example.org/page/", "https://example.org/page"),
    ("https://example.org/page#part", "https://example.org/page"),
    ("https://EXAMPLE.org:443/page", "https://example.org/page"),
    ("https://example.org/page?utm_source=x&id=3", "https://example.org/page?id=3"),
    ("https://example.org", "https://example.org/"),
])
def test_same_link_despite_spelling(a: str, b: str) -> None:
    assert normalise_url(a) == normalise_url(b)


@pytest.mark.parametrize(("a", "b"), [
    ("https://example.org/page", "https://example.org/other"),
    ("https://example.org/Page", "https://example.org/page"),  # paths are case-sensitive
    ("https://example.org/page?id=3", "https://example.org/page?id=4"),
    ("https://example.org:8443/page", "https://example.org/page"),
    ("https://blog.example.org/page", "https://example.org/page"),
])
def test_different_links_stay_different(a: str, b: str) -> None:
    assert normalise_url(a) != normalise_url(b)


A, B, C = (Link(f"https://{x}.example/page", f"Page {x.upper()}") for x in "abc")


class History:
    """Drives `observe` run after run, like the store does."""

    def __init__(self, confirm_runs: int = 2, curated: dict[str, str] | None = None) -> None:
        self.known: dict[str, LinkState] = {}
        self.confirm_runs = confirm_runs
        self.curated = {normalise_url(url): rid for url, rid in (curated or {}).items()}
        self.now = T0

    def read(self, *links: Link) -> dict[str, list[tuple[str, bool, bool]]]:
        """(url, confirmed, news) per list, after one more run that found `links`."""
        self.now += timedelta(minutes=30)
        seen = observe(self.known, links, self.now, self.confirm_runs, self.curated)
        self.known = seen.states
        return {name: [(c.url, c.confirmed, c.news) for c in getattr(seen, name)]
                for name in ("added", "removed", "unlinked")}


NOTHING: dict[str, list[tuple[str, bool, bool]]] = {"added": [], "removed": [], "unlinked": []}


def test_first_read_is_the_baseline_not_news() -> None:
    history = History()
    assert history.read(A, B) == NOTHING
    assert all(state.confirmed for state in history.known.values())


def test_added_link_is_confirmed_after_confirm_runs_then_quiet() -> None:
    history = History()
    history.read(A)
    assert history.read(A, C) == {**NOTHING, "added": [(C.url, False, False)]}
    assert history.read(A, C) == {**NOTHING, "added": [(C.url, True, True)]}
    assert history.read(A, C) == NOTHING


def test_removed_link_is_confirmed_then_forgotten() -> None:
    history = History()
    history.read(A, B)
    assert history.read(A) == {**NOTHING, "removed": [(B.url, False, False)]}
    assert history.read(A) == {**NOTHING, "removed": [(B.url, True, True)]}
    assert history.read(A) == NOTHING
    assert normalise_url(B.url) not in history.known
    # back again: an addition like any other
    assert history.read(A, B) == {**NOTHING, "added": [(B.url, False, False)]}


def test_a_link_that_comes_and_goes_before_confirmation_is_a_blip() -> None:
    history = History()
    history.read(A)
    history.read(A, C)
    assert history.read(A) == NOTHING
    assert history.read(A) == NOTHING


def test_removal_undone_before_confirmation_is_not_reported() -> None:
    history = History()
    history.read(A, B)
    history.read(A)
    assert history.read(A, B) == NOTHING


def test_curated_link_gone_from_the_article_stays_reported() -> None:
    history = History(curated={B.url.replace("https://", "http://") + "/": "res-b"})
    history.read(A, B)
    assert history.read(A) == {**NOTHING, "unlinked": [(B.url, False, False)]}
    assert history.read(A) == {**NOTHING, "unlinked": [(B.url, True, True)]}
    assert history.read(A) == {**NOTHING, "unlinked": [(B.url, True, False)]}  # still there


def test_confirm_runs_1_reports_at_once() -> None:
    history = History(confirm_runs=1)
    history.read(A)
    assert history.read(A, C) == {**NOTHING, "added": [(C.url, True, True)]}
    assert history.read(C) == {**NOTHING, "removed": [(A.url, True, True)]}


# -- configuration --------------------------------------------------------------------------

BASE = '[[resource]]\nid = "a"\nurl = "https://a.example/"\n\n'


def parse(text: str) -> Any:
    return parse_config(BASE + text, Path("resources.toml"))


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse(text)
    return str(info.value)


def test_sources_are_read_with_derived_ids() -> None:
    config = parse('[[source]]\nurl = "https://www.spine.example/lss/exercises"\n'
                   'selector = "article .entry"\n\n'
                   '[[source]]\nid = "second"\nname = "Second"\nurl = "https://b.example/"\n')
    first, second = config.sources
    assert (first.id, first.name, first.selector, first.line) == (
        "spine-example-lss-exercises", "spine-example-lss-exercises", "article .entry", 5)
    assert (second.id, second.name, second.selector) == ("second", "Second", None)


@pytest.mark.parametrize(("text", "message"), [
    ('[[source]]\nurl = "https://b.example/"\nselecter = "main"\n',
     "resources.toml:7: source 'b-example': unknown key 'selecter' in [[source]] "
     "(did you mean 'selector'?)"),
    ('[[source]]\nname = "x"\n', "resources.toml:5: source '#1': missing required key 'url'"),
    ('[[source]]\nurl = "file:///tmp/a.html"\n',
     "resources.toml:6: source '#1': 'url' must be an http:// or https:// URL"),
    ('[[source]]\nurl = "https://b.example/"\nselector = "main >> p"\n',
     "resources.toml:7: source 'b-example': 'selector' is not a valid CSS selector"),
    ('[[source]]\nurl = "https://b.example/"\nselector = 3\n',
     "resources.toml:7: source 'b-example': 'selector' must be a string, not an integer"),
    ('[[source]]\nurl = "https://b.example/"\n\n[[source]]\nurl = "https://b.example"\n',
     "resources.toml:8: source 'b-example': duplicate source id (first defined on line 5); "
     "give each [[source]] its own 'id'"),
    ('[[source]]\nid = "Bad Id"\nurl = "https://b.example/"\n',
     "resources.toml:6: source 'Bad Id': 'id' must be lowercase letters"),
    ('[source]\nurl = "https://b.example/"\n',
     "use [[source]] (an array of tables)"),
])
def test_bad_sources_are_clear_errors(text: str, message: str) -> None:
    assert message in error_of(text)


# -- end to end -----------------------------------------------------------------------------

def article_html(*links: tuple[str, str], outside: str = "") -> str:
    items = "".join(f'<li><a href="{url}">{text}</a></li>' for url, text in links)
    return (
        "<!doctype html><html><head><title>Exercises for lumbar stenosis</title></head><body>"
        '<nav><a href="https://social.example/menu">Menu</a></nav>'
        f"<div class='promo'>{outside}</div>"
        f"<article><h1>Exercises</h1><p>Try these:</p><ul>{items}</ul></article>"
        "</body></html>"
    )


class Curator:
    """A resources.toml with sources, checked through the real CLI entry point."""

    def __init__(self, web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                 resources: list[dict[str, Any]], sources: str, **settings: Any) -> None:
        self.tmp_path, self.capsys = tmp_path, capsys
        self.config = write_config(tmp_path / "resources.toml", resources, **settings)
        with self.config.open("a", encoding="utf-8") as handle:
            handle.write("\n" + sources)

    def check(self, *args: str) -> tuple[int, dict[str, Any], str, str, str]:
        out, md, html = (self.tmp_path / name for name in ("out.json", "s.md", "index.html"))
        code = main(["check", "-c", str(self.config), "--json", str(out), "--markdown", str(md),
                     "--report", str(html), *args])
        printed = self.capsys.readouterr().out
        return code, json.loads(out.read_text()), md.read_text(), html.read_text(), printed


@pytest.fixture
def site(web: LoopbackWeb) -> dict[str, str]:
    web.set_page("/b", "<html><head><title>Page B</title></head><body>B</body></html>")
    return {"a": web.url("/ok"), "b": web.url("/b"),
            "article": f"http://localhost:{web.ports['http']}/article"}


def test_source_changes_are_confirmed_and_shown_everywhere(
    web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str], site: dict[str, str]
) -> None:
    web.set_page("/article", article_html((site["a"], "Stretches"), (site["b"], "Walking"),
                                          ("https://other.example/x", "Cycling")))
    curator = Curator(web, tmp_path, capsys,
                      [{"id": "a", "url": site["a"]}, {"id": "b", "url": site["b"]}],
                      f'[[source]]\nid = "article"\nname = "The article"\n'
                      f'url = "{site["article"]}"\n', confirm_runs=2)
    code, doc, md, html, printed = curator.check()
    assert code == 0 and printed == ""  # the baseline: nothing to say
    (source,) = doc["sources"]
    assert (source["id"], source["status"], source["links"]) == ("article", "ok", 3)
    assert source["added"] == source["removed"] == source["unlinked"] == []
    assert "no change in its links since the last run" in html and 'id="src-article"' in html
    assert "Nothing needs attention" in html

    # The article drops B (a curated link) and "Cycling", and adds a new recommendation.
    web.set_page("/article", article_html((site["a"], "Stretches"),
                                          ("https://new.example/guide", "Guide")))
    code, doc, md, html, printed = curator.check()
    source = doc["sources"][0]
    assert [(c["url"], c["confirmed"]) for c in source["added"]] == [
        ("https://new.example/guide", False)]
    assert [(c["url"], c["confirmed"]) for c in source["removed"]] == [
        ("https://other.example/x", False)]
    assert [(c["resource_id"], c["confirmed"]) for c in source["unlinked"]] == [("b", False)]
    assert code == 0 and printed == ""  # not confirmed yet: cron stays silent

    code, doc, md, html, printed = curator.check()
    source = doc["sources"][0]
    assert [c["confirmed"] for c in source["added"] + source["removed"] + source["unlinked"]] \
        == [True, True, True]
    assert "Source articles:" in printed
    assert "+ added: Guide https://new.example/guide" in printed
    assert "- removed: Cycling https://other.example/x" in printed
    assert f"! no longer linked: resource b {site['b']}" in printed
    assert "### Source articles" in md and "[Guide](<https://new.example/guide>)" in md
    assert "Curated links the article no longer links to" in md
    assert 'id="src-article"' in html and "Links added to the article" in html
    assert "Nothing needs attention" not in html
    assert 'href="https://new.example/guide"' in html and "Links removed from the article" in html

    # Next run: the additions and removals were reported; the unlinked resource remains.
    code, doc, md, html, printed = curator.check()
    source = doc["sources"][0]
    assert source["added"] == source["removed"] == []
    assert [c["resource_id"] for c in source["unlinked"]] == ["b"]
    assert "! no longer linked: resource b" in printed  # a standing problem, every run...
    code, doc, md, html, printed = curator.check("--notify-on", "change")
    assert printed == ""  # ...unless cron mails on change only

    # `monitor report` re-renders the sources block from history.
    assert main(["report", "-c", str(curator.config), "--no-report", "--markdown", "-"]) == 0
    assert "Curated links the article no longer links to" in capsys.readouterr().out


def test_unreadable_source_is_data_and_never_ends_the_run(
    web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str], site: dict[str, str]
) -> None:
    curator = Curator(web, tmp_path, capsys, [{"id": "a", "url": site["a"]}],
                      f'[[source]]\nid = "gone"\nurl = "{web.url("/status/404")}"\n\n'
                      f'[[source]]\nid = "silent"\nurl = "{web.raw_url("closed", "/x")}"\n')
    code, doc, md, html, printed = curator.check()
    assert code == 0 and doc["results"][0]["status"] == "ok"
    gone, silent = doc["sources"]
    assert (gone["status"], gone["detail"], gone["links"]) == ("broken", "HTTP 404", None)
    assert silent["status"] == "down"
    assert "gone: could not be read: broken (HTTP 404)" in printed
    assert "could not be read: HTTP 404" in md
    assert "Could not read the article: HTTP 404" in html


def test_selector_limits_the_links_to_the_article_body(
    web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str], site: dict[str, str]
) -> None:
    web.set_page("/article", article_html(
        (site["a"], "Stretches"), outside='<a href="https://ads.example/buy">Buy now</a>'))
    curator = Curator(web, tmp_path, capsys, [{"id": "a", "url": site["a"]}],
                      f'[[source]]\nid = "body"\nurl = "{site["article"]}"\n'
                      f'selector = "article"\n\n'
                      f'[[source]]\nid = "page"\nurl = "{site["article"]}"\n\n'
                      f'[[source]]\nid = "wrong"\nurl = "{site["article"]}"\n'
                      f'selector = "main.entry"\n')
    _, doc, _, _, _ = curator.check()
    body, page, wrong = doc["sources"]
    assert (body["status"], body["links"]) == ("ok", 1)
    assert (page["status"], page["links"]) == ("ok", 2)  # the ad counts without a selector
    assert wrong["status"] == "broken" and "no links inside selector 'main.entry'" in \
        wrong["detail"]
    assert web.hits["/article"] == 3  # each source fetched once


@pytest.mark.parametrize(("fetched", "expected"), [
    (Fetched("u", "u", http_status=200), (Status.OK, "")),
    (Fetched("u", "u", http_status=404), (Status.BROKEN, "HTTP 404")),
    (Fetched("u", "u", http_status=410), (Status.BROKEN, "HTTP 410")),
    (Fetched("u", "u", http_status=503), (Status.DOWN, "HTTP 503")),
    (Fetched("u", "u", http_status=403), (Status.BLOCKED, "HTTP 403: the site refused us")),
    (Fetched("u", "u", http_status=429), (Status.BLOCKED, "HTTP 429: the site refused us")),
    (Fetched("u", "u", error=FetchError.TIMEOUT, error_detail="no answer"),
     (Status.DOWN, "no answer")),
    (Fetched("u", "u", error=FetchError.DNS, error_detail="no such name"),
     (Status.BROKEN, "no such name")),
    (Fetched("u", "u", error=FetchError.REDIRECT_LOOP), (Status.BROKEN, "redirect-loop")),
])
def test_whether_a_source_could_be_read(fetched: Fetched, expected: tuple[Status, str]) -> None:
    assert fetch_status(fetched) == expected


def test_no_baseline_when_history_lost_its_links() -> None:
    """An article read before whose every link went (and was forgotten) is no new baseline:
    links that come back are additions."""
    seen = observe({}, [A], T0, 1, {}, baseline=False)
    assert [(c.url, c.confirmed, c.news) for c in seen.added] == [(A.url, True, True)]


def test_a_new_selector_starts_a_new_baseline(
    web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str], site: dict[str, str]
) -> None:
    web.set_page("/article", article_html(
        (site["a"], "Stretches"), outside='<a href="https://ads.example/buy">Buy now</a>'))
    curator = Curator(web, tmp_path, capsys, [{"id": "a", "url": site["a"]}],
                      f'[[source]]\nid = "art"\nurl = "{site["article"]}"\n')
    assert curator.check()[1]["sources"][0]["links"] == 2
    text = curator.config.read_text()
    curator.config.write_text(text + 'selector = "article"\n')
    _, doc, _, _, printed = curator.check()
    source = doc["sources"][0]
    assert (source["links"], source["removed"], printed) == (1, [], "")
    web.set_page("/article", article_html((site["a"], "Stretches"), ("https://c.example/", "C")))
    assert [c["url"] for c in curator.check()[1]["sources"][0]["added"]] == ["https://c.example/"]


def test_daemon_log_line_mentions_confirmed_source_changes() -> None:
    change = LinkChange("https://c.example/", "C", T0, 2, True, news=True)
    pending = LinkChange("https://d.example/", "D", T0, 1, False)
    quiet = SourceReport("quiet", "Quiet", "https://q.example/", Status.OK, added=(pending,))
    busy = SourceReport("art", "Art", "https://a.example/", Status.OK, added=(change, pending))
    line = run_line(Outcome(Run(T0, T0, (), run_id=3, sources=(quiet, busy)), (), ()), 1.0)
    assert line.endswith("; no confirmed changes; source art: ok, +1 added, -0 removed, "
                         "0 curated link(s) no longer linked")


@pytest.mark.parametrize("name", ["lss-article.html", "lss-article.md"])
def test_the_shipped_list_watches_its_saved_article(name: str) -> None:
    """The shipped resources.toml's [[source]], read from the saved copy of the article: every
    curated link is in it; an edit that drops one makes that resource 'no longer linked'."""
    root = Path(__file__).parent.parent
    config = load_config(root / "resources.toml")
    (source,) = config.sources
    body = (Path(__file__).parent / "fixtures" / name).read_bytes()
    kind = "text/html" if name.endswith(".html") else "text/markdown"
    report = read_report(source, Fetched(source.url, source.url, http_status=200,
                                         content_type=kind, body=body))
    curated = {normalise_url(r.url): r.id for r in config.resources}
    assert report.status is Status.OK
    assert {normalise_url(link.url) for link in report.found} == set(curated)
    baseline = observe({}, report.found, T0, 1, curated)
    dropped = report.found[0]
    later = observe(baseline.states, report.found[1:], T0 + timedelta(days=1), 1, curated)
    assert [(c.resource_id, c.confirmed) for c in later.unlinked] == [
        (curated[normalise_url(dropped.url)], True)]


def test_anchor_texts_and_urls_are_made_safe_to_show() -> None:
    hostile = LinkChange("https://x.example/?token=abc", "Click\x1b[2J here\u202e", T0, 1, False)
    report = SourceReport("art", "Art", "https://a.example/", Status.OK, added=(hostile,))
    shown = display_run(Run(T0, T0, (), sources=(report,))).sources[0].added[0]
    assert (shown.text, shown.url) == ("Click\ufffd[2J here\ufffd", "https://x.example/?token=***")
