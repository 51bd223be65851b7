"""Outputs never clobber what is at their path, leave no temp files behind, and an output that
cannot be written is one line and exit 5 (before fetching when that can be known)."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers_modes import monitor_cmd

from monitor.cli import EXIT_FAIL, EXIT_OUTPUT, main
from monitor.console import Mode, Terminal
from monitor.outputs import remove_stale_temps, write_atomic

from conftest import write_config
from loopback import LoopbackWeb


def test_a_symlink_is_followed_and_stays_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "status.json"
    target.write_text("old")
    link = tmp_path / "status.json"
    link.symlink_to(target)
    write_atomic(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "made.json")
    write_atomic(link, "x")
    assert link.is_symlink() and (tmp_path / "made.json").read_text() == "x"


def test_a_fifo_is_written_through_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader waiting on the FIFO
    try:
        write_atomic(fifo, ["{", "}\n"])
        assert os.read(reader, 100) == b"{}\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_character_device_is_written_through(tmp_path: Path) -> None:
    link = tmp_path / "sink"
    link.symlink_to("/dev/null")
    write_atomic(link, "discarded")
    assert link.is_symlink() and stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_dev_full_is_an_output_error_and_stays_a_device(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    full = tmp_path / "full"
    full.symlink_to("/dev/full")
    config = write_config(tmp_path / "resources.toml", [{"id": "a", "url": web.url("/ok")}])
    code = main(["check", "-c", str(config), "--json", str(full), "--no-report"])
    err = capsys.readouterr().err
    assert code == EXIT_OUTPUT == 5
    assert err.count("\n") == 1 and str(full) in err and "Traceback" not in err
    assert full.is_symlink() and stat.S_ISCHR(Path("/dev/full").stat().st_mode)


def test_a_directory_in_the_way_fails_before_fetching(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "report.html").mkdir()
    config = write_config(tmp_path / "resources.toml", [{"id": "a", "url": web.url("/ok")}])
    code = main(["check", "-c", str(config), "--report", str(tmp_path / "report.html")])
    err = capsys.readouterr().err
    assert code == EXIT_OUTPUT
    assert "report.html" in err and "directory" in err and err.count("\n") == 1
    assert web.hits["/ok"] == 0  # nothing fetched
    assert not (tmp_path / "monitor.sqlite3").exists()


def test_a_folder_that_is_a_file_fails_before_fetching(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "not-a-folder").write_text("")
    config = write_config(tmp_path / "resources.toml", [{"id": "a", "url": web.url("/ok")}])
    code = main(["check", "-c", str(config), "--no-report",
                 "--junit", str(tmp_path / "not-a-folder" / "junit.xml")])
    err = capsys.readouterr().err
    assert code == EXIT_OUTPUT and "junit.xml" in err and err.count("\n") == 1
    assert web.hits["/ok"] == 0


def test_a_report_that_fails_while_writing_still_records_and_summarises(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    full = tmp_path / "report.html"
    full.symlink_to("/dev/full")
    config = write_config(tmp_path / "resources.toml", [{"id": "a", "url": web.url("/ok")}])
    code = main(["check", "-c", str(config), "--report", str(full), "--verbose"])
    captured = capsys.readouterr()
    assert code == EXIT_OUTPUT
    assert "1 ok" in captured.out  # the summary still came
    assert "No space left" in captured.err


def test_json_into_a_closed_pipe_is_one_line_and_exit_5(web: LoopbackWeb, tmp_path: Path) -> None:
    write_config(tmp_path / "resources.toml", [{"id": "a", "url": web.url("/ok")}])
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head -1` after its line: nobody reads any more
    try:
        done = subprocess.run(monitor_cmd("check", "--json", "-", "--no-report"), cwd=tmp_path,
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
    finally:
        os.close(write_end)
    assert done.returncode == EXIT_OUTPUT, done.stderr
    assert done.stderr.count("\n") == 1 and "standard output" in done.stderr


def test_stale_temp_files_of_killed_writes_are_removed(tmp_path: Path) -> None:
    report = tmp_path / "index.html"
    old = time.time() - 3600
    stale = tmp_path / ".index.html.killed1.tmp"
    fresh = tmp_path / ".index.html.justnow.tmp"  # may be a writer that just began
    live = tmp_path / ".index.html.writing.tmp"  # old, but its writer still holds it
    other = tmp_path / ".other.html.killed.tmp"
    for path in (stale, fresh, live, other):
        path.write_text("partial")
    for path in (stale, live, other):
        os.utime(path, (old, old))
    holder = os.open(live, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        write_atomic(report, "<html></html>")
    finally:
        os.close(holder)
    assert not stale.exists()
    assert fresh.exists() and live.exists() and other.exists()
    assert report.read_text() == "<html></html>"
    assert remove_stale_temps(report) == 1  # the live one, now that its writer is gone


def test_json_document_is_still_written_atomically(
        web: LoopbackWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "resources.toml", [{"id": "a", "url": web.url("/ok")}])
    out = tmp_path / "deep" / "out.json"
    assert main(["check", "-c", str(config), "--json", str(out), "--no-report"]) == 0
    capsys.readouterr()
    assert json.loads(out.read_text())["summary"]["ok"] == 1
    assert [p.name for p in out.parent.iterdir()] == ["out.json"]


def test_the_summary_into_a_closed_pipe_is_one_line_and_exit_5(
        web: LoopbackWeb, tmp_path: Path) -> None:
    write_config(tmp_path / "resources.toml", [{"id": "a", "url": web.url("/status/404")}])
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(monitor_cmd("check", "--no-report"), cwd=tmp_path,
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
    finally:
        os.close(write_end)
    assert done.returncode == EXIT_OUTPUT, done.stderr
    assert done.stderr.count("\n") == 1 and "standard output" in done.stderr


@pytest.mark.parametrize("path", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
@pytest.mark.parametrize(("page", "args", "code"), [
    ("/ok", (), 0),
    ("/status/404", ("--quiet",), EXIT_FAIL),  # quiet: the summary would follow the JSON
])
def test_json_to_dev_stdout_arrives_on_the_pipe_with_the_usual_exit_code(
        web: LoopbackWeb, tmp_path: Path, path: str, page: str, args: tuple[str, ...],
        code: int) -> None:
    write_config(tmp_path / "resources.toml", [{"id": "a", "url": web.url(page)}])
    done = subprocess.run(monitor_cmd("check", "--json", path, "--no-report", *args),
                          cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)  # stdout: a pipe
    assert done.returncode == code, done.stderr
    assert done.stderr == ""
    doc = json.loads(done.stdout)
    assert [r["id"] for r in doc["results"]] == ["a"]
    assert doc["summary"]["ok" if code == 0 else "broken"] == 1


@pytest.mark.parametrize("path", ["/dev/stdout", "/proc/self/fd/1"])
def test_json_to_dev_stdout_appended_to_a_log_keeps_its_lines(
        web: LoopbackWeb, tmp_path: Path, path: str) -> None:
    write_config(tmp_path / "resources.toml", [{"id": "a", "url": web.url("/ok")}])
    log = tmp_path / "monitor.log"
    log.write_text("earlier run: all fine\n")
    inode = log.stat().st_ino
    with log.open("a") as appended:  # `monitor check --json /dev/stdout >> monitor.log`
        done = subprocess.run(monitor_cmd("check", "--json", path, "--no-report"),
                              cwd=tmp_path, stdout=appended, stderr=subprocess.PIPE,
                              text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    text = log.read_text()
    assert text.startswith("earlier run: all fine\n")
    assert json.loads(text.removeprefix("earlier run: all fine\n"))["summary"]["ok"] == 1
    assert log.stat().st_ino == inode  # the same file, not one renamed over it
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".monitor.log")] == []


def test_a_descriptor_path_is_written_at_the_descriptor(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    try:
        write_atomic(f"/proc/self/fd/{write_end}", "piped\n")
        link = tmp_path / "to-the-pipe"
        link.symlink_to(f"/dev/fd/{write_end}")
        write_atomic(link, ["also ", "piped\n"])
        assert os.read(read_end, 100) == b"piped\nalso piped\n"
        assert link.is_symlink()
    finally:
        os.close(read_end)
        os.close(write_end)
    log = tmp_path / "log"
    log.write_text("kept\n")
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        write_atomic(f"/dev/fd/{fd}", "added\n")
    finally:
        os.close(fd)
    assert log.read_text() == "kept\nadded\n"


def test_dev_stdout_closed_at_start_is_not_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)  # what Python makes of `>&-`
    with pytest.raises(OSError) as caught:  # fd 1 may be a file monitor opened since
        write_atomic("/dev/stdout", "{}")
    assert caught.value.errno == errno.EBADF


def closed_stdout(*args: str) -> list[str]:
    """The command with its stdout closed (`>&-`), which stdout=DEVNULL is not."""
    return ["sh", "-c", 'exec "$@" >&-', "sh", *monitor_cmd(*args)]


@pytest.mark.parametrize(("page", "args", "code"), [
    ("/ok", (), 0),
    ("/ok", ("--verbose",), 0),  # a summary that would be printed
    ("/status/404", (), EXIT_FAIL),  # news for cron
])
def test_a_closed_stdout_runs_without_a_summary_and_the_usual_exit_code(
        web: LoopbackWeb, tmp_path: Path, page: str, args: tuple[str, ...], code: int) -> None:
    write_config(tmp_path / "resources.toml", [{"id": "a", "url": web.url(page)}])
    done = subprocess.run(closed_stdout("check", "--no-report", "--json", "out.json", *args),
                          cwd=tmp_path, stderr=subprocess.PIPE, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert "Traceback" not in done.stderr
    assert (done.returncode, done.stderr) == (code, "")
    assert len(json.loads((tmp_path / "out.json").read_text())["results"]) == 1


@pytest.mark.parametrize("command", ["check", "report"])
def test_an_output_to_a_closed_stdout_is_one_line_and_exit_5_before_fetching(
        web: LoopbackWeb, tmp_path: Path, command: str) -> None:
    write_config(tmp_path / "resources.toml", [{"id": "a", "url": web.url("/ok")}])
    done = subprocess.run(closed_stdout(command, "--no-report", "--json", "-"), cwd=tmp_path,
                          stderr=subprocess.PIPE, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == EXIT_OUTPUT, done.stderr
    assert done.stderr.count("\n") == 1 and "standard output" in done.stderr
    assert web.hits["/ok"] == 0


def test_no_stdout_is_no_terminal_and_shows_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    terminal = Terminal.for_check(quiet=False, verbose=True, stdout_is_data=False)
    assert terminal.mode is Mode.QUIET
    terminal.stream.write("discarded")  # the stream exists, and keeps nothing
    assert Terminal(Mode.PLAIN).mode is Mode.QUIET
