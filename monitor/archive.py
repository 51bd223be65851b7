"""Archived copies of broken links, from the Internet Archive's availability API.

`GET {archive_endpoint}?url=URL` answers with the newest snapshot, e.g.
`{"archived_snapshots": {"closest": {"available": true, "url": "http://web.archive.org/web/
20240302101500/https://example.org/page", "timestamp": "20240302101500", "status": "200"}}}`.

One short, unretried request per broken URL and day (answers are cached in the history by the
caller), all at once through the Fetcher; a failed lookup is logged and forgotten.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from .config import Config
from .fetch import Fetcher, FetchOptions
from .models import Snapshot

log = logging.getLogger(__name__)
MAX_ANSWER_BYTES = 64 * 1024  # the answer is a few hundred bytes of JSON
# All lookups of a run share a budget of this many lookup timeouts, however many links broke:
# a list that rots all at once (or a slow archive) costs a run seconds, not minutes; links
# not looked up yet are asked about on later runs (answers are cached per day).
BUDGET_TIMEOUTS = 3


def lookup_url(endpoint: str, url: str) -> str:
    """The availability-API request for `url` (the endpoint may carry its own query)."""
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode({"url": url})


def parse_availability(body: bytes) -> Snapshot | None:
    """The newest usable snapshot in an availability-API answer; None when there is none.

    Raises ValueError when the answer is not the API's JSON at all."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("archived_snapshots"), dict):
        raise ValueError("no 'archived_snapshots' in the answer")
    closest = data["archived_snapshots"].get("closest")
    if not isinstance(closest, dict) or closest.get("available") is False:
        return None
    url, stamp = closest.get("url"), closest.get("timestamp")
    if not isinstance(url, str) or not isinstance(stamp, str):
        return None
    if urlsplit(url).scheme not in ("http", "https") or str(closest.get("status", "200"))[:1] \
            not in ("2", "3"):
        return None  # a capture of an error page is no copy of the page
    try:
        taken = datetime.strptime(stamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return Snapshot(url=url, taken_at=taken)


def archive_options(config: Config, base: FetchOptions) -> FetchOptions:
    """Short and unretried: a lookup must never slow a run by more than one timeout."""
    return replace(base, timeout=config.settings.archive_timeout, retries=0,
                   max_bytes=MAX_ANSWER_BYTES, max_redirects=3, per_host=4)


async def find_snapshots(
    config: Config, base: FetchOptions, urls: Iterable[str], *, budget: float | None = None,
) -> dict[str, Snapshot | None]:
    """Look each URL up once, concurrently; answers (snapshot or none) by URL. URLs whose
    lookup failed, or was still waiting when the `budget` (default: BUDGET_TIMEOUTS lookup
    timeouts) ran out, are missing from the answer (and logged): the next run asks again."""
    wanted = sorted(set(urls))
    if not wanted:
        return {}
    if budget is None:
        budget = BUDGET_TIMEOUTS * config.settings.archive_timeout
    endpoint = config.settings.archive_endpoint
    found: dict[str, Snapshot | None] = {}
    failed: list[str] = []
    async with Fetcher(archive_options(config, base), keep_body=True) as fetcher:

        async def one(url: str) -> None:
            fetched = await fetcher.fetch(lookup_url(endpoint, url))
            if fetched.error is not None or fetched.http_status != 200:
                failed.append(f"{url}: {fetched.error_detail or f'HTTP {fetched.http_status}'}")
                return
            try:
                found[url] = parse_availability(fetched.body)
            except ValueError as exc:
                failed.append(f"{url}: {exc}")

        tasks = [asyncio.ensure_future(one(url)) for url in wanted]
        _, pending = await asyncio.wait(tasks, timeout=budget)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    if pending:
        log.info("archive lookups out of time: %d of %d link(s) left for a later run",
                 len(pending), len(wanted))
    if failed:
        # Info, not a warning: cron mails stderr, and a slow archive is not the curator's news.
        log.info("archive lookup failed for %d link(s), e.g. %s", len(failed), failed[0])
    return found
