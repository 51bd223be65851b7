"""History: streaks and confirmation, baselines, atomic runs, pruning."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.models import Reason, Result, Run, Status
from monitor.store import Store, StoreError
from monitor.streak import advance

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def result(rid: str, status: Status, at: datetime, reason: Reason = Reason.OK) -> Result:
    return Result(
        id=rid, name=rid.upper(), url=f"https://{rid}.example/", status=status, reason=reason,
        detail="", http_status=200, final_url=f"https://{rid}.example/", redirects=(),
        title="T", expected_title=None, elapsed_ms=12.5, checked_at=at,
    )


def run_at(at: datetime, *results: Result, offline: bool = False) -> Run:
    return Run(at, at + timedelta(seconds=1), tuple(results), offline=offline)


def test_advance_confirms_after_n_runs_in_a_row() -> None:
    state, changed = advance(None, Status.OK, T0, 2)
    assert (state.streak, changed, state.confirmed_status) == (1, False, None)
    state, changed = advance(state, Status.OK, T0 + timedelta(hours=1), 2)
    assert (state.streak, changed, state.confirmed_status) == (2, True, Status.OK)
    state, changed = advance(state, Status.BROKEN, T0 + timedelta(hours=2), 2)
    assert (state.status, state.streak, changed, state.confirmed_status) == (
        Status.BROKEN, 1, False, Status.OK)
    assert state.since == T0 + timedelta(hours=2)
    state, changed = advance(state, Status.BROKEN, T0 + timedelta(hours=3), 2)
    assert changed and state.confirmed_status is Status.BROKEN
    assert state.confirmed_since == T0 + timedelta(hours=2)


def test_flapping_never_confirms() -> None:
    state, _ = advance(None, Status.OK, T0, 1)
    for hour, status in enumerate([Status.DOWN, Status.OK, Status.DOWN, Status.OK], start=1):
        state, changed = advance(state, status, T0 + timedelta(hours=hour), 2)
        assert not changed
    assert state.confirmed_status is Status.OK


def test_record_run_fills_streak_since_and_reports_confirmed_changes(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        first, changes = store.record_run(run_at(T0, result("a", Status.OK, T0)), 2)
        assert changes == [] and first.results[0].confirmed is False
        assert first.results[0].previous_status is None
        t1 = T0 + timedelta(hours=1)
        second, changes = store.record_run(run_at(t1, result("a", Status.OK, t1)), 2)
        assert changes == []  # first confirmation of a healthy link is not news
        assert second.results[0].confirmed and second.results[0].streak == 2
        assert second.results[0].since == T0
        t2, t3 = T0 + timedelta(hours=2), T0 + timedelta(hours=3)
        third, changes = store.record_run(
            run_at(t2, result("a", Status.BROKEN, t2, Reason.NOT_FOUND)), 2)
        assert changes == [] and third.results[0].previous_status is Status.OK
        assert not third.results[0].confirmed
        _, changes = store.record_run(
            run_at(t3, result("a", Status.BROKEN, t3, Reason.NOT_FOUND)), 2)
        assert [(c.resource_id, c.old, c.new, c.since) for c in changes] == [
            ("a", Status.OK, Status.BROKEN, t2)]
        latest = store.load_run()
        assert latest is not None and latest.results[0].status is Status.BROKEN
        assert latest.results[0].since == t2 and latest.results[0].streak == 2


def test_offline_run_confirms_nothing_and_keeps_streaks(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        store.record_run(run_at(T0, result("a", Status.OK, T0)), 1)
        t1 = T0 + timedelta(hours=1)
        offline = run_at(t1, result("a", Status.DOWN, t1, Reason.CONNECT), offline=True)
        stored, changes = store.record_run(offline, 1)
        assert changes == [] and stored.results[0].confirmed is False
        assert store.states()["a"].status is Status.OK
        assert store.uptimes(T0 - timedelta(days=1)) == {"a": 1.0}  # offline runs don't count


def test_failed_write_leaves_history_intact(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with Store(path) as store:
        store.record_run(run_at(T0, result("a", Status.OK, T0)), 1)
        t1 = T0 + timedelta(hours=1)
        duplicate = run_at(t1, result("a", Status.DOWN, t1), result("a", Status.DOWN, t1))
        with pytest.raises(sqlite3.IntegrityError):
            store.record_run(duplicate, 1)  # the second row breaks the primary key mid-write
        assert store.run_ids(10) == [1]
        assert store.states()["a"].status is Status.OK
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_baselines_learned_once_and_accept_overrides(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        assert store.learn_baselines({"a": "First Title"}, T0) == ["a"]
        assert store.learn_baselines({"a": "Second Title"}, T0) == []
        assert store.baselines()["a"].title == "First Title"
        store.accept({"a": ("Second Title", None)}, T0)
        stored = store.baselines()["a"]
        assert (stored.title, stored.source) == ("Second Title", "accepted")


def test_prune_drops_old_runs_and_their_results(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        old = T0 - timedelta(days=500)
        store.record_run(run_at(old, result("a", Status.OK, old)), 1)
        store.record_run(run_at(T0, result("a", Status.OK, T0)), 1)
        assert store.prune(400, T0) == 1
        assert len(store.run_ids(10)) == 1
        assert len(store.history(["a"], 10)["a"]) == 1


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot use as history database"):
        Store(path)


def test_results_round_trip_through_the_database(tmp_path: Path) -> None:
    original = replace(result("a", Status.MOVED, T0, Reason.PERMANENT_REDIRECT),
                       tags=("x", "y"), warnings=("w",), tls_days_left=3.5)
    with Store(tmp_path / "h.sqlite3") as store:
        stored, _ = store.record_run(run_at(T0, original), 1)
        loaded = store.load_run()
    assert loaded is not None and loaded.results == stored.results
