"""Reads of the run history for the reports: a resource's recent results, uptimes, and the
first check an uptime covers. A mixin of `store.Store` (same connection)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .store_stage import _dt


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One resource in one past run, as the report's history strip and sparkline need it."""

    run_id: int
    status: str
    reason: str
    elapsed_ms: float
    checked_at: datetime
    offline: bool


class HistoryReads:
    """Mixed into Store: needs its connection."""

    _db: sqlite3.Connection

    def history(
        self, resource_ids: Iterable[str], runs: int, up_to: int | None = None
    ) -> dict[str, list[HistoryPoint]]:
        """Each resource's results in the last `runs` runs (up to run `up_to`), oldest first."""
        wanted = set(resource_ids)
        newest = up_to if up_to is not None else 2**62
        rows = self._db.execute(
            "SELECT id FROM runs WHERE id <= ? ORDER BY id DESC LIMIT 1 OFFSET ?",
            (newest, runs - 1),
        ).fetchone()
        first = rows["id"] if rows else 0
        found: dict[str, list[HistoryPoint]] = {rid: [] for rid in wanted}
        cursor = self._db.execute(
            "SELECT r.run_id, r.resource_id, r.status, r.reason, r.elapsed_ms, r.checked_at, "
            "runs.offline FROM results r JOIN runs ON runs.id = r.run_id "
            "WHERE r.run_id BETWEEN ? AND ? ORDER BY r.run_id",
            (first, newest),
        )
        for row in cursor:
            if row["resource_id"] in wanted:
                found[row["resource_id"]].append(HistoryPoint(
                    row["run_id"], row["status"], row["reason"], row["elapsed_ms"],
                    _dt(row["checked_at"]) or datetime.min, bool(row["offline"]),
                ))
        return found

    def uptimes(self, since: datetime, ids: Iterable[str] | None = None) -> dict[str, float]:
        """Per resource: share of runs since `since` in which it was usable (ok, moved or
        drifted: the page answered). Offline runs and runs where the site blocked us say
        nothing either way and are left out."""
        rows = self._db.execute(
            "SELECT r.resource_id, COUNT(*) AS n, "
            "SUM(r.status IN ('ok', 'moved', 'drifted')) AS up "
            "FROM results r JOIN runs ON runs.id = r.run_id "
            "WHERE r.checked_at >= ? AND runs.offline = 0 AND r.status != 'blocked' "
            "GROUP BY r.resource_id",
            (since.isoformat(),),
        )  # iterated, not fetched: one row per resource
        wanted = set(ids) if ids is not None else None
        return {row["resource_id"]: (row["up"] or 0) / row["n"] for row in rows
                if wanted is None or row["resource_id"] in wanted}

    def first_checks(self, since: datetime, ids: Iterable[str] | None = None
                     ) -> dict[str, datetime]:
        """Per resource: its earliest check since `since` that counts towards uptime, so
        a report can say what span an uptime figure covers ("100% over 20 min")."""
        rows = self._db.execute(
            "SELECT r.resource_id, MIN(r.checked_at) AS first "
            "FROM results r JOIN runs ON runs.id = r.run_id "
            "WHERE r.checked_at >= ? AND runs.offline = 0 AND r.status != 'blocked' "
            "GROUP BY r.resource_id",
            (since.isoformat(),),
        )
        wanted = set(ids) if ids is not None else None
        return {row["resource_id"]: datetime.fromisoformat(row["first"]) for row in rows
                if wanted is None or row["resource_id"] in wanted}
