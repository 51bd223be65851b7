"""The loopback web itself behaves as the scenarios promise (plain httpx, no monitor code)."""

from __future__ import annotations

import ssl

import httpx
import pytest

from loopback import LoopbackWeb


def test_routes_answer_as_documented(web: LoopbackWeb) -> None:
    with httpx.Client() as client:
        assert client.get(web.url("/ok")).status_code == 200
        assert client.get(web.url("/status/410")).status_code == 410
        hop = client.get(web.url("/redirect/308?to=/ok"))
        assert (hop.status_code, hop.headers["location"]) == (308, "/ok")
        assert client.get(web.url("/chain/3"), follow_redirects=True).status_code == 200
        with pytest.raises(httpx.TooManyRedirects):
            client.get(web.url("/loop/a"), follow_redirects=True)
    assert web.hits["/ok"] == 2


def test_tls_servers_use_the_test_ca(web: LoopbackWeb) -> None:
    context = ssl.create_default_context(cafile=str(web.ca_path))
    with httpx.Client(verify=context) as client:
        assert client.get(web.tls_url("/ok")).status_code == 200
        with pytest.raises(httpx.ConnectError, match="expired"):
            client.get(web.tls_url("/ok", "expired"))
        with pytest.raises(httpx.ConnectError, match="certificate verify failed"):
            client.get(web.tls_url("/ok", "selfsigned"))


def test_never_answering_server_times_out(web: LoopbackWeb) -> None:
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(web.raw_url("silent"), timeout=0.5)
