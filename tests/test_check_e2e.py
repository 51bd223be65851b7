"""`monitor check` end to end against the loopback web: every status and reason, JSON fields,
exit codes. Real sockets, real HTTP and TLS; nothing leaves 127.0.0.1."""

from __future__ import annotations

from typing import Any

import pytest

from loopback import LoopbackWeb, article


def res(rid: str, url: str, **extra: Any) -> dict[str, Any]:
    return {"id": rid, "name": rid.replace("-", " ").title(), "url": url, **extra}


def test_ok_page_json_document(web: LoopbackWeb, run_check: Any) -> None:
    run = run_check([res("ok", web.url("/ok"), tags=["site", "exercise"])])
    assert run.code == 0
    doc = run.doc
    assert doc["version"] == 1 and doc["offline"] is False
    assert doc["summary"] == {"ok": 1, "moved": 0, "drifted": 0, "blocked": 0, "down": 0,
                              "broken": 0, "total": 1}
    assert doc["started_at"].endswith("Z") and doc["finished_at"] >= doc["started_at"]
    result = doc["results"][0]
    assert {k: result[k] for k in ("id", "status", "reason", "http_status", "final_url",
                                   "redirects", "title", "tags")} == {
        "id": "ok", "status": "ok", "reason": "ok", "http_status": 200,
        "final_url": web.url("/ok"), "redirects": [], "title": "Exercises for Spinal Stenosis",
        "tags": ["site", "exercise"]}
    assert result["elapsed_ms"] > 0 and result["checked_at"].endswith("Z")
    assert set(result) >= {"id", "name", "url", "status", "reason", "detail", "http_status",
                           "final_url", "redirects", "title", "expected_title", "elapsed_ms",
                           "checked_at", "since", "streak", "confirmed", "previous_status"}


@pytest.mark.parametrize("code", [301, 308])
def test_permanent_redirect_is_moved_with_chain(web: LoopbackWeb, run_check: Any,
                                                code: int) -> None:
    run = run_check([res("m", web.url(f"/redirect/{code}?to=/ok"))])
    result = run.result("m")
    assert (result["status"], result["reason"]) == ("moved", "permanent-redirect")
    assert result["redirects"] == [{"url": web.url(f"/redirect/{code}?to=/ok"),
                                    "status": code, "location": web.url("/ok")}]
    assert result["final_url"] == web.url("/ok") and web.url("/ok") in result["detail"]
    assert run.code == 0  # moved is not in the default --fail-on


@pytest.mark.parametrize("code", [302, 307])
def test_temporary_redirect_is_ok(web: LoopbackWeb, run_check: Any, code: int) -> None:
    result = run_check([res("t", web.url(f"/redirect/{code}?to=/ok"))]).result("t")
    assert (result["status"], result["redirects"][0]["status"]) == ("ok", code)


@pytest.mark.parametrize(
    ("path", "status", "reason", "http_status"),
    [
        ("/status/404", "broken", "not-found", 404),
        ("/status/410", "broken", "not-found", 410),
        ("/status/400", "broken", "http-error", 400),
        ("/status/401", "blocked", "forbidden", 401),
        ("/status/403", "blocked", "forbidden", 403),
        ("/status/429", "blocked", "rate-limited", 429),
        ("/status/500", "down", "server-error", 500),
        ("/status/503", "down", "server-error", 503),
        ("/loop/a", "broken", "redirect-loop", None),
        ("/chain/11", "broken", "too-many-redirects", None),
    ],
)
def test_http_outcomes(web: LoopbackWeb, run_check: Any, path: str, status: str, reason: str,
                       http_status: int | None) -> None:
    result = run_check([res("x", web.url(path))]).result("x")
    assert (result["status"], result["reason"], result["http_status"]) == (
        status, reason, http_status)


def test_ten_hops_are_allowed_eleven_are_not(web: LoopbackWeb, run_check: Any) -> None:
    run = run_check([res("ten", web.url("/chain/10")), res("eleven", web.url("/chain/11"))])
    assert run.result("ten")["status"] == "ok"
    assert len(run.result("ten")["redirects"]) == 10
    assert run.result("eleven")["reason"] == "too-many-redirects"


def test_exit_code_follows_fail_on(web: LoopbackWeb, run_check: Any) -> None:
    resources = [res("ok", web.url("/ok")), res("gone", web.url("/status/404"))]
    assert run_check(resources).code == 1
    assert run_check(resources, "--fail-on", "down").code == 0
    assert run_check([res("blocked", web.url("/status/403"))], "--fail-on", "blocked").code == 1


def test_dns_failure_is_broken(web: LoopbackWeb, run_check: Any) -> None:
    run = run_check([res("ok", web.url("/ok")), res("nx", "http://no-such-host.invalid/page")])
    assert (run.result("nx")["status"], run.result("nx")["reason"]) == ("broken", "dns")
    assert run.doc["offline"] is False


def test_closed_port_is_down_connect(web: LoopbackWeb, run_check: Any) -> None:
    result = run_check([res("c", web.raw_url("closed"))]).result("c")
    assert (result["status"], result["reason"]) == ("down", "connect")


def test_slow_response_times_out_at_the_deadline(web: LoopbackWeb, run_check: Any) -> None:
    result = run_check([res("s", web.url("/slow?delay=10"))], timeout=1).result("s")
    assert (result["status"], result["reason"]) == ("down", "timeout")
    assert result["elapsed_ms"] < 5000


@pytest.mark.parametrize("kind", ["expired", "selfsigned"])
def test_bad_certificates_are_down_tls(web: LoopbackWeb, run_check: Any, kind: str) -> None:
    result = run_check([res("t", web.tls_url("/ok", kind))],
                       ca_bundle=str(web.ca_path)).result("t")
    assert (result["status"], result["reason"]) == ("down", "tls")
    assert "certificate" in result["detail"]


def test_valid_tls_records_days_left(web: LoopbackWeb, run_check: Any) -> None:
    result = run_check([res("t", web.tls_url("/ok"))], ca_bundle=str(web.ca_path)).result("t")
    assert result["status"] == "ok" and result["tls_days_left"] > 300
    assert result["warnings"] == []


def test_garbage_instead_of_http_is_down_protocol(web: LoopbackWeb, run_check: Any) -> None:
    result = run_check([res("g", web.raw_url("garbage"))]).result("g")
    assert (result["status"], result["reason"]) == ("down", "protocol")


@pytest.mark.parametrize(
    ("body", "content_type", "title"),
    [
        ("<title>Übungen für Spinalkanalstenose</title>".encode("iso-8859-1"),
         "text/html; charset=ISO-8859-1", "Übungen für Spinalkanalstenose"),
        (b'<meta charset="windows-1252"><title>Caf\xe9 \x93stenosis\x94</title>',
         "text/html", "Café “stenosis”"),
        (b"<title>\n  Spinal  Stenosis &amp; Exercise &#8211; Guide\n</title>", "text/html",
         "Spinal Stenosis & Exercise – Guide"),
    ],
)
def test_titles_with_charsets_entities_and_newlines(
    web: LoopbackWeb, run_check: Any, body: bytes, content_type: str, title: str
) -> None:
    url = web.set_page("/charset", body, content_type=content_type)
    assert run_check([res("c", url)]).result("c")["title"] == title


def test_identical_urls_are_fetched_once(web: LoopbackWeb, run_check: Any) -> None:
    url = web.set_page("/shared", article("Shared Stenosis Page"))
    run = run_check([res("a", url), res("b", url, keywords=["stenosis"])])
    assert [r["status"] for r in run.doc["results"]] == ["ok", "ok"]
    assert web.hits["/shared"] == 1


def test_user_agent_is_honest_and_configurable(web: LoopbackWeb, run_check: Any) -> None:
    run_check([res("a", web.url("/ok"))], user_agent="test-monitor/1 (+https://example.org)")
    agents = {headers.get("User-Agent") for method, path, headers in web.seen if path == "/ok"}
    assert agents == {"test-monitor/1 (+https://example.org)"}


def test_transient_failures_are_retried(web: LoopbackWeb, run_check: Any) -> None:
    web.flaky_failures["/flaky"] = 1
    result = run_check([res("f", web.url("/flaky"))], retries=2).result("f")
    assert result["status"] == "ok" and web.hits["/flaky"] == 2


def test_not_found_is_not_retried(web: LoopbackWeb, run_check: Any) -> None:
    run_check([res("n", web.url("/status/404"))], retries=3)
    assert web.hits["/status/404"] == 1


def test_history_accumulates_and_streaks_count(web: LoopbackWeb, run_check: Any) -> None:
    resources = [res("ok", web.url("/ok"))]
    run_check(resources, confirm_runs=2)
    second = run_check(resources, confirm_runs=2)
    result = second.result("ok")
    assert (result["streak"], result["confirmed"], result["previous_status"]) == (2, True, "ok")
    assert second.doc["run_id"] == 2
