"""The terminal's table of results, readable at any width.

Wide terminals get columns; narrow ones (an 80-column window) get stacked rows: one line with
status, id, reason and numbers, then the detail and any warnings indented below. Ids and
reasons are never truncated, times are relative ("3 h ago"). Page text (details, warnings)
goes in as `Text`, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .models import Result, Status
from .mute import mute_label

STYLES: dict[Status, str] = {
    Status.OK: "green",
    Status.MOVED: "cyan",
    Status.DRIFTED: "yellow",
    Status.BLOCKED: "magenta",
    Status.DOWN: "red",
    Status.BROKEN: "bold red",
}
DETAIL_MIN = 40  # below this many columns for the detail, stack the rows instead


def ago(when: datetime | None, now: datetime) -> str:
    """'just now', '12 min ago', '3 h ago', '5 d ago'."""
    if when is None:
        return "?"
    seconds = max(0.0, (now - when).total_seconds())
    if seconds < 60:
        return "just now"
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{int(seconds // size)} {unit} ago"
    return "just now"  # pragma: no cover


def since_text(result: Result, now: datetime) -> str:
    """How long the status has held, or how new it is."""
    if result.confirmed and result.since is not None:
        return f"since {ago(result.since, now)}"
    return f"new ({result.streak}x)" if result.streak else "-"


def _status(result: Result, fail_on: Sequence[str]) -> Text:
    style = STYLES[result.status]
    text = Text(result.status.value, style="dim" if result.muted else style)
    if result.muted:
        text.append(" muted", style="dim")
    elif result.status.value in fail_on:
        text.append(" !", style=style)
    return text


def _detail(result: Result) -> Text:
    text = Text(result.detail)
    if result.muted:
        text.append(f" ({mute_label(result.muted_until, result.mute_note)})", style="dim")
    for warning in result.warnings:
        if text:
            text.append("\n")
        text.append("warning: ", style="yellow")
        text.append(warning)
    return text


def _numbers(result: Result) -> str:
    http = f"HTTP {result.http_status}" if result.http_status is not None else "no answer"
    return f"{http} · {result.elapsed_ms:.0f} ms"


def _columns(rows: Sequence[Result], fail_on: Sequence[str], now: datetime) -> Table:
    table = Table(title_justify="left", expand=False, box=None, pad_edge=False)
    id_width = max(len("resource"), *(len(r.id) for r in rows))
    reason_width = max(len("reason"), *(len(r.reason.value) for r in rows))
    table.add_column("resource", min_width=id_width, no_wrap=True, overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("reason", min_width=reason_width, no_wrap=True, overflow="fold")
    table.add_column("HTTP", justify="right", no_wrap=True)
    table.add_column("ms", justify="right", no_wrap=True)
    table.add_column("since", no_wrap=True)
    table.add_column("detail", ratio=1, min_width=DETAIL_MIN)
    for result in rows:
        table.add_row(
            Text(result.id), _status(result, fail_on), Text(result.reason.value),
            str(result.http_status) if result.http_status is not None else "-",
            f"{result.elapsed_ms:.0f}", since_text(result, now), _detail(result),
        )
    return table


def _stacked(rows: Sequence[Result], fail_on: Sequence[str], now: datetime) -> Group:
    parts: list[RenderableType] = []
    for result in rows:
        head = _status(result, fail_on)
        head.append("  ")
        head.append(result.id, style="bold")
        parts.append(head)
        since = since_text(result, now)
        facts = Text(f"{result.reason.value} · {_numbers(result)}"
                     + (f" · {since}" if since != "-" else ""), style="dim")
        detail = _detail(result)
        if detail:
            facts.append("\n")
            facts.append_text(detail)
        parts.append(Padding(facts, (0, 0, 0, 4)))
    return Group(*parts)


def _fixed_width(rows: Sequence[Result], now: datetime) -> int:
    """Columns the wide layout needs before the detail column gets any."""
    widths = [
        max(len("resource"), *(len(r.id) for r in rows)),
        len("broken muted"),
        max(len("reason"), *(len(r.reason.value) for r in rows)),
        4, 6,
        max(len(since_text(r, now)) for r in rows),
    ]
    return sum(widths) + 2 * len(widths)


def results_table(rows: Sequence[Result], fail_on: Sequence[str], width: int,
                  now: datetime) -> RenderableType:
    """Columns when the detail gets at least DETAIL_MIN columns, else stacked rows."""
    if not rows:
        return Group()
    if _fixed_width(rows, now) + DETAIL_MIN <= width:
        return _columns(rows, fail_on, now)
    return _stacked(rows, fail_on, now)
