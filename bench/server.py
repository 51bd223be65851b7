#!/usr/bin/env python3
"""A cheap loopback page farm for the benchmark.

    python bench/server.py --hosts 100 --latency 0.05 --page-kb 20 --ready-file F

Listens on 127.0.0.1 only, on `--hosts` ports (one "host" per port, so per-host limits in the
clients behave as they would against many sites). Every port serves:

  GET|HEAD /p/{i}        a ~page-kb HTML page titled "Page {i}" (i zero-padded to 7 digits),
                         after sleeping `latency`
  GET|HEAD /robots.txt   "User-agent: *" / "Disallow:" (everything allowed), after `latency`
  GET|HEAD /links/{n}    an HTML page linking every benchmark URL 0..n-1 (no latency; for the
                         crawlers, which start from one page)
  GET /_stats[?reset=1]  JSON counters of this process (requests, connections, in flight now and
                         at the peak, open connections now and at the peak); reset=1 zeroes them
  anything else          404, after `latency`

Every response is HTTP/1.1 keep-alive with Content-Length and a `LinkChecker` header (LinkChecker
throttles each host to ~1 request per 0.1-0.6 s unless the server sends that header).

URL i lives on host `i % hosts`: `bases[i % hosts] + "/p/" + str(i)`, where `bases` is the list in
the ready file. The ready file is JSON written (atomically) once every port listens:

  {"pid": 123, "workers": [124, 125], "bases": ["http://127.0.0.1:40001", ...], "uvloop": true}

It is raw asyncio Protocols with pre-rendered bytes, so that it costs little CPU next to the client
it serves (both share the machine's cores). `--workers K` forks K processes that split the ports
between them (the listening sockets are bound before the fork and inherited). uvloop is used when
importable unless `--no-uvloop`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any, cast

HOST = "127.0.0.1"
TITLE_DIGITS = 7

_FILLER_WORDS = (
    "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do",
    "eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua", "ut",
    "enim", "ad", "minim", "veniam", "quis", "nostrud", "exercitation", "ullamco", "laboris",
    "nisi", "ut", "aliquip", "ex", "ea", "commodo", "consequat",
)


def _filler(size: int) -> bytes:
    """Deterministic paragraphs of text, about `size` bytes."""
    out: list[str] = []
    total = 0
    k = 0
    while total < size:
        words = [_FILLER_WORDS[(k * 7 + j * 3) % len(_FILLER_WORDS)] for j in range(40)]
        para = f"<p>{' '.join(words)}.</p>\n"
        out.append(para)
        total += len(para)
        k += 1
    return "".join(out).encode()


class Stats:
    """What the clients did to this process: for checking that a checker keeps to its limits."""

    __slots__ = ("connections", "inflight", "open", "peak_inflight", "peak_open", "requests")

    def __init__(self) -> None:
        self.requests = 0  # requests answered or queued
        self.connections = 0  # TCP connections accepted
        self.inflight = 0  # requests received and not yet answered
        self.open = 0  # connections open now
        self.peak_inflight = 0
        self.peak_open = 0

    def snapshot(self, reset: bool) -> bytes:
        doc = {k: getattr(self, k) for k in self.__slots__}
        if reset:
            self.requests = self.connections = 0
            self.peak_inflight, self.peak_open = self.inflight, self.open
        return json.dumps(doc).encode()


class Pages:
    """Pre-rendered pieces; a page is a join of a few bytes objects."""

    def __init__(self, page_kb: float, bases: list[str]) -> None:
        self.bases = bases
        self.head = b'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Page '
        self.mid = b"</title></head>\n<body><h1>Page "
        self.tail = b"</h1>\n" + _filler(max(0, int(page_kb * 1024) - 160)) + b"</body></html>\n"
        self.fixed_len = len(self.head) + len(self.mid) + len(self.tail)
        self.common = (
            b"Content-Type: text/html; charset=utf-8\r\n"
            b"LinkChecker: 1\r\n"
            b"Cache-Control: no-store\r\n"
        )
        robots = b"User-agent: *\nDisallow:\n"
        self.robots = self.response(b"200 OK", b"text/plain; charset=utf-8", robots)
        self.not_found = self.response(b"404 Not Found", b"text/plain", b"not found\n")
        self.bad = self.response(b"405 Method Not Allowed", b"text/plain", b"GET or HEAD\n")
        self._links: dict[int, tuple[bytes, bytes]] = {}
        self.stats = Stats()

    @staticmethod
    def response(status: bytes, ctype: bytes, body: bytes) -> tuple[bytes, bytes]:
        head = (
            b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype + b"\r\nLinkChecker: 1\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        return head, body

    def page(self, num: bytes) -> tuple[bytes, bytes]:
        # The title's number is zero-padded ("Page 0000404"): a bare "404" in a title reads as an
        # error page to soft-404 heuristics, which would make page 404 fail for the wrong reason.
        title_num = num.rjust(TITLE_DIGITS, b"0")
        body_len = self.fixed_len + len(title_num) + len(num)
        head = (
            b"HTTP/1.1 200 OK\r\n" + self.common
            + b"Content-Length: " + str(body_len).encode() + b"\r\n\r\n"
        )
        return head, b"".join((self.head, title_num, self.mid, num, self.tail))

    def links(self, n: int) -> tuple[bytes, bytes]:
        cached = self._links.get(n)
        if cached is None:
            hosts = len(self.bases)
            rows = [
                f'<li><a href="{self.bases[i % hosts]}/p/{i}">Page {i}</a></li>\n'
                for i in range(n)
            ]
            body = (
                f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
                f"<title>Links {n}</title></head>\n<body><ul>\n{''.join(rows)}</ul></body></html>\n"
            ).encode()
            cached = self.response(b"200 OK", b"text/html; charset=utf-8", body)
            self._links[n] = cached
        return cached


class PageProtocol(asyncio.Protocol):
    """One keep-alive connection: requests are answered in order, each after `latency`."""

    __slots__ = ("buf", "closing", "latency", "loop", "pages", "queue", "timer", "transport")

    def __init__(self, pages: Pages, latency: float, loop: asyncio.AbstractEventLoop) -> None:
        self.pages = pages
        self.latency = latency
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.buf = b""
        # (head, body, is_head_request, close_after, delayed)
        self.queue: deque[tuple[bytes, bytes, bool, bool, bool]] = deque()
        self.timer: asyncio.TimerHandle | None = None
        self.closing = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but have the same API
        self.transport = cast(asyncio.Transport, transport)
        stats = self.pages.stats
        stats.connections += 1
        stats.open += 1
        if stats.open > stats.peak_open:
            stats.peak_open = stats.open

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        stats = self.pages.stats
        stats.open -= 1
        stats.inflight -= len(self.queue)
        self.queue.clear()
        self.transport = None

    def data_received(self, data: bytes) -> None:
        buf = self.buf + data if self.buf else data
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                break
            request = buf[:end]
            buf = buf[end + 4:]
            self._handle(request)
        if len(buf) > 65536:  # no request head is this long: drop the client
            buf = b""
            if self.transport is not None:
                self.transport.close()
        self.buf = buf

    def _handle(self, request: bytes) -> None:
        line_end = request.find(b"\r\n")
        line = request if line_end < 0 else request[:line_end]
        parts = line.split(b" ")
        if len(parts) != 3:
            self._enqueue(*self.pages.bad, False, True, False)
            return
        method, target, version = parts
        lowered = request.lower()
        if version == b"HTTP/1.0":
            close = b"connection: keep-alive" not in lowered
        else:
            close = b"connection: close" in lowered
        is_head = method == b"HEAD"
        if method != b"GET" and not is_head:
            self._enqueue(*self.pages.bad, False, True, False)
            return
        query = target.find(b"?")
        path = target if query < 0 else target[:query]
        if path.startswith(b"http://"):  # absolute-form
            slash = path.find(b"/", 7)
            path = b"/" if slash < 0 else path[slash:]
        if path.startswith(b"/p/"):
            num = path[3:]
            if num.isdigit():
                self._enqueue(*self.pages.page(num), is_head, close, True)
                return
        elif path == b"/robots.txt":
            self._enqueue(*self.pages.robots, is_head, close, True)
            return
        elif path == b"/_stats":  # not counted as a request
            body = self.pages.stats.snapshot(reset=target.endswith(b"?reset=1"))
            head, _ = self.pages.response(b"200 OK", b"application/json", body)
            self._enqueue(head, body, is_head, close, False, count=False)
            return
        elif path.startswith(b"/links/"):
            num = path[7:]
            if num.isdigit() and int(num) <= 10_000_000:
                self._enqueue(*self.pages.links(int(num)), is_head, close, False)
                return
        # a 404 is delayed too: a checker's probes of nonexistent paths cost a round trip
        self._enqueue(*self.pages.not_found, is_head, close, True)

    def _enqueue(self, head: bytes, body: bytes, is_head: bool, close: bool, delayed: bool,
                 count: bool = True) -> None:
        if self.closing:
            return
        stats = self.pages.stats
        if count:
            stats.requests += 1
        stats.inflight += 1
        if stats.inflight > stats.peak_inflight:
            stats.peak_inflight = stats.inflight
        self.queue.append((head, body, is_head, close, delayed))
        if close:
            self.closing = True
        if self.timer is None and len(self.queue) == 1:
            self._start_next()

    def _start_next(self) -> None:
        if not self.queue:
            return
        delayed = self.queue[0][4]
        if delayed and self.latency > 0:
            self.timer = self.loop.call_later(self.latency, self._send)
        else:
            self._send()

    def _send(self) -> None:
        self.timer = None
        transport = self.transport
        if transport is None or not self.queue:
            return
        head, body, is_head, close, _ = self.queue.popleft()
        self.pages.stats.inflight -= 1
        if is_head:
            transport.write(head)
        else:
            transport.write(head + body)
        if close:
            transport.close()
            self.queue.clear()
            return
        if self.queue:
            self._start_next()


def _bind(hosts: int, base_port: int) -> list[socket.socket]:
    socks: list[socket.socket] = []
    for k in range(hosts):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, base_port + k if base_port else 0))
        sock.listen(4096)
        sock.setblocking(False)
        socks.append(sock)
    return socks


def _new_loop(use_uvloop: bool) -> tuple[asyncio.AbstractEventLoop, bool]:
    if use_uvloop:
        try:
            import uvloop  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            pass
        else:
            return uvloop.new_event_loop(), True
    return asyncio.new_event_loop(), False


def _serve(socks: list[socket.socket], pages: Pages, latency: float, use_uvloop: bool,
           ready_fd: int | None, parent_pid: int | None) -> None:
    """Run one event loop serving `socks` until SIGTERM/SIGINT (or the parent goes away)."""
    loop, _ = _new_loop(use_uvloop)
    asyncio.set_event_loop(loop)
    stop = loop.create_future()

    def _stop(*_: Any) -> None:
        if not stop.done():
            stop.set_result(None)

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, _stop)

    async def main() -> None:
        servers = [
            await loop.create_server(lambda: PageProtocol(pages, latency, loop), sock=sock,
                                     backlog=4096)
            for sock in socks
        ]
        if ready_fd is not None:
            os.write(ready_fd, b"r")
            os.close(ready_fd)

        async def watch_parent() -> None:
            while True:
                await asyncio.sleep(1.0)
                if os.getppid() != parent_pid:
                    _stop()
                    return

        watcher = loop.create_task(watch_parent()) if parent_pid is not None else None
        await stop
        if watcher is not None:
            watcher.cancel()
        for server in servers:
            server.close()

    try:
        loop.run_until_complete(main())
    finally:
        loop.close()


def _write_ready(path: Path, info: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(info))
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--hosts", type=int, default=100, help="ports to listen on (default 100)")
    ap.add_argument("--latency", type=float, default=0.05,
                    help="seconds to wait before answering a page (default 0.05)")
    ap.add_argument("--page-kb", type=float, default=20.0, help="page size in KB (default 20)")
    ap.add_argument("--base-port", type=int, default=0,
                    help="listen on base-port..base-port+hosts-1 (default: ephemeral ports)")
    ap.add_argument("--workers", type=int, default=1,
                    help="processes; each serves every K-th port (default 1)")
    ap.add_argument("--ready-file", type=Path,
                    help="write the JSON {pid, workers, bases, uvloop} here once listening")
    ap.add_argument("--no-uvloop", action="store_true", help="plain asyncio even if uvloop exists")
    ap.add_argument("--exit-with-parent", action="store_true",
                    help="exit when the process that started this one goes away")
    args = ap.parse_args(argv)
    if args.hosts < 1 or args.workers < 1:
        ap.error("--hosts and --workers must be 1 or more")

    socks = _bind(args.hosts, args.base_port)
    bases = [f"http://{HOST}:{sock.getsockname()[1]}" for sock in socks]
    pages = Pages(args.page_kb, bases)
    _, has_uvloop = _new_loop(not args.no_uvloop)  # probe only
    parent_pid = os.getppid() if args.exit_with_parent else None
    info: dict[str, Any] = {"pid": os.getpid(), "workers": [], "bases": bases,
                            "uvloop": has_uvloop, "latency": args.latency,
                            "page_kb": args.page_kb}

    if args.workers == 1:
        if args.ready_file:
            _write_ready(args.ready_file, info)
        else:
            print("\n".join(bases), flush=True)
        _serve(socks, pages, args.latency, not args.no_uvloop, None, parent_pid)
        return 0

    children: list[int] = []
    for w in range(min(args.workers, args.hosts)):
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # worker
            os.close(rfd)
            code = 0
            try:
                _serve(socks[w::args.workers], pages, args.latency, not args.no_uvloop, wfd,
                       os.getppid())
            except BaseException:  # report, and never run the parent's code
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        os.close(wfd)
        children.append(pid)
        os.read(rfd, 1)
        os.close(rfd)
    for sock in socks:
        sock.close()
    info["workers"] = children

    def _forward(signum: int, _frame: object) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, _forward)
    signal.signal(signal.SIGINT, _forward)
    if args.ready_file:
        _write_ready(args.ready_file, info)
    else:
        print("\n".join(bases), flush=True)
    code = 0
    alive = set(children)
    while alive:
        for pid in list(alive):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                alive.discard(pid)
                continue
            if done:
                alive.discard(pid)
                if os.waitstatus_to_exitcode(status) not in (0, -signal.SIGTERM):
                    code = 1
        if alive and parent_pid is not None and os.getppid() != parent_pid:
            _forward(signal.SIGTERM, None)
            parent_pid = None
        time.sleep(0.2)
    return code


if __name__ == "__main__":
    sys.exit(main())
