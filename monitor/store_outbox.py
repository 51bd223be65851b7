"""The outbox's second table, beside store.py's `outbox` of status changes: news that is not a
status change (`news.News`: source-article changes, new warnings), queued per notifier in the
transaction that records the run, marked when delivered, sent again after the next run when
it could not be. A new table only (created if missing), so no schema version changes.

Functions take the Store's connection and run inside its transactions.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from . import store_curate
from .models import Result, Status
from .news import News
from .store_stage import _dt, result_from_row
from .streak import Change

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox_news (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    resource_id TEXT,
    body TEXT NOT NULL,
    delivered_at TEXT
);
CREATE INDEX IF NOT EXISTS outbox_news_pending ON outbox_news(delivered_at);
"""


@dataclass(frozen=True, slots=True)
class NewsNotice:
    """One piece of news still to be announced to one notification target."""

    id: int
    target: str  # the notifier's delivery key
    news: News


def queue(db: sqlite3.Connection, run_id: int, items: Iterable[News],
          targets: Iterable[str]) -> None:
    wanted = sorted(set(targets))
    db.executemany(
        "INSERT INTO outbox_news (run_id, target, kind, subject, resource_id, body) "
        "VALUES (?,?,?,?,?,?)",
        [(run_id, target, item.kind, item.subject, item.resource_id,
          json.dumps(item.body, ensure_ascii=False)) for item in items for target in wanted],
    )


def pending(db: sqlite3.Connection) -> list[NewsNotice]:
    """Undelivered news, oldest first."""
    rows = db.execute("SELECT id, target, kind, subject, resource_id, body FROM outbox_news "
                      "WHERE delivered_at IS NULL ORDER BY id").fetchall()
    return [NewsNotice(row[0], row[1], News(row[2], row[3], row[4], json.loads(row[5])))
            for row in rows]


def mark_delivered(db: sqlite3.Connection, ids: Iterable[int], now: datetime) -> None:
    db.executemany("UPDATE outbox_news SET delivered_at = ? WHERE id = ?",
                   [(now.isoformat(), notice_id) for notice_id in ids])


def drop(db: sqlite3.Connection, run_id: int, resource_ids: Iterable[str]) -> None:
    """Unqueue this run's news about these (muted) resources."""
    db.executemany("DELETE FROM outbox_news WHERE run_id = ? AND resource_id = ? "
                   "AND delivered_at IS NULL", [(run_id, rid) for rid in resource_ids])


@dataclass(frozen=True, slots=True)
class Notice:
    """A confirmed change still to be announced to one notification target."""

    id: int
    target: str  # the notifier's delivery key
    change: Change
    result: Result | None  # the resource's result in the run that confirmed the change


def pending_changes(db: sqlite3.Connection) -> list[Notice]:
    """Queued changes not yet delivered, oldest first, with the result that confirmed them."""
    rows = db.execute(
        "SELECT o.*, r.rowid AS result_row FROM outbox o LEFT JOIN results r "
        "ON r.run_id = o.run_id AND r.resource_id = o.resource_id "
        "WHERE o.delivered_at IS NULL ORDER BY o.id"
    ).fetchall()
    results: dict[int, Result] = {}
    wanted = sorted({row["result_row"] for row in rows if row["result_row"] is not None})
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for found in db.execute(
                f"SELECT rowid AS result_row, * FROM results WHERE rowid IN ({marks})", chunk):
            results[found["result_row"]] = result_from_row(found)
    return [
        Notice(row["id"], row["target"], Change(
            row["resource_id"], Status(row["old"]) if row["old"] else None,
            Status(row["new"]), _dt(row["since"]) or datetime.min,
        ), results.get(row["result_row"]))
        for row in rows
    ]


class OutboxHistory:
    """Mixed into Store: the outbox's reads and deliveries (needs its connection and
    transaction helper)."""

    _db: sqlite3.Connection

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError  # pragma: no cover - provided by Store

    def drop_notices(self, run_id: int, resource_ids: list[str]) -> None:
        with self._transaction() as db:
            store_curate.drop_notices(db, run_id, resource_ids)
            drop(db, run_id, resource_ids)

    def pending_notices(self) -> list[Notice]:
        """Queued changes not yet delivered, oldest first, with the result that confirmed them."""
        return pending_changes(self._db)

    def mark_delivered(self, notice_ids: Iterable[int], now: datetime) -> None:
        with self._transaction() as db:
            db.executemany("UPDATE outbox SET delivered_at = ? WHERE id = ?",
                           [(now.isoformat(), notice_id) for notice_id in notice_ids])

    def pending_news(self) -> list[NewsNotice]:
        """Queued news (source changes, new warnings) not yet delivered, oldest first."""
        return pending(self._db)

    def mark_news_delivered(self, notice_ids: Iterable[int], now: datetime) -> None:
        with self._transaction() as db:
            mark_delivered(db, notice_ids, now)
