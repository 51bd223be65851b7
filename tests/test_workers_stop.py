"""Worker processes of a sharded run never outlive it: kill -9 of the parent, SIGTERM and
Ctrl-C all stop them; SIGTERM and Ctrl-C end with one line and their exit code."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import write_config

pytestmark = pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs Linux pidfds")


class Holder:
    """A server on one loopback address that accepts connections and never answers."""

    def __init__(self, host: str) -> None:
        self.sock = socket.create_server((host, 0))
        self.url = f"http://{host}:{self.sock.getsockname()[1]}/"
        self.connected = threading.Event()
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            self.connected.set()

    def close(self) -> None:
        self.sock.close()
        for conn in self.conns:
            conn.close()


@pytest.fixture
def holders() -> Iterator[list[Holder]]:
    servers = [Holder("127.0.0.1"), Holder("127.0.0.2")]
    yield servers
    for server in servers:
        server.close()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _start(tmp_path: Path, holders: list[Holder], *command: str
           ) -> tuple[subprocess.Popen[str], list[int]]:
    """A sharded check (or daemon run) whose two workers both wait on a held request."""
    resources = [{"id": f"r{i}", "name": f"r{i}", "url": h.url} for i, h in enumerate(holders)]
    config = write_config(tmp_path / "r.toml", resources, workers=2, timeout=60,
                          interval="1h")
    command = command or ("check", "--no-report", "-q")
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", command[0], "-c", str(config), *command[1:]],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    for holder in holders:  # each host is in its own worker: both are fetching now
        assert holder.connected.wait(60), proc.stderr.read() if proc.poll() is not None else ""
    children = _children(proc.pid)
    assert len(children) >= 2  # two workers (and the resource tracker)
    return proc, [os.pidfd_open(pid) for pid in children]


def _all_gone(pidfds: list[int]) -> bool:
    try:
        for fd in pidfds:
            ready, _, _ = select.select([fd], [], [], 30)
            if not ready:
                return False
        return True
    finally:
        for fd in pidfds:
            os.close(fd)


def test_workers_die_with_a_parent_killed_by_sigkill(tmp_path: Path,
                                                     holders: list[Holder]) -> None:
    proc, pidfds = _start(tmp_path, holders)
    proc.kill()
    proc.communicate()
    assert _all_gone(pidfds)


@pytest.mark.parametrize(("signum", "code", "word"), [
    (signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_sigterm_and_ctrl_c_stop_the_run_with_one_line(
    tmp_path: Path, holders: list[Holder], signum: int, code: int, word: str
) -> None:
    proc, pidfds = _start(tmp_path, holders)
    os.killpg(proc.pid, signum)  # a terminal's Ctrl-C reaches the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert err.splitlines() == [f"monitor: {word}; history keeps only completed runs"], err
    assert _all_gone(pidfds)


def test_the_daemon_abandoning_a_run_leaves_no_workers(tmp_path: Path,
                                                      holders: list[Holder]) -> None:
    proc, pidfds = _start(tmp_path, holders, "watch", "--grace", "0")
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    assert "abandoning the run in flight" in err
    assert "leaked" not in err and "Traceback" not in err, err
    assert _all_gone(pidfds)
