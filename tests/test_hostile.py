"""Hostile servers cannot hang, crash or exhaust the monitor; politeness rules hold.

Each case runs the real CLI against the loopback web and must end within its deadline with
the right status. Timings are only bounded loosely (no speed assertions)."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest

from loopback import LoopbackWeb, article


def res(rid: str, url: str, **extra: Any) -> dict[str, Any]:
    return {"id": rid, "name": rid, "url": url, **extra}


def test_fifty_hop_chain_stops_at_the_cap(web: LoopbackWeb, run_check: Any) -> None:
    result = run_check([res("c", web.url("/chain/50"))]).result("c")
    assert (result["status"], result["reason"]) == ("broken", "too-many-redirects")
    assert len(result["redirects"]) == 11
    assert web.hits["/ok"] == 0


@pytest.mark.parametrize(("kind", "status", "reason"), [
    ("relative", "moved", "permanent-redirect"),
    ("protocol-relative", "moved", "permanent-redirect"),
    ("malformed", "broken", "bad-redirect"),
    ("scheme", "broken", "bad-redirect"),
    ("missing", "broken", "bad-redirect"),
])
def test_odd_location_headers(web: LoopbackWeb, run_check: Any, kind: str, status: str,
                              reason: str) -> None:
    result = run_check([res("l", web.url(f"/location/{kind}"))]).result("l")
    assert (result["status"], result["reason"]) == (status, reason)
    if status == "moved":
        assert result["final_url"] == web.url("/ok")


def test_endless_body_stops_at_the_byte_cap_and_keeps_the_title(
    web: LoopbackWeb, run_check: Any
) -> None:
    began = time.monotonic()
    result = run_check([res("e", web.url("/endless"))], max_bytes=256 * 1024,
                       timeout=10).result("e")
    assert time.monotonic() - began < 10
    assert result["title"] == "Endless Exercises for Spinal Stenosis"
    assert result["status"] == "ok"
    assert any("body cut at 262144 bytes" in w for w in result["warnings"])


def test_gzip_bomb_is_decompressed_only_up_to_the_cap(web: LoopbackWeb, run_check: Any) -> None:
    result = run_check([res("b", web.url("/gzipbomb"))], max_bytes=64 * 1024).result("b")
    assert result["title"] == "Bomb"
    assert any("body cut at 65536 bytes" in w for w in result["warnings"])


@pytest.mark.parametrize("kind", ["drip", "silent"])
def test_slow_drip_and_silence_end_at_the_total_deadline(
    web: LoopbackWeb, run_check: Any, kind: str
) -> None:
    began = time.monotonic()
    result = run_check([res("d", web.raw_url(kind))], timeout=2).result("d")
    assert (result["status"], result["reason"]) == ("down", "timeout")
    assert time.monotonic() - began < 8


def test_connection_reset_mid_body(web: LoopbackWeb, run_check: Any) -> None:
    result = run_check([res("r", web.raw_url("reset"))]).result("r")
    assert result["status"] == "down" and result["reason"] in {"connect", "protocol"}


def test_enormous_header_is_refused_cleanly(web: LoopbackWeb, run_check: Any) -> None:
    result = run_check([res("h", web.url("/bigheader"))]).result("h")
    assert (result["status"], result["reason"]) == ("down", "protocol")


@pytest.mark.parametrize(("body", "content_type"), [
    (b"<title>Caf\xe9 \xff\xfe stenosis</title>", "text/html; charset=utf-8"),
    (b"<title>\xc3\x28 broken \xa0 utf8</title>", "text/html"),
    (b"<title>x</title>", "text/html; charset=no-such-charset"),
])
def test_wrong_charsets_and_invalid_bytes_do_not_crash(
    web: LoopbackWeb, run_check: Any, body: bytes, content_type: str
) -> None:
    url = web.set_page("/bad", body, content_type=content_type)
    result = run_check([res("b", url)]).result("b")
    assert result["status"] == "ok" and isinstance(result["title"], str)


@pytest.mark.parametrize(("body", "content_type"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf"),
    (bytes(range(256)) * 64, "application/octet-stream"),
])
def test_binary_bodies_are_judged_by_status_only(
    web: LoopbackWeb, run_check: Any, body: bytes, content_type: str
) -> None:
    url = web.set_page("/file", body, content_type=content_type)
    result = run_check([res("f", url, expected_title="Stenosis handout",
                            keywords=["stenosis"])]).result("f")
    assert (result["status"], result["title"]) == ("ok", None)


def test_script_in_title_is_kept_as_text(web: LoopbackWeb, run_check: Any) -> None:
    url = web.set_page("/xss", "<title>&lt;script&gt;alert(1)&lt;/script&gt;\"onerror=x</title>")
    result = run_check([res("x", url)]).result("x")
    assert result["title"] == '<script>alert(1)</script>"onerror=x'


def test_retry_after_is_honoured_within_bounds(web: LoopbackWeb, run_check: Any) -> None:
    began = time.monotonic()
    result = run_check([res("r", web.url("/retry-after?s=1"))], retries=1).result("r")
    assert (result["status"], result["reason"]) == ("blocked", "rate-limited")
    assert web.hits["/retry-after"] == 2 and time.monotonic() - began >= 1


def test_retry_after_beyond_the_limit_is_reported_at_once(
    web: LoopbackWeb, run_check: Any
) -> None:
    result = run_check([res("r", web.url("/retry-after?s=3600"))], retries=3).result("r")
    assert result["reason"] == "rate-limited" and web.hits["/retry-after"] == 1


def test_head_for_files_falls_back_to_get_when_refused(web: LoopbackWeb, run_check: Any) -> None:
    result = run_check([res("p", web.url("/doc.pdf"))]).result("p")
    assert result["status"] == "ok"
    methods = [method for method, path, _ in web.seen if path == "/doc.pdf"]
    assert methods == ["HEAD", "GET"]


def test_html_pages_are_fetched_with_get_only(web: LoopbackWeb, run_check: Any) -> None:
    run_check([res("o", web.url("/ok"))])
    assert [method for method, path, _ in web.seen if path == "/ok"] == ["GET"]


def test_robots_txt_is_respected_when_asked(web: LoopbackWeb, run_check: Any) -> None:
    run = run_check([res("private", web.url("/private/page")), res("ok", web.url("/ok"))],
                    respect_robots=True)
    result = run.result("private")
    assert (result["status"], result["reason"]) == ("blocked", "robots-disallowed")
    assert web.hits["/private/page"] == 0 and web.hits["/robots.txt"] == 1
    assert run.result("ok")["status"] == "ok"


def test_per_host_limit_bounds_requests_in_flight(web: LoopbackWeb, run_check: Any) -> None:
    resources = [res(f"s{i}", web.url(f"/slow?delay=0.3&n={i}")) for i in range(6)]
    run = run_check(resources, per_host=2, concurrency=10)
    assert all(r["status"] == "ok" for r in run.doc["results"])
    assert web.max_inflight == 2


def test_host_delay_spaces_request_starts(web: LoopbackWeb, run_check: Any) -> None:
    resources = [res(f"p{i}", web.set_page(f"/p{i}", article(f"Page {i}"))) for i in range(3)]
    run_check(resources, host_delay=0.3, per_host=3, confirm_runs=1,
              title_threshold=0.0)
    starts = sorted(t for path, t in web.started_at if path.startswith("/p"))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) == 3 and all(gap >= 0.25 for gap in gaps)
