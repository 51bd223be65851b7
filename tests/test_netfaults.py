"""Bounded decompression and classification of transport failures, without a network."""

from __future__ import annotations

import gzip
import socket
import ssl
import zlib

import httpx
import pytest

from monitor.models import FetchError
from monitor.netfaults import CappedDecoder, classify_error, describe, retry_after_seconds


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


@pytest.mark.parametrize(("value", "seconds"), [
    ("12", 12.0), (" 7 ", 7.0), ("0", 0.0), ("9" * 40, 1e40),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480.0 - 1e9),
    ("\xb2", None), ("①", None), ("٣", None), ("-1", None), ("1.5", None), ("1e3", None),
    ("Mon, 99 Foo 99999 99:99 GMT", None), ("", None), (None, None), ("soon", None),
])
def test_retry_after_is_ascii_seconds_or_an_http_date(value: str | None,
                                                      seconds: float | None) -> None:
    assert retry_after_seconds(value, now=1e9) == seconds


def test_unexpected_errors_are_described_on_one_line() -> None:
    group = ExceptionGroup("outer", [ExceptionGroup("inner", [OSError("a\nb")])])
    assert describe(group) == "OSError: a b"
    assert classify_error(group) == (FetchError.PROTOCOL, "OSError: a b")
