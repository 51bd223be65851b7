"""Content-Encoding decoding under a byte cap: gzip, deflate, br, zstd, and stacks of them
("gzip, gzip"). No stage ever produces more than it is asked for, so a decompression bomb in
any layer costs at most the cap (plus one small chunk per intermediate layer). No I/O."""

from __future__ import annotations

import zlib
from typing import Protocol

import brotli

try:  # Python 3.14+
    from compression import zstd
except ImportError:  # the backport, same API
    from backports import zstd

ENCODINGS = ("gzip", "x-gzip", "deflate", "br", "zstd")
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
MAX_LAYERS = 3  # more stacked encodings than this is an attack, not a web server
_CHUNK = 64 * 1024  # what an intermediate layer hands on per step


class DecodeError(ValueError):
    """A body we cannot decode: an unknown encoding or corrupt compressed data."""


class _Stage(Protocol):
    def decode(self, data: bytes, limit: int) -> bytes:
        """Take `data` (may be empty) and return at most about `limit` decoded bytes."""

    def pending(self) -> bool:
        """More output is ready without more input."""


class _Zlib:
    def __init__(self, encoding: str) -> None:
        wbits = zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(wbits)
        self._raw_fallback = encoding == "deflate"  # some servers send deflate without header

    def decode(self, data: bytes, limit: int) -> bytes:
        data = self._obj.unconsumed_tail + data
        if self._obj.eof:
            return b""  # trailing bytes after the stream: ignored, as browsers do
        try:
            out = self._obj.decompress(data, limit)
        except zlib.error:
            if not self._raw_fallback:
                raise
            self._raw_fallback = False
            self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._obj.decompress(data, limit)
        self._raw_fallback = False
        return out

    def pending(self) -> bool:
        return bool(self._obj.unconsumed_tail) and not self._obj.eof


class _Brotli:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()
        self._inbox = b""

    def decode(self, data: bytes, limit: int) -> bytes:
        self._inbox += data
        if self._obj.is_finished():
            return b""
        if self._obj.can_accept_more_data():
            data, self._inbox = self._inbox, b""
        else:  # it still holds output: it must be drained with empty input first
            data = b""
        return bytes(self._obj.process(data, output_buffer_limit=limit))

    def pending(self) -> bool:
        return not self._obj.is_finished() and (
            not self._obj.can_accept_more_data() or bool(self._inbox))


class _Zstd:
    def __init__(self) -> None:
        self._obj = zstd.ZstdDecompressor()

    def decode(self, data: bytes, limit: int) -> bytes:
        if self._obj.eof:
            return b""
        return bytes(self._obj.decompress(data, max_length=limit))

    def pending(self) -> bool:
        return not self._obj.eof and not self._obj.needs_input


def _stage(encoding: str) -> _Stage:
    if encoding == "br":
        return _Brotli()
    if encoding == "zstd":
        return _Zstd()
    return _Zlib(encoding)


class CappedDecoder:
    """Content-Encoding decoder that never produces more than `room` bytes per feed
    (bomb-proof). `supported` is False for encodings we cannot decode (`unsupported` names
    the first one); feeding such a decoder raises DecodeError."""

    def __init__(self, encoding: str | None, limit: int) -> None:
        self.limit = limit
        tokens = [t.strip().lower() for t in (encoding or "").split(",")]
        layers = [t for t in tokens if t and t != "identity"]
        self.encoding = ", ".join(layers) or "identity"
        self.unsupported = next((t for t in layers if t not in ENCODINGS), None)
        if self.unsupported is None and len(layers) > MAX_LAYERS:
            self.unsupported = self.encoding
        self.supported = self.unsupported is None
        # Applied in the order listed, so decoded in reverse.
        self._stages = [_stage(t) for t in reversed(layers)] if self.supported else []
        self._raw = b""

    def feed(self, raw: bytes, room: int) -> bytes:
        if not self.supported:
            raise DecodeError(f"Content-Encoding {self.unsupported!r} cannot be decoded")
        if not self._stages:
            return raw[:room]
        self._raw += raw
        out: list[bytes] = []
        left = room
        try:
            while left > 0:
                piece = self._pull(len(self._stages) - 1, left)
                if not piece:
                    break
                out.append(piece)
                left -= len(piece)
        except (zlib.error, brotli.error, zstd.ZstdError, EOFError) as exc:
            raise DecodeError(f"cannot decode {self.encoding} body: {exc}") from None
        # A layer may overshoot its limit a little (brotli); past the cap nothing is read.
        return b"".join(out)[:room]

    def _pull(self, index: int, limit: int) -> bytes:
        """Up to `limit` bytes out of stage `index`, feeding it from the layer below."""
        stage = self._stages[index]
        while True:
            if stage.pending():
                out = stage.decode(b"", limit)
                if out:
                    return out
            if index == 0:
                data, self._raw = self._raw, b""
            else:
                data = self._pull(index - 1, _CHUNK)
            if not data:
                return b""
            out = stage.decode(data, limit)
            if out:
                return out
