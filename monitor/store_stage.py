"""Result rows: how a Result is written to the history and read back, the staging table a
run in flight writes its results to as they complete, and lazy views of both.

A run's results are staged (`staged_results`, keyed by the run's token) by the runner as
they complete, from every worker process, in batches over their own connections; the run
becomes visible only when `Store.record_run` moves them into `results` with the run's row,
in one transaction. A run killed before that leaves staged rows and no run: the next run
clears them. First-run markup is staged with its result, not held in memory until then.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from .models import Content, Hop, Reason, Resource, Result, Snapshot, Status
from .resultseq import LazyResults

BATCH = 500  # rows per staged write and per read
# The columns of one result, shared by the history's `results` and the staging table, so a
# result moves from one to the other column for column.
RESULT_COLUMNS = """
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    http_status INTEGER,
    final_url TEXT NOT NULL,
    redirects TEXT NOT NULL,
    title TEXT,
    expected_title TEXT,
    elapsed_ms REAL NOT NULL,
    checked_at TEXT NOT NULL,
    tags TEXT NOT NULL,
    warnings TEXT NOT NULL,
    tls_days_left REAL,
    since TEXT,
    streak INTEGER NOT NULL,
    confirmed INTEGER NOT NULL,
    previous_status TEXT,
"""
_RESULT_NAMES = ", ".join(
    ["resource_id"] + [line.split()[0] for line in RESULT_COLUMNS.strip().splitlines()])
STAGE_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS staged_results (
    token TEXT NOT NULL,
    part INTEGER NOT NULL,
    resource_id TEXT NOT NULL,{RESULT_COLUMNS}    body_hash TEXT,
    is_html INTEGER,
    fingerprint BLOB,
    text_z BLOB,
    text_key TEXT,
    markup_z BLOB,
    extracted INTEGER,
    completed TEXT,
    PRIMARY KEY (token, resource_id)
);
"""


def _ts(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def result_row(run_id: object, r: Result) -> tuple[object, ...]:
    """The `results` row of `r` (its first column `run_id`)."""
    return (
        run_id, r.id, r.name, r.url, r.status.value, r.reason.value, r.detail, r.http_status,
        r.final_url,
        json.dumps([[h.url, h.status, h.target] for h in r.redirects]) if r.redirects else "[]",
        r.title, r.expected_title, r.elapsed_ms, _ts(r.checked_at),
        json.dumps(list(r.tags)) if r.tags else "[]",  # (most are empty: no encoder call)
        json.dumps(list(r.warnings)) if r.warnings else "[]", r.tls_days_left, _ts(r.since),
        r.streak, int(r.confirmed), r.previous_status.value if r.previous_status else None,
    )


def _strings(text: str) -> tuple[str, ...]:
    return () if text == "[]" else tuple(json.loads(text))  # nearly always empty


def result_from_row(row: sqlite3.Row, content: Content | None = None) -> Result:
    redirects = row["redirects"]
    return Result(
        id=row["resource_id"], name=row["name"], url=row["url"], status=Status(row["status"]),
        reason=Reason(row["reason"]), detail=row["detail"], http_status=row["http_status"],
        final_url=row["final_url"],
        redirects=() if redirects == "[]" else tuple(
            Hop(u, s, t) for u, s, t in json.loads(redirects)),
        title=row["title"], expected_title=row["expected_title"], elapsed_ms=row["elapsed_ms"],
        checked_at=_dt(row["checked_at"]) or datetime.min, tags=_strings(row["tags"]),
        warnings=_strings(row["warnings"]), tls_days_left=row["tls_days_left"],
        since=_dt(row["since"]), streak=row["streak"], confirmed=bool(row["confirmed"]),
        previous_status=Status(row["previous_status"]) if row["previous_status"] else None,
        content=content,
    )


def _content_row(page: Content | None) -> tuple[object, ...]:
    if page is None:
        return (None,) * 8
    completed = json.dumps([[rid, c.body_hash, c.is_html, c.fingerprint.hex(),
                             c.text_z.hex() if c.text_z is not None else None, c.text_key]
                            for rid, c in page.completed]) if page.completed else None
    return (page.body_hash, int(page.is_html), page.fingerprint, page.text_z, page.text_key,
            page.markup_z, int(page.extracted), completed)


def _blob(value: object) -> bytes | None:
    return bytes(value) if isinstance(value, bytes | memoryview) else None


def _content_from_row(row: sqlite3.Row) -> Content | None:
    if row["body_hash"] is None:
        return None
    completed = tuple(
        (rid, Content(body_hash, bool(is_html), bytes.fromhex(fp),
                      bytes.fromhex(text) if text is not None else None, key))
        for rid, body_hash, is_html, fp, text, key in json.loads(row["completed"])
    ) if row["completed"] else ()
    return Content(row["body_hash"], bool(row["is_html"]), _blob(row["fingerprint"]) or b"",
                   _blob(row["text_z"]), row["text_key"] or "", _blob(row["markup_z"]),
                   bool(row["extracted"]), completed)


def _connect(database: str) -> sqlite3.Connection:
    db = sqlite3.connect(database, isolation_level=None, timeout=30)
    db.row_factory = sqlite3.Row
    return db


@dataclass(frozen=True, slots=True)
class Stage:
    """Where a run in flight stages its results: the history's file and the run's token.
    Picklable, so worker processes write their results there themselves."""

    database: str
    token: str

    @staticmethod
    def new(database: str) -> Stage:
        return Stage(database, secrets.token_hex(8))


class StageWriter:
    """Stages results in batches over its own connection; call `close()` when done."""

    def __init__(self, stage: Stage, part: int = 0) -> None:
        self._stage = stage
        self._part = part
        self._rows: list[tuple[object, ...]] = []
        self._db: sqlite3.Connection | None = None

    def __call__(self, result: Result) -> None:
        self._rows.append((self._stage.token, self._part, *result_row(None, result)[1:],
                           *_content_row(result.content)))
        if len(self._rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        if self._db is None:
            self._db = _connect(self._stage.database)
        marks = ",".join("?" * len(self._rows[0]))
        self._db.execute("BEGIN IMMEDIATE")
        self._db.executemany(f"INSERT OR REPLACE INTO staged_results VALUES ({marks})",
                             self._rows)
        self._db.execute("COMMIT")
        self._rows = []

    def close(self) -> None:
        try:
            self.flush()
        finally:
            if self._db is not None:
                self._db.close()
                self._db = None


class StagedResults(LazyResults):
    """A run's staged results, in the order of `order` (the config's resources), each
    with the content it carried."""

    def __init__(self, stage: Stage, order: Sequence[Resource], count: int) -> None:
        self._stage = stage
        self._order = order
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Result]:
        db = _connect(self._stage.database)
        order = iter(self._order)  # one pass: the order may be a big list's spool
        try:
            while ids := [r.id for r in islice(order, BATCH)]:
                rows = {row["resource_id"]: row for row in db.execute(
                    "SELECT * FROM staged_results WHERE token = ? AND resource_id IN "
                    f"({','.join('?' * len(ids))})", (self._stage.token, *ids))}
                for rid in ids:
                    row = rows.get(rid)
                    if row is not None:
                        yield _staged(row)
        finally:
            db.close()

    def select(self, columns: str, where: str, args: tuple[object, ...] = ()
               ) -> Iterator[tuple[Any, ...]]:
        """In the order the results were staged (as they completed), not the config's."""
        return _query(self._stage.database,
                      f"SELECT {columns} FROM staged_results WHERE token = ? AND ({where})",
                      (self._stage.token, *args))


def staged_part(stage: Stage, part: int) -> Iterator[list[Result]]:
    """The results one worker process staged, in the order it staged them, a batch at a
    time, without their contents (read for the run's tally and progress only: a content's
    markup is kilobytes, and a big run's worker stages hundreds of thousands)."""
    db = _connect(stage.database)
    try:
        last, end = rowid_span(db, "staged_results", "token = ? AND part = ?",
                               (stage.token, part))
        while last <= end:
            rows = db.execute(f"SELECT rowid, {_RESULT_NAMES} FROM staged_results NOT INDEXED "
                              "WHERE rowid BETWEEN ? AND ? AND token = ? AND part = ? "
                              "ORDER BY rowid LIMIT ?",
                              (last, end, stage.token, part, BATCH)).fetchall()
            if not rows:
                return
            last = rows[-1]["rowid"] + 1
            yield [result_from_row(row) for row in rows]
    finally:
        db.close()


def rowid_span(db: sqlite3.Connection, table: str, where: str, args: tuple[object, ...]
               ) -> tuple[int, int]:
    """The first and last rowid of the rows `where` selects. A run's rows (and a worker's
    staged ones, nearly) are written together, so batches read by rowid within this span
    (NOT INDEXED) cost what they read: through the primary key's index (run or token
    first) every batch would scan and sort all the rows of the run, quadratic in a big run.
    """
    low, high = db.execute(f"SELECT MIN(rowid), MAX(rowid) FROM {table} WHERE {where}",
                           args).fetchone()
    return (0, -1) if low is None else (int(low), int(high))


def batches(results: Iterable[Result], size: int = BATCH) -> Iterator[list[Result]]:
    """`results` a list of at most `size` at a time (the unit every pass writes in)."""
    results = iter(results)
    while batch := list(islice(results, size)):
        yield batch


def _query(database: str, sql: str, args: tuple[object, ...]) -> Iterator[tuple[Any, ...]]:
    """The rows of one query as plain tuples, over a connection of its own (closed when the
    rows are read, or the iterator is dropped)."""
    db = sqlite3.connect(database, timeout=30)
    try:
        yield from db.execute(sql, args)
    finally:
        db.close()


def _staged(row: sqlite3.Row) -> Result:
    return result_from_row(row, _content_from_row(row))


class StoredResults(LazyResults):
    """A recorded run's results as stored (with their archived copies), in stored order,
    read from the history in batches on each pass over its own connection, so the view
    outlives the Store that recorded it."""

    def __init__(self, database: str, run_id: int, count: int,
                 counts: dict[str, int] | None = None) -> None:
        self._database = database
        self._run_id = run_id
        self._count = count
        self.counts = counts

    def ids_with(self, reason: Reason) -> list[str]:
        """The ids of the results with this reason, asked of the history (no pass)."""
        db = _connect(self._database)
        try:
            return [row[0] for row in db.execute(
                "SELECT resource_id FROM results WHERE run_id = ? AND reason = ? ORDER BY rowid",
                (self._run_id, reason.value))]
        finally:
            db.close()

    def __len__(self) -> int:
        return self._count

    def select(self, columns: str, where: str, args: tuple[object, ...] = ()
               ) -> Iterator[tuple[Any, ...]]:
        """In stored order (the config's), read along the run's rowid span."""
        db = sqlite3.connect(self._database, timeout=30)
        try:
            low, high = rowid_span(db, "results", "run_id = ?", (self._run_id,))
            yield from db.execute(
                f"SELECT {columns} FROM results NOT INDEXED WHERE rowid BETWEEN ? AND ? "
                f"AND run_id = ? AND ({where}) ORDER BY rowid", (low, high, self._run_id, *args))
        finally:
            db.close()

    def __iter__(self) -> Iterator[Result]:
        db = _connect(self._database)
        try:
            last, end = rowid_span(db, "results", "run_id = ?", (self._run_id,))
            while last <= end:
                rows = db.execute(
                    "SELECT r.rowid AS row_number, r.*, a.url AS archived_url, a.taken_at "
                    "FROM results r NOT INDEXED LEFT JOIN archived a ON a.run_id = r.run_id "
                    "AND a.resource_id = r.resource_id WHERE r.rowid BETWEEN ? AND ? "
                    "AND r.run_id = ? ORDER BY r.rowid LIMIT ?",
                    (last, end, self._run_id, BATCH)).fetchall()
                if not rows:
                    return
                last = rows[-1]["row_number"] + 1
                for row in rows:
                    result = result_from_row(row)
                    if row["archived_url"] is not None:
                        result = replace(result, archived=Snapshot(
                            row["archived_url"], datetime.fromisoformat(row["taken_at"])))
                    yield result
        finally:
            db.close()


def clear(db: sqlite3.Connection, token: str | None = None) -> None:
    """Drop one run's staged rows, or (None) every run's: those of killed runs."""
    if token is None:
        db.execute("DELETE FROM staged_results")
    else:
        db.execute("DELETE FROM staged_results WHERE token = ?", (token,))


class StageSink:
    """Where a staged run's results go as they are judged (the stage), and what the run
    needs to know of them all without keeping them: how many, and whether every one failed
    at the network level (`offline_reasons`), on how many origins (two say it is us)."""

    def __init__(self, stage: Stage, offline_reasons: Collection[Reason]) -> None:
        self.stage = stage
        self.writer = StageWriter(stage)
        self._offline_reasons = offline_reasons
        self.restart()

    def restart(self) -> None:
        self.count = 0
        self.unreachable = True
        self.origins: set[str] = set()

    def tally(self, result: Result) -> None:
        self.count += 1
        if self.unreachable and (result.status not in (Status.DOWN, Status.BROKEN)
                                 or result.reason not in self._offline_reasons):
            self.unreachable = False
        if self.unreachable and len(self.origins) < 2:
            self.origins.add(urlsplit(result.url).netloc)

    def __call__(self, result: Result) -> None:
        self.tally(result)
        self.writer(result)
