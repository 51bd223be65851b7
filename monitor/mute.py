"""Mutes: a known problem stays in every report, greyed with its note, but counts for neither
the exit code nor cron mail nor notifications.

`muted_until = 2026-12-31` (and `mute_note`) on a resource in resources.toml ask for it. A mute
is in force while today is on or before that date *and* the resource's confirmed status is
still the one it had when muted. That status lives in the history database (table `mutes`,
written by `monitor mute`, or by the first run that sees a hand-written `muted_until`), not in
the file, which keeps only what the curator wrote. A new date starts a new mute. When the
confirmed status changes the mute lapses by itself, so the change is reported like any other.

Pure apart from `settle_with_store`, which reads and writes the mutes table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from .models import Resource, Result, Run, Status
from .resultseq import map_results
from .store import Store
from .store_curate import MuteRecord
from .streak import Change, State


@dataclass(frozen=True, slots=True)
class Settled:
    run: Run  # results of mutes in force carry muted_until and mute_note
    records: tuple[MuteRecord, ...]  # mutes to remember: new ones, and ones that lapsed now
    lapsed: tuple[tuple[str, str], ...]  # (resource id, why) of mutes no longer in force


def _current(result: Result, state: State | None) -> Status:
    if state is not None and state.confirmed_status is not None:
        return state.confirmed_status
    return result.status


def settle(resources: Iterable[Resource], run: Run, states: dict[str, State],
           records: dict[str, MuteRecord], now: datetime) -> Settled:
    """Which results are muted in this run, and which mutes start or lapse."""
    wanted = {r.id: r for r in resources if r.muted_until is not None}
    today = now.date()
    in_force: dict[str, tuple[date, str | None]] = {}
    fresh: list[MuteRecord] = []
    lapsed: list[tuple[str, str]] = []
    for result in run.results if wanted else ():
        resource = wanted.get(result.id)
        if resource is None or resource.muted_until is None:
            continue
        until = resource.muted_until
        current = _current(result, states.get(result.id))
        record = records.get(result.id)
        if record is None or record.until != until:
            record = MuteRecord(result.id, until, current, now)
            fresh.append(record)
        if today > until:
            lapsed.append((result.id, f"mute ended on {until.isoformat()}"))
        elif record.lapsed or current is not record.status:
            # Once the status moved on, the mute is over even if the old status comes back.
            if not record.lapsed:
                fresh.append(replace(record, lapsed=True))
            lapsed.append((result.id, f"was {record.status.value} when muted, "
                                      f"now {current.value}"))
        else:
            in_force[result.id] = (until, resource.mute_note)

    def muted(result: Result) -> Result:
        found = in_force.get(result.id)
        if found is None:
            return result
        return replace(result, muted_until=found[0], mute_note=found[1])

    results = map_results(run.results, muted, keeps_status=True) if in_force \
        else run.results
    return Settled(replace(run, results=results), tuple(fresh), tuple(lapsed))


def unmuted_changes(changes: Iterable[Change], run: Run, store: Store | None = None
                    ) -> list[Change]:
    """Confirmed changes worth telling someone about: none of a muted resource. With `store`,
    such changes, and other news about a muted resource (its new warnings, a source article
    no longer linking to it), queued for notification by this run are dropped from the queue.

    (A mute lapses when the confirmed status changes, so this only happens when a mute is
    first seen in the run that confirms a change: the status it mutes is the new one.)"""
    muted = {result.id for result in run.results if result.muted}
    if store is not None and muted and run.run_id is not None:
        store.drop_notices(run.run_id, sorted(muted))
    return [change for change in changes if change.resource_id not in muted]


def settle_with_store(resources: Iterable[Resource], run: Run, store: Store, now: datetime,
                      *, save: bool) -> Settled:
    """`settle` against the history; `save` remembers mutes first seen now (a check run),
    without it nothing is written (re-rendering a report)."""
    resources = tuple(r for r in resources if r.muted_until is not None)
    states = store.states_of([r.id for r in resources])  # only theirs: lists can be long
    settled = settle(resources, run, states, store.mutes(), now)
    if save:
        store.save_mutes(list(settled.records))
    return settled


def mute_label(until: date | None, note: str | None) -> str:
    if until is None:
        return ""
    return f"muted until {until.isoformat()}" + (f": {note}" if note else "")
