"""Reports: view model, HTML (parsed, escaped), Markdown, JUnit, `monitor report`, atomic
writes, and a real-browser look at a mixed run."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from monitor.cli import main
from monitor.models import Hop, LinkChange, Reason, Result, Run, SourceReport, Status, TextDiff
from monitor.outputs import write_atomic
from monitor.outputs.html import render_html, safe_href, script_hash, since
from monitor.outputs.junit import render_junit
from monitor.outputs.markdown import render_markdown
from monitor.outputs.view import build_view, title_diff
from monitor.store import Store

from demo import make_demo
from loopback import LoopbackWeb

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)
EVIL = '<script>alert(1)</script>"onerror=alert(2) x=\''


def result(rid: str, status: Status, reason: Reason, at: datetime, **kw: Any) -> Result:
    base: dict[str, Any] = dict(
        id=rid, name=rid.title(), url=f"https://example.org/{rid}", status=status,
        reason=reason, detail="", http_status=200, final_url=f"https://example.org/{rid}",
        redirects=(), title=f"Title {rid}", expected_title=None, elapsed_ms=100.0,
        checked_at=at, tags=("site",),
    )
    base.update(kw)
    return Result(**base)


def mixed(at: datetime) -> list[Result]:
    return [
        result("fine", Status.OK, Reason.OK, at),
        result("moved", Status.MOVED, Reason.PERMANENT_REDIRECT, at,
               redirects=(Hop("https://example.org/moved", 301, "https://example.org/new"),),
               final_url="https://example.org/new"),
        result("drift", Status.DRIFTED, Reason.TITLE_CHANGED, at,
               expected_title="Stenosis Exercises", title="Mattress Deals"),
        result("gone", Status.BROKEN, Reason.NOT_FOUND, at, http_status=404, detail="HTTP 404"),
        result("slow", Status.DOWN, Reason.TIMEOUT, at, http_status=None, elapsed_ms=5000.0),
        result("walled", Status.BLOCKED, Reason.FORBIDDEN, at, http_status=403),
    ]


@pytest.fixture
def history(tmp_path: Path) -> Store:
    store = Store(tmp_path / "h.sqlite3")
    for day in range(4):
        at = T0 + timedelta(days=day)
        results = [replace(r, status=Status.OK, reason=Reason.OK) for r in mixed(at)] \
            if day < 2 else mixed(at)
        store.record_run(Run(at, at + timedelta(seconds=2), tuple(results)), 1)
    return store


def view_of(store: Store, runs: int = 90) -> Any:
    run = store.load_run()
    assert run is not None
    return build_view(run, store, history_runs=runs, now=T0 + timedelta(days=3, hours=1))


def test_view_attention_is_worst_first_with_fixes(history: Store) -> None:
    view = view_of(history)
    assert [v.result.id for v in view.attention] == ["gone", "slow", "drift", "moved", "walled"]
    moved = next(v for v in view.attention if v.result.id == "moved")
    assert moved.new_url == "https://example.org/new"
    drift = next(v for v in view.attention if v.result.id == "drift")
    assert [(s.kind, s.text) for s in drift.title_diff] == [
        ("del", "Stenosis Exercises"), ("ins", "Mattress Deals")]
    assert view.problems == 5


def test_view_history_strip_uptime_and_bounds(history: Store) -> None:
    gone = next(v for v in view_of(history).groups[0].resources if v.result.id == "gone")
    assert [c.status for c in gone.strip] == ["ok", "ok", "broken", "broken"]
    assert gone.uptime_30d == 0.5 and gone.uptime_7d == 0.5
    walled = next(v for v in view_of(history).groups[0].resources if v.result.id == "walled")
    assert walled.uptime_30d == 1.0  # blocked runs say nothing about uptime
    assert gone.spark_points.count(",") == 4
    bounded = next(v for v in view_of(history, runs=2).groups[0].resources
                   if v.result.id == "gone")
    assert len(bounded.strip) == 2


def test_title_diff_keeps_common_words() -> None:
    segments = title_diff("Spinal Stenosis Exercises", "Spinal Stenosis Stretches")
    assert [(s.kind, s.text) for s in segments] == [
        ("same", "Spinal Stenosis"), ("del", "Exercises"), ("ins", "Stretches")]


def test_html_report_shows_attention_badges_and_counts(history: Store) -> None:
    soup = BeautifulSoup(render_html(view_of(history), "My links"), "html.parser")
    assert soup.title is not None and soup.title.get_text().startswith("(5) My links")
    items = soup.select("ul.attention > li")
    assert [li.select_one(".badge").get_text(" ").split()[-1] for li in items] == [
        "Broken", "Down", "Drifted", "Moved", "Blocked"]
    assert "Update the link to https://example.org/new" in " ".join(items[3].get_text().split())
    assert items[2].select_one("del").get_text() == "Stenosis Exercises"
    assert items[2].select_one("ins").get_text() == "Mattress Deals"
    rows = soup.select("tr[data-status]")
    assert len(rows) == 6 and {r["data-status"] for r in rows} == {s.value for s in Status}
    assert soup.select_one("th[scope=col]") is not None
    assert not soup.find_all(["link", "img"]) and not soup.select("script[src]")


def test_html_escapes_hostile_titles_names_and_urls(tmp_path: Path) -> None:
    at = T0
    evil = result("evil", Status.DRIFTED, Reason.TITLE_CHANGED, at, name=EVIL, title=EVIL,
                  expected_title=EVIL + " old", detail=EVIL,
                  url="https://example.org/?q=\"><script>alert(3)</script>", tags=(EVIL,))
    hop = Hop("https://example.org/m", 301, "javascript:alert(4)//" + EVIL)
    moved = result("moved", Status.MOVED, Reason.PERMANENT_REDIRECT, at, redirects=(hop,),
                   final_url=hop.target, url="https://example.org/m")
    with Store(tmp_path / "h.sqlite3") as store:
        store.record_run(Run(at, at, (evil, moved)), 1)
        html = render_html(view_of(store), EVIL)
    soup = BeautifulSoup(html, "html.parser")
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and "alert" not in scripts[0].get_text()  # only our own filter
    for tag in soup.find_all(True):
        assert not any(attr.startswith("on") for attr in tag.attrs), tag
        assert not tag.get("href", "").lower().startswith("javascript"), tag
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert soup.select_one(".tags, .gname").get_text(strip=True).startswith("<script>")


def test_only_http_urls_become_links() -> None:
    assert safe_href("javascript:alert(1)") == "#"
    assert safe_href("https://example.org/x") == "https://example.org/x"


def test_markdown_puts_problems_first_and_escapes(history: Store) -> None:
    text = render_markdown(view_of(history), "My | links", ["broken", "down"])
    lines = text.splitlines()
    assert lines[0] == "## Link health: My \\| links — ❌ 2 failing"
    table = [line for line in lines if line.startswith("| 🔴") or line.startswith("| 🟠")]
    assert table and "Gone" in table[0]
    assert text.index("### Needs attention") < text.index("All links")
    assert "update to `https://example.org/new`" in text
    assert "monitor accept drift" in text
    end = lines.index("<details><summary>All links</summary>")
    attention = lines[lines.index("### Needs attention") + 2: end]
    rows = [line for line in attention if line.startswith("| ")]
    # header + 5 problems, each with exactly 5 cells: no unescaped pipe inside a cell
    assert len(rows) == 6 and all(len(re.findall(r"(?<!\\)\|", row)) == 6 for row in rows)


def test_markdown_table_cells_cannot_break_out() -> None:
    from monitor.outputs.markdown import md_escape
    assert md_escape("a|b\nc <b>x</b> [l](u)") == "a\\|b c \\<b\\>x\\</b\\> \\[l\\](u)"


def test_junit_parses_with_one_case_per_link_and_failures_per_fail_on(history: Store) -> None:
    run = history.load_run()
    assert run is not None
    bad = replace(run.results[0], title="bad \x00\x1f bytes")
    xml = render_junit(replace(run, results=(bad, *run.results[1:])), ["broken", "down"])
    root = ET.fromstring(xml)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "6" and suite.get("failures") == "2"
    failed = {case.get("name"): case.find("failure") for case in suite.iter("testcase")}
    assert {name for name, f in failed.items() if f is not None} == {"gone", "slow"}
    assert failed["gone"] is not None and failed["gone"].get("type") == "not-found"


def test_atomic_write_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "index.html"
    write_atomic(target, "old")
    write_atomic(target, iter(["n", "ew"]))
    assert target.read_text() == "new"
    assert os.listdir(target.parent) == ["index.html"]


def test_check_writes_all_reports_and_report_rerenders(
    web: LoopbackWeb, tmp_path: Path, run_check: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    run_check([{"id": "ok", "url": web.url("/ok")}, {"id": "gone", "url": web.url("/gone")}],
              "--markdown", str(tmp_path / "s.md"), "--junit", str(tmp_path / "j.xml"))
    report = tmp_path / "reports" / "index.html"
    assert "gone" in report.read_text() and (tmp_path / "s.md").exists()
    ET.parse(tmp_path / "j.xml")
    report.unlink()
    config = str(tmp_path / "resources.toml")
    assert main(["report", "-c", config]) == 0
    assert report.exists() and "run #1" in capsys.readouterr().out


def test_report_without_history_is_a_clear_error(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "resources.toml"
    config.write_text('[[resource]]\nid = "a"\nurl = "http://127.0.0.1:9/"\n')
    assert main(["report", "-c", str(config)]) == 2
    assert "no run in the history yet" in capsys.readouterr().err


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(),
                    reason="Debian's chromium is not installed (apt-get install chromium)")
def test_report_in_a_real_browser(web: LoopbackWeb, tmp_path: Path) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    make_demo(web, tmp_path, runs=3)
    report = tmp_path / "reports" / "index.html"
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(report.as_uri())
        attention = page.locator("ul.attention > li")
        assert attention.first.is_visible()
        # What needs the curator first: live problems worst first, then the source article
        # that dropped a curated link; the muted known problem comes last, after a heading.
        badges = [b.split()[-1] for b in page.locator("ul.attention .badge").all_inner_texts()]
        assert badges == ["Broken", "Down", "Drifted", "Drifted", "Moved", "Blocked", "Blocked",
                          "changed", "Broken"]
        assert page.locator("#attention .pill").inner_text() == "8"  # the muted one is not
        cards = {li.get_attribute("id"): li for li in attention.all()}
        assert "Archived copy from 2025-09-14" in cards["a-webmd-therapy"].inner_text()
        assert cards["a-spine-health-yoga"].locator("dl.content ins").count() == 3
        assert "Sign-in wall" in cards["a-medscape-rehab"].inner_text()
        assert "no longer links to" in cards["src-balancedback"].inner_text()
        muted = attention.last
        assert muted.get_attribute("id") == "a-spine-health-neck"
        assert "Muted until" in muted.inner_text()
        # ...and its note is not faded with the rest of the card
        assert muted.locator(".mutenote").evaluate(
            "e => getComputedStyle(e).opacity") == "1"
        assert "TLS certificate expires" in page.locator(".warned").inner_text()
        # the optional filter works: only the broken rows stay visible
        page.locator("#tools button[data-status=broken]").click()
        assert page.locator("tr[data-status]:visible").count() == 2
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        # On a phone, nothing (long tracking URLs included) makes the page wider than the screen.
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(report.as_uri())
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        # A short history strip keeps its bars' width there: three runs are not stretched
        # into three blocks the width of the screen.
        stretched = phone.evaluate("""[...document.querySelectorAll('svg.strip')].filter(
            s => s.getBoundingClientRect().width > s.width.baseVal.value + 0.5).length""")
        assert phone.locator("svg.strip").count() > 0 and stretched == 0
        browser.close()
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_attention_puts_live_problems_then_sources_then_muted_and_lists_warnings(
        tmp_path: Path) -> None:
    """What needs the curator first: live problems, then a changed source article; a working
    link's warning is listed; the muted known problem comes last and counts nowhere."""
    change = LinkChange("https://example.org/b", "B", T0 - timedelta(hours=5), 2, True,
                        resource_id="b")
    article = SourceReport("post", "The post", "https://blog.example/post", Status.OK, links=3,
                           unlinked=(change,))
    results = (
        result("a-muted", Status.BROKEN, Reason.NOT_FOUND, T0, http_status=404,
               muted_until=date(2099, 1, 1), mute_note="known"),
        result("b", Status.BROKEN, Reason.NOT_FOUND, T0, http_status=404),
        result("tls", Status.OK, Reason.OK, T0, warnings=("TLS certificate expires in 3 days",)),
    )
    run = Run(T0, T0 + timedelta(seconds=1), results, sources=(article,))
    with Store(tmp_path / "h.sqlite3") as store:
        store.record_run(run, 1)
        soup = BeautifulSoup(render_html(build_view(run, store, history_runs=9, now=T0),
                                         "x"), "html.parser")
    cards = [li["id"] for li in soup.select("ul.attention > li")]
    assert cards == ["a-b", "src-post", "a-a-muted"]
    assert soup.select_one("#attention .pill").get_text() == "2"
    assert soup.title is not None and soup.title.get_text().startswith("(2) x")
    overall = " ".join(soup.select_one(".overall").get_text().split())
    assert overall.endswith("1 link needs attention · 1 source article changed")
    assert "gone 5 h ago" in " ".join(soup.select_one("#src-post").get_text().split())
    warned = soup.select_one(".warned")
    assert warned is not None and "TLS certificate expires in 3 days" in warned.get_text()
    assert soup.select_one("#muted") is not None


LONG = "https://tracker.example/" + "x" * 60 + "?utm=" + "0123456789abcdef" * 12


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(),
                    reason="Debian's chromium is not installed (apt-get install chromium)")
def test_long_unbroken_text_never_widens_the_page_on_a_phone(tmp_path: Path) -> None:
    """Bare URLs as names, in notes, titles, details, redirects and diffs wrap on a 390 px
    screen instead of pushing the page sideways."""
    playwright = pytest.importorskip("playwright.sync_api")
    hop = Hop(LONG, 301, LONG + "/moved")
    results = (
        result("named", Status.BROKEN, Reason.NOT_FOUND, T0, name=LONG, url=LONG, title=LONG,
               detail=LONG, http_status=404, muted_until=date(2099, 1, 1),
               mute_note="see " + LONG, warnings=("odd header " + LONG,)),
        result("moved", Status.MOVED, Reason.PERMANENT_REDIRECT, T0, name=LONG, url=LONG,
               redirects=(hop,), final_url=hop.target),
        result("drift", Status.DRIFTED, Reason.TITLE_CHANGED, T0, name=LONG, title=LONG,
               expected_title=LONG + "-old"),
        result("content", Status.DRIFTED, Reason.CONTENT_CHANGED, T0, name=LONG,
               content_diff=TextDiff(added=(LONG,), removed=(LONG + "-gone",))),
        result("fine", Status.OK, Reason.OK, T0, name=LONG, warnings=("note " + LONG,)),
    )
    with Store(tmp_path / "h.sqlite3") as store:
        run = Run(T0, T0, results)
        store.record_run(run, 1)
        view = build_view(run, store, history_runs=9, now=T0)  # the run as checked: muted
        report = tmp_path / "index.html"
        report.write_text(render_html(view, LONG), encoding="utf-8")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(report.as_uri())
        assert page.locator("ul.attention > li").count() == 4
        assert page.locator("ul.attention > li.muted .mutenote").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        browser.close()


# -- details that are easy to get wrong -------------------------------------------------------


def test_keyword_drift_has_no_title_diff(tmp_path: Path) -> None:
    kept = result("kw", Status.DRIFTED, Reason.KEYWORD_MISSING, T0, expected_title="Title kw",
                  detail="missing keyword 'stenosis'")
    with Store(tmp_path / "h.sqlite3") as store:
        store.record_run(Run(T0, T0, (kept,)), 1)
        view = view_of(store)
    assert view.attention[0].title_diff == ()
    soup = BeautifulSoup(render_html(view, "x"), "html.parser")
    assert soup.select_one("ul.attention dl.diff") is None
    assert "missing keyword 'stenosis'" in soup.select_one("ul.attention").get_text()


def test_csp_forbids_fetches_and_allows_only_our_script_by_hash(history: Store) -> None:
    soup = BeautifulSoup(render_html(view_of(history), "x"), "html.parser")
    csp = soup.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1]
    (script,) = soup.find_all("script")
    assert f"'{script_hash(script.string)}'" in csp


def test_since_reads_as_a_duration_or_this_run() -> None:
    started = T0
    assert since(T0, started, T0 + timedelta(seconds=5)) == "since this run"
    assert since(T0 - timedelta(hours=5, minutes=3), started, T0) == "for 5 h"
    assert since(T0 - timedelta(seconds=20), started, T0) == "for <1 min"
    assert since(T0 - timedelta(days=3), started, T0) == "for 3 d"


def test_markdown_moved_url_with_pipe_and_underscore_stays_one_cell(tmp_path: Path) -> None:
    target = "https://example.org/new_page|x`y"
    moved = result("mv", Status.MOVED, Reason.PERMANENT_REDIRECT, T0, final_url=target,
                   redirects=(Hop("https://example.org/mv", 301, target),))
    with Store(tmp_path / "h.sqlite3") as store:
        store.record_run(Run(T0, T0, (moved,)), 1)
        text = render_markdown(view_of(store), "x", ["broken"])
    row = next(line for line in text.splitlines() if "update to" in line)
    assert "`https://example.org/new_page%7Cx%60y`" in row  # literal in a code span
    assert len(re.findall(r"(?<!\\)\|", row)) == 6


def test_junit_failure_message_is_reason_in_words_and_detail(history: Store) -> None:
    run = history.load_run()
    assert run is not None
    root = ET.fromstring(render_junit(run, ["broken"]))
    failure = root.find(".//testcase[@name='gone']/failure")
    assert failure is not None
    assert failure.get("message") == "broken: Page not found (404/410): HTTP 404"
    passed = root.find(".//testcase[@name='fine']")
    assert passed is not None and passed.find("system-out") is not None


def test_check_keeps_history_bounded_and_prunes_old_runs(
    web: LoopbackWeb, tmp_path: Path, run_check: Any
) -> None:
    old = datetime.now(UTC) - timedelta(days=100)
    with Store(tmp_path / "monitor.sqlite3") as store:
        store.record_run(Run(old, old, (result("ok", Status.OK, Reason.OK, old),)), 1)
    for _ in range(3):
        run_check([{"id": "ok", "url": web.url("/ok")}], history_runs=2, retention_days=30)
    with Store(tmp_path / "monitor.sqlite3") as store:
        assert store.run_ids(10) == [2, 3, 4]  # the 100-day-old run is gone
    soup = BeautifulSoup((tmp_path / "reports" / "index.html").read_text(), "html.parser")
    assert len(soup.select("tr[data-status] svg.strip rect")) == 2


def test_report_markdown_to_stdout_prints_only_markdown(
    web: LoopbackWeb, tmp_path: Path, run_check: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    run_check([{"id": "gone", "url": web.url("/status/404")}])
    config = str(tmp_path / "resources.toml")
    assert main(["report", "-c", config, "--no-report", "--markdown", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Link health") and "monitor: wrote" not in out
    assert main(["report", "-c", config, "--markdown", "-", "--junit", "-"]) == 2
    assert "only one output" in capsys.readouterr().err


def test_report_without_a_database_creates_none(tmp_path: Path) -> None:
    config = tmp_path / "resources.toml"
    config.write_text('[[resource]]\nid = "a"\nurl = "http://127.0.0.1:9/"\n')
    assert main(["report", "-c", str(config)]) == 2
    assert not (tmp_path / "monitor.sqlite3").exists()


def test_check_markdown_to_stdout_silences_the_terminal_summary(
    web: LoopbackWeb, run_check: Any
) -> None:
    run = run_check([{"id": "gone", "url": web.url("/status/404")}], "--markdown", "-")
    assert run.code == 1 and run.out.startswith("## Link health")
    assert "gone" in run.out and "monitor:" not in run.out


def test_offline_run_shows_a_banner_and_all_healthy_says_so(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        store.record_run(Run(T0, T0, (result("a", Status.OK, Reason.OK, T0),)), 1)
        soup = BeautifulSoup(render_html(view_of(store), "x"), "html.parser")
        assert soup.select_one(".overall").get_text(strip=True).endswith("All links healthy")
        assert soup.select_one("ul.attention") is None and soup.select_one(".allgood")
        t1 = T0 + timedelta(hours=1)
        down = result("a", Status.DOWN, Reason.CONNECT, t1, http_status=None)
        store.record_run(Run(t1, t1, (down,), offline=True), 1)
        soup = BeautifulSoup(render_html(view_of(store), "x"), "html.parser")
    assert "looked offline" in soup.select_one(".banner").get_text()
    assert [r["class"] for r in soup.select("svg.strip rect")] == [["c-ok"], ["c-offline"]]


def test_long_lists_show_problems_in_full_and_ok_links_one_line_each(
    history: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.outputs import view as view_module

    monkeypatch.setattr(view_module, "COMPACT_OVER", 3)
    view = view_of(history)
    assert view.compact
    group = view.groups[0]
    assert [v.result.id for v in group.condensed] == ["fine"]
    assert "fine" not in [v.result.id for v in group.resources]
    soup = BeautifulSoup(render_html(view, "Long list"), "html.parser")
    assert not soup.select('tr[data-status="ok"]')
    condensed = soup.select_one("details.condensed")
    assert condensed is not None and "Fine" in condensed.get_text()
    assert len(soup.select("tr[data-status]")) == 5
