"""One run at a time per history database: a second overlapping run exits 3 at once."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers_modes import history, monitor_cmd, run_monitor, write_config

from monitor.cli import EXIT_LOCKED
from monitor.lock import LockedError, lock_path, run_lock
from monitor.store import StoreError

from loopback import LoopbackWeb, article


def test_lock_file_sits_beside_the_database() -> None:
    assert lock_path(Path("/var/lib/monitor/history.sqlite3")) == Path(
        "/var/lib/monitor/history.sqlite3.lock")


def test_second_holder_is_refused_with_pid_and_start_time(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with run_lock(db) as path:
        assert f"pid={os.getpid()}" in path.read_text()
        with pytest.raises(LockedError) as refused, run_lock(db):
            pass
        message = str(refused.value)
        assert f"pid {os.getpid()}" in message and "started 20" in message
        assert str(db) in message


def test_lock_is_released_on_exceptions(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with pytest.raises(RuntimeError), run_lock(db):
        raise RuntimeError("boom")
    with run_lock(db):  # free again
        pass
    assert lock_path(db).read_text() == ""


def test_check_exits_3_quickly_while_another_process_holds_the_lock(
        web: LoopbackWeb, tmp_path: Path) -> None:
    write_config(tmp_path / "resources.toml", [("a", web.url("/ok"))])
    with run_lock(tmp_path / "history.sqlite3"):
        started = time.monotonic()
        done = run_monitor("check", cwd=tmp_path)
        elapsed = time.monotonic() - started
    assert done.returncode == EXIT_LOCKED == 3
    assert "another monitor run is using" in done.stderr
    assert f"pid {os.getpid()}" in done.stderr
    assert done.stdout == ""
    assert elapsed < 10
    assert history(tmp_path / "history.sqlite3", "SELECT COUNT(*) FROM runs") in ([], [(0,)])


class HeldPage:
    """A page on 127.0.0.1 that answers only when told: `arrived` is set when a request is
    waiting, the response goes out on `release`. Runs overlap by construction, not timing."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        page = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = 404, article("Not Found").encode()
                if self.path == "/held":
                    page.arrived.set()
                    page.release.wait(timeout=60)
                    status, body = 200, article().encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/held"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HeldPage:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def test_two_real_overlapping_runs_one_refused_one_recorded(tmp_path: Path) -> None:
    with HeldPage() as held:
        write_config(tmp_path / "resources.toml", [("held", held.url)])
        first = subprocess.Popen(monitor_cmd("check"), cwd=tmp_path, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        try:
            # The first run is inside its fetch, so it holds the lock, until we release it.
            assert held.arrived.wait(timeout=30)
            second = run_monitor("check", cwd=tmp_path)
            assert second.returncode == 3, second.stderr
            assert f"pid {first.pid}" in second.stderr
            held.release.set()
            assert first.wait(timeout=30) == 0
        finally:
            first.kill()
            first.wait()
        assert history(tmp_path / "history.sqlite3", "SELECT COUNT(*) FROM runs") == [(1,)]
        assert run_monitor("check", cwd=tmp_path).returncode == 0  # the lock was released


def test_a_lock_file_that_cannot_be_created_is_a_store_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    with pytest.raises(StoreError, match="cannot create the lock file"), \
            run_lock(not_a_folder / "h.sqlite3"):
        pass
