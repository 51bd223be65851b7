"""Cron mode is silent when all is well; it speaks (plain text) when something is wrong; a
terminal gets a progress bar and a colour table."""

from __future__ import annotations

import io
import os
import pty
import select
import socket
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers_modes import monitor_cmd, run_monitor, write_config

from monitor.console import Mode, Terminal, choose_mode, has_news, render_plain
from monitor.models import Reason, Result, Run, Status
from monitor.pipeline import Outcome
from monitor.streak import Change

from loopback import LoopbackWeb, article

T0 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def result(rid: str, status: Status, reason: Reason = Reason.OK, detail: str = "",
           confirmed: bool = True) -> Result:
    return Result(
        id=rid, name=rid, url=f"http://127.0.0.1/{rid}", status=status, reason=reason,
        detail=detail, http_status=200, final_url=f"http://127.0.0.1/{rid}", redirects=(),
        title=None, expected_title=None, elapsed_ms=3.0, checked_at=T0, since=T0, streak=2,
        confirmed=confirmed,
    )


def outcome(*results: Result, changes: tuple[Change, ...] = (), offline: bool = False
            ) -> Outcome:
    run = Run(T0, T0 + timedelta(seconds=2), results, offline=offline, run_id=7)
    return Outcome(run, changes, ())


# -- cron: subprocess, stdout is a pipe ---------------------------------------------------

def test_cron_run_prints_nothing_and_exits_0_when_all_is_well(
        web: LoopbackWeb, tmp_path: Path) -> None:
    write_config(tmp_path / "resources.toml",
                 [("a", web.set_page("/a", article("Alpha"))),
                  ("b", web.set_page("/b", article("Beta")))])
    done = run_monitor("check", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (tmp_path / "history.sqlite3").exists()


def test_cron_stays_quiet_on_a_blip_and_mails_once_the_failure_is_confirmed(
        web: LoopbackWeb, tmp_path: Path) -> None:
    write_config(tmp_path / "resources.toml",
                 [("a", web.url("/ok")), ("gone", web.url("/status/404"))])
    first = run_monitor("check", cwd=tmp_path)  # confirm_runs = 2: one failure may be a blip
    assert (first.returncode, first.stdout) == (1, "")

    done = run_monitor("check", cwd=tmp_path)  # seen twice: confirmed, so cron mails
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("monitor: 1 of 2 resources need attention")
    assert "! gone: broken (not-found)" in done.stdout
    assert "Confirmed changes:" in done.stdout
    assert "gone: new -> broken" in done.stdout
    assert " a:" not in done.stdout  # healthy resources are not listed
    assert len(lines) <= 8


def test_quiet_silences_even_failures_and_verbose_lists_healthy_runs(
        web: LoopbackWeb, tmp_path: Path) -> None:
    write_config(tmp_path / "resources.toml",
                 [("gone", web.set_page("/gone", article("Gone"), status=410))])
    quiet = run_monitor("check", "--quiet", cwd=tmp_path)
    assert (quiet.returncode, quiet.stdout) == (1, "")

    web.set_page("/gone", article("Back again"))
    verbose = run_monitor("check", "--verbose", cwd=tmp_path)
    assert verbose.returncode == 0
    assert "- gone: ok (ok)" in verbose.stdout


@pytest.mark.parametrize("flag", ["--json", "--markdown", "--junit"])
def test_a_document_on_stdout_is_not_mixed_with_the_summary(
        web: LoopbackWeb, tmp_path: Path, flag: str) -> None:
    write_config(tmp_path / "resources.toml", [("gone", web.url("/status/404"))])
    done = run_monitor("check", flag, "-", "--no-report", cwd=tmp_path)
    assert done.returncode == 1
    assert "gone" in done.stdout
    assert "need attention" not in done.stdout and "Problems now" not in done.stdout


def test_offline_run_says_so(tmp_path: Path) -> None:
    write_config(tmp_path / "resources.toml", [
        ("a", f"http://127.0.0.1:{closed_port()}/a"),
        ("b", f"http://127.0.0.1:{closed_port()}/b"),
    ])
    done = run_monitor("check", cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("monitor: this machine looks offline")  # the headline
    assert "confirmed nothing" in lines[0] and "need attention" not in done.stdout
    assert len(lines) == 3  # one example, not a line per resource


def test_terminal_gets_a_progress_bar_and_colour_table(web: LoopbackWeb, tmp_path: Path) -> None:
    write_config(tmp_path / "resources.toml",
                 [("ok-page", web.url("/ok")), ("dead-page", web.url("/status/404"))])
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    with (tmp_path / "stderr.txt").open("wb") as stderr:
        proc = subprocess.Popen(monitor_cmd("check"), cwd=tmp_path, stdout=follower,
                                stderr=stderr, stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(leader)
    assert proc.wait(timeout=10) == 1, (tmp_path / "stderr.txt").read_text()
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert "\x1b[" in screen  # colour
    assert "dead-page" in screen and "not-found" in screen
    assert "2 checked in" in screen
    assert "1 ok resource not shown" in screen


# -- rendering, no I/O ----------------------------------------------------------------------

def test_mode_choice() -> None:
    assert choose_mode(quiet=False, stdout_is_data=False, tty=False) is Mode.PLAIN
    assert choose_mode(quiet=False, stdout_is_data=False, tty=True) is Mode.RICH
    assert choose_mode(quiet=True, stdout_is_data=False, tty=True) is Mode.QUIET
    assert choose_mode(quiet=False, stdout_is_data=True, tty=True) is Mode.QUIET


def test_drift_outside_fail_on_is_not_news_for_cron_until_confirmed() -> None:
    drifted = result("d", Status.DRIFTED, Reason.TITLE_CHANGED, confirmed=False)
    assert not has_news(outcome(result("a", Status.OK), drifted), ("broken", "down"))
    change = Change("d", Status.OK, Status.DRIFTED, T0)
    assert has_news(outcome(drifted, changes=(change,)), ("broken", "down"))
    assert has_news(outcome(result("a", Status.DOWN), offline=True), ())


def test_plain_summary_lists_changes_then_problems_worst_first() -> None:
    text = render_plain(outcome(
        result("m", Status.MOVED, Reason.PERMANENT_REDIRECT, "-> https://new/"),
        result("b", Status.BROKEN, Reason.NOT_FOUND, "HTTP 404"),
        result("ok", Status.OK),
        changes=(Change("b", Status.OK, Status.BROKEN, T0),),
    ), ("broken",))
    assert text.splitlines() == [
        "monitor: 2 of 3 resources need attention (run 7, 2026-11-25T06:00Z, 2.0 s): "
        "1 ok, 1 moved, 1 broken",
        "Confirmed changes:",
        "  b: ok -> broken (since 2026-11-25T06:00Z) not-found: HTTP 404",
        "    http://127.0.0.1/b",
        "Problems now:",
        "  ! b: broken (not-found) HTTP 404 [since 2026-11-25T06:00Z]",
        "  - m: moved (permanent-redirect) -> https://new/ [since 2026-11-25T06:00Z]",
    ]


def test_plain_terminal_stays_silent_without_news() -> None:
    stream = io.StringIO()
    Terminal(Mode.PLAIN, stream=stream).summary(outcome(result("a", Status.OK)), ("broken",))
    assert stream.getvalue() == ""
