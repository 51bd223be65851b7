"""Target.of reads a URL exactly as httpx.URL does, without httpx for the common shapes."""

from __future__ import annotations

import random

import httpx
import pytest

from monitor.fetch import _head_first
from monitor.target import Target
from monitor.transport import ReplyHeaders

SHAPES = [
    "http://127.0.0.1:8080/p/1", "https://example.org/", "http://example.org",
    "http://a.example/x?q=1&r=%20", "http://a/x?", "http://a/x;p=1", "http://a/%7e/%zz",
    "http://a:80/x", "https://a:443/", "https://a:444/", "http://A.com/x", "HTTP://a/x",
    "http://a/./x", "http://a/b/../c", "http://a/.well-known/x", "http://a/x/..",
    "http://a/x y", "http://a/x#frag", "http://u:p@a/x", "http://[::1]:8080/x",
    "http://[::1]/", "http://a/x?q=`{}|", "http://a/x`", "http://a/{x}", "http://a/[x]^|~",
    "http://a:08/x", "http://a:0/x", "http://a:65535/", "http://a:99999/", "http://256.1.1.1/",
    "http://1.2.3/", "http://01.2.3.4/", "http://a..b/", "http://a./x", "http://-a/",
    "http://a/x?y#z", "http://a/x\"y", "http://a/x<y>", "http://a/x?<y>", "http://a/?.",
    "http://a/x?/./..", "https://xn--bcher-kva.example/", "http://a/" + "x" * 70000,
]


def _expected(text: str) -> tuple[str, str, str, int, str] | type[Exception]:
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL:
        return httpx.InvalidURL
    return (str(url), url.scheme, url.raw_host.decode("ascii"),
            url.port or (443 if url.scheme == "https" else 80), url.netloc.decode("ascii"))


def _got(text: str) -> tuple[str, str, str, int, str] | type[Exception]:
    try:
        target = Target.of(text)
    except httpx.InvalidURL:
        return httpx.InvalidURL
    assert str(target.url) == target.text
    return target.text, target.scheme, target.host, target.port, target.netloc


@pytest.mark.parametrize("text", SHAPES)
def test_a_target_is_what_httpx_makes_of_the_url(text: str) -> None:
    assert _got(text) == _expected(text)


def test_random_urls_read_as_httpx_reads_them() -> None:
    rng = random.Random(11)
    alphabet = [chr(i) for i in range(0x20, 0x7F)] + ["%41", "%", "/.", "/..", "é"]
    for _ in range(5000):
        scheme = rng.choice(["http", "https", "HTTP"])
        host = rng.choice(["a", "127.0.0.1", "ex-1.org", "B.org", "300.1.1.1", "a.b."])
        port = rng.choice(["", ":80", ":443", ":8080", ":0", ":65536", ":1"])
        rest = "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        text = f"{scheme}://{host}{port}{rng.choice(['/', '/', '', '?'])}{rest}"
        assert _got(text) == _expected(text), text


@pytest.mark.parametrize("raw", [
    [(b"Content-Type", b"text/html"), (b"X-A", b"1"), (b"x-a", b"2")],
    [(b"Content-Type", "text/html; name=é".encode()), (b"Server", b"x")],
    [(b"Content-Type", "text/html; name=é".encode("iso-8859-1")), (b"Server", b"x")],
    [("X-É".encode(), b"v")],
])
def test_reply_headers_read_as_httpx_headers_do(raw: list[tuple[bytes, bytes]]) -> None:
    ours, theirs = ReplyHeaders(raw), httpx.Headers(raw)
    assert list(ours.items()) == list(theirs.items())
    for name in ("content-type", "X-A", "server", "missing"):
        assert ours.get(name) == theirs.get(name)


@pytest.mark.parametrize(("url", "head"), [
    ("http://a/f.pdf", True), ("http://a/F.PDF?x=1#y", True), ("http://a/f.pdf#x.html", True),
    ("http://a/f.html", False), ("http://a/x?f=.pdf", False), ("http://a/x#.pdf", False),
    ("http://files.zip", False), ("http://a/f.zip/", False),
])
def test_binary_files_are_asked_for_with_head_first(url: str, head: bool) -> None:
    assert _head_first(url) is head
