"""The report as a new user meets it: natural order, uptime that says what span it covers,
plurals, an offline run that leads with it, and (in Chromium) a filter that is hidden without
JavaScript, says when nothing matches and lives in the URL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from monitor.models import Reason, Result, Run, Status
from monitor.outputs.html import render_html
from monitor.outputs.markdown import render_markdown
from monitor.outputs.view import build_view, natural_key
from monitor.store import Store

from demo import make_demo
from loopback import LoopbackWeb

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)
CHROMIUM = Path("/usr/bin/chromium")


def _result(rid: str, status: Status = Status.OK, reason: Reason = Reason.OK,
            at: datetime = T0, **kw: object) -> Result:
    return Result(
        id=rid, name=rid, url=f"https://example.org/{rid}", status=status, reason=reason,
        detail=str(kw.get("detail", "")), http_status=200, final_url=f"https://example.org/{rid}",
        redirects=(), title=f"Title {rid}", expected_title=None, elapsed_ms=100.0,
        checked_at=at,
    )


def _page(store: Store, now: datetime) -> BeautifulSoup:
    run = store.load_run()
    assert run is not None
    view = build_view(run, store, history_runs=90, now=now)
    return BeautifulSoup(render_html(view, "x"), "html.parser")


def test_natural_key_orders_numbers_as_numbers() -> None:
    ids = ["r100", "r1", "r1000", "r150", "r2", "R3"]
    assert sorted(ids, key=natural_key) == ["r1", "r2", "R3", "r100", "r150", "r1000"]


def test_attention_list_is_in_natural_order(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        results = tuple(_result(f"r{n}", Status.BROKEN, Reason.NOT_FOUND) for n in
                        (0, 100, 1000, 150, 2))
        store.record_run(Run(T0, T0, results), 1)
        soup = _page(store, T0)
    names = [h.get_text(strip=True) for h in soup.select("ul.attention h3")]
    assert names == ["r0", "r2", "r100", "r150", "r1000"]


def test_uptime_says_what_span_it_covers(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        for minutes in (0, 10, 20):
            at = T0 + timedelta(minutes=minutes)
            store.record_run(Run(at, at, (_result("a", at=at),)), 1)
        short = _page(store, T0 + timedelta(minutes=20))
        long_ago = T0 - timedelta(days=40)
        store.record_run(Run(long_ago, long_ago, (_result("a", at=long_ago),)), 1)
        at = T0 + timedelta(days=31)
        store.record_run(Run(at, at, (_result("a", at=at),)), 1)
        mid = T0 + timedelta(days=12)
    assert short.select_one('td[data-label^="Uptime"]').get_text(" ", strip=True) == \
        "100% over 20 min"
    with Store(tmp_path / "h.sqlite3") as store:
        assert _page(store, mid).select_one('td[data-label^="Uptime"]').get_text(
            " ", strip=True) == "100% · 100% over 12 d"


def test_one_link_is_singular(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        store.record_run(Run(T0, T0, (_result("a"),)), 1)
        soup = _page(store, T0)
        run = store.load_run()
        assert run is not None
        md = render_markdown(build_view(run, store, history_runs=9, now=T0), "x", ())
    assert "1 link in" in soup.select_one(".meta").get_text(" ", strip=True)
    assert "1 link checked" in md


def test_an_offline_run_leads_with_it_and_counts_nothing_as_attention(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        down = tuple(_result(f"r{n}", Status.DOWN, Reason.CONNECT) for n in range(11))
        store.record_run(Run(T0, T0, down, offline=True), 1)
        soup = _page(store, T0)
        run = store.load_run()
        assert run is not None
        md = render_markdown(build_view(run, store, history_runs=9, now=T0), "x", ("down",))
    assert "Offline" in soup.select_one(".overall").get_text()
    assert "need attention" not in soup.get_text()
    assert soup.select_one("ul.counts") is None and soup.select_one("ul.attention") is None
    assert soup.select_one("title").get_text().startswith("x ")  # no "(11)" in the tab
    assert "offline" in md.splitlines()[0] and "failing" not in md
    assert md.index("looked offline") < md.index("11 links checked")


def test_markdown_suggests_accept_only_for_a_changed_title(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        store.record_run(Run(T0, T0, (_result("k", Status.DRIFTED, Reason.KEYWORD_MISSING),)), 1)
        run = store.load_run()
        assert run is not None
        md = render_markdown(build_view(run, store, history_runs=9, now=T0), "x", ())
    assert "monitor accept" not in md and "keywords" in md


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(),
                    reason="Debian's chromium is not installed (apt-get install chromium)")
def test_filter_hidden_without_js_says_nothing_matches_and_lives_in_the_url(
        web: LoopbackWeb, tmp_path: Path) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    make_demo(web, tmp_path, runs=2)
    report = (tmp_path / "reports" / "index.html").as_uri()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        no_js = browser.new_context(java_script_enabled=False).new_page()
        no_js.goto(report)
        assert not no_js.locator("#tools").is_visible()
        assert not no_js.locator("#nomatch").is_visible()
        assert no_js.locator("tr[data-status]:visible").count() > 1

        no_js_phone = browser.new_context(java_script_enabled=False,
                                          viewport={"width": 390, "height": 844}).new_page()
        no_js_phone.goto(report)
        assert no_js_phone.evaluate("document.documentElement.scrollWidth") <= 390

        page = browser.new_page()
        page.goto(report + "#status=down")  # a shared link opens filtered...
        assert page.locator("tr[data-status]:visible").count() == 1
        # ...and at the filtered list, not at the top of the page
        assert page.evaluate("window.scrollY") > 0
        top = page.evaluate("document.getElementById('all').getBoundingClientRect().top")
        assert 0 <= top < page.viewport_size["height"] / 2
        assert page.locator("#tools button[data-status=down]").get_attribute(
            "aria-pressed") == "true"
        page.locator("#tools button[data-status=drifted]").click()
        assert page.url.endswith("#status=drifted")
        page.locator("#filter").fill("no-such-link-anywhere")
        assert page.locator("#nomatch").is_visible()
        assert page.locator("section.group:visible").count() == 0
        page.locator("#showall").click()
        assert not page.locator("#nomatch").is_visible()
        assert page.locator("tr[data-status]:visible").count() > 1
        assert "#" not in page.url
        browser.close()
