"""News worth a notification besides status changes: what a watched source article did (links
added or removed, curated links it no longer links to, the article itself becoming unreadable
or readable again), confirmed in this very run, and warnings new since the previous run (a TLS
certificate about to expire) — the same news cron prints once.

Pure: a stored run (and `Outcome.new_warnings`) in, `News` items out. Their bodies keep the
strings as the pages gave them; whoever shows them makes them safe (`notify` via safetext).
The history's outbox (`store_outbox.py`) queues them per notifier like status changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .models import Run, SourceReport

LINK, SOURCE, WARNING = "link", "source", "warning"
CHANGE_KINDS = ("added", "removed", "unlinked")


@dataclass(frozen=True, slots=True)
class News:
    kind: str  # LINK (a link of a source changed), SOURCE (the article's status), WARNING
    subject: str  # the source id (LINK, SOURCE) or the resource id (WARNING)
    resource_id: str | None  # the curated resource it is about: muting that resource drops it
    body: Mapping[str, Any] = field(default_factory=dict)  # JSON-able, strings unsanitised


def _source_head(report: SourceReport) -> dict[str, Any]:
    return {"name": report.name, "url": report.url, "status": report.status.value,
            "detail": report.detail}


def collect(run: Run, new_warnings: Iterable[tuple[str, str]] = ()) -> tuple[News, ...]:
    """The run's news: source changes confirmed in it (`news` flags, set when the run is
    recorded) and the given new warnings ((resource id, warning) pairs)."""
    items: list[News] = []
    for report in run.sources:
        head = _source_head(report)
        if report.news:
            items.append(News(SOURCE, report.id, None, {"source": head}))
        for kind, changes in zip(CHANGE_KINDS, (report.added, report.removed, report.unlinked),
                                 strict=True):
            items += [
                News(LINK, report.id, change.resource_id, {
                    "source": head, "change": kind,
                    "link": {"url": change.url, "text": change.text,
                             "since": change.since.isoformat()},
                })
                for change in changes if change.news
            ]
    new_warnings = tuple(new_warnings)
    wanted = {resource_id for resource_id, _ in new_warnings}
    by_id = {result.id: result for result in run.results if result.id in wanted} \
        if wanted else {}
    for resource_id, warning in new_warnings:
        result = by_id.get(resource_id)
        items.append(News(WARNING, resource_id, resource_id, {
            "name": result.name if result else resource_id,
            "url": result.url if result else None,
            "warning": warning,
        }))
    return tuple(items)


def without_muted(items: Iterable[News], run: Run) -> tuple[News, ...]:
    """News about a muted resource is nobody's business (see mute.py)."""
    muted = {result.id for result in run.results if result.muted}
    return tuple(item for item in items if item.resource_id not in muted)
