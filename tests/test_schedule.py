"""`monitor watch`: scheduled runs, config reload, clean stop on signals, intact history."""

from __future__ import annotations

import logging
import signal
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from helpers_modes import (
    HookSink,
    history,
    monitor_cmd,
    serve_hooks,
    wait_for,
    write_config,
)

from monitor.cli import main
from monitor.config import Settings, load_config
from monitor.lock import run_lock
from monitor.models import Run, Status
from monitor.pipeline import Outcome
from monitor.schedule import OverrunNotice, Watcher, run_line, trigger_for
from monitor.streak import Change

from loopback import LoopbackWeb

T0 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


@pytest.fixture
def hooks() -> Iterator[HookSink]:
    with serve_hooks() as sink:
        yield sink


class Daemon:
    """A `monitor watch` subprocess whose stderr goes to a file we can poll."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.cwd = cwd
        self.log = cwd / "watch.log"
        with self.log.open("wb") as sink:
            self.proc = subprocess.Popen(monitor_cmd("watch", *args), cwd=cwd,
                                         stdout=sink, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def runs(self) -> int:
        rows = history(self.cwd / "history.sqlite3", "SELECT COUNT(*) FROM runs")
        return int(rows[0][0]) if rows else 0

    def wait_runs(self, count: int, timeout: float = 20) -> None:
        def done() -> bool:
            return self.runs() >= count or self.proc.poll() is not None

        assert wait_for(done, timeout) and self.runs() >= count, self.text()

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 15) -> int:
        self.proc.send_signal(signum)
        return self.proc.wait(timeout=timeout)


@pytest.fixture
def start_daemon(tmp_path: Path) -> Iterator[Callable[..., Daemon]]:
    daemons: list[Daemon] = []

    def start(*args: str) -> Daemon:
        daemon = Daemon(tmp_path, *args)
        daemons.append(daemon)
        return daemon

    yield start
    for daemon in daemons:  # never leave a daemon behind, whatever the test did
        if daemon.proc.poll() is None:
            daemon.proc.kill()
        daemon.proc.wait(timeout=10)


def integrity(db: Path) -> str:
    return str(history(db, "PRAGMA integrity_check")[0][0])


# -- the real daemon ------------------------------------------------------------------------

def test_watch_runs_on_its_interval_and_stops_cleanly_on_sigterm(
        web: LoopbackWeb, hooks: HookSink, tmp_path: Path,
        start_daemon: Callable[..., Daemon]) -> None:
    write_config(tmp_path / "resources.toml",
                 [("a", web.url("/ok")), ("gone", web.url("/status/404"))],
                 monitor='interval = "1s"',
                 notify=f'[[notify]]\nurl = "{hooks.url}"\nretries = 0\n')
    daemon = start_daemon()
    daemon.wait_runs(2)
    assert wait_for(lambda: len(hooks.received) == 1), daemon.text()
    assert daemon.stop() == 0, daemon.text()
    db = tmp_path / "history.sqlite3"
    assert integrity(db) == "ok"
    runs = daemon.runs()
    assert history(db, "SELECT COUNT(*) FROM results") == [(2 * runs,)]
    log = daemon.text()
    assert "checking every 1s" in log
    assert "run 1: 2 checked in" in log and "1 ok, 1 broken" in log
    assert "changes: gone new->broken" in log  # confirmed on the second run
    assert f"stopped after {runs} run(s)" in log
    assert hooks.changed_ids() == ["gone"]  # once, when confirmed
    report = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "gone" in report  # the HTML report is rendered after each run
    assert not (tmp_path / "history.sqlite3.lock").read_text()  # lock released


def test_watch_reloads_an_edited_config_and_keeps_the_old_one_on_a_bad_edit(
        web: LoopbackWeb, tmp_path: Path, start_daemon: Callable[..., Daemon]) -> None:
    cfg = tmp_path / "resources.toml"
    write_config(cfg, [("a", web.url("/ok"))], monitor='interval = "1s"')
    daemon = start_daemon()
    daemon.wait_runs(1)
    db = tmp_path / "history.sqlite3"

    write_config(cfg, [("a", web.url("/ok")), ("b", web.url("/status/404"))],
                 monitor='interval = "1s"')
    assert wait_for(lambda: bool(history(
        db, "SELECT 1 FROM results WHERE resource_id = 'b'"))), daemon.text()
    assert "reloaded" in daemon.text() and ": 2 resources" in daemon.text()

    good = cfg.read_text()
    cfg.write_text(good + '\n[[resource]]\nid = "c"\nurl = "ftp://nope"\n')
    assert wait_for(lambda: "keeping the previous config" in daemon.text()), daemon.text()
    before = daemon.runs()
    daemon.wait_runs(before + 1)
    last = history(db, "SELECT resource_id FROM results WHERE run_id = "
                       "(SELECT MAX(id) FROM runs) ORDER BY resource_id")
    assert last == [("a",), ("b",)]  # still the last good config
    assert "resources.toml:" in daemon.text() and "'url' must be an http" in daemon.text()
    assert daemon.text().count("keeping the previous config") == 1  # logged once per edit
    assert daemon.stop(signal.SIGINT) == 0
    assert integrity(db) == "ok"


def test_stop_during_a_slow_run_abandons_it_after_the_grace_period(
        web: LoopbackWeb, tmp_path: Path, start_daemon: Callable[..., Daemon]) -> None:
    cfg = tmp_path / "resources.toml"
    write_config(cfg, [("a", web.url("/ok"))], monitor='interval = "1s"\ntimeout = 30')
    daemon = start_daemon("--grace", "0.2")
    daemon.wait_runs(1)
    # The next run picks up the edited list and gets stuck on a page that takes 20 s.
    write_config(cfg, [("a", web.url("/slow?delay=20"))], monitor='interval = "1s"\ntimeout = 30')
    assert wait_for(lambda: web.hits["/slow"] > 0), daemon.text()
    runs = daemon.runs()
    assert daemon.stop(timeout=10) == 0
    assert "abandoning the run in flight" in daemon.text()
    assert integrity(tmp_path / "history.sqlite3") == "ok"
    assert daemon.runs() == runs  # the abandoned run left no trace


# -- pieces, in process ---------------------------------------------------------------------

def test_timing_comes_from_schedule_or_interval_with_a_default() -> None:
    assert isinstance(trigger_for(Settings(schedule="*/30 * * * *")), CronTrigger)
    interval = trigger_for(Settings(interval="90s"))
    assert isinstance(interval, IntervalTrigger)
    assert interval.interval == timedelta(seconds=90)
    default = trigger_for(Settings())
    assert isinstance(default, IntervalTrigger)
    assert default.interval == timedelta(minutes=30)


def test_run_line_has_counts_duration_and_changes() -> None:
    run = Run(T0, T0, (), run_id=3)
    line = run_line(Outcome(run, (Change("x", Status.OK, Status.DOWN, T0),), ()), 1.25)
    assert line == "run 3: 0 checked in 1.2 s: ; changes: x ok->down"
    offline = run_line(Outcome(Run(T0, T0, (), offline=True, run_id=4), (), ()), 0.5)
    assert "OFFLINE" in offline and "no confirmed changes" in offline


def test_a_locked_database_skips_the_run_and_the_daemon_carries_on(
        web: LoopbackWeb, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cfg = write_config(tmp_path / "resources.toml", [("a", web.url("/ok"))])
    calls: list[Run] = []
    watcher = Watcher(cfg, load_config(cfg), after_run=lambda c, run, store: calls.append(run))
    with caplog.at_level(logging.INFO, logger="monitor.watch"):
        with run_lock(tmp_path / "history.sqlite3"):
            watcher.run_job()
        assert "run skipped: another monitor run" in caplog.text
        assert calls == [] and not watcher.busy
        watcher.run_job()
    assert len(calls) == 1 and watcher.runs == 1


def test_a_failing_after_run_step_is_logged_not_fatal(
        web: LoopbackWeb, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cfg = write_config(tmp_path / "resources.toml", [("a", web.url("/ok"))])

    def broken_report(config: object, run: Run, store: object) -> None:
        raise OSError("disk full")

    watcher = Watcher(cfg, load_config(cfg), after_run=broken_report)
    with caplog.at_level(logging.INFO, logger="monitor.watch"):
        watcher.run_job()
    assert "after-run step (report) failed" in caplog.text
    assert watcher.runs == 1


def test_a_stopped_watcher_starts_no_new_run(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "resources.toml", [("a", "http://127.0.0.1:9/")])
    watcher = Watcher(cfg, load_config(cfg))
    watcher.stop()
    watcher.run_job()
    assert watcher.runs == 0 and not (tmp_path / "history.sqlite3").exists()


def test_watch_refuses_to_start_on_an_unusable_database(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "resources.toml", [("a", "http://127.0.0.1:9/")])
    (tmp_path / "file").write_text("")
    assert main(["watch", "-c", str(cfg), "--db", str(tmp_path / "file" / "h.sqlite3")]) == 4


def test_reload_reschedules_on_a_new_interval_and_ignores_unchanged_files(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cfg = write_config(tmp_path / "resources.toml", [("a", "http://127.0.0.1:9/")],
                       monitor='interval = "1m"')
    timings: list[Settings] = []
    watcher = Watcher(cfg, load_config(cfg), on_timing_change=timings.append)
    assert not watcher.reload_if_changed()
    write_config(cfg, [("a", "http://127.0.0.1:9/")], monitor='schedule = "*/5 * * * *"')
    assert watcher.reload_if_changed()
    assert [t.schedule for t in timings] == ["*/5 * * * *"]
    cfg.write_text("[monitor\n")
    with caplog.at_level(logging.INFO, logger="monitor.watch"):
        assert not watcher.reload_if_changed()
        assert not watcher.reload_if_changed()
    assert caplog.text.count("invalid TOML") == 1
    assert watcher.config.settings.schedule == "*/5 * * * *"


def test_an_overrunning_interval_is_said_once_in_our_words(
        caplog: pytest.LogCaptureFixture) -> None:
    notice = OverrunNotice(lambda: "every 5s")
    scheduler_log = logging.getLogger("apscheduler.scheduler")
    scheduler_log.addFilter(notice)
    try:
        with caplog.at_level(logging.INFO):
            for _ in range(3):  # what apscheduler logs each time a run outlasts the interval
                scheduler_log.warning(
                    'Execution of job "%s" skipped: maximum number of running instances '
                    "reached (%d)", "Watcher.run_job (trigger: interval[0:00:05])", 1)
            scheduler_log.warning("something else")
    finally:
        scheduler_log.removeFilter(notice)
    messages = [r.getMessage() for r in caplog.records]
    assert not any("maximum number of running instances" in m for m in messages)
    ours = [m for m in messages if "takes longer than the time between runs" in m]
    assert len(ours) == 1 and "every 5s" in ours[0]
    assert "something else" in messages


def test_run_line_leads_with_offline_and_names_new_warnings() -> None:
    offline = run_line(Outcome(Run(T0, T0, (), offline=True, run_id=4), (), ()), 0.5)
    assert offline.startswith("run 4: OFFLINE")
    warned = run_line(Outcome(Run(T0, T0, (), run_id=5), (), (),
                              (("kenai", "TLS certificate expires in 4.9 days"),)), 0.5)
    assert warned.endswith("; new warning: kenai: TLS certificate expires in 4.9 days")
