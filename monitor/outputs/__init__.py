"""Output formats. Each takes a stored Run (and history where it needs it) and returns text;
`write_atomic` puts it on disk so a reader never sees a half-written file."""

from __future__ import annotations

import fcntl
import os
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

#: A temp file this old whose writer is gone (no lock on it) was left by a killed write.
STALE_TMP_SECONDS = 60.0


def _write(handle: TextIO, text: str | Iterable[str]) -> None:
    if isinstance(text, str):
        handle.write(text)
    else:
        handle.writelines(text)
    handle.flush()


def remove_stale_temps(target: Path, *, older_than: float = STALE_TMP_SECONDS) -> int:
    """Delete `.NAME.*.tmp` files beside `target` left by writes that were killed: a live
    writer holds a flock on its temp file, a dead one's lock went with it."""
    removed = 0
    cutoff = time.time() - older_than
    for tmp in target.parent.glob(f".{target.name}.*.tmp"):
        try:
            if tmp.lstat().st_mtime > cutoff or not tmp.is_file():
                continue
            fd = os.open(tmp, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            tmp.unlink()
            removed += 1
        except OSError:
            pass  # being written right now, or already gone
        finally:
            os.close(fd)
    return removed


def write_atomic(path: str | Path, text: str | Iterable[str]) -> Path:
    """Write `text` (a string or chunks of one) to `path` so that readers never see half of it.

    A regular file (or a new path) is written to a temp file beside it, fsynced and renamed
    over it; a symlink is followed and its target written the same way (the link stays).
    A FIFO or a character device (`/dev/stdout`, a pipe a reader waits on) cannot be
    replaced: it is written through. Anything else (a directory, a socket) is an OSError.
    """
    target = Path(os.path.realpath(path))
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            _write(handle, text)
        return target
    if mode is not None and not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        raise IsADirectoryError(0, f"is {kind}", str(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # marks it live for remove_stale_temps elsewhere
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            _write(handle, text)
            os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)  # before close: the lock is held until the name moved
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
