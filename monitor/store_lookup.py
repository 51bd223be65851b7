"""What the history knows of some resources, asked for a batch at a time.

A small list's title baselines and content memory are read whole before a run
(`Store.baselines`, `Store.content_memory`). For a big, spooled list that would be a
million entries in memory, so the runner asks a `HistoryLookup` for those of each batch
of resources as it takes the batch, and forgets them when the batch is done. A lookup is
the history's path: worker processes ask it over their own read-only connections.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .store_content import ContentMemory, read_memory


@dataclass(frozen=True, slots=True)
class Baseline:
    """A title the page is compared against when resources.toml gives none (or after accept)."""

    resource_id: str
    title: str
    source: str  # "learned" (first good check) or "accepted" (monitor accept)
    expected_title: str | None  # resources.toml's expected_title when this was recorded
    recorded_at: datetime


def baseline_from_row(row: sqlite3.Row) -> Baseline:
    recorded = row["recorded_at"]
    return Baseline(row["resource_id"], row["title"], row["source"], row["expected_title"],
                    datetime.fromisoformat(recorded) if recorded else datetime.min)


@dataclass(frozen=True, slots=True)
class HistoryLookup:
    database: str

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30)
        db.row_factory = sqlite3.Row
        return db

    def recall(self, ids: Sequence[str]) -> tuple[dict[str, Baseline], ContentMemory]:
        """The baselines and the content memory of these resources."""
        memory = ContentMemory(database=self.database)
        if not ids:
            return {}, memory
        db = self._connect()
        try:
            where = f"resource_id IN ({','.join('?' * len(ids))})"
            baselines = {row["resource_id"]: baseline_from_row(row) for row in db.execute(
                f"SELECT * FROM baselines WHERE {where}", tuple(ids))}
            read_memory(db, memory, where, tuple(ids))
        finally:
            db.close()
        return baselines, memory
