"""One complete check, as cron, the daemon and CI all run it: fetch and judge, then record.

Outputs (reports, notifications, terminal) are the caller's business and read `Outcome`.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

from .archive import find_snapshots
from .config import Config, Notifier
from .lock import run_lock
from .models import Result, Run, Snapshot, SourceReport, Status
from .mute import settle_with_store, unmuted_changes
from .notices import new_warnings
from .resultseq import map_results, select
from .runner import ProgressHook, check, fetch_options
from .sources import read_sources
from .spool import SpooledResources
from .store import Store
from .store_content import without_contents
from .streak import Change


@dataclass(frozen=True, slots=True)
class Outcome:
    run: Run  # as stored: run_id, since, streak, confirmed filled in
    changes: tuple[Change, ...]  # confirmed state changes worth telling someone about
    learned: int  # how many resources' title baselines were learned this run
    # (resource id, warning) not seen on that resource in the previous run: cron says it once
    new_warnings: tuple[tuple[str, str], ...] = ()


def delivery_key(notifier: Notifier) -> str:
    """A notifier's stable identity in the history's outbox: its type and the name of its
    environment variable, or a hash of its URL (never the URL itself: it may be secret)."""
    where = notifier.url_env or hashlib.sha256((notifier.url or "").encode()).hexdigest()[:16]
    return f"{notifier.type}:{where}"


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
    deliver: Callable[[Outcome, Store], object] | None = None,
) -> Outcome:
    """Fetch, judge and record one run atomically; prune old history.

    With `lock` (the default) the run holds `<db>.lock` throughout and raises
    `monitor.lock.LockedError` at once if another run holds it. `after(run, store)` runs
    while the lock is still held (reports), so an overlapping run cannot interleave.
    `deliver(outcome, store)` (notifications) runs after it, under the lock too, even when
    `after` failed: confirmed changes are queued in the history with the run, and what
    `deliver` cannot send now stays queued for the next run.
    """
    settings = config.settings
    path = database_path(config, db)
    guard = run_lock(path) if lock and str(path) != ":memory:" else nullcontext()
    with guard, Store(path) as store:
        # Results are staged in the history as they complete; the stored run reads them back.
        stage = store.stage(clear=lock)  # (clearing stale stages needs the lock)
        try:
            # A big list's baselines and content memory are read a batch at a time.
            lookup = store.lookup() if isinstance(config.resources, SpooledResources) else None
            run = asyncio.run(check(
                config, store.baselines() if lookup is None else {}, on_result=on_result,
                memory=store.content_memory() if lookup is None else None, stage=stage,
                lookup=lookup))
            run = follow_up(config, run, store)
            outcome = record(config, run, store, confirm_runs or settings.confirm_runs)
        finally:
            store.unstage(stage)
        hand_over(outcome, store, after, deliver)
    return outcome


def record(config: Config, run: Run, store: Store, confirm_runs: int, *,
           content: bool = True) -> Outcome:
    """Record a checked run (by `run_once`, or merged from shards) in one transaction with
    its notifications queued, then settle mutes, learn baselines and prune. `content`:
    the run's results carry main-text snapshots to keep (a merged run's stay in the shards).
    """
    fresh = new_warnings(run.results, store.last_warnings()) if _may_warn(run) else ()
    # The results carry their contents (staged, or in memory): snapshots and latest texts
    # are saved with the run, in its pass and transaction.
    run, changes = store.record_run(run, confirm_runs,
                                     [delivery_key(n) for n in config.notifiers], fresh,
                                     contents=content)
    if content:  # the short diffs of content-changed results
        run = store.with_content_diffs(without_contents(run))
    if config.digest is not None and run.run_id is not None:
        store.note_config(run.run_id, config.digest)  # what `monitor fix` builds on
    run = settle_with_store(config.resources, run, store, run.finished_at, save=True).run
    if any(r.muted_until is not None for r in config.resources):
        changes = unmuted_changes(changes, run, store)  # a muted link notifies nobody
    learned = store.count_learned(learnable(config, run, merged=not content),
                                  run.finished_at) if not run.offline else 0
    store.prune(config.settings.retention_days, run.finished_at)
    return Outcome(run, tuple(changes), learned, fresh)


def _may_warn(run: Run) -> bool:
    """Whether any result has a warning (asked of the stage when it can be: most runs have
    none, and then their results need not be read for new ones)."""
    rows = select(run.results, "resource_id", "warnings != '[]'")
    if rows is None:
        return True
    return next(iter(rows), None) is not None


def learnable(config: Config, run: Run, *, merged: bool = False) -> Iterator[tuple[str, str]]:
    """(id, title) of each ok result whose resource gives no expected_title: its title is
    learned as the baseline unless it has one. Lazily: a big run's results are read as
    they are stored. A merged run may carry results of resources no longer configured."""
    pinned = {r.id for r in config.resources if r.expected_title is not None}
    known = {r.id for r in config.resources} if merged else None
    rows = select(run.results, "resource_id, title", "status = ? AND title != ''",
                  (Status.OK.value,))  # (no Result built for each: a big first run is all ok)
    pairs = rows if rows is not None else (
        (r.id, r.title) for r in run.results if r.status is Status.OK and r.title)
    for rid, title in pairs:
        if rid not in pinned and (known is None or rid in known):
            yield rid, title


def hand_over(outcome: Outcome, store: Store, after: Callable[[Run, Store], None] | None,
              deliver: Callable[[Outcome, Store], object] | None) -> None:
    """`after` (reports), then `deliver` (notifications) even when `after` failed."""
    try:
        if after is not None:
            after(outcome.run, store)
    except Exception:  # not on Ctrl-C: that stops at once
        if deliver is not None:
            deliver(outcome, store)
        raise
    if deliver is not None:
        deliver(outcome, store)


def _broken_urls(run: Run) -> list[str]:
    """The URLs of the run's broken results (asked of the stage: no pass over the run)."""
    rows = select(run.results, "url", "status = ?", (Status.BROKEN.value,))
    if rows is not None:
        return [url for (url,) in rows]
    return [r.url for r in run.results if r.status is Status.BROKEN]


def follow_up(config: Config, run: Run, store: Store) -> Run:
    """After the links are judged: read the source articles and look up archived copies of
    broken links, together (one bounded request per broken link, cached per URL and day)."""
    broken = _broken_urls(run) if config.settings.archive and not run.offline else []
    if not broken and not config.sources:
        return run
    day = run.finished_at.date().isoformat()
    cached = store.cached_snapshots(broken, day)
    options = fetch_options(config)

    async def both() -> tuple[dict[str, Snapshot | None], tuple[SourceReport, ...]]:
        return await asyncio.gather(
            find_snapshots(config, options, [url for url in broken if url not in cached]),
            read_sources(config, options),
        )

    fresh, sources = asyncio.run(both())
    if run.offline:  # an article unread for the links' reason: nothing concluded about it
        sources = tuple(s for s in sources if s.status is Status.OK)
    if fresh:
        store.cache_snapshots(fresh, day)
    snapshots = {**cached, **fresh}
    def archived(result: Result) -> Result:
        if result.status is Status.BROKEN:
            return replace(result, archived=snapshots.get(result.url))
        return result

    return replace(run, results=map_results(run.results, archived, as_stored=True),
                   sources=sources)
