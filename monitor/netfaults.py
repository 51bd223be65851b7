"""Turning the network's raw material into facts: bounded decompression of bodies and the
classification of transport exceptions. Pure functions and a small stateful decoder; no I/O."""

from __future__ import annotations

import errno
import os
import socket
import ssl
import zlib

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


def _cause_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        chain.append(current)
        seen.add(id(current))
        current = current.__cause__ or current.__context__
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
            reason = getattr(item, "verify_message", None) or str(item)
            return FetchError.TLS, f"certificate verification failed: {reason}"
        if isinstance(item, ssl.SSLError):
            return FetchError.TLS, f"TLS error: {getattr(item, 'reason', None) or item}"
    for item in chain:
        if isinstance(item, httpx.TimeoutException | TimeoutError):
            return FetchError.TIMEOUT, "no complete answer within the deadline"
    for item in chain:
        if isinstance(item, httpx.RemoteProtocolError | httpx.LocalProtocolError):
            return FetchError.PROTOCOL, f"invalid HTTP from server: {str(item)[:200]}"
        if isinstance(item, httpx.ReadError):
            return FetchError.CONNECT, f"connection broken while reading: {str(item)[:200]}"
        if isinstance(item, OSError) and item.errno in _CONNECTION_ERRNOS:
            return FetchError.CONNECT, os.strerror(item.errno).lower()
    message = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError | httpx.NetworkError):
        return FetchError.CONNECT, message[:200]
    return FetchError.PROTOCOL, f"{type(exc).__name__}: {message[:200]}"
