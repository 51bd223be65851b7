"""Outputs never clobber what is at their path, leave no temp files behind, and an output that
cannot be written is one line and exit 5 (before fetching when that can be known)."""

from __future__ import annotations

import fcntl
import json
import os
import stat
import subprocess
import time
from pathlib import Path

import pytest
from helpers_modes import monitor_cmd

from monitor.cli import EXIT_OUTPUT, main
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
