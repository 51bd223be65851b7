"""Title baselines in the history: learned from a resource's first good check, or accepted by
the curator (`monitor accept`). A mixin of `store.Store` (same connection)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime

from .store_lookup import Baseline, baseline_from_row
from .store_stage import _ts


class BaselineHistory:
    """Mixed into Store: needs its connection and transaction helper."""

    _db: sqlite3.Connection

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError  # pragma: no cover - provided by Store

    def baselines(self) -> dict[str, Baseline]:
        rows = self._db.execute("SELECT * FROM baselines ORDER BY resource_id").fetchall()
        return {row["resource_id"]: baseline_from_row(row) for row in rows}

    def learn_baselines(self, titles: Mapping[str, str] | Iterable[tuple[str, str]],
                        now: datetime) -> list[str]:
        """Record {resource id: title} (or such pairs, read as they come) of first successful
        checks that have no baseline yet; returns the ids learned."""
        learned: list[str] = []
        self._learn(titles, now, learned)
        return learned

    def count_learned(self, titles: Mapping[str, str] | Iterable[tuple[str, str]],
                      now: datetime) -> int:
        """`learn_baselines`, returning how many were learned: a first run of a big list
        learns every title, and its ids are not worth holding."""
        return self._learn(titles, now, None)

    def _learn(self, titles: Mapping[str, str] | Iterable[tuple[str, str]], now: datetime,
               learned: list[str] | None) -> int:
        pairs = titles.items() if isinstance(titles, Mapping) else titles
        count = 0
        with self._transaction() as db:
            for rid, title in pairs:
                if db.execute("INSERT OR IGNORE INTO baselines VALUES (?,?,?,?,?)",
                              (rid, title, "learned", None, _ts(now))).rowcount:
                    count += 1
                    if learned is not None:
                        learned.append(rid)
        return count

    def accept(
        self, titles: dict[str, tuple[str, str | None]], now: datetime
    ) -> None:
        """Record {resource id: (current title, expected_title in the file)} as baselines."""
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO baselines VALUES (?,?,?,?,?)",
                [(rid, title, "accepted", expected, _ts(now))
                 for rid, (title, expected) in titles.items()],
            )
