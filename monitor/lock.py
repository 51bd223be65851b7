"""One run at a time per history database: an advisory lock file beside it.

`<db>.lock` is locked with `fcntl.flock` (non-blocking), so a second overlapping run (a slow
cron job meeting the next one, cron next to the daemon) fails fast instead of racing. The
kernel drops the lock when the process dies, however it dies, so a stale file never blocks
anyone; the pid and start time written into it only make the message helpful.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from . import dbcheck
from .store import StoreError


class LockedError(Exception):
    """Another run holds the lock; the message says who and since when."""


def lock_path(database: Path) -> Path:
    """`history.sqlite3` -> `history.sqlite3.lock`, in the same folder."""
    return database.with_name(database.name + ".lock")


def _holder(handle: int) -> str:
    try:
        text = os.pread(handle, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    fields = dict(part.split("=", 1) for part in text.split() if "=" in part)
    if "pid" not in fields:
        return ""
    return f" (pid {fields['pid']}, started {fields.get('started', '?')})"


@contextmanager
def run_lock(database: Path) -> Iterator[Path]:
    """Hold `<database>.lock` for the duration of the block, or raise LockedError at once.

    StoreError if the lock file cannot be created (the database folder is not writable), or
    if the database is another application's SQLite file (checked read-only, first).
    The database path is resolved first: one database reached through a symlink or another
    relative name takes the same lock.
    """
    given, database = database, Path(os.path.realpath(database))
    problem = dbcheck.foreign_file(database) if database.is_file() else None
    if problem:  # another application's file: no lock file of ours beside it either
        raise StoreError(f"{given}: {problem}")
    path = lock_path(database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the lock file: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(
                f"another monitor run is using {database}{_holder(handle)}; "
                f"not starting a second one (lock file: {path})"
            ) from None
        started = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        try:
            os.ftruncate(handle, 0)
            os.pwrite(handle, f"pid={os.getpid()} started={started}\n".encode(), 0)
        except OSError:
            pass  # disk full: the lock holds anyway; the pid only makes messages helpful
        try:
            yield path
        finally:
            # Truncate before unlocking; the file itself stays (deleting a flock'ed file
            # lets a third process lock an orphaned inode while a second waits on the new one).
            with suppress(OSError):
                os.ftruncate(handle, 0)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)
