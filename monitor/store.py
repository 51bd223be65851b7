"""SQLite history: runs, one result row per resource per run, streak state and title baselines.

Every run is written in one transaction (WAL journal), so a run killed half-way leaves the
history exactly as it was before it. Times are stored as ISO-8601 UTC strings.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from . import dbcheck, store_curate, store_links, store_outbox, store_stage
from .models import Result, Run, Snapshot, Status
from .news import collect as collect_news
from .resultseq import LazyResults
from .store_baselines import BaselineHistory
from .store_content import CONTENT_SCHEMA, ContentHistory
from .store_curate import MuteRecord
from .store_history import HistoryPoint as HistoryPoint  # re-exported: outputs use it
from .store_history import HistoryReads
from .store_lookup import Baseline as Baseline  # re-exported: the runner uses it
from .store_lookup import HistoryLookup
from .store_outbox import Notice as Notice  # re-exported
from .store_outbox import OutboxHistory
from .store_stage import Stage, StoredResults, _dt, _ts
from .store_stage import result_from_row as _result_from_row
from .store_stage import result_row as _result_row
from .streak import Change, State, advance, is_notable

SCHEMA_VERSION = 1
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    offline INTEGER NOT NULL DEFAULT 0,
    summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL,{store_stage.RESULT_COLUMNS}    PRIMARY KEY (run_id, resource_id)
);
CREATE INDEX IF NOT EXISTS results_by_resource ON results(resource_id, run_id);
CREATE TABLE IF NOT EXISTS state (
    resource_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    since TEXT NOT NULL,
    streak INTEGER NOT NULL,
    confirmed_status TEXT,
    confirmed_since TEXT
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL,
    old TEXT,
    new TEXT NOT NULL,
    since TEXT NOT NULL,
    target TEXT NOT NULL,
    delivered_at TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(delivered_at);
CREATE TABLE IF NOT EXISTS baselines (
    resource_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    expected_title TEXT,
    recorded_at TEXT NOT NULL
);
"""


class StoreError(Exception):
    """The history database cannot be used (not SQLite, newer schema, unwritable)."""


class Store(ContentHistory, HistoryReads, BaselineHistory, OutboxHistory):
    """The history database. Use as a context manager, or call close().

    Opening checks, before anything is written: that the file is SQLite, that it is ours
    (APPLICATION_ID, or an empty file, or our schema from before the id), that it is intact
    (`PRAGMA quick_check`) and, with `writable`, that we can write to it. Any SQLite error
    inside the `with` block leaves it as a StoreError naming the file.
    """

    def __init__(self, path: str | Path, *, writable: bool = True) -> None:
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: cannot use as history database: {exc}") from None
        except OSError as exc:
            raise StoreError(f"{path}: cannot create its folder: {exc.strerror}") from None
        try:
            self._db.row_factory = sqlite3.Row
            for check in (dbcheck.foreign, dbcheck.damaged):
                problem = check(self._db)
                if problem:
                    raise StoreError(f"{path}: {problem}")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
            problem = dbcheck.unwritable(self._db) if writable else None
            if problem:
                raise StoreError(f"{path}: {problem}")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{path}: cannot use as history database: {exc}") from None
        except StoreError:
            self._db.close()
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: object, error: object, tb: object) -> None:
        self.close()
        if isinstance(error, sqlite3.Error):  # a fault mid-run: disk full, corruption...
            raise StoreError(f"{self.path}: history database error: {error}") from None

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self) -> None:
        self._db.executescript(_SCHEMA)  # idempotent; executescript commits on its own
        self._db.executescript(CONTENT_SCHEMA)  # content snapshots: added in place
        dbcheck.set_application_id(self._db)
        with self._transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            elif int(row["value"]) > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: written by a newer version (schema {row['value']})"
                )
        # New tables only (no version change): sources and archived copies, curating.
        self._db.executescript(store_links.SCHEMA)
        self._db.executescript(store_curate.SCHEMA)
        self._db.executescript(store_outbox.SCHEMA)
        self._db.executescript(store_stage.STAGE_SCHEMA)

    # -- reading ----------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row["value"]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def states(self) -> dict[str, State]:
        rows = self._db.execute("SELECT * FROM state").fetchall()
        return {row["resource_id"]: _state(row) for row in rows}

    def lookup(self) -> HistoryLookup | None:
        """For a big list's run: baselines and content memory asked for a batch at a time
        (None: an in-memory history, which other connections cannot read)."""
        return None if str(self.path) == ":memory:" else HistoryLookup(str(self.path))

    def run_ids(self, limit: int) -> list[int]:
        """The ids of the newest `limit` runs, oldest first."""
        rows = self._db.execute(
            "SELECT id FROM runs ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [row["id"] for row in reversed(rows)]

    def load_run(self, run_id: int | None = None) -> Run | None:
        """A stored run (the latest by default) rebuilt with its results in stored order."""
        if run_id is None:
            row = self._db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        else:
            row = self._db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            return None
        sources = store_links.load_sources(self._db, row["id"])
        results: Sequence[Result]
        if str(self.path) != ":memory:":  # read back in batches as often as it is needed
            count = self._db.execute("SELECT COUNT(*) FROM results WHERE run_id = ?",
                                     (row["id"],)).fetchone()[0]
            summary = json.loads(row["summary"])
            results = StoredResults(str(self.path), row["id"], count,
                                    summary if summary.get("total") == count else None)
        else:
            archived = store_links.load_archived(self._db, row["id"])
            results = tuple(
                replace(result, archived=archived.get(result.id)) if result.id in archived
                else result for result in map(_result_from_row, self._db.execute(
                    "SELECT * FROM results WHERE run_id = ? ORDER BY rowid", (row["id"],))))
        return self.with_content_diffs(Run(
            started_at=_dt(row["started_at"]) or datetime.min,
            finished_at=_dt(row["finished_at"]) or datetime.min,
            results=results,
            offline=bool(row["offline"]),
            run_id=row["id"],
            sources=sources,
        ))

    def last_warnings(self) -> dict[str, tuple[str, ...]] | None:
        """Each resource's warnings in the latest run; None before the first run."""
        row = self._db.execute("SELECT id FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        rows = self._db.execute(  # most have none: only those that have are held
            "SELECT resource_id, warnings FROM results WHERE run_id = ? AND warnings != '[]'",
            (row["id"],))
        return {r["resource_id"]: tuple(json.loads(r["warnings"])) for r in rows}

    # -- writing ----------------------------------------------------------------------------

    def stage(self, *, clear: bool = True) -> Stage | None:
        """Where a run about to be checked stages its results as they complete (None: an
        in-memory history, which other connections cannot reach: results stay in memory).
        With `clear` (only while holding the run lock) rows staged by runs that were
        killed are dropped first."""
        if str(self.path) == ":memory:":
            return None
        if clear:
            with self._transaction() as db:
                store_stage.clear(db)
        return Stage.new(str(self.path))

    def unstage(self, stage: Stage | None) -> None:
        if stage is not None:
            with self._transaction() as db:
                store_stage.clear(db, stage.token)

    def states_of(self, ids: Sequence[str]) -> dict[str, State]:
        """`states()` of these resources only."""
        found: dict[str, State] = {}
        for start in range(0, len(ids), store_stage.BATCH):
            chunk = ids[start:start + store_stage.BATCH]
            found.update((row["resource_id"], _state(row)) for row in self._db.execute(
                f"SELECT * FROM state WHERE resource_id IN ({','.join('?' * len(chunk))})",
                chunk))
        return found

    def record_run(
        self, run: Run, confirm_runs: int, notify_targets: Iterable[str] = (),
        new_warnings: Iterable[tuple[str, str]] = (), *, contents: bool = False,
    ) -> tuple[Run, list[Change]]:
        """Store a run atomically; fill in streak fields; return the confirmed changes.

        Results are read from `run` and written in batches (they may be staged in the
        history, see store_stage); the returned run reads them back from the history
        (a tuple of results stays a tuple, in memory).
        Each change is also queued, in the same transaction, for each of `notify_targets`
        (see `pending_notices`): a change is never stored as confirmed but lost to them.
        So is the run's other news (`news.collect`: confirmed source-article changes and
        `new_warnings`), see `pending_news`. With `contents`, the contents the results
        carry are saved too (`save_batch`), in the same pass and transaction."""
        notify_targets = set(notify_targets)
        changes: list[Change] = []
        # Results held in memory (a tuple) stay there; a lazy view is read back from here.
        lazy = isinstance(run.results, LazyResults) and str(self.path) != ":memory:"
        kept: list[Result] | None = None if lazy else []
        counts = {status.value: 0 for status in Status}
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (started_at, finished_at, offline, summary) VALUES (?,?,?,?)",
                (_ts(run.started_at), _ts(run.finished_at), int(run.offline), "{}"),
            )
            run_id = cursor.lastrowid
            assert run_id is not None
            for batch in store_stage.batches(run.results):
                rows, states = self._advance(batch, run.offline, confirm_runs, changes, kept)
                for row in rows:
                    counts[str(row[4])] += 1
                db.executemany("INSERT INTO archived VALUES (?,?,?,?)", [
                    (run_id, r.id, r.archived.url, r.archived.taken_at.isoformat())
                    for r in batch if r.archived is not None])
                db.executemany(
                    "INSERT INTO results VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    ((run_id, *row[1:]) for row in rows))
                db.executemany("INSERT OR REPLACE INTO state VALUES (?,?,?,?,?,?)", states)
                if contents:
                    self.save_batch(db, batch, run_id, offline=run.offline)
            counts["total"] = sum(counts.values())
            db.execute("UPDATE runs SET summary = ? WHERE id = ?", (json.dumps(counts), run_id))
            db.executemany(
                "INSERT INTO outbox (run_id, resource_id, old, new, since, target) "
                "VALUES (?,?,?,?,?,?)",
                [(run_id, c.resource_id, c.old.value if c.old else None, c.new.value,
                  _ts(c.since), target) for c in changes for target in set(notify_targets)],
            )
            linked = store_links.record(db, run_id, run, confirm_runs, archived=False)
            store_outbox.queue(db, run_id, collect_news(linked, new_warnings), notify_targets)
        results = tuple(kept) if kept is not None else StoredResults(
            str(self.path), run_id, counts["total"], counts)
        return replace(linked, results=results, run_id=run_id), changes

    def _advance(self, batch: list[Result], offline: bool, confirm_runs: int,
                 changes: list[Change], kept: list[Result] | None,
                 ) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        """One batch of results as stored (streak fields filled in), and their new states."""
        states = self.states_of([r.id for r in batch])
        rows: list[tuple[object, ...]] = []
        new_states: list[tuple[object, ...]] = []
        for result in batch:
            previous = states.get(result.id)
            if offline:
                # Our own network was down: this run says nothing about the sites.
                state = previous
                confirmed = False
            else:
                state, changed = advance(previous, result.status, result.checked_at, confirm_runs)
                new_states.append((result.id, state.status.value, _ts(state.since),
                                   state.streak, state.confirmed_status.value
                                   if state.confirmed_status else None,
                                   _ts(state.confirmed_since)))
                confirmed = state.confirmed_status == result.status
                if changed and is_notable(previous.confirmed_status if previous else None,
                                          result.status):
                    changes.append(Change(
                        result.id, previous.confirmed_status if previous else None,
                        result.status, state.since,
                    ))
            same = state is not None and state.status == result.status
            since = state.since if state is not None and same else None
            streak = state.streak if state is not None and same else 0
            before = previous.status if previous else None
            # The stored row built directly: `replace` costs more than the rest of a result.
            rows.append((*_result_row(None, result)[:17], _ts(since), streak, int(confirmed),
                         before.value if before else None))
            if kept is not None:
                kept.append(replace(result, since=since, streak=streak, confirmed=confirmed,
                                    previous_status=before))
        return rows, new_states

    def cached_snapshots(self, urls: Iterable[str], day: str) -> dict[str, Snapshot | None]:
        """Archive answers already fetched on `day` (YYYY-MM-DD) for these URLs."""
        return store_links.cached_snapshots(self._db, urls, day)

    def cache_snapshots(self, answers: dict[str, Snapshot | None], day: str) -> None:
        with self._transaction() as db:
            store_links.cache_snapshots(db, answers, day)

    # -- curating (monitor fix, mute) -----------------------------------------------------------

    def note_config(self, run_id: int, digest: str) -> None:
        """Remember the resources.toml (by digest) that run `run_id` checked."""
        with self._transaction() as db:
            store_curate.note_config(db, run_id, digest)

    def config_digest(self, run_id: int) -> str | None:
        return store_curate.config_digest(self._db, run_id)

    def mutes(self) -> dict[str, MuteRecord]:
        return store_curate.mutes(self._db)

    def save_mutes(self, records: list[MuteRecord]) -> None:
        if records:
            with self._transaction() as db:
                store_curate.save_mutes(db, records)

    def forget_mute(self, resource_id: str) -> None:
        with self._transaction() as db:
            store_curate.forget_mute(db, resource_id)

    def prune(self, retention_days: int, now: datetime) -> int:
        """Delete runs older than the retention period; returns how many went."""
        cutoff = (now - timedelta(days=retention_days)).isoformat()
        with self._transaction() as db:
            cursor = db.execute("DELETE FROM runs WHERE started_at < ?", (cutoff,))
        return cursor.rowcount


def _state(row: sqlite3.Row) -> State:
    return State(
        Status(row["status"]), _dt(row["since"]) or datetime.min, row["streak"],
        Status(row["confirmed_status"]) if row["confirmed_status"] else None,
        _dt(row["confirmed_since"]),
    )
