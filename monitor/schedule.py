"""`monitor watch`: the daemon. apscheduler 3 runs `run_once` on a schedule, one at a time.

- Timing comes from resources.toml: `schedule` (crontab syntax) or `interval` ("30m"),
  30 minutes if neither; the first run starts at once.
- One worker thread and max_instances=1: runs never overlap; runs missed while a run was
  slow or the machine slept are coalesced into one (and run however late they are).
- resources.toml is re-read before every run; an invalid edit is logged and the previous
  config is kept; a changed schedule/interval re-schedules the job.
- SIGINT/SIGTERM stop scheduling, let the run in flight finish for up to `grace` seconds,
  then abandon it (a second signal abandons at once). A run is stored in one SQLite
  transaction, so an abandoned run is simply absent from history; nothing is half-written.
"""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from .config import Config, ConfigError, Settings, load_config, parse_interval
from .lock import LockedError
from .models import Run, Status
from .notify import notify
from .pipeline import Outcome, database_path, run_once
from .runner import abandon_workers
from .store import Store, StoreError

log = logging.getLogger("monitor.watch")
DEFAULT_INTERVAL = "30m"
JOB_ID = "check"

#: Called after every stored run (the HTML report is rendered here); errors are logged.
AfterRun = Callable[[Config, Run, Store], None]  # runs under the run lock (the report)


def trigger_for(settings: Settings) -> BaseTrigger:
    if settings.schedule:
        return CronTrigger.from_crontab(settings.schedule)
    return IntervalTrigger(seconds=parse_interval(settings.interval or DEFAULT_INTERVAL))


def describe_timing(settings: Settings) -> str:
    if settings.schedule:
        return f"on schedule {settings.schedule!r}"
    return f"every {settings.interval or DEFAULT_INTERVAL}"


def run_line(outcome: Outcome, seconds: float) -> str:
    """The one log line per run: counts, duration and confirmed changes."""
    run = outcome.run
    summary = run.summary()
    counts = ", ".join(f"{summary[s.value]} {s.value}" for s in Status if summary[s.value])
    line = f"run {run.run_id}: {summary['total']} checked in {seconds:.1f} s: {counts}"
    if run.offline:  # the headline: the counts say nothing about the sites
        line = (f"run {run.run_id}: OFFLINE (every resource failed at the network level; "
                f"nothing confirmed); {summary['total']} checked in {seconds:.1f} s")
    if outcome.changes:
        moves = ", ".join(
            f"{c.resource_id} {c.old.value if c.old else 'new'}->{c.new.value}"
            for c in outcome.changes
        )
        line += f"; changes: {moves}"
    else:
        line += "; no confirmed changes"
    for source in run.sources:
        if source.has_news:
            line += (f"; source {source.id}: {source.status.value}, "
                     f"+{sum(c.news for c in source.added)} added, "
                     f"-{sum(c.news for c in source.removed)} removed, "
                     f"{sum(c.news for c in source.unlinked)} curated link(s) no longer linked")
    for rid, warning in outcome.new_warnings:
        line += f"; new warning: {rid}: {warning}"
    return line


@dataclass
class Watcher:
    """The job the scheduler runs: reload the config if it changed, run, tell people."""

    config_path: Path
    config: Config
    db: Path | None = None
    after_run: AfterRun | None = None
    on_timing_change: Callable[[Settings], None] | None = None
    runs: int = 0
    stopping: bool = False
    _busy: threading.Event = field(default_factory=threading.Event)
    _gate: threading.Lock = field(default_factory=threading.Lock)
    _digest: bytes = b""

    def __post_init__(self) -> None:
        self._digest = self._read_digest() or b""

    @property
    def busy(self) -> bool:
        return self._busy.is_set()

    def _read_digest(self) -> bytes | None:
        try:
            return hashlib.sha256(self.config_path.read_bytes()).digest()
        except OSError:
            return None

    def reload_if_changed(self) -> bool:
        """Re-read resources.toml if its content changed; keep the old config if invalid."""
        digest = self._read_digest()
        if digest is None:
            log.warning("cannot read %s; keeping the previous config", self.config_path)
            return False
        if digest == self._digest:
            return False
        self._digest = digest  # log a bad edit once, not before every run
        try:
            fresh = load_config(self.config_path)
        except ConfigError as exc:
            log.error("resources.toml changed but is invalid; keeping the previous config: %s",
                      exc)
            return False
        old = self.config.settings
        self.config = fresh
        log.info("reloaded %s: %d resources", self.config_path, len(fresh.resources))
        timing = (fresh.settings.schedule, fresh.settings.interval)
        if timing != (old.schedule, old.interval) and self.on_timing_change is not None:
            self.on_timing_change(fresh.settings)
            log.info("now checking %s", describe_timing(fresh.settings))
        return True

    def stop(self) -> None:
        """No new run starts after this; one already started shows as `busy`."""
        with self._gate:
            self.stopping = True

    def run_job(self) -> None:
        with self._gate:
            if self.stopping:
                return
            self._busy.set()
        try:
            self.reload_if_changed()
            self._run(self.config)
        finally:
            self._busy.clear()

    def _run(self, config: Config) -> None:
        started = time.monotonic()
        try:
            outcome = run_once(config, db=self.db, after=self._after(config),
                               deliver=lambda outcome, store: notify(config, outcome,
                                                                     store=store))
        except LockedError as exc:
            log.warning("run skipped: %s", exc)
            return
        except StoreError as exc:
            log.error("run failed: %s", exc)
            return
        except Exception:
            log.exception("run failed unexpectedly; will try again at the next scheduled time")
            return
        self.runs += 1
        log.info("%s", run_line(outcome, time.monotonic() - started))

    def _after(self, config: Config) -> Callable[[Run, Store], None] | None:
        """The after-run step (the report), called while the run still holds the lock; its
        failure is logged and never undoes or fails the recorded run."""
        step = self.after_run
        if step is None:
            return None

        def after(run: Run, store: Store) -> None:
            try:
                step(config, run, store)
            except Exception:
                log.exception("after-run step (report) failed; the run itself is recorded")

        return after


class OverrunNotice(logging.Filter):
    """apscheduler logs 'Execution of job ... skipped: maximum number of running instances
    reached' every time a run is still going when the next one falls due. That is our
    configuration's business, not the scheduler's: drop its line, and say once, in our words,
    that the interval is shorter than a run."""

    SKIPPED = "skipped: maximum number of running instances reached"

    def __init__(self, timing: Callable[[], str]) -> None:
        super().__init__()
        self.timing = timing
        self.told = False

    def filter(self, record: logging.LogRecord) -> bool:
        if self.SKIPPED not in str(record.msg):
            return True
        if not self.told:
            self.told = True
            log.warning("a run takes longer than the time between runs (%s): the runs that "
                        "fall due meanwhile are skipped; set a longer interval or schedule "
                        "in [monitor]", self.timing())
        return False


class _Signals:
    """Counts SIGINT/SIGTERM; the handler only records, the main loop acts."""

    def __init__(self) -> None:
        self.count = 0
        self.last = "signal"

    def handler(self, signum: int, frame: FrameType | None) -> None:
        self.count += 1
        self.last = signal.Signals(signum).name


def serve(watcher: Watcher, *, grace: float = 30.0, poll: float = 0.2) -> int:
    """Run until SIGINT/SIGTERM; returns the exit code (0 after a clean stop)."""
    settings = watcher.config.settings
    scheduler = BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(1)},
        # None: a run that is late (machine asleep, previous run slow) still happens, once.
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
    scheduler.add_job(watcher.run_job, trigger_for(settings), id=JOB_ID,
                      next_run_time=datetime.now(UTC))

    def reschedule(fresh: Settings) -> None:
        scheduler.reschedule_job(JOB_ID, trigger=trigger_for(fresh))

    watcher.on_timing_change = reschedule
    overrun = OverrunNotice(lambda: describe_timing(watcher.config.settings))
    logging.getLogger("apscheduler.scheduler").addFilter(overrun)
    signals = _Signals()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signals.handler)
    log.info("watching %s: %d resources, checking %s; history in %s (pid %d)",
             watcher.config_path, len(watcher.config.resources), describe_timing(settings),
             database_path(watcher.config, watcher.db), os.getpid())
    scheduler.start()
    while not signals.count:
        time.sleep(poll)
    watcher.stop()
    scheduler.shutdown(wait=False)
    if watcher.busy:
        log.info("%s received: finishing the run in flight (up to %.0f s; "
                 "send it again to abandon the run)", signals.last, grace)
    deadline = time.monotonic() + grace
    while watcher.busy and signals.count < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    if watcher.busy:
        log.warning("abandoning the run in flight: it is not recorded, "
                    "history keeps every completed run")
        abandon_workers()
        logging.shutdown()
        os._exit(0)  # the worker thread cannot be interrupted; SQLite rolls back its write
    log.info("stopped after %d run(s)", watcher.runs)
    logging.getLogger("apscheduler.scheduler").removeFilter(overrun)
    return 0
