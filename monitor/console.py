"""What `monitor check` prints: silence for cron, a plain summary when something is wrong,
a progress bar and a colour table on a terminal.

Cron mails whatever a job prints, so the plain mode prints only when there is something to
read: a status in --fail-on, a confirmed change, or an offline run.
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, TextIO

from .models import SEVERITY, Result, Run, SourceReport, Status
from .mute import mute_label
from .pipeline import Outcome
from .runner import ProgressHook
from .safetext import display_run, display_text

if TYPE_CHECKING:  # rich is imported only when a terminal is drawn on (cron never pays)
    from rich.console import Console, RenderableType
    from rich.text import Text

OFFLINE_MESSAGE = (
    "this machine looks offline: every resource failed at the network level, "
    "so this run confirmed nothing"
)


class Mode(Enum):
    QUIET = "quiet"  # nothing on stdout
    PLAIN = "plain"  # cron / pipes: plain text, and only when there is news
    RICH = "rich"  # a terminal: progress bar and colour table


def choose_mode(*, quiet: bool, stdout_is_data: bool, tty: bool) -> Mode:
    """`stdout_is_data`: a document (--json/--markdown/--junit/--report -) goes to stdout."""
    if quiet or stdout_is_data:
        return Mode.QUIET
    return Mode.RICH if tty else Mode.PLAIN


def page_text(text: str | None, style: str = "") -> Text:
    """A string we did not write (page titles, details, URLs, ids) as rich Text: never read
    as markup, control characters and escape sequences neutralised, credentials masked."""
    from rich.text import Text

    return Text(display_text(text or ""), style=style)


def _when(value: datetime | None) -> str:
    if value is None:
        return "?"
    return value.isoformat(timespec="minutes").replace("+00:00", "Z")


def _counts(run: Run) -> str:
    summary = run.summary()
    parts = [f"{summary[s.value]} {s.value}" for s in Status if summary[s.value]]
    return ", ".join(parts) or "nothing"


def _resources(count: int) -> str:
    return f"{count} resource" + ("" if count == 1 else "s")


def _duration(run: Run) -> float:
    return (run.finished_at - run.started_at).total_seconds()


def has_news(outcome: Outcome, fail_on: Sequence[str], notify_on: str = "problems") -> bool:
    """Whether a cron run should print anything at all: an offline run, a confirmed change,
    or (unless `notify_on` is "change") a confirmed problem. A failure seen fewer than
    `confirm_runs` times is a possible blip: it changes the exit code but does not make cron
    send mail (yet). With "change", a link that stays broken is mailed once, not every run."""
    run = outcome.run
    if run.offline or outcome.changes or outcome.new_warnings \
            or any(s.has_news for s in run.sources):
        return True
    if notify_on == "change":
        return False
    return any(r.status.value in fail_on and r.confirmed and not r.muted
               for r in run.results) or any(
        (s.status is not Status.OK and s.confirmed) or any(c.confirmed for c in s.unlinked)
        for s in run.sources
    )


def _plain_sources(sources: Sequence[SourceReport], verbose: bool) -> list[str]:
    shown = [s for s in sources if verbose or s.needs_attention]
    if not shown:
        return []
    lines = ["Source articles:"]
    for s in shown:
        state = f"{s.links} links" if s.status is Status.OK else \
            f"could not be read: {s.status.value} ({s.detail})"
        pending = "" if s.confirmed or s.status is Status.OK else " [not confirmed yet]"
        lines.append(f"  {s.id}: {state}{pending}  {s.url}")
        for mark, label, changes in (("!", "no longer linked", s.unlinked),
                                     ("+", "added", s.added), ("-", "removed", s.removed)):
            for c in changes:
                what = f"resource {c.resource_id}" if c.resource_id else (c.text or "(no text)")
                state = "" if c.confirmed else f" [new: {c.streak} run(s), not confirmed yet]"
                lines.append(f"    {mark} {label}: {what} {c.url}{state}")
    return lines


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
    wanted = {change.resource_id for change in outcome.changes}
    by_id = {r.id: r for r in run.results if r.id in wanted} if wanted else {}
    total = len(run.results)
    attention = sum(r.status is not Status.OK for r in run.results)
    where = f"run {run.run_id}, {_when(run.finished_at)}, {_duration(run):.1f} s"
    if run.offline:  # nothing can be concluded: lead with that, count nothing as a problem
        lines = [f"monitor: {OFFLINE_MESSAGE} ({where}, {_resources(total)})"]
    else:
        lines = [f"monitor: {attention} of {_resources(total)} need"
                 f"{'s' if total == 1 else ''} attention ({where}): {_counts(run)}"]
    if outcome.new_warnings:
        lines.append("New warnings:")
        lines += [f"  {rid}: {warning}" for rid, warning in outcome.new_warnings]
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
            marker = "~" if result.muted else "!" if result.status.value in fail_on else "-"
            detail = f" {result.detail}" if result.detail else ""
            if result.muted:
                detail += f" ({mute_label(result.muted_until, result.mute_note)})"
            lines.append(f"  {marker} {result.id}: {result.status.value} "
                         f"({result.reason.value}){detail} [{_confirmation(result)}]")
            lines += [f"      warning: {warning}" for warning in result.warnings]
    lines += _plain_sources(run.sources, verbose)
    return "\n".join(lines) + "\n"


def render_table(outcome: Outcome, fail_on: Sequence[str], verbose: bool = False,
                 *, width: int = 120, now: datetime | None = None) -> RenderableType:
    """Results that need a look (all with `verbose`), worst first; layout in termtable."""
    from rich.console import Group
    from rich.text import Text

    from .termtable import results_table

    run = outcome.run
    rows = sorted(
        (r for r in run.results if verbose or r.status is not Status.OK or r.warnings),
        key=lambda r: SEVERITY[r.status],
    )
    title = Text(f"{len(run.results)} checked in {_duration(run):.1f} s: {_counts(run)}",
                 style="bold")
    notes = ["! = a status in --fail-on"] if any(r.status.value in fail_on for r in rows) else []
    hidden = len(run.results) - len(rows)
    if hidden:
        notes.append(f"{hidden} ok {'resource' if hidden == 1 else 'resources'} not shown "
                     "(--verbose shows them)")
    table = results_table(rows, fail_on, width, now or run.finished_at)
    return Group(title, table, Text("; ".join(notes), style="dim")) if rows else Group()


class _Discard(io.StringIO):
    """Where the summary goes when there is no stdout (`monitor check >&-`): nowhere."""

    def write(self, text: str) -> int:
        return len(text)


class Terminal:
    """The output side of one `monitor check` run."""

    def __init__(self, mode: Mode, verbose: bool = False, stream: TextIO | None = None,
                 notify_on: str = "problems") -> None:
        self.mode = mode
        self.verbose = verbose
        self.notify_on = notify_on
        stream = stream if stream is not None else sys.stdout
        if stream is None:  # stdout was closed when Python started: nothing can be shown
            self.mode, stream = Mode.QUIET, _Discard()
        self.stream: TextIO = stream
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(file=self.stream, highlight=False)
        return self._console

    @console.setter
    def console(self, console: Console) -> None:  # a test's recording console
        self._console = console

    @classmethod
    def for_check(cls, *, quiet: bool, verbose: bool, stdout_is_data: bool,
                  notify_on: str = "problems") -> Terminal:
        # No stdout at all (`>&-`: sys.stdout is None) is no terminal; __init__ keeps it quiet.
        mode = choose_mode(quiet=quiet, stdout_is_data=stdout_is_data,
                           tty=sys.stdout is not None and sys.stdout.isatty())
        return cls(mode, verbose, notify_on=notify_on)

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
            TimeElapsedColumn(), TextColumn("{task.fields[last]}", style="dim", markup=False),
        )
        with Progress(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task("check", total=total, last="")

            def advance(result: Result) -> None:
                bar.update(task, advance=1, last=result.id)

            yield advance

    def summary(self, outcome: Outcome, fail_on: Sequence[str]) -> None:
        if self.mode is Mode.QUIET:
            return
        outcome = replace(outcome, run=display_run(outcome.run))  # page text is never markup
        if self.mode is Mode.PLAIN and (self.verbose or has_news(outcome, fail_on, self.notify_on)):
            self.stream.write(render_plain(outcome, fail_on, self.verbose))
            self.stream.flush()
        elif self.mode is Mode.RICH:
            self._rich_summary(outcome, fail_on)

    def _rich_summary(self, outcome: Outcome, fail_on: Sequence[str]) -> None:
        from rich.text import Text

        from .termtable import STYLES

        run = outcome.run
        if run.offline:
            self.console.print(f"[bold red]OFFLINE:[/] {OFFLINE_MESSAGE}")
            if not self.verbose:  # every row would say the same: unreachable from here
                self.console.print(f"{_resources(len(run.results))} not reached "
                                   "(--verbose lists them)", style="dim")
                return
        wanted = {change.resource_id for change in outcome.changes}
        by_id = {r.id: r for r in run.results if r.id in wanted} if wanted else {}
        for change in outcome.changes:
            old = change.old.value if change.old else "new"
            result = by_id.get(change.resource_id)
            line = Text(f"changed: {change.resource_id} {old} -> ")
            line.append(change.new.value, style=STYLES[change.new])
            line.append(f" (since {_when(change.since)})")
            if result is not None:
                line.append_text(page_text(f"  {result.url}", style="dim"))
            self.console.print(line)
        for text in _plain_sources(run.sources, self.verbose):
            self.console.print(Text(text))  # article text: never markup
        shown = [r for r in run.results
                 if self.verbose or r.status is not Status.OK or r.warnings]
        if shown:
            self.console.print(render_table(outcome, fail_on, self.verbose,
                                            width=self.console.width, now=datetime.now(UTC)))
        else:
            self.console.print(f"[green]all {_resources(len(run.results))} ok[/] "
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
