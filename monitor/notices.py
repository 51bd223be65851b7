"""Warnings that are new since the previous run, so cron mentions each one once.

A warning's text carries numbers that change every run ("expires in 5.0 days", then 4.9), so
warnings are compared by their wording with the numbers taken out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .models import Result

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def warning_kind(text: str) -> str:
    """'TLS certificate expires in 4.9 days' -> 'TLS certificate expires in # days'."""
    return _NUMBER.sub("#", text)


def new_warnings(current: Iterable[Result], previous: Mapping[str, Iterable[str]] | None
                 ) -> tuple[tuple[str, str], ...]:
    """(resource id, warning) for each warning of `current` whose kind the same resource
    did not have in `previous` (its warnings in the last stored run; None: no run yet)."""
    before = {rid: {warning_kind(w) for w in ws} for rid, ws in (previous or {}).items()}
    return tuple(
        (result.id, warning)
        for result in current
        for warning in result.warnings
        if warning_kind(warning) not in before.get(result.id, set())
    )
