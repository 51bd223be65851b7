"""Watched source articles (`[[source]]`): fetch each one and list its outbound links.

Each article is fetched through the Fetcher like any resource (politeness, byte cap, retries);
its links are extracted by `links.py`. Comparing them with history is `linkdiff.py`'s job and
recording them the store's. A source that cannot be read is data in its report, never an
exception that ends the run.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

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


def _text(fetched: Fetched) -> str:
    try:
        return fetched.body.decode(fetched.page.charset or "utf-8", "replace")
    except LookupError:  # an unknown charset name
        return fetched.body.decode("utf-8", "replace")


def read_report(source: Source, fetched: Fetched) -> SourceReport:
    """A source's report from its fetch: status, and the outbound links found (pure)."""
    status, detail = fetch_status(fetched)
    if status is Status.OK:
        from .links import extract_links, sniff_kind  # bs4: only when there is an article

        text = _text(fetched)
        kind = sniff_kind(source.url, fetched.content_type, text)
        found = extract_links(text, kind=kind, base_url=fetched.final_url,
                              selector=source.selector)
        if source.selector and not found.links and not found.skipped:
            status, detail = Status.BROKEN, (
                f"no links inside selector {source.selector!r}: the article's layout changed?")
    report = SourceReport(id=source.id, name=source.name, url=source.url, status=status,
                          detail=detail, http_status=fetched.http_status,
                          selector=source.selector)
    if status is not Status.OK:
        return report
    links = tuple(Link(link.url, link.text) for link in found.links)
    return replace(report, links=len(links), found=links)


async def read_sources(config: Config, options: FetchOptions) -> tuple[SourceReport, ...]:
    """Fetch every source once, concurrently; reports in config order."""
    if not config.sources:
        return ()
    async with Fetcher(options, keep_body=True) as fetcher:

        async def one(source: Source) -> SourceReport:
            fetched = await fetcher.fetch(source.url)
            return read_report(source, fetched)

        return tuple(await asyncio.gather(*(one(s) for s in config.sources)))
