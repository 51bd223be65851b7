"""Flat memory: results are staged in the history as they complete, and every later stage
reads them back from there instead of holding a big run's results at once."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from monitor import pipeline, store_stage
from monitor.config import load_config
from monitor.models import Result
from monitor.resultseq import LazyResults
from monitor.runner import check
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
