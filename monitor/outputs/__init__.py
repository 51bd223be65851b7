"""Output formats. Each takes a stored Run (and history where it needs it) and returns text;
`write_atomic` puts it on disk so a reader never sees a half-written file."""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
import sys
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


#: Paths that name an open file descriptor, not a file: replacing what they resolve to would
#: replace (or, for a pipe, fail to find) the file behind the descriptor.
_STD_NAMES = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
_FD_PATH = re.compile(r"/(?:dev/fd|proc/(self|thread-self|\d+)(?:/task/\d+)?/fd)/(\d+)")
#: Symlink hops followed when looking for such a path (the kernel's own limit).
_MAX_LINKS = 40


def _descriptor_path(path: str) -> tuple[bool, int | None]:
    """Whether `path`, or a symlink on the way to its target, names a descriptor
    (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`, `/proc/PID/fd/N`), and which of this
    process's own descriptors it is (None: another process's, or not a descriptor path)."""
    current = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        # The folders resolved (`/dev/fd` is `/proc/PID/fd`), the last name kept: resolving
        # it would give the file behind the descriptor, or a `pipe:[…]` that is no path.
        current = os.path.join(os.path.realpath(os.path.dirname(current)),
                               os.path.basename(current))
        if current in _STD_NAMES:
            return True, _STD_NAMES[current]
        match = _FD_PATH.fullmatch(current)
        if match:
            owner, number = match.groups()
            own = owner in (None, "self", "thread-self") or int(owner) == os.getpid()
            return True, int(number) if own else None
        try:
            link = os.readlink(current)
        except OSError:  # not a symlink (or gone): an ordinary path
            return False, None
        current = os.path.join(os.path.dirname(current), link)
    return False, None


def _write_descriptor(fd: int, path: str | Path, text: str | Iterable[str]) -> None:
    """Write to this process's open descriptor `fd`, at its offset and with its flags (so
    `>> log` appends), after whatever Python has buffered for it."""
    stream = {0: sys.stdin, 1: sys.stdout, 2: sys.stderr}.get(fd, False)
    if stream is None:  # closed when we started: that number may be our database by now
        raise OSError(errno.EBADF, "the descriptor was closed when monitor started", str(path))
    for buffered in (sys.stdout, sys.stderr):
        if buffered is not None:
            buffered.flush()  # keep the order of what was printed and the document
    with os.fdopen(os.dup(fd), "w", encoding="utf-8", newline="\n") as handle:
        _write(handle, text)


def _write_through(path: str | Path, text: str | Iterable[str], *, append: bool) -> None:
    """Open `path` itself and write: a pipe, a device, another process's descriptor. Never
    truncated (a regular file behind a descriptor path is appended to)."""
    flags = os.O_WRONLY | os.O_NOCTTY | (os.O_APPEND if append else 0)
    with os.fdopen(os.open(path, flags), "w", encoding="utf-8", newline="\n") as handle:
        _write(handle, text)


def write_atomic(path: str | Path, text: str | Iterable[str]) -> Path:
    """Write `text` (a string or chunks of one) to `path` so that readers never see half of it.

    A regular file (or a new path) is written to a temp file beside it, fsynced and renamed
    over it; a symlink is followed and its target written the same way (the link stays).
    What cannot be replaced is written through: a FIFO, a character device, a socket, and a
    path naming a descriptor (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`, or a symlink to
    one), whatever it is open on: this process's own descriptor is written at its offset
    (a pipe gets the document, `>> log` keeps its lines), so is another process's (appended
    to when it is a file). A directory is an OSError.
    """
    try:
        mode: int | None = os.stat(path).st_mode  # follows symlinks
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(0, "is a directory", str(path))
    is_descriptor, own_fd = _descriptor_path(str(path))
    if own_fd is not None:
        _write_descriptor(own_fd, path, text)
        return Path(path)
    if is_descriptor or (mode is not None and not stat.S_ISREG(mode)):
        _write_through(path, text, append=mode is not None and stat.S_ISREG(mode))
        return Path(path)
    target = Path(os.path.realpath(path))
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
