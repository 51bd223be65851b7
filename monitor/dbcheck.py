"""Is this SQLite file a history database of ours, intact and writable? Asked on every open,
before anything is written to it and before any page is fetched.

Each check returns None when all is well, else the problem in words; `store.Store` turns
that into a StoreError naming the file.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

#: `PRAGMA application_id` of our databases ("LMON"): a SQLite file without it that is not
#: empty and not a history of ours from before the id existed belongs to someone else.
APPLICATION_ID = 0x4C4D4F4E
_OUR_TABLES = frozenset({"meta", "runs", "results", "state"})


class _Probed(Exception):
    """Rolls back the write probe."""


def foreign(db: sqlite3.Connection) -> str | None:
    """Another application's database: neither our id, nor empty, nor our old schema."""
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    if app_id == APPLICATION_ID:
        return None
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if app_id == 0 and (not tables or tables >= _OUR_TABLES):
        return None
    return ("not a monitor history database (another application's SQLite file?); "
            "not touching it. Point --db or 'database' elsewhere")


def foreign_file(path: Path) -> str | None:
    """`foreign` of an existing file, opened read-only: asked before the run's lock file is
    created beside it, so another application's folder is left as it was. A file SQLite
    cannot read at all is left to `Store` to report."""
    try:
        with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as db:
            return foreign(db)
    except sqlite3.Error:
        return None


def damaged(db: sqlite3.Connection) -> str | None:
    """`PRAGMA quick_check` (structure, not every index entry): the first problems found."""
    problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
    if problems == ["ok"]:
        return None
    found = " ".join("; ".join(problems).split())  # one line
    return f"the history database is damaged ({found}); restore a backup or move it away"


def unwritable(db: sqlite3.Connection) -> str | None:
    """A write, rolled back: a read-only file (or folder, for the journal) fails here rather
    than when the run is recorded. Needs our `meta` table (after migration)."""
    try:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('opened', 'rw')")
        finally:
            db.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        return (f"cannot write to the history database ({exc}); "
                "check the permissions of the file and its folder")
    return None


def set_application_id(db: sqlite3.Connection) -> None:
    if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
