"""The URL a request goes to, as httpx would normalise it, without parsing it with httpx.

`httpx.URL(text)` costs ~8 µs (more inside a busy run): a tenth of what our fetch path adds
to aiohttp's own cost per URL. Nearly every URL of a list is already in the form httpx gives
back (lower-case scheme and host, no default port, no dot segments, nothing to quote), so
`Target.of` checks that with one regular expression and takes the URL as it is; anything
else (IPv6 literals, user info, fragments, characters httpx would quote, dot segments,
default ports) is parsed by httpx as before. Either way `text` is `str(httpx.URL(text))`,
and `host`/`port` are what `URL.raw_host`/`URL.port` say (the port filled in from the
scheme), so what goes on the wire is unchanged. Redirects are resolved with httpx (`url`).
"""

from __future__ import annotations

import ipaddress
import re

import httpx

# The characters httpx leaves alone in a path (unreserved, PATH_SAFE, "%") and in a query
# (QUERY_SAFE: the same plus "?", "`", "{", "}"): printable ASCII but space, '"', "#", "<",
# ">" (and, in a path, "?", "`", "{", "}").
_PATH = r"[!$-;=@-_a-z|~]"
_QUERY = r"[!$-;=?-~]"
_AUTHORITY = re.compile(r"(https?)://([a-z0-9][a-z0-9.-]*)(?::([1-9][0-9]{0,4}))?")
_REST = re.compile(rf"(?:/{_PATH}*)?(?:\?{_QUERY}*)?")
_IPV4_STYLE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")  # httpx validates these
_MAX_LENGTH = 65536  # httpx refuses longer URLs
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: scheme://authority -> (scheme, host, port, netloc) when httpx leaves it as it is, else None
_authorities: dict[str, tuple[str, str, int, str] | None] = {}


def _authority(start: str) -> tuple[str, str, int, str] | None:
    if start in _authorities:
        return _authorities[start]
    match = _AUTHORITY.fullmatch(start)
    known = None
    if match is not None:
        scheme, host, port = match.groups()
        number = int(port) if port else _DEFAULT_PORTS[scheme]
        if (number != _DEFAULT_PORTS[scheme] or not port) and number < 65536 and (
                not _IPV4_STYLE.fullmatch(host) or _ipv4(host)):
            known = (scheme, host, number, f"{host}:{port}" if port else host)
    if len(start) <= 300:  # (a host name has at most 253 characters)
        if len(_authorities) > 4096:
            _authorities.clear()
        _authorities[start] = known
    return known


def _ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


class Target:
    """`text` (normalised), `scheme`, `host` (ASCII, IPv6 without brackets), `port` (the
    scheme's default filled in) and `netloc` (httpx's: host and explicit port)."""

    __slots__ = ("_url", "host", "netloc", "port", "scheme", "text")

    def __init__(self, text: str, scheme: str, host: str, port: int, netloc: str,
                 url: httpx.URL | None = None) -> None:
        self.text = text
        self.scheme = scheme
        self.host = host
        self.port = port
        self.netloc = netloc
        self._url = url

    @classmethod
    def of(cls, text: str) -> Target:
        """The target of an absolute URL; raises httpx.InvalidURL as httpx.URL would."""
        # "scheme://authority" ends at the first "/" after "//" (or with the URL).
        slash = text.find("/", 8) if text.startswith("https://") else text.find("/", 7)
        if slash < 0:
            slash = len(text)
        known = _authority(text[:slash]) if len(text) <= _MAX_LENGTH else None
        if known is not None and _REST.fullmatch(text, slash) is not None:
            query = text.find("?", slash)
            if text.find("/.", slash, len(text) if query < 0 else query) < 0:
                scheme, host, port, netloc = known
                return cls(text, scheme, host, port, netloc)
        return cls.of_url(httpx.URL(text))

    @classmethod
    def of_url(cls, url: httpx.URL) -> Target:
        scheme = url.scheme
        return cls(str(url), scheme, url.raw_host.decode("ascii"),
                   url.port or (443 if scheme == "https" else 80),
                   url.netloc.decode("ascii"), url)

    @property
    def url(self) -> httpx.URL:
        """The httpx URL (parsed on first use: redirects resolve their Location with it)."""
        if self._url is None:
            self._url = httpx.URL(self.text)
        return self._url

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.netloc}"

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Target({self.text!r})"


def resolve_location(current: httpx.URL, location: str) -> httpx.URL | None:
    """An http(s) URL for a Location header value, relative ones resolved; None if unusable."""
    try:
        target = current.join(location.strip())
        if target.scheme not in ("http", "https") or not target.host:
            return None
        if target.port is not None and not 0 < target.port < 65536:
            return None
        return target.copy_with(fragment=None)
    except (httpx.InvalidURL, ValueError):  # .host decodes IDNA and may raise too
        return None


def next_location(location: str | None, current: Target) -> tuple[Target | None, str | None]:
    """A redirect's target, or (None, the offending value) for a malformed or non-http
    Location, so the redirect is reported as a bad redirect with it; (None, None) without
    a Location (or a blank one)."""
    if location is None:
        return None, None
    target = resolve_location(current.url, location)
    if target is None:
        return None, location[:300]
    return (Target.of_url(target), None) if location.strip() else (None, None)
