"""Content history: snapshots learned at the first good check, latest texts, accept, and the
in-place migration of databases written before content snapshots existed."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor import content
from monitor.models import Content, Reason, Result, Run, Status
from monitor.store import _SCHEMA, Store

T0 = datetime(2026, 11, 1, tzinfo=UTC)
OLD = "Walk every day. Stretch your back gently. Rest when it hurts."
NEW = "Buy our tokens today. Stretch your back gently. Earn staking rewards."


def page(text: str, body: str) -> Content:
    return Content(body, True, content.fingerprint(text), content.compress(text), "k" + body)


def result(status: Status, at: datetime, page_content: Content | None,
           reason: Reason = Reason.OK) -> Result:
    return Result(
        id="r", name="R", url="https://r.example/", status=status, reason=reason, detail="",
        http_status=200, final_url="https://r.example/", redirects=(), title="T",
        expected_title=None, elapsed_ms=1.0, checked_at=at, content=page_content,
    )


def record(store: Store, res: Result, offline: bool = False) -> Run:
    run = Run(res.checked_at, res.checked_at, (res,), offline=offline)
    stored, _ = store.record_run(run, 1)
    return store.record_content(stored)


def test_old_database_gains_content_tables_and_keeps_history(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(_SCHEMA.replace("IF NOT EXISTS ", ""))
    db.execute("INSERT INTO meta VALUES ('schema', '1')")
    db.execute("INSERT INTO baselines VALUES ('r', 'T', 'learned', NULL, ?)", (T0.isoformat(),))
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.baselines()["r"].title == "T"
        assert store.snapshot_times() == {}
        assert store.content_memory().snapshots == {}


def test_snapshot_learned_from_first_good_check_only(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        record(store, result(Status.DOWN, T0, page(NEW, "err")))
        assert store.snapshot_times() == {}
        record(store, result(Status.OK, T0 + timedelta(hours=1), page(OLD, "a")), offline=True)
        assert store.snapshot_times() == {}
        stored = record(store, result(Status.OK, T0 + timedelta(hours=2), page(OLD, "a")))
        assert stored.results[0].content is None  # bulky content is not kept in the run
        assert store.snapshot_times() == {"r": (T0 + timedelta(hours=2), "learned")}
        memory = store.content_memory()
        assert memory.snapshots["r"].body_hash == "a"
        assert set(memory.known["r"]) == {"a", "ka"}


def test_changed_page_gets_a_short_diff_and_accept_takes_it(tmp_path: Path) -> None:
    with Store(tmp_path / "h.sqlite3") as store:
        record(store, result(Status.OK, T0, page(OLD, "a")))
        changed = record(store, result(Status.DRIFTED, T0 + timedelta(hours=1), page(NEW, "b"),
                                       Reason.CONTENT_CHANGED))
        diff = changed.results[0].content_diff
        assert diff is not None
        assert diff.removed == ("Walk every day.", "Rest when it hurts.")
        assert diff.added == ("Buy our tokens today.", "Earn staking rewards.")
        reloaded = store.load_run()
        assert reloaded is not None and reloaded.results[0].content_diff == diff
        # The body did not change again: its text is kept, only the run moves on.
        unchanged = replace(page(NEW, "b"), text_z=None)
        record(store, result(Status.DRIFTED, T0 + timedelta(hours=2), unchanged,
                             Reason.CONTENT_CHANGED))
        pair = store.text_pair("r")
        assert pair is not None and pair.latest == NEW and pair.snapshot == OLD
        assert store.accept_content(["r", "unknown"], T0 + timedelta(hours=3)) == ["r"]
        assert store.snapshot_times()["r"] == (T0 + timedelta(hours=3), "accepted")
        pair = store.text_pair("r")
        assert pair is not None and pair.snapshot == NEW and pair.same_body


def test_deferred_snapshot_markup_is_read_back(tmp_path: Path) -> None:
    from monitor.store_content import MarkupReader

    html = "<html><body><article><p>" + OLD + "</p></article></body></html>"
    kept = content.read(html.encode(), None, is_html=True, extract=False)
    path = tmp_path / "h.sqlite3"
    with Store(path) as store:
        record(store, result(Status.OK, T0, kept))
        memory = store.content_memory()
        assert not memory.snapshots["r"].extracted and memory.database == str(path)
        reader = MarkupReader(memory.database)
        stored = reader("r")
        reader.close()
        assert stored is not None and OLD in content.decompress(stored, 10**6)
        assert MarkupReader(None)("r") is None
        pair = store.text_pair("r")
        assert pair is not None and "Stretch your back gently." in pair.snapshot
        assert pair.latest == pair.snapshot and pair.same_body
        # One stored copy of the markup, which accepting the same page keeps.
        assert store.accept_content(["r"], T0 + timedelta(hours=1)) == ["r"]
        reader = MarkupReader(memory.database)
        assert reader("r") == stored
        reader.close()
