"""The aiohttp-backed transport keeps what the httpx client used to do for us."""

from __future__ import annotations

from typing import Any

from loopback import LoopbackWeb, article


def test_a_cookie_set_on_a_redirect_is_sent_to_its_target(
    web: LoopbackWeb, run_check: Any
) -> None:
    web.set_page("/cookie/set", status=302,
                 headers={"Set-Cookie": "gate=open; Path=/", "Location": "/cookie/check"})
    web.set_page("/cookie/check", article("Behind the Gate"))
    result = run_check([{"id": "c", "name": "c", "url": web.url("/cookie/set")}]).result("c")
    assert result["status"] == "moved" or result["title"] == "Behind the Gate"
    sent = [headers for method, path, headers in web.seen if path == "/cookie/check"]
    assert sent and sent[0].get("Cookie") == "gate=open"


def test_a_cookie_of_one_host_is_not_sent_to_another(
    web: LoopbackWeb, run_check: Any
) -> None:
    web.set_page("/cookie/set", status=302,
                 headers={"Set-Cookie": "gate=open; Path=/",
                          "Location": web.url("/cookie/check").replace("127.0.0.1",
                                                                       "localhost")})
    web.set_page("/cookie/check", article("Elsewhere"))
    run_check([{"id": "c", "name": "c", "url": web.url("/cookie/set")}])
    sent = [headers for method, path, headers in web.seen if path == "/cookie/check"]
    assert sent and "Cookie" not in sent[0]
