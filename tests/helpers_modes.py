"""Helpers for the run-mode tests: a webhook receiver on 127.0.0.1, config writing,
`python -m monitor` subprocesses, bounded waiting, read-only history queries.

Pages come from the shared loopback web (tests/loopback.py, the `web` fixture).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class HookSink:
    """A webhook receiver on 127.0.0.1: records JSON POST bodies, answers with `status`."""

    received: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    attempts: int = 0
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def changed_ids(self) -> list[str]:
        return [change["id"] for body in self.received for change in body["changes"]]


def _handler(sink: HookSink) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            sink.attempts += 1
            if sink.status < 300:
                sink.received.append(json.loads(body))
            self.send_response(sink.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up (a killed process) is expected here


@contextmanager
def serve_hooks() -> Iterator[HookSink]:
    sink = HookSink()
    server = _QuietServer(("127.0.0.1", 0), _handler(sink))
    sink.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def write_config(
    path: Path,
    resources: Sequence[tuple[str, str]],
    *,
    monitor: str = "",
    notify: str = "",
) -> Path:
    """A resources.toml with quick loopback-friendly settings; resources are (id, url)."""
    defaults = {"database": '"history.sqlite3"', "timeout": "5", "retries": "0",
                "archive": "false",  # never archive.org from a test
                "offline_probe": "[]"}  # no probe of the internet in tests
    given = {line.split("=")[0].strip() for line in monitor.splitlines() if "=" in line}
    lines = ["[monitor]", monitor]
    lines += [f"{key} = {value}" for key, value in defaults.items() if key not in given]
    lines.append("")
    for rid, url in resources:
        lines += ["[[resource]]", f'id = "{rid}"', f'url = "{url}"', ""]
    lines.append(notify)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def monitor_cmd(*args: str | os.PathLike[str]) -> list[str]:
    return [sys.executable, "-m", "monitor", *map(str, args)]


def run_monitor(*args: str | os.PathLike[str], cwd: Path, timeout: float = 30,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m monitor ...` with stdout a pipe (not a TTY), as cron runs it."""
    return subprocess.run(
        monitor_cmd(*args), cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
    )


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0, step: float = 0.1) -> bool:
    """Poll until `predicate()` is true or `timeout` passes; returns the last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def history(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Read-only query of a history database that another process may be writing."""
    if not db.exists():
        return []
    uri = f"file:{db}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=5)) as conn:
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):  # the writer has not created its schema yet
                return []
            raise
