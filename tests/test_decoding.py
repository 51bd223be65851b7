"""Content-Encoding: gzip, deflate, br, zstd and stacks of them are decoded under the byte cap;
what cannot be decoded is said so, and never judged ok."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable
from typing import Any

import brotli
import pytest

from monitor.decoding import CappedDecoder, DecodeError, zstd

from loopback import LoopbackWeb, article

PAGE = article("Exercises for Spinal Stenosis").encode()


def deflate(data: bytes) -> bytes:
    return zlib.compress(data)


def raw_deflate(data: bytes) -> bytes:
    obj = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return obj.compress(data) + obj.flush()


def br(data: bytes) -> bytes:
    return bytes(brotli.compress(data, quality=5))


def zst(data: bytes) -> bytes:
    return bytes(zstd.compress(data))


ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress, "x-gzip": gzip.compress, "deflate": deflate, "br": br, "zstd": zst,
}


def encode(encoding: str, data: bytes) -> bytes:
    for name in encoding.split(","):
        name = name.strip().lower()
        if name and name != "identity":
            data = ENCODERS[name](data)
    return data


def decode_in_chunks(encoding: str, body: bytes, limit: int, chunk: int) -> bytes:
    decoder = CappedDecoder(encoding, limit)
    out = b""
    for start in range(0, len(body), chunk):
        out += decoder.feed(body[start:start + chunk], limit - len(out))
        if len(out) >= limit:
            break
    return out


@pytest.mark.parametrize("encoding", [
    "gzip", "x-gzip", "deflate", "br", "zstd", "gzip, gzip", "br, gzip", "gzip, zstd",
    "identity", "identity, gzip", " GZIP ,Br ", "",
])
@pytest.mark.parametrize("chunk", [1, 7, 65536])
def test_every_encoding_and_stack_round_trips(encoding: str, chunk: int) -> None:
    body = encode(encoding, PAGE)
    assert decode_in_chunks(encoding, body, 10**6, chunk) == PAGE


def test_raw_deflate_without_a_header_is_accepted() -> None:
    assert decode_in_chunks("deflate", raw_deflate(PAGE), 10**6, 5) == PAGE


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd", "gzip, gzip", "zstd, br"])
def test_bombs_in_any_layer_stop_at_the_room_given(encoding: str) -> None:
    bomb = encode(encoding, b"<title>Bomb</title>" + b"\0" * (16 * 1024 * 1024))
    decoder = CappedDecoder(encoding, 4096)
    out = decoder.feed(bomb, 4096)
    assert len(out) == 4096 and out.startswith(b"<title>Bomb</title>")


@pytest.mark.parametrize("encoding", ["compress", "gzip, x-foo", "gzip, gzip, gzip, gzip"])
def test_encodings_we_cannot_decode_are_named(encoding: str) -> None:
    decoder = CappedDecoder(encoding, 100)
    assert decoder.supported is False
    with pytest.raises(DecodeError, match="cannot be decoded"):
        decoder.feed(b"abc", 100)


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd", "gzip, gzip"])
def test_corrupt_bodies_raise_decode_errors(encoding: str) -> None:
    with pytest.raises(DecodeError, match="cannot decode"):
        CappedDecoder(encoding, 100).feed(b"\x1f\x8b\x08junk-not-compressed" * 3, 100)


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, gzip", "deflate, br"])
def test_encoded_pages_are_read_and_judged(
    web: LoopbackWeb, run_check: Any, encoding: str
) -> None:
    url = web.set_page("/enc", encode(encoding, PAGE), headers={"Content-Encoding": encoding})
    result = run_check([{"id": "e", "url": url, "keywords": ["pelvic tilts"],
                         "expected_title": "Exercises for Spinal Stenosis"}]).result("e")
    assert (result["status"], result["title"]) == ("ok", "Exercises for Spinal Stenosis")


def test_encoded_pages_that_drifted_are_not_ok(web: LoopbackWeb, run_check: Any) -> None:
    body = encode("br", article("Buy cheap watches").encode())
    url = web.set_page("/enc", body, headers={"Content-Encoding": "br"})
    result = run_check([{"id": "e", "url": url,
                         "expected_title": "Exercises for Spinal Stenosis"}]).result("e")
    assert (result["status"], result["reason"]) == ("drifted", "title-changed")


@pytest.mark.parametrize(("status", "expected"), [
    (200, ("down", "protocol")), (404, ("broken", "not-found")),
])
def test_a_body_we_cannot_decode_is_never_ok(
    web: LoopbackWeb, run_check: Any, status: int, expected: tuple[str, str]
) -> None:
    url = web.set_page("/enc", b"\x1f\x9d\x90junk", status=status,
                       headers={"Content-Encoding": "compress"})
    result = run_check([{"id": "e", "url": url}]).result("e")
    assert (result["status"], result["reason"]) == expected
    if status == 200:
        assert result["detail"] == ("Content-Encoding 'compress' cannot be decoded: "
                                    "page content not checked")


def test_we_ask_for_the_encodings_we_can_decode(web: LoopbackWeb, run_check: Any) -> None:
    run_check([{"id": "o", "url": web.url("/ok")}])
    headers = next(h for _, path, h in web.seen if path == "/ok")
    assert headers["Accept-Encoding"] == "gzip, deflate, br, zstd"
