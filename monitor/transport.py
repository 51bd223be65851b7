"""An httpx transport that sends requests with aiohttp.

httpcore's pool scans every pooled connection on each request, so its CPU per request grows
with the number of connections (one host at per_host 100 cost ~10x the CPU per URL of 100
hosts at per_host 2). aiohttp's connector finds an idle connection by key in constant time and
parses HTTP in C, so the cost per request stays flat whatever the shape of the list. The client
keeps httpx's types (`Request`, `URL`, `Response`), and aiohttp's failures are
mapped onto httpx's exception types with the original error as the cause, so
`netfaults.classify_error` sees the same chain (gaierror, SSL errors, errnos) as before.

Deadlines are the caller's: `fetch.py` wraps every attempt in `asyncio.timeout`, so no
per-read timers are armed here.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:  # aiohttp (~0.1 s to import) is loaded when the first request is sent,
    import aiohttp  # so commands that fetch nothing (validate, report) start faster


class _TLSInfo:
    """What `fetch._tls_expiry` asks of `response.extensions["network_stream"]`, captured
    while the connection is still attached to the response."""

    __slots__ = ("_ssl_object",)

    def __init__(self, ssl_object: object) -> None:
        self._ssl_object = ssl_object

    def get_extra_info(self, name: str) -> object:
        return self._ssl_object if name == "ssl_object" else None


def _mapped(exc: BaseException) -> Exception:
    """An httpx exception for an aiohttp one; the caller raises it `from` the original."""
    import aiohttp

    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return httpx.ConnectError(str(exc))
    if isinstance(exc, aiohttp.ClientConnectorError):  # DNS, refused, TLS handshake
        return httpx.ConnectError(str(exc))
    if isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ServerDisconnectedError):
        return httpx.RemoteProtocolError(str(exc) or type(exc).__name__)
    if isinstance(exc, aiohttp.ClientResponseError):  # unparseable status line or headers
        return httpx.RemoteProtocolError(exc.message or str(exc))
    if isinstance(exc, aiohttp.ClientOSError):
        return httpx.ReadError(str(exc))
    if isinstance(exc, aiohttp.InvalidURL):
        return httpx.UnsupportedProtocol(str(exc))
    return httpx.NetworkError(f"{type(exc).__name__}: {exc}")


def _cause(exc: BaseException) -> BaseException:
    """The most telling underlying error: the certificate error or the OS error."""
    import aiohttp

    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return exc.certificate_error
    if isinstance(exc, aiohttp.ClientConnectorError):
        return exc.os_error
    return exc


def _ssl_object(response: aiohttp.ClientResponse) -> object:
    """The TLS object of the response's connection. A small body read together with the
    headers releases the connection before we see the response, so ask its protocol."""
    connection = response.connection
    protocol = connection.protocol if connection is not None else \
        getattr(response, "_protocol", None)
    transport = getattr(protocol, "transport", None)
    return transport.get_extra_info("ssl_object") if transport is not None else None


class _Body(httpx.AsyncByteStream):
    """The raw (still content-encoded) body of an aiohttp response."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        import aiohttp

        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except aiohttp.ClientError as exc:
            raise _mapped(exc) from _cause(exc)

    async def aclose(self) -> None:
        response = self._response
        if response.content.at_eof():
            response.release()  # fully read: the connection goes back to the pool
        else:
            response.close()  # cut short (byte cap, deadline): never reuse a half-read socket


class AiohttpTransport(httpx.AsyncBaseTransport):
    """At most `concurrency` connections in all and `per_host` per origin, kept alive for
    `keepalive_expiry` s. The session is opened on first use, inside the running loop."""

    def __init__(
        self,
        *,
        concurrency: int,
        per_host: int,
        ssl_context: ssl.SSLContext,
        keepalive_expiry: float = 5.0,
    ) -> None:
        self._limits = (concurrency, per_host, keepalive_expiry)
        self._ssl_context = ssl_context
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        import aiohttp

        concurrency, per_host, keepalive = self._limits
        connector = aiohttp.TCPConnector(
            limit=concurrency, limit_per_host=per_host, keepalive_timeout=keepalive,
            ssl=self._ssl_context,
            # The system resolver (getaddrinfo: /etc/hosts, search domains), as before, even
            # when aiodns happens to be installed.
            resolver=aiohttp.ThreadedResolver(),
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            # Cookies a site sets are sent back to it for the rest of the run, as browsers
            # do (some sites redirect to themselves until a cookie comes back); unsafe=True
            # also keeps cookies of hosts given by IP address.
            cookie_jar=aiohttp.CookieJar(unsafe=True, quote_cookie=False),
            auto_decompress=False,  # fetch.py decodes under its byte cap
            timeout=aiohttp.ClientTimeout(total=None),
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding"),
            # Long header lines are refused as a protocol error, like httpcore did.
            max_line_size=16 * 1024, max_field_size=16 * 1024,
        )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import aiohttp
        import yarl

        session = self._session or self._open()
        data: Any = request.content or None
        try:
            response = await session.request(
                request.method, yarl.URL(str(request.url), encoded=True),
                headers=request.headers.multi_items(), data=data, allow_redirects=False,
            )
        except aiohttp.ClientError as exc:
            raise _mapped(exc) from _cause(exc)
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if request.url.scheme == "https":
            extensions["network_stream"] = _TLSInfo(_ssl_object(response))
        return httpx.Response(
            status_code=response.status,
            headers=list(response.raw_headers),
            stream=_Body(response),
            extensions=extensions,
        )

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
