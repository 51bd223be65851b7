"""A loopback test web: real sockets on 127.0.0.1, one route per scenario, started once.

Runs aiohttp (and a few raw asyncio servers for behaviour no framework will produce) on its own
event loop in a background thread, so synchronous tests and the monitor's own `asyncio.run()`
both talk to it over real TCP, HTTP and TLS (trustme certificates). Every hostile route is
bounded in time and ends when the web stops.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import os
import socket
import ssl
import struct
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import trustme
from aiohttp import web

ARTICLE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
    "<h1>{title}</h1><p>Gentle flexion exercises can ease lumbar spinal stenosis. Walking, "
    "cycling and pelvic tilts help many people with stenosis.</p>{extra}</body></html>"
)
MAX_HOSTILE_SECONDS = 30.0


def article(title: str = "Exercises for Spinal Stenosis", extra: str = "") -> str:
    return ARTICLE.format(title=title, extra=extra)


@dataclass
class Page:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LoopbackWeb:
    """Scenario routes on http://127.0.0.1:PORT and the same app over three TLS servers."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.pages: dict[str, Page] = {}
        self.hits: Counter[str] = Counter()
        self.seen: list[tuple[str, str, dict[str, str]]] = []  # (method, path, headers)
        self.flaky_failures: dict[str, int] = {}
        self.catch_all: str | None = None  # when set, unknown paths get 200 with this HTML
        # /wayback/available answers like the Internet Archive's availability API:
        # {curated URL: snapshot timestamp}; other URLs have no copy.
        self.archived: dict[str, str] = {}
        self.started_at: list[tuple[str, float]] = []  # (path, loop time) of each request
        self.inflight = 0
        self.max_inflight = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runners: list[web.AppRunner] = []
        self._raw: list[asyncio.Server] = []
        self._hostile: set[asyncio.Task[None]] = set()
        self.ports: dict[str, int] = {}
        self._gzip_bomb = self._make_bomb()
        self._make_certs()

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> LoopbackWeb:
        self._thread.start()
        self._call(self._start())
        return self

    def stop(self) -> None:
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def _call(self, coro: Awaitable[None]) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)  # type: ignore[arg-type]

    def reset(self) -> None:
        self.pages.clear()
        self.hits.clear()
        self.seen.clear()
        self.flaky_failures.clear()
        self.catch_all = None
        self.archived.clear()
        self.started_at.clear()
        self.max_inflight = 0

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        for name, context in (("http", None), ("tls", self.tls_context),
                              ("expired", self.expired_context),
                              ("expiring", self.expiring_context),
                              ("selfsigned", self.selfsigned_context)):
            runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
            await site.start()
            self.ports[name] = runner.addresses[0][1]
            self._runners.append(runner)
        for name, handler in (("silent", self._never_answer), ("reset", self._reset_mid_body),
                              ("garbage", self._garbage), ("drip", self._drip_headers)):
            server = await asyncio.start_server(handler, "127.0.0.1", 0)
            self.ports[name] = server.sockets[0].getsockname()[1]
            self._raw.append(server)
        self.ports["closed"] = _free_port()

    async def _stop(self) -> None:
        for task in list(self._hostile):
            task.cancel()
        for server in self._raw:
            server.close()
        for runner in self._runners:
            await runner.cleanup()

    # -- addresses --------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.ports['http']}{path}"

    def tls_url(self, path: str, kind: str = "tls") -> str:
        return f"https://localhost:{self.ports[kind]}{path}"

    def raw_url(self, kind: str, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.ports[kind]}{path}"

    # -- certificates ----------------------------------------------------------------------

    def _make_certs(self) -> None:
        ca = trustme.CA()
        self.ca_path = self.workdir / "ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_path))
        now = dt.datetime.now(dt.UTC)

        def context(cert: trustme.LeafCert) -> ssl.SSLContext:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            cert.configure_cert(ctx)
            return ctx

        self.tls_context = context(ca.issue_cert("localhost", "127.0.0.1"))
        self.expired_context = context(ca.issue_cert(
            "localhost", not_before=now - dt.timedelta(days=60),
            not_after=now - dt.timedelta(days=1)))
        self.expiring_context = context(ca.issue_cert(
            "localhost", not_after=now + dt.timedelta(days=5)))
        self.selfsigned_context = context(trustme.CA().issue_cert("localhost"))

    @staticmethod
    def _make_bomb() -> bytes:
        """~100 MB of zeros after a title, gzip-compressed to ~100 KB."""
        head = b"<html><head><title>Bomb</title></head><body>"
        return gzip.compress(head + b"\0" * (100 * 1024 * 1024), compresslevel=9)

    # -- ordinary routes -------------------------------------------------------------------

    def set_page(self, path: str, body: str | bytes = "", *, status: int = 200,
                 content_type: str = "text/html; charset=utf-8",
                 headers: dict[str, str] | None = None) -> str:
        """Serve `body` at `path` from now on; returns the page's plain-HTTP URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = Page(status, data, content_type, dict(headers or {}))
        return self.url(path)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.inflight += 1
        self.max_inflight = max(self.max_inflight, self.inflight)
        self.started_at.append((request.path, asyncio.get_running_loop().time()))
        try:
            return await self._serve(request)
        finally:
            self.inflight -= 1

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] += 1
        self.seen.append((request.method, request.path_qs, dict(request.headers)))
        page = self.pages.get(path)
        if page is not None:
            return web.Response(status=page.status, body=page.body, headers={
                "Content-Type": page.content_type, **page.headers})
        handler = self._routes().get(path) or self._prefix_route(path)
        if handler is None and self.catch_all is not None:
            return web.Response(text=self.catch_all, content_type="text/html")
        if handler is None:
            return web.Response(status=404, text=article("Not Found"),
                                content_type="text/html")
        return await handler(request)

    def _routes(self) -> dict[str, Callable[[web.Request], Awaitable[web.StreamResponse]]]:
        return {
            "/": self._home, "/ok": self._ok, "/slow": self._slow, "/endless": self._endless,
            "/gzipbomb": self._bomb, "/flaky": self._flaky, "/retry-after": self._retry_after,
            "/head-405": self._head_405, "/doc.pdf": self._head_405, "/bigheader": self._bigheader,
            "/robots.txt": self._robots, "/wayback/available": self._wayback,
        }

    def _prefix_route(
        self, path: str
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]] | None:
        parts = path.strip("/").split("/")
        if parts[0] == "status" and len(parts) == 2 and parts[1].isdigit():
            code = int(parts[1])
            return lambda r: self._status(code)
        if parts[0] == "redirect" and len(parts) == 2 and parts[1].isdigit():
            code = int(parts[1])
            return lambda r: self._redirect(code, r.query.get("to", "/ok"))
        if parts[0] == "chain" and len(parts) == 2 and parts[1].isdigit():
            left = int(parts[1])
            return lambda r: self._redirect(302, f"/chain/{left - 1}" if left > 1 else "/ok")
        if parts[0] == "location" and len(parts) == 2:
            port = self.ports["http"]
            location = {"relative": "../ok", "protocol-relative": f"//127.0.0.1:{port}/ok",
                        "malformed": "http://[::1", "scheme": "javascript:alert(1)"}
            if parts[1] == "missing":
                return lambda r: self._redirect(302, "")
            return lambda r: self._redirect(301, location[parts[1]])
        if parts[0] == "loop" and len(parts) == 2:
            other = "/loop/b" if parts[1] == "a" else "/loop/a"
            return lambda r: self._redirect(302, other)
        return None

    async def _home(self, request: web.Request) -> web.Response:
        return web.Response(text=article("Spine Center Home"), content_type="text/html")

    async def _ok(self, request: web.Request) -> web.Response:
        return web.Response(text=article(), content_type="text/html")

    async def _status(self, code: int) -> web.Response:
        return web.Response(status=code, text=article(f"Status {code}"),
                            content_type="text/html")

    async def _redirect(self, code: int, location: str) -> web.Response:
        return web.Response(status=code, headers={"Location": location} if location else {})

    async def _slow(self, request: web.Request) -> web.Response:
        await asyncio.sleep(min(float(request.query.get("delay", "5")), MAX_HOSTILE_SECONDS))
        return web.Response(text=article("Slow"), content_type="text/html")

    async def _endless(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        await response.write(article("Endless Exercises for Spinal Stenosis").encode()[:-14])
        chunk = b"<p>" + b"stenosis " * 7000 + b"</p>"
        deadline = asyncio.get_running_loop().time() + MAX_HOSTILE_SECONDS
        while asyncio.get_running_loop().time() < deadline:
            await response.write(chunk)
        return response

    async def _bomb(self, request: web.Request) -> web.Response:
        return web.Response(body=self._gzip_bomb, headers={
            "Content-Type": "text/html", "Content-Encoding": "gzip"})

    async def _flaky(self, request: web.Request) -> web.Response:
        left = self.flaky_failures.get("/flaky", 0)
        if left > 0:
            self.flaky_failures["/flaky"] = left - 1
            return await self._status(503)
        return await self._ok(request)

    async def _retry_after(self, request: web.Request) -> web.Response:
        return web.Response(status=429, headers={"Retry-After": request.query.get("s", "1")},
                            text="slow down")

    async def _head_405(self, request: web.Request) -> web.Response:
        if request.method == "HEAD":
            return web.Response(status=405)
        return web.Response(body=b"%PDF-1.4 fake", content_type="application/pdf")

    async def _bigheader(self, request: web.Request) -> web.Response:
        return web.Response(text=article(), content_type="text/html",
                            headers={"X-Huge": "a" * 300_000})

    async def _robots(self, request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nDisallow: /private\n",
                            content_type="text/plain")

    async def _wayback(self, request: web.Request) -> web.Response:
        url = request.query.get("url", "")
        stamp = self.archived.get(url)
        closest = {"status": "200", "available": True, "timestamp": stamp,
                   "url": f"http://web.archive.org/web/{stamp}/{url}"} if stamp else None
        return web.json_response(
            {"url": url, "archived_snapshots": {"closest": closest} if closest else {}})

    # -- raw hostile servers ---------------------------------------------------------------

    def _track(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._hostile.add(task)
        task.add_done_callback(self._hostile.discard)

    async def _never_answer(self, reader: asyncio.StreamReader,
                            writer: asyncio.StreamWriter) -> None:
        async def hold() -> None:
            try:
                await asyncio.sleep(MAX_HOSTILE_SECONDS)
            finally:
                writer.close()
        self._track(hold())

    async def _reset_mid_body(self, reader: asyncio.StreamReader,
                              writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n"
                     b"\r\n<html><head><title>Reset</title></head><body>" + b"x" * 1000)
        await writer.drain()
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    async def _garbage(self, reader: asyncio.StreamReader,
                       writer: asyncio.StreamWriter) -> None:
        await reader.read(1024)
        writer.write(os.urandom(4096))
        await writer.drain()
        writer.close()

    async def _drip_headers(self, reader: asyncio.StreamReader,
                            writer: asyncio.StreamWriter) -> None:
        """Valid headers at once, then one body byte per second: only a total deadline ends it."""
        async def drip() -> None:
            try:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                             b"Content-Length: 100000\r\n\r\n<html><head><title>Dr")
                for _ in range(int(MAX_HOSTILE_SECONDS)):
                    await writer.drain()
                    await asyncio.sleep(1)
                    writer.write(b"i")
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()
        self._track(drip())
