"""Flat memory: results are staged in the history as they complete, and every later stage
reads them back from there instead of holding a big run's results at once."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from monitor import pipeline, store_stage
from monitor.config import load_config
from monitor.models import Content, Reason, Result, Run, Status
from monitor.outputs.junit import iter_junit, render_junit
from monitor.outputs.view import build_view
from monitor.publish import Targets, publish
from monitor.resultseq import LazyResults
from monitor.runner import check
from monitor.safetext import display_run
from monitor.store import Store

from conftest import write_config
from loopback import LoopbackWeb, article


def _resources(web: LoopbackWeb, n: int) -> list[dict[str, Any]]:
    for i in range(n):
        web.set_page(f"/s/{i}", article(f"Streamed page {i:03d}"))
    return [{"id": f"s{i}", "url": web.url(f"/s/{i}")} for i in range(n)]


def _staged_rows(db: Path) -> int:
    with Store(db, writable=False) as store:
        return int(store._db.execute("SELECT COUNT(*) FROM staged_results").fetchone()[0])


def test_runner_stages_each_result_in_the_history_as_it_completes(
        web: LoopbackWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_stage, "BATCH", 1)  # every result written at once
    config = load_config(write_config(tmp_path / "r.toml", _resources(web, 6), workers=1))
    db = tmp_path / "h.sqlite3"
    seen: list[int] = []
    with Store(db) as store:
        stage = store.stage()
        assert stage is not None

        def on_result(result: Result) -> None:
            seen.append(_staged_rows(db))  # what the history holds when the hook runs

        run = asyncio.run(check(config, on_result=on_result, stage=stage))
    assert seen[-1] >= 5 and seen == sorted(seen)  # written while the run was going on
    assert isinstance(run.results, LazyResults)  # read back from the history, not held
    assert [r.id for r in run.results] == [f"s{i}" for i in range(6)]  # config order
    assert all(r.content is not None and r.content.markup_z for r in run.results)


def test_recorded_run_reads_its_results_from_the_history(web: LoopbackWeb,
                                                         tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "r.toml", _resources(web, 4), workers=1))
    outcome = pipeline.run_once(config, db=tmp_path / "h.sqlite3")
    assert isinstance(outcome.run.results, LazyResults)
    assert len(outcome.run.results) == 4 and outcome.run.summary()["ok"] == 4
    with Store(tmp_path / "h.sqlite3") as store:
        stored = store.load_run()
        assert stored is not None and tuple(stored.results) == tuple(outcome.run.results)
        assert store.text_pair("s0") is not None  # the first run's snapshot was kept
        assert store._db.execute("SELECT COUNT(*) FROM staged_results").fetchone()[0] == 0


def test_results_staged_by_a_killed_run_are_no_run_and_go_with_the_next(
        web: LoopbackWeb, tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "r.toml", _resources(web, 3), workers=1))
    db = tmp_path / "h.sqlite3"
    first = pipeline.run_once(config, db=db)
    with Store(db) as store:  # a run killed after staging its results, before recording
        stage = store.stage()
        assert stage is not None
        asyncio.run(check(config, stage=stage))
    assert _staged_rows(db) == 3
    with Store(db) as store:
        latest = store.load_run()
        assert latest is not None and latest.run_id == first.run.run_id
    second = pipeline.run_once(config, db=db)
    assert second.run.run_id != first.run.run_id and _staged_rows(db) == 0


def test_sharded_run_stages_results_from_every_worker(web: LoopbackWeb, tmp_path: Path) -> None:
    resources = [*_resources(web, 4), {"id": "other", "url": web.tls_url("/ok")}]
    config = load_config(write_config(tmp_path / "r.toml", resources, workers=2,
                                      ca_bundle=str(web.ca_path)))
    seen: list[str] = []
    outcome = pipeline.run_once(config, db=tmp_path / "h.sqlite3",
                                on_result=lambda r: seen.append(r.id))
    assert sorted(seen) == sorted(r["id"] for r in resources)  # progress saw every one
    assert [r.id for r in outcome.run.results] == [r["id"] for r in resources]
    assert isinstance(outcome.run.results, LazyResults)


def _big_run(store: Store, oks: int, problems: int) -> None:
    at = datetime(2026, 11, 20, 12, tzinfo=UTC)

    def one(i: int, status: Status, reason: Reason) -> Result:
        return Result(id=f"r{i}", name=f"Link {i}", url=f"https://example.org/{i}",
                      status=status, reason=reason, detail="", http_status=200,
                      final_url=f"https://example.org/{i}", redirects=(), title=f"T {i}",
                      expected_title=None, elapsed_ms=10.0, checked_at=at, tags=("site",))

    results = [one(i, Status.OK, Reason.OK) for i in range(oks)] + [
        one(oks + i, Status.BROKEN, Reason.NOT_FOUND) for i in range(problems)]
    store.record_run(Run(at, at, tuple(results)), 1)


def test_report_of_a_long_list_lists_every_problem_and_ok_links_up_to_a_cap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bs4 import BeautifulSoup

    from monitor.outputs import view as view_module
    from monitor.outputs.html import render_html

    monkeypatch.setattr(view_module, "COMPACT_OVER", 5)
    monkeypatch.setattr(view_module, "OK_LISTED", 4)
    with Store(tmp_path / "h.sqlite3") as store:
        _big_run(store, oks=10, problems=3)
        run = store.load_run()
        assert run is not None and isinstance(run.results, LazyResults)
        view = build_view(run, store, history_runs=5, now=run.finished_at)
    assert [v.result.id for v in view.attention] == ["r10", "r11", "r12"]
    group = view.groups[0]
    assert len(group.condensed) == 4 and group.unlisted == 6
    assert dict(group.counts) == {"broken": 3, "ok": 10}
    soup = BeautifulSoup(render_html(view, "Big"), "html.parser")
    assert len(soup.select("details.condensed li")) == 4
    assert "6 more ok links not listed" in " ".join(soup.get_text().split())
    assert "10 ok links" in soup.select_one("details.condensed summary").get_text()


def test_junit_is_written_one_case_at_a_time(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        _big_run(store, oks=3, problems=2)
        run = store.load_run()
    assert run is not None
    chunks = list(iter_junit(run, ["broken"]))
    assert len(chunks) == 2 + 5  # head, one chunk per case, tail
    root = ET.fromstring("".join(chunks))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "5" and suite.get("failures") == "2"
    assert [c.get("name") for c in suite.iter("testcase")] == [f"r{i}" for i in range(5)]
    assert "".join(chunks) == render_junit(replace(run, results=tuple(run.results)), ["broken"])


def test_later_stages_read_results_in_passes_and_keep_only_what_they_need(
        web: LoopbackWeb, tmp_path: Path) -> None:
    """The stored run's results are a lazy view in every stage after recording: mutes,
    outputs and the summary iterate it; the view reads rows back in batches."""
    resources = [*_resources(web, 3), {"id": "gone", "url": web.url("/status/404"),
                                       "muted_until": "2099-01-01"}]
    config = load_config(write_config(tmp_path / "r.toml", resources, workers=1))
    seen: list[Run] = []

    def after(run: Run, store: Store) -> None:
        seen.append(run)
        publish(run, config, store, Targets(report=str(tmp_path / "r.html"),
                                            json=str(tmp_path / "r.json"),
                                            junit=str(tmp_path / "r.xml"),
                                            markdown=str(tmp_path / "r.md")), ["broken"])

    outcome = pipeline.run_once(config, db=tmp_path / "h.sqlite3", after=after)
    assert isinstance(seen[0].results, LazyResults)
    gone = next(r for r in outcome.run.results if r.id == "gone")
    assert gone.muted and gone.status is Status.BROKEN
    assert outcome.learned == 3
    with Store(tmp_path / "h.sqlite3", writable=False) as store:
        assert set(store.baselines()) == {"s0", "s1", "s2"}
    assert '"muted": true' in (tmp_path / "r.json").read_text()
    assert "gone" in (tmp_path / "r.xml").read_text() and (tmp_path / "r.md").exists()


def test_a_stored_runs_counts_and_content_changes_need_no_pass_over_its_results(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        _big_run(store, oks=4, problems=2)
        run = store.load_run()
        assert run is not None

        def no_pass(self: object) -> None:
            raise AssertionError("read every result")

        monkeypatch.setattr(store_stage.StoredResults, "__iter__", no_pass)
        assert run.summary() == {"ok": 4, "moved": 0, "drifted": 0, "blocked": 0,
                                 "down": 0, "broken": 2, "total": 6}
        assert store.with_content_diffs(run) is run
        assert display_run(run).summary()["broken"] == 2  # made safe lazily, same counts


def test_a_workers_staged_part_is_read_back_in_batches_without_contents(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_stage, "BATCH", 2)
    at = datetime(2026, 11, 20, 12, tzinfo=UTC)
    with Store(tmp_path / "h.sqlite3") as store:
        stage = store.stage()
        assert stage is not None
        writer = store_stage.StageWriter(stage, part=1)
        for i in range(5):
            writer(Result(id=f"r{i}", name=f"Link {i}", url=f"https://example.org/{i}",
                          status=Status.OK, reason=Reason.OK, detail="", http_status=200,
                          final_url=f"https://example.org/{i}", redirects=(), title="T",
                          expected_title=None, elapsed_ms=1.0, checked_at=at,
                          content=Content("h", True, b"fp", markup_z=b"x" * 5000,
                                          extracted=False)))
        writer.close()
        batches = list(store_stage.staged_part(stage, 1))
    assert [[r.id for r in batch] for batch in batches] == [["r0", "r1"], ["r2", "r3"], ["r4"]]
    assert all(r.content is None and r.status is Status.OK for b in batches for r in b)


def test_recording_a_staged_run_reads_its_results_once(
        web: LoopbackWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Broken URLs (for archived copies), new warnings, contents, learnable titles: each is
    asked of the history or done in record_run's own pass, not in a pass of its own over
    every result (each pass over a big run builds every Result again)."""
    web.set_page("/wayback/available", b'{"archived_snapshots": {}}',
                 content_type="application/json")
    resources = [*_resources(web, 4), {"id": "gone", "url": web.url("/status/404")}]
    config = load_config(write_config(tmp_path / "r.toml", resources, workers=1, archive=True,
                                      archive_endpoint=web.url("/wayback/available")))
    passes: list[str] = []
    for view in (store_stage.StagedResults, store_stage.StoredResults):
        def counted(self: Any, original: Any = view.__iter__, name: str = view.__name__
                    ) -> Any:
            passes.append(name)
            return original(self)

        monkeypatch.setattr(view, "__iter__", counted)
    outcome = pipeline.run_once(config, db=tmp_path / "h.sqlite3")
    assert passes == ["StagedResults"]  # record_run's
    assert outcome.learned == 4 and outcome.new_warnings == ()
    lookups = [q for _, q, _ in web.seen if q.startswith("/wayback/")]
    assert [parse_qs(urlsplit(q).query)["url"] for q in lookups] == [[web.url("/status/404")]]
    with Store(tmp_path / "h.sqlite3", writable=False) as store:
        assert set(store.baselines()) == {"s0", "s1", "s2", "s3"}
        assert store.text_pair("s0") is not None  # contents saved in the same pass
        assert store._db.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0] == 4
        run = store.load_run()
    assert run is not None and isinstance(run.results, store_stage.StoredResults)
    passes.clear()
    assert [rid for rid, _ in pipeline.learnable(config, run)] == ["s0", "s1", "s2", "s3"]
    assert passes == []  # in stored (config) order, asked of the history


def test_the_report_reads_a_stored_run_once(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Which links the report shows in full (and fetches history for) is asked of the
    history; the one pass builds the report's rows."""
    from monitor.outputs import view as view_module

    monkeypatch.setattr(view_module, "COMPACT_OVER", 3)
    config = load_config(write_config(tmp_path / "r.toml", [{"id": "r0", "url": "https://example.org/0"}]))
    with Store(tmp_path / "h.sqlite3") as store:
        _big_run(store, oks=5, problems=2)
        run = store.load_run()
        assert run is not None
        passes: list[int] = []
        original = store_stage.StoredResults.__iter__

        def counted(self: store_stage.StoredResults) -> Any:
            passes.append(1)
            return original(self)

        monkeypatch.setattr(store_stage.StoredResults, "__iter__", counted)
        publish(run, config, store, Targets(report=str(tmp_path / "r.html")), ["broken"])
    assert len(passes) == 1
    html = (tmp_path / "r.html").read_text()
    assert "Link 5" in html and "Link 6" in html  # the two problems, in full
