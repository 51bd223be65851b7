"""Loopback helpers for the run-mode tests: a tiny threaded web and webhook receiver on
127.0.0.1, config writing, and bounded waiting. Nothing here reaches beyond loopback.

(When the shared loopback web in tests/web.py lands, the page side can move there; the
webhook receiver and the subprocess helpers are specific to run modes.)
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

PAGE = "<html><head><title>{title}</title></head><body><p>{title}: exercises</p></body></html>"


@dataclass
class Route:
    status: int = 200
    title: str = "A page"
    delay: float = 0.0


@dataclass
class LoopbackWeb:
    """Pages by path (mutable while running) plus a webhook sink at POST /hook."""

    routes: dict[str, Route] = field(default_factory=dict)
    hooks: list[dict[str, Any]] = field(default_factory=list)
    hook_status: int = 200
    hook_attempts: int = 0
    active: int = 0  # page requests being answered right now
    port: int = 0
    closing: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def page(self, path: str, status: int = 200, title: str = "A page",
             delay: float = 0.0) -> str:
        self.routes[path] = Route(status, title, delay)
        return self.url(path)


def _handler(web: LoopbackWeb) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, status: int, body: bytes, ctype: str = "text/html") -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:
            route = web.routes.get(self.path.split("?")[0])
            if route is None:
                self._send(404, PAGE.format(title="Not here").encode())
                return
            if route.delay:
                web.active += 1
                try:
                    web.closing.wait(route.delay)
                finally:
                    web.active -= 1
            self._send(route.status, PAGE.format(title=route.title).encode())

        do_HEAD = do_GET

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            web.hook_attempts += 1
            if web.hook_status < 300:
                web.hooks.append(json.loads(body))
            self._send(web.hook_status, b"{}", "application/json")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up (a killed daemon) is expected here


@contextmanager
def serve_web() -> Iterator[LoopbackWeb]:
    web = LoopbackWeb()
    server = _QuietServer(("127.0.0.1", 0), _handler(web))
    web.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield web
    finally:
        web.closing.set()
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
    defaults = {"database": '"history.sqlite3"', "timeout": "5", "retries": "0"}
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
