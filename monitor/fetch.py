"""The only module that speaks HTTP: URL -> Fetched facts.

Requests sent by one `AiohttpTransport` per run (transport.py), URLs as `Target`s; a
global and a per-host limit; redirects followed by hand so the chain is recorded and loops are
caught; bodies streamed and decompressed here under a byte cap, so endless bodies and gzip
bombs cost at most `max_bytes`; a hard deadline per attempt covering connect, redirects and the
body read (`asyncio.timeout`). Failures of the outside world come back as data
(`Fetched.error`), never as exceptions.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import httpx
from protego import Protego

from . import addresses
from .decoding import ACCEPT_ENCODING, CappedDecoder, DecodeError
from .extract import extract
from .models import Content, Fetched, FetchError, Hop, Page
from .netfaults import classify_error, describe, retry_after_seconds
from .target import Target, next_location
from .target import resolve_location as resolve_location  # re-exported: its old home
from .transport import AiohttpTransport, Reply, tls_expiry

log = logging.getLogger(__name__)

#: (url, 2xx body, content type, truncated, page) -> what to remember of the body
ContentHook = Callable[[str, bytes, "str | None", bool, Page], "Content | None"]
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
KEPT_HEADERS = frozenset({
    "content-type", "content-length", "location", "retry-after", "server", "cf-ray",
    "cf-mitigated", "x-robots-tag", "last-modified", "etag",
})


@dataclass(frozen=True, slots=True)
class FetchOptions:
    timeout: float = 15.0
    concurrency: int = 32
    per_host: int = 2
    retries: int = 2
    user_agent: str = "curated-link-monitor"
    max_bytes: int = 1024 * 1024
    max_redirects: int = 10
    host_delay: float = 0.0
    retry_after_max: float = 30.0
    backoff: float = 0.5
    ca_bundle: str | None = None
    allow_private: bool = False  # follow redirects from public hosts into private addresses


@dataclass(slots=True)
class _Trail:
    """One attempt's progress: hops so far and network time spent against the budget."""

    budget: float
    spent: float = 0.0
    hops: list[Hop] = field(default_factory=list)


# Files whose body we never need: HEAD first (cheap for both sides), GET if HEAD is refused.
_BINARY_SUFFIXES = (".pdf", ".zip", ".gz", ".mp4", ".mp3", ".mov", ".avi", ".webm", ".png",
                    ".jpg", ".jpeg", ".gif", ".webp", ".doc", ".docx", ".ppt", ".pptx",
                    ".xls", ".xlsx", ".epub", ".dmg", ".exe", ".iso")


def _head_first(url: str) -> bool:
    # The path is the end of what precedes "?" and "#": a URL whose start does not end
    # with a suffix (nearly every one) needs no urlsplit.
    start = url.partition("#")[0].partition("?")[0]
    return start.lower().endswith(_BINARY_SUFFIXES) and \
        urlsplit(url).path.lower().endswith(_BINARY_SUFFIXES)


class _Failed(Exception):
    """Internal: a failure that is a verdict-worthy fact (redirect problems)."""

    def __init__(self, kind: FetchError, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


class Fetcher:
    """Fetches URLs politely. Create one per run with `async with Fetcher(options) as f:`."""

    def __init__(
        self,
        options: FetchOptions,
        *,
        full_text: Callable[[str], bool] | None = None,
        content: ContentHook | None = None,
        keep_body: bool = False,
        clock: Callable[[], float] = time.monotonic,
        resolver: addresses.Resolver | None = None,
    ) -> None:
        self.options = options
        self._guard = addresses.AddressGuard(resolver)
        self._clock = clock
        self._global = asyncio.Semaphore(options.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._last_start: dict[str, float] = {}
        self._host_waiters: dict[str, int] = {}
        self._robots: dict[str, asyncio.Future[Protego | None]] = {}
        ssl_context = ssl.create_default_context(cafile=options.ca_bundle)
        # Requests go straight to the transport: httpx's client layers (auth, redirects,
        # cookies, hooks) cost ~0.2 ms a request and we do redirects ourselves; the
        # transport keeps cookies for the run.
        # Sent as httpx sent them (lower-case names), built once per run.
        headers = httpx.Headers({
            "User-Agent": options.user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            "Accept-Encoding": ACCEPT_ENCODING,
        }).multi_items()
        self._transport = AiohttpTransport(concurrency=options.concurrency,
                                           per_host=options.per_host, ssl_context=ssl_context,
                                           headers=headers)
        self._full_text = full_text or (lambda url: True)
        self._content = content
        self._keep_body = keep_body  # for callers that parse bodies (sources, archive)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._guard.close()
        await self._transport.aclose()

    async def _send(self, method: str, url: Target) -> Reply:
        """One request, no redirect followed; the body is left to stream."""
        return await self._transport.send(method, url)

    async def _take_host(self, host: str) -> asyncio.Semaphore:
        """Per-host concurrency plus a minimum gap between request starts to one host; the
        caller hands the slot back with `_give_host` (plain calls: no context manager
        object per request)."""
        semaphore = self._hosts.get(host)
        if semaphore is None:
            semaphore = self._hosts[host] = asyncio.Semaphore(self.options.per_host)
        self._host_waiters[host] = self._host_waiters.get(host, 0) + 1
        try:
            await semaphore.acquire()
        except BaseException:
            self._left_host(host)
            raise
        delay = self.options.host_delay
        if delay > 0:
            last = self._last_start.get(host)
            now = self._clock()
            if last is not None and now - last < delay:
                self._last_start[host] = last + delay
                try:
                    await asyncio.sleep(last + delay - now)
                except BaseException:
                    self._give_host(host, semaphore)
                    raise
            else:
                self._last_start[host] = now
        return semaphore

    def _give_host(self, host: str, semaphore: asyncio.Semaphore) -> None:
        semaphore.release()
        self._left_host(host)

    def _left_host(self, host: str) -> None:
        self._host_waiters[host] -= 1
        if self._host_waiters[host] == 0 and self.options.host_delay <= 0:
            # Nobody else wants this host now: forget its state so memory stays flat.
            del self._host_waiters[host]
            self._hosts.pop(host, None)

    async def fetch(
        self, url: str, *, respect_robots: bool = False, allow_private: bool | None = None,
    ) -> Fetched:
        """Fetch with retries for transient failures; never raises: nothing about one URL
        may end a run, so even our own unexpected errors become that URL's `protocol` fact."""
        allow = self.options.allow_private if allow_private is None else allow_private
        try:
            target = addresses.ascii_url(url)
            result = await self._fetch(target, respect_robots, allow)
        except Exception as exc:
            log.warning("unexpected error while fetching %s: %s", url, describe(exc))
            return Fetched(url=url, final_url=url, error=FetchError.PROTOCOL,
                           error_detail=f"unexpected error while fetching: {describe(exc)}")
        return result if target == url else replace(result, url=url)

    async def _fetch(self, url: str, respect_robots: bool, allow_private: bool) -> Fetched:
        options = self.options
        if respect_robots and not await self._robots_allow(url):
            return Fetched(url=url, final_url=url, error=FetchError.ROBOTS,
                           error_detail="robots.txt disallows this URL for our user agent")
        attempt = 0
        spent = 0.0
        while True:
            attempt += 1
            head = _head_first(url)
            result = await self._attempt(url, head=head, allow_private=allow_private)
            if head and (result.error is not None or (result.http_status or 0) >= 400):
                # Many servers mishandle HEAD (405, 501, 404, a dropped connection): ask again
                # with GET before believing it.
                spent += result.elapsed_ms
                result = await self._attempt(url, head=False, allow_private=allow_private)
            spent += result.elapsed_ms
            transient = result.error in (FetchError.TIMEOUT, FetchError.CONNECT) or (
                result.http_status in TRANSIENT_STATUSES or result.http_status == 429
            )
            if not transient or attempt > options.retries:
                break
            wait = options.backoff * (2 ** (attempt - 1)) * (1 + random.random() / 4)
            if result.http_status in (429, 503):
                after = retry_after_seconds(result.header("retry-after"))
                if after is not None:
                    if after > options.retry_after_max:
                        break  # the site asks for more patience than we have: report now
                    wait = max(wait, after)
                elif result.http_status == 429:
                    break  # rate limited without a hint: do not hammer
            await asyncio.sleep(wait)
        if attempt == 1 and spent == result.elapsed_ms:
            return result  # one attempt, as nearly every URL: already what we would build
        return replace(result, attempts=attempt, elapsed_ms=round(spent, 1))

    async def _attempt(self, url: str, *, head: bool = False, allow_private: bool = False
                       ) -> Fetched:
        trail = _Trail(budget=self.options.timeout)
        try:
            return await self._follow(url, trail, head, allow_private)
        except _Failed as failure:
            kind, detail = failure.kind, failure.detail
        except TimeoutError:
            kind = FetchError.TIMEOUT
            detail = f"no complete answer within {self.options.timeout:g} s"
        except (httpx.HTTPError, OSError, ssl.SSLError, zlib.error, ValueError) as exc:
            kind, detail = classify_error(exc)
        except Exception as exc:  # one hostile URL must never end the whole run
            kind = FetchError.PROTOCOL
            detail = f"unexpected error while fetching: {describe(exc)}"
        hops = trail.hops
        return Fetched(
            url=url, final_url=(hops[-1].target or hops[-1].url) if hops else url,
            redirects=tuple(hops), error=kind, error_detail=detail,
            elapsed_ms=round(trail.spent * 1000, 1),
        )

    async def _follow(self, url: str, trail: _Trail, head: bool, allow_private: bool
                      ) -> Fetched:
        """Follow redirects by hand. Only time on the network counts against the deadline;
        waiting for a free slot (politeness) does not."""
        seen = {url}
        current = first = Target.of(url)
        hops = trail.hops
        while True:
            if hops and not allow_private:
                await self._vet_hop(first, current, trail)
            # Slots are taken per hop and released before the next, so a redirect to another
            # host never waits while holding a slot (no cross-host deadlock).
            host = f"{current.host}:{current.port}"
            slot = await self._take_host(host)
            try:
                async with self._global:
                    began = self._clock()
                    try:
                        async with asyncio.timeout(max(trail.budget - trail.spent, 0.001)):
                            response = await self._send("HEAD" if head else "GET", current)
                            try:
                                if response.status_code not in REDIRECT_CODES:
                                    return await self._final(url, response, trail, began)
                                target, bad = next_location(
                                    response.headers.get("location"), current)
                            finally:
                                await response.aclose()
                    finally:
                        trail.spent += self._clock() - began
            finally:
                self._give_host(host, slot)
            hops.append(Hop(current.text, response.status_code, str(target or "")))
            if target is None:
                raise _Failed(FetchError.BAD_REDIRECT,
                              f"{response.status_code} redirect to unusable Location {bad!r}"
                              if bad else f"{response.status_code} redirect without Location")
            if target.text in seen:
                raise _Failed(FetchError.REDIRECT_LOOP, f"redirect loop back to {target}")
            if len(hops) > self.options.max_redirects:
                raise _Failed(FetchError.TOO_MANY_REDIRECTS,
                              f"more than {self.options.max_redirects} redirects")
            seen.add(target.text)
            current = target

    async def _vet_hop(self, first: Target, hop: Target, trail: _Trail) -> None:
        """SSRF guard, after DNS resolution, before a redirect hop's request."""
        began = self._clock()
        try:
            async with asyncio.timeout(max(trail.budget - trail.spent, 0.001)):
                address = await self._guard.blocked_hop((first.host, first.port),
                                                        (hop.host, hop.port))
        finally:
            trail.spent += self._clock() - began
        if address is not None:
            raise _Failed(FetchError.PRIVATE_ADDRESS,
                          f"redirect to {hop.host} ({address}), a private "
                          f"address: not followed (allow_private = true allows it)")

    async def _robots_allow(self, url: str) -> bool:
        """robots.txt, fetched once per origin per run; unreachable or 4xx means allowed."""
        origin = Target.of(url).origin
        task = self._robots.get(origin)
        if task is None:
            task = self._robots[origin] = asyncio.ensure_future(self._load_robots(origin))
        rules = await task
        return rules is None or bool(rules.can_fetch(url, self.options.user_agent))

    async def _load_robots(self, origin: str) -> Protego | None:
        url = Target.of(origin + "/robots.txt")
        host = f"{url.host}:{url.port}"
        try:
            slot = await self._take_host(host)
            try:
                async with self._global, asyncio.timeout(self.options.timeout):
                    response = await self._send("GET", url)
                    try:
                        if response.status_code != 200:
                            return None
                        body, _ = await self._read_capped(response, limit=512 * 1024)
                    finally:
                        await response.aclose()
            finally:
                self._give_host(host, slot)
        except (httpx.HTTPError, OSError, TimeoutError, zlib.error, ValueError):
            return None
        return Protego.parse(body.decode("utf-8", "replace"))

    async def _final(self, url: str, response: Reply, trail: _Trail, began: float
                     ) -> Fetched:
        content_type = response.headers.get("content-type")
        if response.method == "HEAD":
            body, truncated = b"", False
        else:
            try:
                body, truncated = await self._read_capped(response)
            except DecodeError as exc:
                if response.is_success:  # never call a page ok on content we did not read
                    raise _Failed(FetchError.PROTOCOL, f"{exc}: page content not checked"
                                  ) from None
                body, truncated = b"", False  # an error status is judged by its code alone
        # The network time ends here (what is left is ours): counted now, so the result is
        # built once, not copied with it.
        elapsed_ms = round((trail.spent + self._clock() - began) * 1000, 1)
        page = (
            extract(body, content_type, truncated=truncated, full_text=self._full_text(url))
            if body else Page()
        )
        content = None
        if self._content is not None and body and 200 <= response.status_code < 300:
            content = self._content(url, body, content_type, truncated, page)
        headers = tuple(
            (key, value[:500]) for key, value in response.headers.items()
            if key in KEPT_HEADERS
        )
        return Fetched(
            url=url,
            final_url=response.url.text,
            http_status=response.status_code,
            redirects=tuple(trail.hops),
            content_type=content_type,
            headers=headers,
            page=page,
            bytes_read=len(body),
            truncated=truncated,
            elapsed_ms=elapsed_ms,
            tls_expires_at=tls_expiry(response),
            content=content,
            body=body if self._keep_body else b"",
        )

    async def _read_capped(
        self, response: Reply, limit: int | None = None
    ) -> tuple[bytes, bool]:
        """Read and decode at most `max_bytes` of body; stop the transfer there."""
        limit = limit or self.options.max_bytes
        encoding = response.headers.get("content-encoding")
        decoder = CappedDecoder(encoding, limit) if encoding else None
        chunks: list[bytes] = []
        size = 0
        while raw := await response.read_some():
            piece = raw[:limit - size] if decoder is None else decoder.feed(raw, limit - size)
            chunks.append(piece)
            size += len(piece)
            if size >= limit:
                return b"".join(chunks), True
        return b"".join(chunks), False
