"""One complete check, as cron, the daemon and CI all run it: fetch and judge, then record.

Outputs (reports, notifications, terminal) are the caller's business and read `Outcome`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .lock import run_lock
from .models import Run, Status
from .notices import new_warnings
from .runner import ProgressHook, check
from .store import Store
from .streak import Change


@dataclass(frozen=True, slots=True)
class Outcome:
    run: Run  # as stored: run_id, since, streak, confirmed filled in
    changes: tuple[Change, ...]  # confirmed state changes worth telling someone about
    learned: tuple[str, ...]  # resource ids whose title baseline was learned this run
    # (resource id, warning) not seen on that resource in the previous run: cron says it once
    new_warnings: tuple[tuple[str, str], ...] = ()


def database_path(config: Config, override: Path | None = None) -> Path:
    return override if override is not None else config.resolve(config.settings.database)


def run_once(
    config: Config,
    *,
    db: Path | None = None,
    confirm_runs: int | None = None,
    on_result: ProgressHook | None = None,
    lock: bool = True,
    after: Callable[[Run, Store], None] | None = None,
) -> Outcome:
    """Fetch, judge and record one run atomically; prune old history.

    With `lock` (the default) the run holds `<db>.lock` throughout and raises
    `monitor.lock.LockedError` at once if another run holds it. `after(run, store)` runs
    while the lock is still held (reports), so an overlapping run cannot interleave.
    """
    settings = config.settings
    path = database_path(config, db)
    guard = run_lock(path) if lock and str(path) != ":memory:" else nullcontext()
    with guard, Store(path) as store:
        run = asyncio.run(check(config, store.baselines(), on_result=on_result))
        fresh = new_warnings(run.results, store.last_warnings())
        run, changes = store.record_run(run, confirm_runs or settings.confirm_runs)
        learnable = {
            result.id: result.title
            for result, resource in zip(run.results, config.resources, strict=True)
            if result.status is Status.OK and result.title and resource.expected_title is None
        }
        learned = store.learn_baselines(learnable, run.finished_at) if not run.offline else []
        store.prune(settings.retention_days, run.finished_at)
        if after is not None:
            after(run, store)
    return Outcome(run, tuple(changes), tuple(learned), fresh)
