"""One resource's verdict in a run: the baseline it is compared with, the site's answer for a
nonexistent URL (asked once per host), and the fetcher's hook that reads a 2xx body's main
text and fingerprint. The runner calls these for every resource; judging itself is the pure
`judge.judge`."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urlsplit

from .config import Config
from .content import complete as complete_snapshot
from .content import read as read_content
from .fetch import Fetcher
from .judge import Context, judge
from .models import Content, Fetched, Page, Reason, Resource, Result, Status
from .netfaults import describe
from .store import Baseline
from .store_content import ContentMemory, MarkupReader

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Probes:
    """Once-per-host-per-run catch-all probes: the page a nonexistent path gets, when the
    site answers it with 200 instead of a 404."""

    fetcher: Fetcher
    pending: dict[str, asyncio.Task[Page | None]] = field(default_factory=dict)

    async def catch_all(self, url: str) -> Page | None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        task = self.pending.get(origin)
        if task is None:
            task = asyncio.ensure_future(self._probe(origin))
            self.pending[origin] = task
        return await task

    async def _probe(self, origin: str) -> Page | None:
        fetched = await self.fetcher.fetch(f"{origin}/{secrets.token_hex(12)}-monitor-probe")
        if fetched.error is None and fetched.http_status == 200 and fetched.page.is_html:
            return fetched.page
        return None


def baseline_for(resource: Resource, baselines: dict[str, Baseline]) -> tuple[str | None, str]:
    """The title to compare against and where it came from.

    expected_title in the file wins, unless the curator accepted a newer title while the file
    still said the same thing; without expected_title, the learned or accepted baseline is used.
    """
    stored = baselines.get(resource.id)
    if resource.expected_title:
        if stored and stored.source == "accepted" and stored.expected_title == \
                resource.expected_title:
            return stored.title, "accepted"
        return resource.expected_title, "expected_title"
    if stored:
        return stored.title, stored.source
    return None, "none"


async def judge_one(
    resource: Resource, fetched: Fetched, config: Config, baselines: dict[str, Baseline],
    probes: Probes, now: datetime, memory: ContentMemory,
) -> Result:
    settings = config.settings
    baseline, source = baseline_for(resource, baselines)
    ctx = Context(
        title_threshold=resource.title_threshold if resource.title_threshold is not None
        else settings.title_threshold,
        baseline_title=baseline, baseline_source=source, tls_warn_days=settings.tls_warn_days,
        now=now, snapshot=_snapshot(resource.id, fetched, memory),
        content_threshold=resource.content_threshold if resource.content_threshold is not None
        else settings.content_threshold,
    )
    verdict = judge(resource, fetched, ctx)
    if verdict.reason is Reason.TITLE_CHANGED or (
        verdict.status is Status.OK and baseline is None and fetched.page.is_html
    ):
        # A changed or never-seen title: is it just what this site says for any missing page?
        catch_all = await probes.catch_all(fetched.final_url)
        if catch_all is not None:
            verdict = judge(resource, fetched, replace(ctx, catch_all=catch_all))
    tls_days = None
    if fetched.tls_expires_at is not None:
        tls_days = round((fetched.tls_expires_at - now).total_seconds() / 86400, 1)
    return Result(
        id=resource.id, name=resource.name, url=resource.url, status=verdict.status,
        reason=verdict.reason, detail=verdict.detail, http_status=fetched.http_status,
        final_url=fetched.final_url, redirects=fetched.redirects, title=fetched.page.title,
        expected_title=baseline, elapsed_ms=fetched.elapsed_ms, checked_at=now,
        tags=resource.tags, warnings=verdict.warnings, tls_days_left=tls_days,
        content=fetched.content,
    )


def unjudgeable(resource: Resource, fetched: Fetched, now: datetime, exc: Exception
                 ) -> Result:
    log.warning("unexpected error while judging %s: %s", resource.id, describe(exc))
    return Result(
        id=resource.id, name=resource.name, url=resource.url, status=Status.DOWN,
        reason=Reason.PROTOCOL, detail=f"unexpected error while judging: {describe(exc)}",
        http_status=fetched.http_status, final_url=fetched.final_url,
        redirects=fetched.redirects, title=None, expected_title=None,
        elapsed_ms=fetched.elapsed_ms, checked_at=now, tags=resource.tags,
    )


def _snapshot(resource_id: str, fetched: Fetched, memory: ContentMemory) -> Content | None:
    """The resource's snapshot, as extracted this run if its extraction was deferred."""
    if fetched.content is not None:
        for rid, done in fetched.content.completed:
            if rid == resource_id:
                return done
    return memory.snapshots.get(resource_id)


def content_reader(
    by_url: dict[str, list[Resource]], memory: ContentMemory, markup: MarkupReader,
) -> Callable[[str, bytes, str | None, bool, Page], Content | None]:
    """The fetcher's hook for 2xx bodies: main text and fingerprint, reusing what is known of
    a page read before (so an unchanged page is never extracted again). A page with no
    snapshot yet is only kept; once it changes, it and its snapshot are extracted."""
    def read(url: str, body: bytes, content_type: str | None, truncated: bool,
             page: Page) -> Content:
        resources = by_url.get(url, ())
        known: dict[str, bytes] = {}
        for resource in resources:
            known.update(memory.known.get(resource.id, {}))
        snapshots = [(r.id, memory.snapshots[r.id]) for r in resources
                     if r.id in memory.snapshots]
        current = read_content(body, content_type, is_html=page.is_html, truncated=truncated,
                               known=known, extract=bool(snapshots), key=page.words_key)
        if not current.is_html or not current.extracted:
            return current
        completed = []
        for rid, snap in snapshots:
            if snap.extracted or snap.body_hash == current.body_hash or (
                    snap.text_key and snap.text_key == current.text_key):
                continue
            stored = markup(rid)
            if stored:
                completed.append((rid, complete_snapshot(snap, stored)))
        return replace(current, completed=tuple(completed)) if completed else current
    return read
