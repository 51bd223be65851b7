"""Watched source articles (`[[source]]`): fetch each one and list its outbound links.

Each article is fetched through the Fetcher like any resource (politeness, byte cap, retries);
its links are extracted by `links.py`. Comparing them with history is `linkdiff.py`'s job and
recording them the store's. A source that cannot be read is data in its report, never an
exception that ends the run.
"""

from __future__ import annotations

import asyncio

from .config import Config
from .fetch import Fetcher, FetchOptions
from .models import Fetched, FetchError, Link, Source, SourceReport, Status

_DOWN_ERRORS = frozenset({FetchError.TIMEOUT, FetchError.CONNECT, FetchError.TLS,
                          FetchError.PROTOCOL})


def fetch_status(fetched: Fetched) -> tuple[Status, str]:
    """Could the article be read? ok, or down (maybe transient), blocked, broken."""
    if fetched.error is not None:
        status = Status.DOWN if fetched.error in _DOWN_ERRORS else Status.BROKEN
        return status, fetched.error_detail or fetched.error.value
    code = fetched.http_status or 0
    if code in (401, 403, 429):
        return Status.BLOCKED, f"HTTP {code}: the site refused us"
    if code >= 500:
        return Status.DOWN, f"HTTP {code}"
    if code >= 400:
        return Status.BROKEN, f"HTTP {code}"
    return Status.OK, ""


def read_report(source: Source, fetched: Fetched) -> SourceReport:
    """A source's report from its fetch: status, and the links found (pure)."""
    from .links import LinkError, source_links

    status, detail = fetch_status(fetched)
    base = SourceReport(id=source.id, name=source.name, url=source.url, status=status,
                        detail=detail, http_status=fetched.http_status)
    if status is not Status.OK:
        return base
    try:
        found = source_links(fetched.body, fetched.final_url, fetched.content_type,
                             source.selector)
    except LinkError as exc:
        return SourceReport(id=source.id, name=source.name, url=source.url,
                            status=Status.BROKEN, detail=str(exc),
                            http_status=fetched.http_status)
    links = tuple(Link(url, text) for url, text in found)
    return SourceReport(id=source.id, name=source.name, url=source.url, status=Status.OK,
                        http_status=fetched.http_status, links=len(links), found=links)


async def read_sources(config: Config, options: FetchOptions) -> tuple[SourceReport, ...]:
    """Fetch every source once, concurrently; reports in config order."""
    if not config.sources:
        return ()
    async with Fetcher(options, keep_body=True) as fetcher:

        async def one(source: Source) -> SourceReport:
            fetched = await fetcher.fetch(source.url)
            return read_report(source, fetched)

        return tuple(await asyncio.gather(*(one(s) for s in config.sources)))
