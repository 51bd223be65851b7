"""Confirmation across runs: a status change counts only after `confirm_runs` runs in a row.

Pure functions over a small per-resource state record, so the policy is tested without a
database. A run flagged offline (our own network was down) advances nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .models import Status


@dataclass(frozen=True, slots=True)
class State:
    """What history remembers about one resource between runs."""

    status: Status
    since: datetime
    streak: int
    confirmed_status: Status | None = None
    confirmed_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """A confirmed state change: what notifications and cron summaries report."""

    resource_id: str
    old: Status | None
    new: Status
    since: datetime


def advance(
    previous: State | None, status: Status, now: datetime, confirm_runs: int
) -> tuple[State, bool]:
    """The next state after observing `status`, and whether this run confirmed a change.

    A change is confirmed the run the new status reaches `confirm_runs` in a row; the first
    ever observation is confirmed the same way (so CI, with no history, uses 1).
    """
    if previous is not None and previous.status == status:
        streak, since = previous.streak + 1, previous.since
    else:
        streak, since = 1, now
    confirmed_status = previous.confirmed_status if previous else None
    confirmed_since = previous.confirmed_since if previous else None
    changed = False
    if streak >= confirm_runs and status != confirmed_status:
        changed = True
        confirmed_status, confirmed_since = status, since
    return State(status, since, streak, confirmed_status, confirmed_since), changed


def is_notable(old: Status | None, new: Status) -> bool:
    """First confirmations of a healthy link are not news; everything else is."""
    return not (old is None and new is Status.OK)
