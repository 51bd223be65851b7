"""History tables for watched sources and archived copies (used by `store.Store`).

* `source_links`: per source and link, the confirmation state (`linkdiff.LinkState`);
* `source_state`: per source, whether the article itself could be read (a `streak.State`);
* `source_reports`: per run and source, the report as shown, so `monitor report` re-renders it;
* `archived`: per run, the archived copy found for each broken resource;
* `archive_cache`: availability-API answers per URL and day (also "no copy").

Functions take the Store's connection and run inside its transactions.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from .linkdiff import LinkState, normalise_url, observe
from .models import LinkChange, Run, Snapshot, SourceReport, Status
from .streak import State, advance, is_notable

SCHEMA = """
CREATE TABLE IF NOT EXISTS source_links (
    source_id TEXT NOT NULL,
    url TEXT NOT NULL,
    href TEXT NOT NULL,
    text TEXT NOT NULL,
    present INTEGER NOT NULL,
    since TEXT NOT NULL,
    streak INTEGER NOT NULL,
    confirmed INTEGER,
    PRIMARY KEY (source_id, url)
);
CREATE TABLE IF NOT EXISTS source_state (
    source_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    since TEXT NOT NULL,
    streak INTEGER NOT NULL,
    confirmed_status TEXT,
    confirmed_since TEXT,
    read_as TEXT,
    first_read TEXT
);
CREATE TABLE IF NOT EXISTS source_reports (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    source_id TEXT NOT NULL,
    report TEXT NOT NULL,
    PRIMARY KEY (run_id, source_id)
);
CREATE TABLE IF NOT EXISTS archived (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL,
    url TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    PRIMARY KEY (run_id, resource_id)
);
CREATE TABLE IF NOT EXISTS archive_cache (
    url TEXT NOT NULL,
    day TEXT NOT NULL,
    snapshot_url TEXT,
    taken_at TEXT,
    PRIMARY KEY (url, day)
);
"""


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# -- archived copies --------------------------------------------------------------------------

def cached_snapshots(
    db: sqlite3.Connection, urls: Iterable[str], day: str
) -> dict[str, Snapshot | None]:
    """Today's cached answers for `urls` (None: the archive has no copy)."""
    found: dict[str, Snapshot | None] = {}
    for url in set(urls):
        row = db.execute("SELECT snapshot_url, taken_at FROM archive_cache "
                         "WHERE url = ? AND day = ?", (url, day)).fetchone()
        if row is not None:
            taken = _dt(row[1])
            found[url] = Snapshot(row[0], taken) if row[0] and taken else None
    return found


def cache_snapshots(db: sqlite3.Connection, answers: dict[str, Snapshot | None], day: str) -> None:
    db.execute("DELETE FROM archive_cache WHERE day < ?", (day,))  # one day's worth is enough
    db.executemany(
        "INSERT OR REPLACE INTO archive_cache VALUES (?,?,?,?)",
        [(url, day, s.url if s else None, s.taken_at.isoformat() if s else None)
         for url, s in answers.items()],
    )


def load_archived(db: sqlite3.Connection, run_id: int) -> dict[str, Snapshot]:
    rows = db.execute("SELECT resource_id, url, taken_at FROM archived WHERE run_id = ?",
                      (run_id,)).fetchall()
    return {row[0]: Snapshot(row[1], datetime.fromisoformat(row[2])) for row in rows}


# -- sources ----------------------------------------------------------------------------------

def _change_dict(change: LinkChange) -> dict[str, Any]:
    return {"url": change.url, "text": change.text, "since": change.since.isoformat(),
            "streak": change.streak, "confirmed": change.confirmed, "news": change.news,
            "resource_id": change.resource_id}


def _change_from(data: dict[str, Any]) -> LinkChange:
    return LinkChange(data["url"], data["text"], datetime.fromisoformat(data["since"]),
                      data["streak"], data["confirmed"], data["news"], data["resource_id"])


def _report_json(report: SourceReport) -> str:
    return json.dumps({
        "name": report.name, "url": report.url, "status": report.status.value,
        "detail": report.detail, "http_status": report.http_status, "links": report.links,
        "added": [_change_dict(c) for c in report.added],
        "removed": [_change_dict(c) for c in report.removed],
        "unlinked": [_change_dict(c) for c in report.unlinked],
        "since": report.since.isoformat() if report.since else None,
        "streak": report.streak, "confirmed": report.confirmed, "news": report.news,
    }, ensure_ascii=False)


def _report_from(source_id: str, text: str) -> SourceReport:
    data = json.loads(text)
    return SourceReport(
        id=source_id, name=data["name"], url=data["url"], status=Status(data["status"]),
        detail=data["detail"], http_status=data["http_status"], links=data["links"],
        added=tuple(map(_change_from, data["added"])),
        removed=tuple(map(_change_from, data["removed"])),
        unlinked=tuple(map(_change_from, data["unlinked"])),
        since=_dt(data["since"]), streak=data["streak"], confirmed=data["confirmed"],
        news=data["news"],
    )


def load_sources(db: sqlite3.Connection, run_id: int) -> tuple[SourceReport, ...]:
    rows = db.execute("SELECT source_id, report FROM source_reports WHERE run_id = ? "
                      "ORDER BY rowid", (run_id,)).fetchall()
    return tuple(_report_from(row[0], row[1]) for row in rows)


def _source_state(
    db: sqlite3.Connection, source_id: str
) -> tuple[State | None, str | None, str | None]:
    """The article's status streak, what it was read as (URL and selector) and when it was
    first read successfully that way."""
    row = db.execute("SELECT status, since, streak, confirmed_status, confirmed_since, "
                     "read_as, first_read FROM source_state WHERE source_id = ?",
                     (source_id,)).fetchone()
    if row is None:
        return None, None, None
    state = State(Status(row[0]), datetime.fromisoformat(row[1]), row[2],
                  Status(row[3]) if row[3] else None, _dt(row[4]))
    return state, row[5], row[6]


def _link_states(db: sqlite3.Connection, source_id: str) -> dict[str, LinkState]:
    rows = db.execute("SELECT url, href, text, present, since, streak, confirmed "
                      "FROM source_links WHERE source_id = ?", (source_id,)).fetchall()
    return {
        row[0]: LinkState(row[0], row[1], row[2], bool(row[3]), datetime.fromisoformat(row[4]),
                          row[5], None if row[6] is None else bool(row[6]))
        for row in rows
    }


def _curated(run: Run) -> dict[str, str]:
    """Normalised URL -> resource id, for the curated URL and where it now lands."""
    curated: dict[str, str] = {}
    for result in run.results:
        curated.setdefault(normalise_url(result.final_url or result.url), result.id)
        curated[normalise_url(result.url)] = result.id
    return curated


def _record_source(
    db: sqlite3.Connection, report: SourceReport, curated: dict[str, str], now: datetime,
    confirm_runs: int,
) -> SourceReport:
    previous, read_as, first_read = _source_state(db, report.id)
    state, changed = advance(previous, report.status, now, confirm_runs)
    news = changed and is_notable(previous.confirmed_status if previous else None, report.status)
    # Another URL or selector is another set of links: start again from a new baseline.
    reading = f"{report.url}\n{report.selector or ''}"
    fresh = first_read is None or read_as != reading
    if report.status is Status.OK and fresh:
        first_read = now.isoformat()
    db.execute("INSERT OR REPLACE INTO source_state VALUES (?,?,?,?,?,?,?,?)", (
        report.id, state.status.value, state.since.isoformat(), state.streak,
        state.confirmed_status.value if state.confirmed_status else None,
        state.confirmed_since.isoformat() if state.confirmed_since else None,
        reading if report.status is Status.OK else read_as, first_read,
    ))
    report = replace(report, since=state.since, streak=state.streak,
                     confirmed=state.confirmed_status == report.status, news=news)
    if report.status is not Status.OK:
        return report  # an unreadable article says nothing about its links
    known = {} if fresh else _link_states(db, report.id)
    seen = observe(known, report.found, now, confirm_runs, curated, baseline=fresh)
    db.execute("DELETE FROM source_links WHERE source_id = ?", (report.id,))
    db.executemany("INSERT INTO source_links VALUES (?,?,?,?,?,?,?,?)", [
        (report.id, s.url, s.href, s.text, int(s.present), s.since.isoformat(), s.streak,
         None if s.confirmed is None else int(s.confirmed))
        for s in seen.states.values()
    ])
    return replace(report, added=seen.added, removed=seen.removed, unlinked=seen.unlinked)


def record(db: sqlite3.Connection, run_id: int, run: Run, confirm_runs: int, *,
           archived: bool = True) -> Run:
    """Store the run's archived copies (unless the caller did, `archived=False`) and source
    reports (advancing source history unless the run was offline); returns the run with
    its sources as recorded."""
    if archived:
        db.executemany("INSERT INTO archived VALUES (?,?,?,?)", [
            (run_id, r.id, r.archived.url, r.archived.taken_at.isoformat())
            for r in run.results if r.archived is not None
        ])
    curated = _curated(run) if run.sources else {}  # a pass over every result: if needed
    reports = []
    for report in run.sources:
        if not run.offline:
            report = _record_source(db, report, curated, run.finished_at, confirm_runs)
        else:
            report = replace(report, confirmed=False)
        report = replace(report, found=())
        db.execute("INSERT INTO source_reports VALUES (?,?,?)",
                   (run_id, report.id, _report_json(report)))
        reports.append(report)
    return replace(run, sources=tuple(reports))
