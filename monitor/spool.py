"""A big list's resources on disk: written while resources.toml is read, read back in batches.

A Resource costs ~370 B in memory: a million of them would be most of a run's memory. A list
bigger than `config.SPOOL_BYTES` is therefore kept in a SQLite file in the temp folder
(`Spool`), and `Config.resources` is a `SpooledResources` view of it: a sequence read back
in batches on each pass, never held whole. The runner asks the spool for what it would
otherwise build in memory: the URLs in host-interleaved order with their resources
(`batches`, deduplicated by URL in SQL), how many distinct URLs there are, and the split of
the hosts between worker processes (`split_by_host`). A view pickles as its file's path, so
a worker process reads its own part from the same file; the file goes with the view that
created it (or with the process).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sqlite3
import tempfile
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import astuple
from typing import overload
from urllib.parse import urlsplit

from .models import Resource

try:
    import fcntl
except ImportError:  # (not POSIX: stale spools are left to the temp folder's cleaner)
    fcntl = None  # type: ignore[assignment]

BATCH = 1000  # resources per write and per read
_SCHEMA = """
CREATE TABLE resources (
    seq INTEGER PRIMARY KEY,  -- file order, from 0
    id TEXT NOT NULL,
    url TEXT NOT NULL,
    host TEXT NOT NULL,
    line INTEGER,
    data BLOB NOT NULL  -- the Resource's fields, pickled
);
CREATE TABLE parts (host TEXT PRIMARY KEY, part INTEGER NOT NULL);
"""


def netloc_of(url: str) -> str:
    """The `host:port` a URL's requests are interleaved and split between processes by
    (`shard.host_of`, any port of a host, is what machines are split by)."""
    return urlsplit(url).netloc.lower()


def _connect(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, timeout=30)
    db.execute("PRAGMA cache_size = -2000")  # sorts spill to disk beyond ~2 MB
    return db


def _row(seq: int, resource: Resource) -> tuple[object, ...]:
    return (seq, resource.id, resource.url, netloc_of(resource.url), resource.line,
            pickle.dumps(astuple(resource), protocol=pickle.HIGHEST_PROTOCOL))


def _resource(data: bytes) -> Resource:
    return Resource(*pickle.loads(data))


#: A spool file no live run holds and older than this is a killed run's (kill -9, OOM):
#: the next spool in the same folder removes it. (The age keeps a file that another process
#: has just created, and not yet locked, out of reach.)
STALE_AFTER_S = 60.0
_PREFIX, _SUFFIX = "monitor-spool-", ".sqlite3"


def _hold(fd: int) -> None:
    """Mark a spool as in use for as long as `fd` stays open: a shared lock that the kernel
    drops with the process however it ends (across containers sharing the folder too)."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_SH)


def sweep_stale(folder: str, *, now: float | None = None) -> list[str]:
    """Remove the spool files in `folder` that no process holds and that are older than
    STALE_AFTER_S; the paths removed."""
    if fcntl is None:
        return []
    now = time.time() if now is None else now
    removed = []
    for name in os.listdir(folder):
        if not (name.startswith(_PREFIX) and name.endswith(_SUFFIX)):
            continue
        path = os.path.join(folder, name)
        try:
            if now - os.stat(path).st_mtime < STALE_AFTER_S:
                continue
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live run holds it
        else:
            _remove(path)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


class Spool:
    """Writes resources to a new spool file in file order; `finish()` returns the view."""

    def __init__(self, folder: str | None = None) -> None:
        fd, self.path = tempfile.mkstemp(prefix=_PREFIX, suffix=_SUFFIX, dir=folder)
        self._fd = _Held(fd)
        try:
            _hold(fd)
            with contextlib.suppress(OSError):
                sweep_stale(os.path.dirname(self.path))
            self._db = _connect(self.path)
            self._db.execute("PRAGMA journal_mode = OFF")  # a scratch file: nothing to recover
            self._db.execute("PRAGMA synchronous = OFF")
            self._db.executescript(_SCHEMA)
        except BaseException:
            _release(self.path, self._fd)
            raise
        self._rows: list[tuple[object, ...]] = []
        self.count = 0

    def add(self, resource: Resource) -> None:
        self._rows.append(_row(self.count, resource))
        self.count += 1
        if len(self._rows) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        self._db.execute("BEGIN")
        self._db.executemany("INSERT INTO resources VALUES (?,?,?,?,?,?)", self._rows)
        self._db.execute("COMMIT")
        self._rows = []

    def duplicates(self) -> Iterator[tuple[str, int | None, int | None]]:
        """(id, line, line of its first definition) of each resource whose id came before."""
        self._flush()
        self._db.execute("CREATE INDEX IF NOT EXISTS resources_id ON resources(id, seq)")
        yield from self._db.execute(  # (one pass over the index finds the ids given twice)
            "SELECT r.id, r.line, (SELECT line FROM resources WHERE id = r.id ORDER BY seq "
            "LIMIT 1) FROM resources r WHERE r.id IN (SELECT id FROM resources GROUP BY id "
            "HAVING COUNT(*) > 1) AND r.seq > (SELECT MIN(seq) FROM resources WHERE id = r.id) "
            "ORDER BY r.seq")

    def finish(self) -> SpooledResources:
        self._flush()
        self._db.execute("CREATE INDEX IF NOT EXISTS resources_url ON resources(url, seq)")
        self._db.close()
        view = SpooledResources(self.path, self.count)
        weakref.finalize(view, _release, self.path, self._fd)
        return view

    def discard(self) -> None:
        self._db.close()
        _release(self.path, self._fd)


class _Held:
    """The open descriptor that holds a spool's lock, closed once (a second close could hit
    a descriptor the number was reused for)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def close(self) -> None:
        fd, self.fd = self.fd, -1
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)


def _release(path: str, held: _Held) -> None:
    _remove(path)
    held.close()


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


class SpooledResources(Sequence[Resource]):
    """The resources in a spool file, in file order; `part` (from `split_by_host`): only
    those of the hosts given to that worker."""

    def __init__(self, path: str, count: int, part: int | None = None,
                 owner: SpooledResources | None = None) -> None:
        self.path = path
        self._count = count
        self.part = part
        self._owner = owner  # keeps the file of a part's whole alive in this process
        self._db: sqlite3.Connection | None = None

    def __reduce__(self) -> tuple[object, ...]:
        return (SpooledResources, (self.path, self._count, self.part))

    def __repr__(self) -> str:
        return f"<SpooledResources of {self._count} resources in {self.path}>"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SpooledResources):
            return (self.path, self.part) == (other.path, other.part)
        return isinstance(other, Sequence) and len(other) == len(self) and all(
            a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = _connect(self.path)
        return self._db

    def _where(self) -> tuple[str, tuple[object, ...]]:
        if self.part is None:
            return "1", ()
        return "host IN (SELECT host FROM parts WHERE part = ?)", (self.part,)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Resource]:
        where, args = self._where()
        last = -1
        while True:
            rows = self._conn().execute(
                f"SELECT seq, data FROM resources WHERE seq > ? AND {where} "
                "ORDER BY seq LIMIT ?", (last, *args, BATCH)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            for _, data in rows:
                yield _resource(data)

    @overload
    def __getitem__(self, index: int) -> Resource: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Resource]: ...

    def __getitem__(self, index: int | slice) -> Resource | Sequence[Resource]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            items = self._range(start, max(start, stop))
            return tuple(items[::step]) if step != 1 else tuple(items)
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("resource index out of range")
        return self._range(index, index + 1)[0]

    def _range(self, start: int, stop: int) -> list[Resource]:
        where, args = self._where()
        rows = self._conn().execute(
            f"SELECT data FROM resources WHERE {where} ORDER BY seq LIMIT ? OFFSET ?",
            (*args, stop - start, start))
        return [_resource(data) for (data,) in rows]

    def url_count(self) -> int:
        where, args = self._where()
        row = self._conn().execute(
            f"SELECT COUNT(DISTINCT url) FROM resources WHERE {where}", args).fetchone()
        return int(row[0])

    def subset(self, keep: Callable[[str], bool]) -> SpooledResources:
        """A spool of its own with the resources whose host (`host:port`) `keep` accepts,
        in file order (`monitor check --shard`: this machine's part of the list)."""
        assert self.part is None, "a part is for this run's workers only"
        hosts = [(host,) for (host,) in self._conn().execute(
            "SELECT DISTINCT host FROM resources") if keep(host)]
        spool = Spool(os.path.dirname(self.path))
        db = spool._db
        db.execute("ATTACH DATABASE ? AS whole", (self.path,))
        db.execute("CREATE TEMP TABLE kept (host TEXT PRIMARY KEY)")
        db.executemany("INSERT INTO kept VALUES (?)", hosts)
        spool.count = db.execute(
            "INSERT INTO resources SELECT ROW_NUMBER() OVER (ORDER BY seq) - 1, id, url, host, "
            "line, data FROM whole.resources WHERE host IN (SELECT host FROM kept)").rowcount
        db.execute("DETACH DATABASE whole")
        return spool.finish()

    def split_by_host(self, shards: int) -> list[SpooledResources]:
        """`runner.shard_by_host` on the spool: hosts to `shards` parts, biggest first, each
        to the lightest part so far; the parts that got any, as views."""
        db = self._conn()
        hosts = db.execute("SELECT host, COUNT(*) FROM resources GROUP BY host "
                           "ORDER BY MIN(seq)").fetchall()
        loads = [0] * shards
        assigned: list[tuple[str, int]] = []
        for host, count in sorted(hosts, key=lambda h: h[1], reverse=True):
            lightest = loads.index(min(loads))
            assigned.append((host, lightest))
            loads[lightest] += count
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM parts")
        db.executemany("INSERT INTO parts VALUES (?, ?)", assigned)
        db.execute("COMMIT")
        return [SpooledResources(self.path, load, part, self._owner or self)
                for part, load in enumerate(loads) if load]

    def batches(self, size: int | None = None
                ) -> Iterator[list[tuple[str, list[Resource]]]]:
        """The distinct URLs with their resources (in file order), round-robin across hosts
        as `runner.interleave_by_host` orders them, `size` (`BATCH`) URLs at a time."""
        size = size or BATCH
        db = _connect(self.path)  # its own: the queue is a temporary table of this pass
        try:
            where, args = self._where()
            db.execute("CREATE TEMP TABLE queue (pos INTEGER PRIMARY KEY, url TEXT NOT NULL)")
            db.execute(
                "INSERT INTO queue (url) SELECT url FROM ("
                " SELECT url, ROW_NUMBER() OVER (PARTITION BY host ORDER BY first) AS rnk,"
                "  MIN(first) OVER (PARTITION BY host) AS host_first FROM ("
                f"  SELECT url, host, MIN(seq) AS first FROM resources WHERE {where}"
                "   GROUP BY url)) ORDER BY rnk, host_first", args)
            last = 0
            while True:
                rows = db.execute(
                    "SELECT q.pos, q.url, r.data FROM queue q JOIN resources r ON r.url = q.url "
                    "WHERE q.pos > ? AND q.pos <= ? ORDER BY q.pos, r.seq",
                    (last, last + size)).fetchall()
                if not rows:
                    return
                last += size
                batch: list[tuple[str, list[Resource]]] = []
                for _, url, data in rows:
                    if not batch or batch[-1][0] != url:
                        batch.append((url, []))
                    batch[-1][1].append(_resource(data))
                yield batch
        finally:
            db.close()
