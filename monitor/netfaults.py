"""Turning the network's raw material into facts: bounded decompression of bodies and the
classification of transport exceptions. Pure functions and a small stateful decoder; no I/O."""

from __future__ import annotations

import errno
import os
import re
import socket
import ssl
import time
import zlib
from datetime import UTC
from email.utils import parsedate_to_datetime

import httpx

from .models import FetchError

_NAME_NOT_FOUND = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}
_CONNECTION_ERRNOS = {errno.ECONNREFUSED, errno.ECONNRESET, errno.EHOSTUNREACH,
                      errno.ENETUNREACH, errno.ETIMEDOUT}


class CappedDecoder:
    """Content-Encoding decoder that never produces more than `limit` bytes (bomb-proof)."""

    def __init__(self, encoding: str | None, limit: int) -> None:
        encoding = (encoding or "identity").strip().lower()
        self.limit = limit
        self._zlib: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj()
        self._deflate_raw_fallback = encoding == "deflate"
        self.supported = encoding in ("identity", "gzip", "x-gzip", "deflate", "")

    def feed(self, raw: bytes, room: int) -> bytes:
        if self._zlib is None:
            return raw[:room]
        try:
            return self._zlib.decompress(raw, room)
        except zlib.error:
            if self._deflate_raw_fallback:  # some servers send raw deflate without a header
                self._deflate_raw_fallback = False
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                return self._zlib.decompress(raw, room)
            raise


_DIGITS = re.compile(r"[0-9]{1,12}")  # ASCII only: "²" and "①" pass str.isdigit()


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds a `Retry-After` value asks us to wait: ASCII delay-seconds or an HTTP-date;
    anything else (junk, other digits, dates out of range) is ignored as if absent."""
    if not value:
        return None
    value = value.strip()
    if _DIGITS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, when.timestamp() - (now if now is not None else time.time()))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _leaf(exc: BaseException) -> BaseException:
    """The first real exception inside (nested) exception groups."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def describe(exc: BaseException, limit: int = 200) -> str:
    """One readable line for an unexpected exception: its type and message, never a
    multi-line repr or an ExceptionGroup wrapper."""
    exc = _leaf(exc)
    return f"{type(exc).__name__}: {_line(str(exc), limit) or '(no message)'}"


def _line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cause_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = _leaf(exc)
    while current is not None and id(current) not in seen:
        chain.append(current)
        seen.add(id(current))
        following = current.__cause__ or current.__context__
        current = _leaf(following) if following is not None else None
    return chain


def classify_error(exc: BaseException) -> tuple[FetchError, str]:
    """Map an exception from httpx/httpcore/ssl/socket to a FetchError and a short detail."""
    chain = _cause_chain(exc)
    for item in chain:
        if isinstance(item, socket.gaierror):
            if item.errno in _NAME_NOT_FOUND:
                return FetchError.DNS, f"name does not resolve ({item.strerror})"
            return FetchError.CONNECT, f"DNS lookup failed ({item.strerror})"
        if isinstance(item, ssl.SSLCertVerificationError):
            reason = getattr(item, "verify_message", None) or _line(str(item))
            return FetchError.TLS, f"certificate verification failed: {reason}"
        if isinstance(item, ssl.SSLError):
            return FetchError.TLS, f"TLS error: {getattr(item, 'reason', None) or item}"
    for item in chain:
        if isinstance(item, httpx.TimeoutException | TimeoutError):
            return FetchError.TIMEOUT, "no complete answer within the deadline"
    for item in chain:
        if isinstance(item, httpx.RemoteProtocolError | httpx.LocalProtocolError):
            return FetchError.PROTOCOL, f"invalid HTTP from server: {_line(str(item))}"
        if isinstance(item, httpx.ReadError):
            return FetchError.CONNECT, f"connection broken while reading: {_line(str(item))}"
        if isinstance(item, OSError) and item.errno in _CONNECTION_ERRNOS:
            return FetchError.CONNECT, os.strerror(item.errno).lower()
    exc = _leaf(exc)
    if isinstance(exc, httpx.ConnectError | httpx.NetworkError):
        return FetchError.CONNECT, describe(exc).partition(": ")[2]
    return FetchError.PROTOCOL, describe(exc)
