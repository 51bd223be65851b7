"""The stable, versioned JSON document (`--json`). Bump VERSION on incompatible changes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ..models import LinkChange, Result, Run, Snapshot, SourceReport

VERSION = 1


def utc_iso(value: datetime | None) -> str | None:
    """ISO-8601 with a Z, the one time format of every machine-readable output."""
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def result_dict(result: Result) -> dict[str, Any]:
    return {
        "id": result.id,
        "name": result.name,
        "url": result.url,
        "status": result.status.value,
        "reason": result.reason.value,
        "detail": result.detail,
        "http_status": result.http_status,
        "final_url": result.final_url,
        "redirects": [{"url": hop.url, "status": hop.status, "location": hop.target}
                      for hop in result.redirects],
        "title": result.title,
        "expected_title": result.expected_title,
        "elapsed_ms": result.elapsed_ms,
        "checked_at": utc_iso(result.checked_at),
        "tags": list(result.tags),
        "warnings": list(result.warnings),
        "tls_days_left": result.tls_days_left,
        "since": utc_iso(result.since),
        "streak": result.streak,
        "confirmed": result.confirmed,
        "previous_status": result.previous_status.value if result.previous_status else None,
        # content-changed: the first sentences added to / removed from the main text
        "content_diff": {"added": list(result.content_diff.added),
                         "removed": list(result.content_diff.removed)}
        if result.content_diff else None,
        "muted": result.muted,
        "muted_until": result.muted_until.isoformat() if result.muted_until else None,
        "mute_note": result.mute_note,
        "archived": snapshot_dict(result.archived),
    }


def snapshot_dict(snapshot: Snapshot | None) -> dict[str, Any] | None:
    """An archived copy of a broken link: its URL and when it was taken."""
    if snapshot is None:
        return None
    return {"url": snapshot.url, "timestamp": utc_iso(snapshot.taken_at)}


def _link_change(change: LinkChange) -> dict[str, Any]:
    return {"url": change.url, "text": change.text, "since": utc_iso(change.since),
            "streak": change.streak, "confirmed": change.confirmed,
            "resource_id": change.resource_id}


def source_dict(report: SourceReport) -> dict[str, Any]:
    """A watched source article: could it be read, and which links came and went."""
    return {
        "id": report.id, "name": report.name, "url": report.url,
        "status": report.status.value, "detail": report.detail,
        "http_status": report.http_status, "links": report.links,
        "since": utc_iso(report.since), "streak": report.streak,
        "confirmed": report.confirmed,
        "added": [_link_change(c) for c in report.added],
        "removed": [_link_change(c) for c in report.removed],
        "unlinked": [_link_change(c) for c in report.unlinked],
    }


def run_header(run: Run) -> dict[str, Any]:
    """Everything about a run but its results (also the webhook's "run" object)."""
    return {
        "run_id": run.run_id,
        "started_at": utc_iso(run.started_at),
        "finished_at": utc_iso(run.finished_at),
        "offline": run.offline,
        "summary": run.summary(),
    }


def run_dict(run: Run, *, results: bool = True) -> dict[str, Any]:
    doc: dict[str, Any] = {"version": VERSION, **run_header(run)}
    doc["sources"] = [source_dict(report) for report in run.sources]
    if results:
        doc["results"] = [result_dict(result) for result in run.results]
    return doc


def iter_json(run: Run) -> Iterator[str]:
    """The document in chunks, one result at a time, so a 100,000-link run is never held
    in memory as one string. The run's header is indented; each result is one line (C
    encoder: the indenting encoder is pure Python, ~40 µs a result)."""
    head = run_dict(run, results=False)
    yield json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ',\n  "results": ['
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for index, result in enumerate(run.results):
        yield ("," if index else "") + "\n    " + dumps(result_dict(result))
    yield "\n  ]\n}\n" if run.results else "]\n}\n"
