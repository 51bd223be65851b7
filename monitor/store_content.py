"""History of what pages said: the curated snapshot and the latest main text, per resource.

A mixin of `store.Store` (same database, same transactions), kept apart so the run history
stays readable. Two tables, created on open when missing (that is the whole migration):

* `snapshots`: the page as curated — taken from the first good check, replaced by
  `monitor accept`: body digest, main-text fingerprint and the compressed main text.
* `latest_content`: the same for the newest run that fetched the page, so `monitor diff` and
  the reports can show what changed, and an unchanged body is never extracted again.

Texts are bounded (content.MAX_TEXT_CHARS) and zlib-compressed. Main-text extraction is
deferred until a page changes: until then a row keeps the page's compressed markup (`markup`,
`text` NULL), and the runner reads it back (`MarkupReader`) only when it needs it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime

from . import content as text_content
from .models import Content, Reason, Result, Run, Status, TextDiff
from .resultseq import map_results
from .store_stage import StoredResults, batches

CONTENT_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (
    resource_id TEXT PRIMARY KEY,
    taken_at TEXT NOT NULL,
    source TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    is_html INTEGER NOT NULL,
    fingerprint BLOB NOT NULL,
    text BLOB,
    text_key TEXT NOT NULL DEFAULT '',
    markup BLOB
);
CREATE TABLE IF NOT EXISTS latest_content (
    resource_id TEXT PRIMARY KEY,
    run_id INTEGER,
    checked_at TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    is_html INTEGER NOT NULL,
    fingerprint BLOB NOT NULL,
    text BLOB,
    text_key TEXT NOT NULL DEFAULT '',
    markup BLOB
);
"""
SHORT_DIFF_SENTENCES = 3  # per side, in reports
_GOOD = (Status.OK, Status.MOVED)  # the page itself answered as curated


@dataclass(frozen=True, slots=True)
class ContentMemory:
    """What the runner needs to know about past content (cheap: no texts)."""

    snapshots: dict[str, Content] = field(default_factory=dict)  # resource id -> snapshot
    # resource id -> {body hash or text key: fingerprint} of pages already read
    known: dict[str, dict[str, bytes]] = field(default_factory=dict)
    database: str | None = None  # where deferred snapshots' markup can be read


class MarkupReader:
    """Reads the stored markup of deferred snapshots, on demand, over its own read-only
    connection (the runner may be in a worker process)."""

    def __init__(self, database: str | None) -> None:
        self._database = database
        self._db: sqlite3.Connection | None = None

    def __call__(self, resource_id: str) -> bytes | None:
        if not self._database or self._database == ":memory:":
            return None
        try:
            if self._db is None:
                self._db = sqlite3.connect(f"file:{self._database}?mode=ro", uri=True,
                                           timeout=30)
            row = self._db.execute("SELECT markup FROM snapshots WHERE resource_id = ?",
                                   (resource_id,)).fetchone()
        except sqlite3.Error:
            return None  # no markup: the snapshot stays deferred, nothing is judged
        return bytes(row[0]) if row and row[0] else None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


@dataclass(frozen=True, slots=True)
class TextPair:
    """A resource's snapshot text and latest text, for `monitor diff`."""

    snapshot: str
    latest: str
    taken_at: datetime
    source: str
    checked_at: datetime | None
    is_html: bool
    same_body: bool


class ContentHistory:
    """Mixed into Store: needs its connection and transaction helper."""

    _db: sqlite3.Connection

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError  # pragma: no cover - provided by Store

    # -- reading ----------------------------------------------------------------------------

    def content_memory(self) -> ContentMemory:
        memory = ContentMemory(database=str(getattr(self, "path", "")) or None)
        read_memory(self._db, memory)
        return memory

    def snapshot_times(self) -> dict[str, tuple[datetime, str]]:
        """{resource id: (when the snapshot was taken, "learned" or "accepted")}."""
        return {
            row["resource_id"]: (datetime.fromisoformat(row["taken_at"]), row["source"])
            for row in self._db.execute("SELECT resource_id, taken_at, source FROM snapshots")
        }

    def text_pair(self, resource_id: str) -> TextPair | None:
        """The snapshot's and the latest run's main text, or None without a snapshot."""
        row = self._db.execute(
            "SELECT s.taken_at, s.source, s.text AS old, s.markup AS old_markup, s.is_html, "
            "s.body_hash AS old_hash, l.text AS new, l.checked_at, "
            # a latest page not extracted yet is the snapshot's page: its markup is there
            "COALESCE(l.markup, CASE WHEN l.text IS NULL THEN s.markup END) AS new_markup, "
            "l.body_hash AS new_hash FROM snapshots s "
            "LEFT JOIN latest_content l USING (resource_id) WHERE s.resource_id = ?",
            (resource_id,),
        ).fetchone()
        if row is None:
            return None
        return TextPair(
            snapshot=_text(row["old"], row["old_markup"]),
            latest=_text(row["new"], row["new_markup"]),
            taken_at=datetime.fromisoformat(row["taken_at"]), source=row["source"],
            checked_at=datetime.fromisoformat(row["checked_at"]) if row["checked_at"] else None,
            is_html=bool(row["is_html"]), same_body=row["old_hash"] == row["new_hash"],
        )

    def short_diffs(self, ids: Iterable[str], run_id: int | None) -> dict[str, TextDiff]:
        """The first few added/removed sentences of each resource whose latest content is from
        run `run_id` (older runs' texts are not kept)."""
        found: dict[str, TextDiff] = {}
        for rid in ids:
            row = self._db.execute(
                "SELECT run_id FROM latest_content WHERE resource_id = ?", (rid,)
            ).fetchone()
            pair = self.text_pair(rid) if row and row["run_id"] == run_id else None
            if pair is not None and pair.is_html:
                found[rid] = text_content.head(
                    text_content.diff(pair.snapshot, pair.latest), SHORT_DIFF_SENTENCES)
        return found

    def with_content_diffs(self, run: Run) -> Run:
        """`run` with the short diff filled in for its content-changed results."""
        if isinstance(run.results, StoredResults):  # asked of the history, not in a pass
            changed = run.results.ids_with(Reason.CONTENT_CHANGED)
        else:
            changed = [r.id for r in run.results if r.reason is Reason.CONTENT_CHANGED]
        if not changed:
            return run
        diffs = self.short_diffs(changed, run.run_id)
        if not diffs:
            return run
        return replace(run, results=map_results(
            run.results, lambda r: replace(r, content_diff=diffs[r.id]) if r.id in diffs else r,
            as_stored=True))

    # -- writing ----------------------------------------------------------------------------

    def record_content(self, run: Run) -> Run:
        """Remember the content each result carried: as the latest, and as the snapshot of a
        resource that has none yet and checked ok. Returns `run` without the (bulky)
        contents and with the short diffs of content-changed results."""
        self.save_contents(run)
        return self.with_content_diffs(without_contents(run))

    def save_contents(self, run: Run) -> None:
        """`record_content` without building the run it returns (one pass, nothing kept)."""
        with self._transaction() as db:
            for batch in batches(run.results):
                self.save_batch(db, batch, run.run_id, offline=run.offline)

    def save_batch(self, db: sqlite3.Connection, batch: Sequence[Result], run_id: int | None,
                   *, offline: bool) -> None:
        """The contents a batch of a run's results carried, in the caller's transaction (the
        run's own, when `Store.record_run` is asked to): the latest of each, and the
        snapshot of a resource that has none yet and checked ok. A first run writes each
        batch with two statements, not three for each result."""
        carried = [r for r in batch if r.content is not None]
        if not carried:
            return
        candidates = [r.id for r in carried if r.status in _GOOD] if not offline else []
        have = {row[0] for row in db.execute(
            "SELECT resource_id FROM snapshots WHERE resource_id IN "
            f"({','.join('?' * len(candidates))})", candidates)} if candidates else set()
        latest: list[tuple[object, ...]] = []
        learned: list[tuple[object, ...]] = []
        for result in carried:
            page = result.content
            assert page is not None
            learn = result.status in _GOOD and not offline and result.id not in have
            # A snapshot taken now keeps the markup; the latest reads it from there.
            written = self._save_latest(db, result, page, run_id, keep_markup=not learn,
                                        deferred=latest)
            for rid, done in page.completed:  # deferred snapshots extracted this run
                db.execute(
                    "UPDATE snapshots SET fingerprint = ?, text = ?, markup = NULL "
                    "WHERE resource_id = ? AND body_hash = ?",
                    (done.fingerprint, done.text_z, rid, done.body_hash),
                )
            if learn and written is not None:  # the row just written, as the snapshot
                learned.append((written[0], written[2], "learned", *written[3:]))
            elif learn:
                db.execute(
                    "INSERT INTO snapshots SELECT resource_id, checked_at, 'learned', "
                    "body_hash, is_html, fingerprint, text, text_key, markup "
                    "FROM latest_content "
                    "WHERE resource_id = ?", (result.id,),
                )
                # One copy of the markup is enough: the latest reads it from the snapshot.
                db.execute("UPDATE latest_content SET markup = NULL WHERE resource_id = ?",
                           (result.id,))
        db.executemany("INSERT OR REPLACE INTO latest_content VALUES (?,?,?,?,?,?,?,?,?)",
                       latest)
        db.executemany("INSERT INTO snapshots VALUES (?,?,?,?,?,?,?,?,?)", learned)

    @staticmethod
    def _save_latest(db: sqlite3.Connection, result: Result, page: Content,
                     run_id: int | None, *, keep_markup: bool = True,
                     deferred: list[tuple[object, ...]]) -> tuple[object, ...] | None:
        """The latest content of `result`'s resource. Returns the row as a latest_content
        row with its markup (stored only with `keep_markup`; the row is appended to
        `deferred`, for the caller to write with its batch), or None when the stored row
        was still right and only its run and time were updated."""
        checked = result.checked_at.isoformat()
        same = "resource_id = ? AND (body_hash = ? OR (text_key != '' AND text_key = ?))"
        keys = (result.id, page.body_hash, page.text_key)
        markup = page.markup_z
        if page.text_z is None and markup is None and page.is_html:
            # Same page as read before: the text (or markup) stored with it is still right.
            cursor = db.execute(
                f"UPDATE latest_content SET run_id = ?, checked_at = ? WHERE {same}",
                (run_id, checked, *keys),
            )
            if cursor.rowcount:
                return None
            row = db.execute(f"SELECT fingerprint, text, text_key, markup FROM snapshots "
                             f"WHERE {same}", keys).fetchone()
            if row is not None:
                page = replace(page, fingerprint=bytes(row["fingerprint"]),
                               text_z=_blob(row["text"]), text_key=row["text_key"])
                # (its markup, if not extracted yet, stays with the snapshot only)
        row = (result.id, run_id, checked, page.body_hash, int(page.is_html), page.fingerprint,
               page.text_z, page.text_key, markup)
        deferred.append(row if keep_markup else (*row[:-1], None))
        return row

    def accept_content(self, ids: Iterable[str], now: datetime) -> list[str]:
        """Take each resource's latest content as its new snapshot; returns those taken."""
        taken: list[str] = []
        with self._transaction() as db:
            for rid in ids:
                cursor = db.execute(
                    "INSERT OR REPLACE INTO snapshots SELECT resource_id, ?, 'accepted', "
                    "body_hash, is_html, fingerprint, text, text_key, COALESCE(markup, "
                    "(SELECT markup FROM snapshots s WHERE s.resource_id = l.resource_id)) "
                    "FROM latest_content l "
                    "WHERE resource_id = ?", (now.isoformat(), rid),
                )
                if cursor.rowcount:
                    taken.append(rid)
        return taken


def _blob(value: object) -> bytes | None:
    return bytes(value) if isinstance(value, bytes | memoryview) and value else None


def _text(text: bytes | None, markup: bytes | None) -> str:
    """A stored main text, or the main text of stored (not yet extracted) markup."""
    if text is not None or not markup:
        return text_content.decompress(text)
    return text_content.main_text(text_content.decompress(markup, text_content.MAX_MARKUP_CHARS))


def read_memory(db: sqlite3.Connection, memory: ContentMemory, where: str = "1",
                args: tuple[object, ...] = ()) -> None:
    """Add what the history knows of past content (of the resources `where` selects)."""
    for row in db.execute(
        "SELECT resource_id, body_hash, is_html, fingerprint, text_key, "
        f"(text IS NOT NULL OR markup IS NULL) AS extracted FROM snapshots WHERE {where}", args
    ):
        rid = row["resource_id"]
        memory.snapshots[rid] = Content(row["body_hash"], bool(row["is_html"]),
                                        bytes(row["fingerprint"]), text_key=row["text_key"],
                                        extracted=bool(row["extracted"]))
        _remember(memory, rid, row)
    for row in db.execute(  # pages extracted before (not those merely kept)
        "SELECT resource_id, body_hash, fingerprint, text_key FROM latest_content "
        f"WHERE (text IS NOT NULL OR is_html = 0) AND {where}", args
    ):
        _remember(memory, row["resource_id"], row)


def _remember(memory: ContentMemory, resource_id: str, row: sqlite3.Row) -> None:
    known = memory.known.setdefault(resource_id, {})
    known[row["body_hash"]] = bytes(row["fingerprint"])
    if row["text_key"]:
        known[row["text_key"]] = bytes(row["fingerprint"])


def _strip(result: Result) -> Result:
    return replace(result, content=None) if result.content is not None else result


def without_contents(run: Run) -> Run:
    """`run` without the (bulky) contents its results carried until they were stored."""
    if isinstance(run.results, StoredResults):
        return run  # read back from the results table: no contents
    return replace(run, results=map_results(run.results, _strip, as_stored=True))

