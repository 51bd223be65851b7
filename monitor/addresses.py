"""URLs and addresses before they reach the network: pure checks plus one DNS lookup helper.

* `url_problem` is the one definition of a URL we can fetch, shared by the config reader (so
  `validate` rejects what `check` would choke on) and by nothing else that could disagree.
* `ascii_url` turns an internationalised host name into its punycode form (IDNA 2008 with
  UTS 46 mapping, as browsers do) so the HTTP client only ever sees ASCII hosts.
* `is_private_address` and `AddressGuard` keep a public page from redirecting the monitor into
  the machine's own network (SSRF): loopback, private, link-local, unique-local, unspecified
  and cloud-metadata addresses, also when wrapped in IPv6.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlsplit, urlunsplit

import idna

MAX_URL_LENGTH = 8192  # what common servers and proxies accept in a request line
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def ascii_host(host: str) -> str:
    """The ASCII (punycode) form of a host name; ValueError when it is not a valid IDN."""
    if host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise ValueError(f"host {host!r} is not a valid internationalised domain name "
                         f"({exc})") from None


def ascii_url(url: str) -> str:
    """`url` with its host in ASCII; unchanged when it already is (the common case)."""
    if url.isascii():
        return url
    parts = urlsplit(url)
    host = parts.hostname
    if not host or host.isascii():
        return url
    userinfo, _, _ = parts.netloc.rpartition("@")
    port = parts.port
    netloc = (f"{userinfo}@" if "@" in parts.netloc else "") + ascii_host(host) + (
        f":{port}" if port is not None else "")
    return urlunsplit(parts._replace(netloc=netloc))


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # exactly Unicode's category Cc
_SPACE = re.compile(r"\s")  # what str.isspace() calls white space


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


def url_problem(value: str) -> str | None:
    """Why `value` is not an http(s) URL we can fetch, or None when it is one."""
    if len(value) > MAX_URL_LENGTH:
        return f"is {len(value):,} characters long; at most {MAX_URL_LENGTH:,} are allowed"
    shown = value if len(value) <= 200 else value[:200] + "…"
    if _SPACE.search(value):
        return f"must not contain spaces: {shown!r}"
    if has_control_characters(value):
        return f"must not contain control characters: {shown!r}"
    try:
        parts = urlsplit(value)
    except ValueError as exc:  # e.g. "Invalid IPv6 URL" for http://[::1/
        return f"is not a valid URL ({exc}): {shown!r}"
    if parts.scheme not in ("http", "https"):
        return f"must be an http:// or https:// URL, got {shown!r}"
    if not parts.hostname:
        return f"has no host name: {shown!r}"
    try:
        _ = parts.port
    except ValueError:
        return f"has an invalid port: {shown!r}"
    try:
        ascii_url(value)
    except ValueError as exc:
        return f"has an unusable host name: {exc}"
    return None


def is_private_address(address: str) -> bool:
    """True for addresses a public web page has no business sending us to."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None)
        if embedded is not None:  # an IPv4 address in IPv6 clothing: judge the IPv4 one
            return is_private_address(str(embedded))
        if ip.is_site_local:
            return True
    return (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local
            or ip.is_unspecified or ip.is_reserved or ip.is_multicast)


async def resolve(host: str, port: int) -> list[str]:
    """Addresses `host` resolves to, through the event loop's getaddrinfo."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class AddressGuard:
    """Decides, per redirect hop, whether a public resource is being sent somewhere private.

    Lookups are cached per (host, port) for the run and shared between concurrent fetches.
    The check runs just before each hop's request; the client resolves the name again when it
    connects, so a DNS answer that changes within that moment (rebinding) is not caught.
    """

    def __init__(self, resolver: Resolver | None = None) -> None:
        self._resolver = resolver or resolve
        self._lookups: dict[tuple[str, int], asyncio.Task[str | None]] = {}

    async def private_address(self, host: str, port: int) -> str | None:
        """The first private address `host` resolves to, or None (also when it does not
        resolve: the request itself will then fail and say why)."""
        key = (host.lower(), port)
        task = self._lookups.get(key)
        if task is None:
            task = self._lookups[key] = asyncio.ensure_future(self._lookup(host, port))
        return await asyncio.shield(task)

    async def _lookup(self, host: str, port: int) -> str | None:
        try:
            addresses = await self._resolver(host, port)
        except (OSError, UnicodeError, ValueError):
            return None
        return next((a for a in addresses if is_private_address(a)), None)

    async def blocked_hop(self, first: tuple[str, int], hop: tuple[str, int]) -> str | None:
        """The private address of redirect target `hop`, when the resource's own host `first`
        is public; None when the hop may be followed. A private resource (a test server, an
        intranet page the curator chose) keeps all its redirects."""
        if await self.private_address(*first) is not None:
            return None
        return await self.private_address(*hop)

    def close(self) -> None:
        for task in self._lookups.values():
            task.cancel()
        self._lookups.clear()
