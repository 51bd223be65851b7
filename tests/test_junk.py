"""Nothing about one resource may end the run: every fetch path is fed junk (status lines,
headers, Location values, Retry-After values, encodings, bodies) by a raw loopback server,
and the run must complete, be stored, and give every resource a readable verdict."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from monitor import judging
from monitor.fetch import Fetcher, FetchOptions
from monitor.models import FetchError

TITLE = b"<html><head><title>Junk</title></head><body>stenosis</body></html>"


def _response(status: bytes, *headers: bytes, body: bytes = TITLE) -> bytes:
    return b"\r\n".join([status, *headers, b"", body])


class RawServer:
    """Answers each request with the raw bytes registered for its path, then closes."""

    def __init__(self) -> None:
        self.responses: dict[str, bytes] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self.port = 0

    def __enter__(self) -> RawServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        future.result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        assert self._server is not None
        self._server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            path = head.split(b" ", 2)[1].decode("latin-1")
            writer.write(self.responses.get(path, _response(b"HTTP/1.1 404 Not Found",
                                                            b"Content-Length: 0", body=b"")))
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError, IndexError):
            pass
        finally:
            writer.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


JUNK: dict[str, bytes] = {
    # Retry-After values that str.isdigit() accepts but float() does not, and other junk
    "/retry-sup2-503": _response(b"HTTP/1.1 503 Busy", b"Retry-After: \xb2"),
    "/retry-sup2-429": _response(b"HTTP/1.1 429 Slow", b"Retry-After: \xb2"),
    "/retry-circled": _response(b"HTTP/1.1 503 Busy", "Retry-After: ①".encode()),
    "/retry-date": _response(b"HTTP/1.1 503 Busy", b"Retry-After: Mon, 99 Foo 99999 99:99 GMT"),
    "/retry-huge": _response(b"HTTP/1.1 429 Slow", b"Retry-After: " + b"9" * 40),
    "/retry-neg": _response(b"HTTP/1.1 503 Busy", b"Retry-After: -1e999"),
    # Location values
    "/loc-bad-port": _response(b"HTTP/1.1 302 Found", b"Location: http://127.0.0.1:99999/"),
    "/loc-ipv6": _response(b"HTTP/1.1 301 Moved", b"Location: http://[::1/"),
    "/loc-idn-snowman": _response(b"HTTP/1.1 302 Found", "Location: http://☃.net/".encode()),
    "/loc-punycode": _response(b"HTTP/1.1 302 Found", b"Location: http://xn--n3h.net/"),
    "/loc-latin1": _response(b"HTTP/1.1 302 Found", b"Location: http://h\xff\xfe/x"),
    "/loc-nul": _response(b"HTTP/1.1 302 Found", b"Location: /\x00x"),
    "/loc-empty-host": _response(b"HTTP/1.1 302 Found", b"Location: http://user@:80/"),
    "/loc-long": _response(b"HTTP/1.1 302 Found", b"Location: /" + b"a" * 60_000),
    # status lines
    "/status-999": _response(b"HTTP/1.1 999 Weird"),
    "/status-abc": _response(b"HTTP/1.1 abc OK"),
    "/status-icy": _response(b"ICY 200 OK"),
    "/status-http9": _response(b"HTTP/9.9 200 OK"),
    "/status-099": _response(b"HTTP/1.1 099 Early"),
    "/status-none": b"\r\n\r\n",
    # headers
    "/cl-negative": _response(b"HTTP/1.1 200 OK", b"Content-Length: -5"),
    "/cl-text": _response(b"HTTP/1.1 200 OK", b"Content-Length: abc"),
    "/cl-short": _response(b"HTTP/1.1 200 OK", b"Content-Length: 100000"),
    "/no-colon": _response(b"HTTP/1.1 200 OK", b"Just some words"),
    "/ct-junk": _response(b"HTTP/1.1 200 OK", b"Content-Type: text/html; charset=\xff\x00x"),
    "/enc-compress": _response(b"HTTP/1.1 200 OK", b"Content-Encoding: compress"),
    "/enc-lying-gzip": _response(b"HTTP/1.1 200 OK", b"Content-Encoding: gzip"),
    "/enc-lying-br": _response(b"HTTP/1.1 200 OK", b"Content-Encoding: br"),
    "/enc-lying-zstd": _response(b"HTTP/1.1 200 OK", b"Content-Encoding: zstd"),
    "/enc-stacked-junk": _response(b"HTTP/1.1 200 OK", b"Content-Encoding: gzip, , br, x"),
    "/chunked-junk": _response(b"HTTP/1.1 200 OK", b"Transfer-Encoding: chunked",
                               body=b"zz\r\nabc\r\n"),
    # bodies (a HEAD-first path gets a body it did not ask for)
    "/binary.pdf": _response(b"HTTP/1.1 200 OK", b"Content-Type: application/pdf",
                             body=bytes(range(256)) * 4),
    # robots.txt itself (every resource here asks for it first)
    "/robots.txt": _response(b"HTTP/1.1 200 OK", b"Content-Encoding: br",
                             body=b"User-agent: *\nDisallow: /"),
    "/nul-title": _response(b"HTTP/1.1 200 OK", b"Content-Type: text/html",
                            body=b"<title>\x00\x01\x1b[31m\xff</title>"),
}


@pytest.fixture
def raw() -> Iterator[RawServer]:
    with RawServer() as server:
        server.responses.update(JUNK)
        yield server


def test_junk_on_every_fetch_path_never_ends_the_run(
    raw: RawServer, run_check: Any, tmp_path: Path
) -> None:
    resources = [{"id": path.strip("/").replace(".", "-"), "url": raw.url(path)}
                 for path in JUNK]
    run = run_check(resources, retries=1, respect_robots=True)
    assert run.code in (0, 1)
    assert run.doc["run_id"] is not None
    with sqlite3.connect(tmp_path / "monitor.sqlite3") as db:
        stored = db.execute("SELECT count(*) FROM results").fetchone()[0]
    assert stored == len(JUNK)
    results = {r["id"]: r for r in run.doc["results"]}
    assert set(results) == {r["id"] for r in resources}
    for result in results.values():
        assert result["status"] and result["reason"]
        assert "ExceptionGroup" not in result["detail"] and "\n" not in result["detail"]
    assert (results["loc-bad-port"]["status"], results["loc-bad-port"]["reason"]) == \
        ("broken", "bad-redirect")
    assert results["retry-sup2-503"]["reason"] == "server-error"
    assert results["retry-sup2-429"]["reason"] == "rate-limited"
    assert results["retry-circled"]["reason"] == "server-error"


def test_an_error_while_judging_one_resource_is_its_result_not_the_runs(
    web: Any, run_check: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = judging.judge

    def judge(resource: Any, fetched: Any, ctx: Any) -> Any:
        if resource.id == "bad":
            raise ExceptionGroup("judging", [KeyError("no\nsuch")])
        return real(resource, fetched, ctx)

    monkeypatch.setattr(judging, "judge", judge)
    run = run_check([{"id": "bad", "url": web.url("/ok")},
                     {"id": "good", "url": web.url("/ok?again")}])
    bad = run.result("bad")
    assert (bad["status"], bad["reason"]) == ("down", "protocol")
    assert bad["detail"] == "unexpected error while judging: KeyError: 'no\\nsuch'"
    assert run.result("good")["status"] == "ok"


def test_robots_on_a_host_the_client_cannot_parse_is_a_fact_not_a_crash() -> None:
    async def go() -> Any:
        async with Fetcher(FetchOptions(timeout=5, retries=0)) as fetcher:
            return await fetcher.fetch("http://☃.invalid/page", respect_robots=True)

    fetched = asyncio.run(go())
    assert fetched.error is not None
    assert fetched.url == "http://☃.invalid/page"


def test_an_unexpected_error_becomes_a_readable_protocol_fact(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    async def explode(*args: object, **kwargs: object) -> None:
        raise ExceptionGroup("boom", [ValueError("line one\nline two")])

    monkeypatch.setattr(Fetcher, "_robots_allow", explode)

    async def go() -> Any:
        async with Fetcher(FetchOptions(timeout=5, retries=0)) as fetcher:
            return await fetcher.fetch("http://127.0.0.1:9/", respect_robots=True)

    fetched = asyncio.run(go())
    assert fetched.error is FetchError.PROTOCOL
    assert fetched.error_detail == "unexpected error while fetching: ValueError: line one line two"
