"""What `monitor check` prints: silence for cron, a plain summary when something is wrong,
a progress bar and a colour table on a terminal.

Cron mails whatever a job prints, so the plain mode prints only when there is something to
read: a status in --fail-on, a confirmed change, or an offline run.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, TextIO

from .models import SEVERITY, Result, Run, Status
from .pipeline import Outcome
from .runner import ProgressHook

if TYPE_CHECKING:  # rich is imported only when a terminal is drawn on (cron never pays)
    from rich.console import Console
    from rich.table import Table

OFFLINE_MESSAGE = (
    "this machine looks offline: every resource failed at the network level, "
    "so this run confirmed nothing"
)
STYLES: dict[Status, str] = {
    Status.OK: "green",
    Status.MOVED: "cyan",
    Status.DRIFTED: "yellow",
    Status.BLOCKED: "magenta",
    Status.DOWN: "red",
    Status.BROKEN: "bold red",
}


class Mode(Enum):
    QUIET = "quiet"  # nothing on stdout
    PLAIN = "plain"  # cron / pipes: plain text, and only when there is news
    RICH = "rich"  # a terminal: progress bar and colour table


def choose_mode(*, quiet: bool, stdout_is_data: bool, tty: bool) -> Mode:
    """`stdout_is_data`: a document (--json/--markdown/--junit/--report -) goes to stdout."""
    if quiet or stdout_is_data:
        return Mode.QUIET
    return Mode.RICH if tty else Mode.PLAIN


def _when(value: datetime | None) -> str:
    if value is None:
        return "?"
    return value.isoformat(timespec="minutes").replace("+00:00", "Z")


def _counts(run: Run) -> str:
    summary = run.summary()
    parts = [f"{summary[s.value]} {s.value}" for s in Status if summary[s.value]]
    return ", ".join(parts) or "nothing"


def _duration(run: Run) -> float:
    return (run.finished_at - run.started_at).total_seconds()


def has_news(outcome: Outcome, fail_on: Sequence[str]) -> bool:
    """Whether a cron run should print anything at all: an offline run, a confirmed change,
    or a confirmed problem. A failure seen fewer than `confirm_runs` times is a possible blip:
    it changes the exit code but does not make cron send mail (yet)."""
    run = outcome.run
    return bool(
        run.offline or outcome.changes
        or any(r.status.value in fail_on and r.confirmed for r in run.results)
    )


def _confirmation(result: Result) -> str:
    if result.confirmed and result.since is not None:
        return f"since {_when(result.since)}"
    if result.streak:
        runs = "1 run" if result.streak == 1 else f"{result.streak} runs in a row"
        return f"new: {runs}, not confirmed yet"
    return "not confirmed"


def render_plain(outcome: Outcome, fail_on: Sequence[str], verbose: bool = False) -> str:
    """The cron summary: what changed, what is wrong now, and the counts."""
    run = outcome.run
    by_id = {r.id: r for r in run.results}
    total = len(run.results)
    attention = sum(r.status is not Status.OK for r in run.results)
    lines = [
        f"monitor: {attention} of {total} resources need attention "
        f"(run {run.run_id}, {_when(run.finished_at)}, {_duration(run):.1f} s): {_counts(run)}"
    ]
    if run.offline:
        lines.append(f"monitor: {OFFLINE_MESSAGE}")
    if outcome.changes:
        lines.append("Confirmed changes:")
        for change in outcome.changes:
            result = by_id.get(change.resource_id)
            old = change.old.value if change.old else "new"
            why = ""
            if result is not None:
                why = f" {result.reason.value}" + (f": {result.detail}" if result.detail else "")
            lines.append(f"  {change.resource_id}: {old} -> {change.new.value} "
                         f"(since {_when(change.since)}){why}")
            if result is not None:
                lines.append(f"    {result.url}")
    shown = sorted(
        (r for r in run.results if verbose or r.status is not Status.OK),
        key=lambda r: SEVERITY[r.status],
    )
    if run.offline and not verbose and shown:
        # Every line would say the same thing: show one, not a wall of identical failures.
        first = shown[0]
        lines.append(f"  e.g. {first.id}: {first.status.value} ({first.reason.value}) "
                     f"{first.detail}".rstrip())
        lines.append("  (--verbose lists every resource)")
        shown = []
    if shown:
        lines.append("Resources:" if verbose else "Problems now:")
        for result in shown:
            marker = "!" if result.status.value in fail_on else "-"
            detail = f" {result.detail}" if result.detail else ""
            lines.append(f"  {marker} {result.id}: {result.status.value} "
                         f"({result.reason.value}){detail} [{_confirmation(result)}]")
    return "\n".join(lines) + "\n"


def render_table(outcome: Outcome, fail_on: Sequence[str], verbose: bool = False) -> Table:
    from rich.table import Table
    from rich.text import Text

    run = outcome.run
    title = f"{len(run.results)} checked in {_duration(run):.1f} s: {_counts(run)}"
    table = Table(title=title, title_justify="left", expand=False)
    for name in ("resource", "status", "reason", "HTTP", "ms", "since", "detail"):
        table.add_column(name, no_wrap=name in ("status", "HTTP", "ms", "since"),
                         justify="right" if name in ("HTTP", "ms") else "left")
    rows = sorted(
        (r for r in run.results if verbose or r.status is not Status.OK),
        key=lambda r: SEVERITY[r.status],
    )
    for result in rows:
        style = STYLES[result.status]
        status = Text(result.status.value, style=style)
        if result.status.value in fail_on:
            status.append(" !", style=style)
        table.add_row(
            result.id, status, result.reason.value,
            str(result.http_status) if result.http_status is not None else "-",
            f"{result.elapsed_ms:.0f}", _since(result), result.detail,
        )
    notes = ["! = a status in --fail-on"] if any(r.status.value in fail_on for r in rows) else []
    hidden = len(run.results) - len(rows)
    if hidden:
        notes.append(f"{hidden} ok resource(s) not shown (--verbose shows them)")
    table.caption = "; ".join(notes) or None
    return table


def _since(result: Result) -> str:
    """Short confirmation state for the table: when it began, or how new it is."""
    if result.confirmed and result.since is not None:
        return _when(result.since)
    return f"new ({result.streak}x)" if result.streak else "-"


class Terminal:
    """The output side of one `monitor check` run."""

    def __init__(self, mode: Mode, verbose: bool = False, stream: TextIO | None = None) -> None:
        self.mode = mode
        self.verbose = verbose
        self.stream = stream if stream is not None else sys.stdout
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(file=self.stream, highlight=False)
        return self._console

    @classmethod
    def for_check(cls, *, quiet: bool, verbose: bool, stdout_is_data: bool) -> Terminal:
        mode = choose_mode(quiet=quiet, stdout_is_data=stdout_is_data,
                           tty=sys.stdout.isatty())
        return cls(mode, verbose)

    @contextmanager
    def progress(self, total: int) -> Iterator[ProgressHook | None]:
        """A hook for run_once(on_result=...) that drives a bar on a terminal, else None."""
        if self.mode is not Mode.RICH:
            yield None
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        columns = (
            SpinnerColumn(), TextColumn("checking"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TextColumn("{task.fields[last]}", style="dim"),
        )
        with Progress(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task("check", total=total, last="")

            def advance(result: Result) -> None:
                bar.update(task, advance=1, last=result.id)

            yield advance

    def summary(self, outcome: Outcome, fail_on: Sequence[str]) -> None:
        if self.mode is Mode.PLAIN and (self.verbose or has_news(outcome, fail_on)):
            self.stream.write(render_plain(outcome, fail_on, self.verbose))
            self.stream.flush()
        elif self.mode is Mode.RICH:
            self._rich_summary(outcome, fail_on)

    def _rich_summary(self, outcome: Outcome, fail_on: Sequence[str]) -> None:
        from rich.text import Text

        run = outcome.run
        if run.offline:
            self.console.print(f"[bold red]OFFLINE:[/] {OFFLINE_MESSAGE}")
        by_id = {r.id: r for r in run.results}
        for change in outcome.changes:
            old = change.old.value if change.old else "new"
            result = by_id.get(change.resource_id)
            line = Text(f"changed: {change.resource_id} {old} -> ")
            line.append(change.new.value, style=STYLES[change.new])
            line.append(f" (since {_when(change.since)})")
            if result is not None:
                line.append(f"  {result.url}", style="dim")
            self.console.print(line)
        table = render_table(outcome, fail_on, self.verbose)
        if table.row_count:
            self.console.print(table)
        else:
            self.console.print(f"[green]all {len(run.results)} resources ok[/] "
                               f"({_duration(run):.1f} s)")


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (tests and embedders swap it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def configure_logging(*, daemon: bool) -> None:
    """Log lines go to stderr: timestamped for the daemon, terse `monitor:` lines for check."""
    handler = _StderrHandler()
    if daemon:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(message)s", datefmt="%Y-%m-%dT%H:%M:%S%z"))
    else:
        handler.setFormatter(logging.Formatter("monitor: %(message)s"))
    root = logging.getLogger("monitor")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if daemon else logging.WARNING)
    # The daemon's own line per run says enough; apscheduler's chatter and httpx's request
    # lines (which would print webhook URLs, secrets included) stay at warnings.
    for name in ("apscheduler", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("apscheduler").handlers[:] = [handler]
