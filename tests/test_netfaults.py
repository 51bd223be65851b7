"""Bounded decompression and classification of transport failures, without a network."""

from __future__ import annotations

import gzip
import socket
import ssl
import zlib

import httpx
import pytest

from monitor.models import FetchError
from monitor.netfaults import CappedDecoder, classify_error


def test_gzip_bomb_never_inflates_past_the_room_given() -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    decoder = CappedDecoder("gzip", 4096)
    assert len(decoder.feed(bomb, 4096)) == 4096


def test_raw_deflate_without_zlib_header_is_accepted() -> None:
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    body = raw.compress(b"<title>x</title>") + raw.flush()
    assert CappedDecoder("deflate", 1000).feed(body, 1000) == b"<title>x</title>"


def test_unknown_encodings_are_not_decoded() -> None:
    assert CappedDecoder("compress", 10).supported is False
    assert CappedDecoder(None, 10).feed(b"abcdef", 3) == b"abc"


def _wrapped(inner: BaseException) -> httpx.ConnectError:
    try:
        try:
            raise inner
        except BaseException as exc:
            raise httpx.ConnectError("wrapped") from exc
    except httpx.ConnectError as outer:
        return outer


@pytest.mark.parametrize(("inner", "kind"), [
    (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), FetchError.DNS),
    (socket.gaierror(socket.EAI_AGAIN, "Temporary failure"), FetchError.CONNECT),
    (ssl.SSLCertVerificationError("certificate verify failed"), FetchError.TLS),
    (ConnectionRefusedError(111, "refused"), FetchError.CONNECT),
])
def test_causes_deep_in_the_chain_decide_the_kind(inner: BaseException, kind: FetchError
                                                  ) -> None:
    assert classify_error(_wrapped(inner))[0] is kind


def test_timeouts_and_protocol_errors() -> None:
    assert classify_error(httpx.ReadTimeout("slow"))[0] is FetchError.TIMEOUT
    assert classify_error(httpx.RemoteProtocolError("junk"))[0] is FetchError.PROTOCOL
