"""The worker processes of a sharded run (`runner`): whether they can be started at all,
that they die with their parent whatever kills it, and how a process leaving in a hurry
stops them."""

from __future__ import annotations

import ctypes
import multiprocessing.util
import os
import signal
import sys
import threading
import time
import weakref
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def can_spawn() -> bool:
    """Spawned workers re-import the main module: impossible when it is stdin or an
    interactive session, so such callers run in one process."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name:
        return True
    path = getattr(main, "__file__", None)
    return isinstance(path, str) and Path(path).is_file()


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _watch_parent(parent: int) -> None:
    """Without a parent-death signal (not Linux): notice the parent's death by polling."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def worker_init(parent: int) -> None:
    """First thing in each worker process: die with the parent, whatever kills it (kill -9,
    the OOM killer, cron's timeout), so no worker fetches on without the run's lock; and
    leave Ctrl-C to the parent, which stops the workers itself (no traceback per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    armed = False
    if sys.platform == "linux":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


#: Pools of sharded runs in flight, so a process abandoning its run can stop their workers.
LIVE_POOLS: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()


def abandon_workers() -> None:
    """For a process about to leave with `os._exit` while a sharded run is in flight (the
    daemon's abandoned run): kill the workers and release the pools' semaphores now, as the
    interpreter's exit would have. Otherwise the resource tracker reports them as leaked."""
    for pool in list(LIVE_POOLS):
        stop_workers(pool)
    multiprocessing.util._run_finalizers(0)  # type: ignore[attr-defined]  # atexit runs it


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's processes now: shutdown() alone would wait for their shards."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        if process.is_alive():
            process.kill()
