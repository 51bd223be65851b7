"""History tables of the curating commands, beside store.py's: which resources.toml a run
was based on (`monitor fix` refuses to rewrite a file edited since), and mutes.

Additions only (new tables, created if missing), so older databases gain them on first use
and no schema version changes. Functions take a connection; `Store` wraps them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from .models import Status

SCHEMA = """
CREATE TABLE IF NOT EXISTS run_configs (
    run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    digest TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mutes (
    resource_id TEXT PRIMARY KEY,
    until TEXT NOT NULL,
    status TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    lapsed INTEGER NOT NULL DEFAULT 0
);
"""


@dataclass(frozen=True, slots=True)
class MuteRecord:
    """The status a resource had when it was muted until `until`: a mute lapses when the
    confirmed status moves away from it."""

    resource_id: str
    until: date
    status: Status
    recorded_at: datetime
    lapsed: bool = False  # the status changed while muted: over until a new mute


def note_config(db: sqlite3.Connection, run_id: int, digest: str) -> None:
    db.execute("INSERT OR REPLACE INTO run_configs VALUES (?, ?)", (run_id, digest))


def config_digest(db: sqlite3.Connection, run_id: int) -> str | None:
    row = db.execute("SELECT digest FROM run_configs WHERE run_id = ?", (run_id,)).fetchone()
    return str(row[0]) if row else None


def mutes(db: sqlite3.Connection) -> dict[str, MuteRecord]:
    rows = db.execute(
        "SELECT resource_id, until, status, recorded_at, lapsed FROM mutes").fetchall()
    return {
        row[0]: MuteRecord(row[0], date.fromisoformat(row[1]), Status(row[2]),
                           datetime.fromisoformat(row[3]), bool(row[4]))
        for row in rows
    }


def save_mutes(db: sqlite3.Connection, records: list[MuteRecord]) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO mutes VALUES (?, ?, ?, ?, ?)",
        [(r.resource_id, r.until.isoformat(), r.status.value, r.recorded_at.isoformat(),
          int(r.lapsed)) for r in records],
    )


def forget_mute(db: sqlite3.Connection, resource_id: str) -> None:
    db.execute("DELETE FROM mutes WHERE resource_id = ?", (resource_id,))


def drop_notices(db: sqlite3.Connection, run_id: int, resource_ids: list[str]) -> None:
    """Unqueue this run's notifications about muted resources (the outbox is store.py's)."""
    db.executemany("DELETE FROM outbox WHERE run_id = ? AND resource_id = ? "
                   "AND delivered_at IS NULL", [(run_id, rid) for rid in resource_ids])
