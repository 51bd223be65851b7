"""URLs and addresses before the network: IDN hosts, URL limits, and the SSRF guard that keeps
a public page from redirecting the monitor into private addresses."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from monitor import addresses
from monitor.addresses import AddressGuard, ascii_url, is_private_address, url_problem
from monitor.fetch import Fetcher, FetchOptions
from monitor.models import Fetched, FetchError

from loopback import LoopbackWeb


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "0.0.0.0", "::1", "::", "fc00::1", "fd00:ec2::254", "fe80::1",
    "fe80::1%eth0", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::", "64:ff9b::a00:1",
    "100.64.0.1", "224.0.0.1", "fec0::1",
])
def test_private_loopback_link_local_and_wrapped_addresses_are_private(address: str) -> None:
    assert is_private_address(address)


@pytest.mark.parametrize("address", [
    "93.184.216.34", "8.8.8.8", "172.32.0.1", "172.15.255.255", "192.169.0.1", "11.0.0.1",
    "169.255.0.1", "2606:4700::1111", "::ffff:8.8.8.8", "2002:808:808::",
])
def test_public_addresses_next_to_private_ranges_are_public(address: str) -> None:
    assert not is_private_address(address)


@pytest.mark.parametrize(("url", "expected"), [
    ("http://bücher.de/a?q=ü", "http://xn--bcher-kva.de/a?q=ü"),
    ("https://user:pw@BÜCHER.de:8443/", "https://user:pw@xn--bcher-kva.de:8443/"),
    ("http://example.com/ü", "http://example.com/ü"),
    ("http://example.com/", "http://example.com/"),
])
def test_idn_hosts_become_punycode_and_nothing_else_changes(url: str, expected: str) -> None:
    assert ascii_url(url) == expected


@pytest.mark.parametrize(("url", "problem"), [
    ("http://[::1/", "not a valid URL"),
    ("http://example.com/" + "a" * 9000, "at most 8,192"),
    ("http://☃.net/", "not a valid internationalised domain name"),
    ("http://exa\x07mple.com/", "control characters"),
    ("ftp://example.com/", "http:// or https://"),
    ("http://example.com:99999/", "invalid port"),
    ("http:///path", "no host name"),
])
def test_unfetchable_urls_are_named(url: str, problem: str) -> None:
    found = url_problem(url)
    assert found is not None and problem in found


@pytest.mark.parametrize("url", [
    "http://[::1]:8080/", "https://bücher.de/", "http://example.com/" + "a" * 8000,
    "http://127.0.0.1:1/",
])
def test_fetchable_urls_pass(url: str) -> None:
    assert url_problem(url) is None


REAL_RESOLVE = addresses.resolve


def fake_resolver(public: dict[str, str]) -> addresses.Resolver:
    """Names in `public` resolve to the given address; everything else as usual."""
    async def resolve(host: str, port: int) -> Sequence[str]:
        if host in public:
            return [public[host]]
        return await REAL_RESOLVE(host, port)
    return resolve


PUBLIC = {"127.0.0.1": "93.184.216.34", "internal.example": "10.0.0.7"}


def fetch(url: str, resolver: addresses.Resolver | None = None, **kwargs: Any) -> Fetched:
    async def go() -> Fetched:
        async with Fetcher(FetchOptions(timeout=5, retries=0), resolver=resolver) as fetcher:
            return await fetcher.fetch(url, **kwargs)
    return asyncio.run(go())


@pytest.mark.parametrize("target", [
    "http://internal.example/admin", "http://169.254.169.254/latest/meta-data/",
    "http://localhost:{port}/ok", "http://[::1]:{port}/ok", "http://0.0.0.0:{port}/ok",
])
def test_a_public_page_redirecting_into_a_private_network_is_not_followed(
    web: LoopbackWeb, target: str
) -> None:
    target = target.format(port=web.ports["http"])
    fetched = fetch(web.url(f"/redirect/302?to={target}"), fake_resolver(PUBLIC))
    assert fetched.error is FetchError.PRIVATE_ADDRESS
    assert "private address" in fetched.error_detail
    assert fetched.page.title is None and web.hits["/ok"] == 0


def test_a_public_page_redirecting_to_a_public_page_is_followed(web: LoopbackWeb) -> None:
    fetched = fetch(web.url(f"/redirect/302?to={web.url('/ok')}"), fake_resolver(PUBLIC))
    assert fetched.error is None and fetched.http_status == 200


def test_allow_private_follows_such_redirects(web: LoopbackWeb) -> None:
    target = f"http://localhost:{web.ports['http']}/ok"
    fetched = fetch(web.url(f"/redirect/302?to={target}"), fake_resolver(PUBLIC),
                    allow_private=True)
    assert fetched.error is None and fetched.http_status == 200


def test_a_private_resource_keeps_its_private_redirects(web: LoopbackWeb) -> None:
    target = f"http://localhost:{web.ports['http']}/ok"
    fetched = fetch(web.url(f"/redirect/302?to={target}"))
    assert fetched.error is None and fetched.http_status == 200


def test_lookups_are_shared_per_host_and_port() -> None:
    calls: list[tuple[str, int]] = []

    async def resolver(host: str, port: int) -> Sequence[str]:
        calls.append((host, port))
        return ["10.0.0.1"]

    async def go() -> list[str | None]:
        guard = AddressGuard(resolver)
        return [await guard.private_address("a.example", 80) for _ in range(3)]

    assert asyncio.run(go()) == ["10.0.0.1"] * 3 and calls == [("a.example", 80)]


def test_private_redirects_are_blocked_end_to_end_unless_allowed(
    web: LoopbackWeb, run_check: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(addresses, "resolve", fake_resolver(PUBLIC))
    target = f"http://localhost:{web.ports['http']}/ok"
    url = web.url(f"/redirect/302?to={target}")
    run = run_check([{"id": "guarded", "url": url},
                     {"id": "trusted", "url": url + "&x=1", "allow_private": True}])
    guarded = run.result("guarded")
    assert (guarded["status"], guarded["reason"]) == ("blocked", "private-address")
    assert guarded["title"] is None
    assert run.result("trusted")["status"] == "ok"
    assert web.hits["/ok"] == 1
