"""Sends requests with aiohttp; what comes back is a lean `Reply`.

httpcore's pool scans every pooled connection on each request, so its CPU per request grows
with the number of connections (one host at per_host 100 cost ~10x the CPU per URL of 100
hosts at per_host 2). aiohttp's connector finds an idle connection by key in constant time and
parses HTTP in C, so the cost per request stays flat whatever the shape of the list. URLs are
`Target`s (target.py: httpx's normalisation, mostly without parsing by httpx); requests and
responses are not wrapped in httpx `Request`/`Response` objects (building them cost ~10% of
the CPU per URL): a `Reply` carries the status, headers read exactly as `httpx.Headers` reads
them, and the raw body stream. aiohttp's failures are mapped onto httpx's exception types
with the original error as the cause, so `netfaults.classify_error` sees the same chain
(gaierror, SSL errors, errnos) as before.

Deadlines are the caller's: `fetch.py` wraps every attempt in `asyncio.timeout`, so no
per-read timers are armed here.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx

from .target import Target

if TYPE_CHECKING:  # aiohttp (~0.1 s to import) is loaded when the first request is sent,
    import aiohttp  # so commands that fetch nothing (validate, report) start faster


def _header_encoding(raw: Sequence[tuple[bytes, bytes]]) -> str:
    """The encoding httpx.Headers decodes a header set with: ASCII, else UTF-8 (all names and
    values must fit), else ISO-8859-1, which decodes any byte."""
    if all(key.isascii() and value.isascii() for key, value in raw):
        return "ascii"
    try:
        for key, value in raw:
            key.decode("utf-8")
            value.decode("utf-8")
    except UnicodeDecodeError:
        return "iso-8859-1"
    return "utf-8"


class ReplyHeaders:
    """Response headers with httpx.Headers' semantics, decoded once: names are case-insensitive
    (ASCII lower-cased), a name that occurs more than once reads as its values joined with
    ", " (RFC 9110), and `items()` gives lower-case names in order of first occurrence."""

    __slots__ = ("_pairs",)

    def __init__(self, raw: Iterable[tuple[bytes, bytes]]) -> None:
        raw = list(raw)
        try:  # all ASCII, as nearly always: one pass
            self._pairs = [(key.decode("ascii").lower(), value.decode("ascii"))
                           for key, value in raw]
            return
        except UnicodeDecodeError:
            pass
        encoding = _header_encoding(raw)
        self._pairs = [(key.lower().decode(encoding), value.decode(encoding))
                       for key, value in raw]

    def get(self, name: str, default: str | None = None) -> str | None:
        wanted = name.lower()
        values = [value for key, value in self._pairs if key == wanted]
        return ", ".join(values) if values else default

    def __contains__(self, name: object) -> bool:
        wanted = name.lower() if isinstance(name, str) else name
        return any(key == wanted for key, _ in self._pairs)

    def items(self) -> Iterable[tuple[str, str]]:
        merged: dict[str, str] = {}
        for key, value in self._pairs:
            merged[key] = f"{merged[key]}, {value}" if key in merged else value
        return merged.items()


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


def tls_expiry(reply: Reply) -> datetime | None:
    """When the certificate of the reply's connection expires; None but for https (and a
    connection already gone)."""
    getpeercert = getattr(reply.ssl_object, "getpeercert", None)
    if getpeercert is None:
        return None
    cert = getpeercert()
    if not cert or "notAfter" not in cert:
        return None
    return datetime.fromtimestamp(ssl.cert_time_to_seconds(cert["notAfter"]), UTC)


class Reply:
    """One response, its body still to stream: what fetch.py reads of it."""

    __slots__ = ("_closed", "_response", "headers", "method", "ssl_object", "status_code",
                 "url")

    def __init__(self, method: str, url: Target, response: aiohttp.ClientResponse,
                 ssl_object: object) -> None:
        self.method = method
        self.url = url
        self.status_code: int = response.status
        self.headers = ReplyHeaders(response.raw_headers)
        self.ssl_object = ssl_object  # the TLS connection's, for the certificate's expiry
        self._response = response
        self._closed = False

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    async def read_some(self) -> bytes:
        """The next piece of the raw (still content-encoded) body as it arrives; b"" once
        it has all been read."""
        try:
            return await self._response.content.readany()
        except Exception as exc:
            import aiohttp

            if isinstance(exc, aiohttp.ClientError):
                raise _mapped(exc) from _cause(exc)
            raise

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        response = self._response
        if response.content.at_eof():
            response.release()  # fully read: the connection goes back to the pool
        else:
            response.close()  # cut short (byte cap, deadline): never reuse a half-read socket


class AiohttpTransport:
    """At most `concurrency` connections in all and `per_host` per origin, kept alive for
    `keepalive_expiry` s. The session is opened on first use, inside the running loop."""

    def __init__(
        self,
        *,
        concurrency: int,
        per_host: int,
        ssl_context: ssl.SSLContext,
        headers: Sequence[tuple[str, str]] = (),
        keepalive_expiry: float = 5.0,
    ) -> None:
        self._limits = (concurrency, per_host, keepalive_expiry)
        self._headers = tuple(headers)
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
            # Every request's headers, set once (aiohttp merges per-request ones into a new
            # dict each time). They name User-Agent, Accept and Accept-Encoding, so aiohttp
            # adds none of its own (skip_auto_headers would cost a dict per request).
            headers=self._headers,
            # Long header lines are refused as a protocol error, like httpcore did.
            max_line_size=16 * 1024, max_field_size=16 * 1024,
        )
        return self._session

    async def send(self, method: str, url: Target) -> Reply:
        """One request without a body, no redirect followed; the reply's body is left to
        stream (the caller closes the reply)."""
        import aiohttp
        import yarl

        session = self._session or self._open()
        try:
            response = await session.request(
                method, yarl.URL(url.text, encoded=True),
                allow_redirects=False,
            )
        except aiohttp.ClientError as exc:
            raise _mapped(exc) from _cause(exc)
        return Reply(method, url, response,
                     _ssl_object(response) if url.scheme == "https" else None)

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
