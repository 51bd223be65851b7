"""`monitor mute ID --until DATE --note TEXT` and `monitor unmute ID`: written into
resources.toml (muted_until, mute_note) like every edit, and remembered in the history with
the status the link had when muted (see monitor/mute.py for when a mute is in force)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ..config import Config
from ..pipeline import database_path
from ..store import Store
from ..store_curate import MuteRecord
from .listfile import CurateError, ListFile, say

_RELATIVE = re.compile(r"^\s*(\d+)\s*([dw])\s*$")
MUTE_KEYS = ["muted_until", "mute_note"]


def parse_until(text: str, today: date) -> date:
    """'2026-12-31', or '30d' / '6w' from today; never in the past."""
    relative = _RELATIVE.match(text)
    if relative:
        days = int(relative.group(1)) * (7 if relative.group(2) == "w" else 1)
        until = today + timedelta(days=days)
    else:
        try:
            until = date.fromisoformat(text.strip())
        except ValueError:
            raise CurateError(f"--until {text!r}: use a date such as 2026-12-31, or 30d") \
                from None
    if until < today:
        raise CurateError(f"--until {until.isoformat()} is in the past")
    return until


def mute(config: Config, path: Path, db: Path | None, rid: str, until_text: str,
         note: str | None, now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    until = parse_until(until_text, now.date())
    listfile = ListFile(path)
    listfile.resource(rid)  # an unknown id is an error before anything changes
    listfile.set_keys(rid, {"muted_until": until, **({"mute_note": note} if note else {})})
    if not note:
        listfile.remove_keys(rid, ["mute_note"])
    listfile.save()
    record = _remember(config, db, rid, until, now)
    seen = f" (now {record.status.value})" if record else ""
    say(f"monitor: muted {rid} until {until.isoformat()}{seen}" + (f": {note}" if note else ""))
    return 0


def _remember(config: Config, db: Path | None, rid: str, until: date, now: datetime
              ) -> MuteRecord | None:
    """Record the status being muted; without history the first run records it."""
    path = database_path(config, db)
    if not path.exists():
        return None
    with Store(path) as store:
        state = store.states().get(rid)
        if state is None:
            return None
        record = MuteRecord(rid, until, state.confirmed_status or state.status, now)
        store.save_mutes([record])
    return record


def unmute(config: Config, path: Path, db: Path | None, rid: str) -> int:
    listfile = ListFile(path)
    if not listfile.remove_keys(rid, MUTE_KEYS):
        raise CurateError(f"{rid} is not muted")
    listfile.save()
    history = database_path(config, db)
    if history.exists():
        with Store(history) as store:
            store.forget_mute(rid)
    say(f"monitor: unmuted {rid}")
    return 0
