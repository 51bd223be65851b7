"""The report's read model: a stored run plus recent history -> plain data the templates show.

Pure apart from the Store queries at the top of `build_view`; everything the HTML, Markdown and
JUnit outputs need is computed here once, so the templates stay free of logic.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..judge import moved_to_url
from ..models import REASON_TEXT, SEVERITY, Hop, Reason, Result, Run, Status, TextDiff
from ..resultseq import select
from ..store import HistoryPoint, Store

# Above this many links the report shows problems in full and ok links one line each: a
# 10,000-row page of strips and sparklines is 14 MB that nobody reads.
COMPACT_OVER = 1000
# ...and lists at most this many ok links in all (a curator of a million links needs the
# problems and the counts, not a million ok rows); a line says how many more there are.
OK_LISTED = 1000
# History cells held for one report: 90 runs for up to ~2,200 links, fewer beyond.
HISTORY_POINTS = 200_000
ATTENTION = (Status.BROKEN, Status.DOWN, Status.MOVED, Status.DRIFTED, Status.BLOCKED)
STATUS_TEXT = {
    Status.OK: "OK",
    Status.MOVED: "Moved",
    Status.DRIFTED: "Drifted",
    Status.BLOCKED: "Blocked",
    Status.DOWN: "Down",
    Status.BROKEN: "Broken",
}
SPARK_WIDTH, SPARK_HEIGHT = 168, 24  # fits the report's history column


@dataclass(frozen=True, slots=True)
class Cell:
    """One run in a resource's history strip."""

    status: str  # a Status value, or "offline"
    label: str  # tooltip text


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a word diff between two titles: 'same', 'del' (old only) or 'ins' (new)."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class ResourceView:
    result: Result
    status_text: str
    reason_text: str
    new_url: str | None
    title_diff: tuple[Segment, ...]
    uptime_7d: float | None
    uptime_30d: float | None
    strip: tuple[Cell, ...]
    spark_points: str
    spark_max_ms: float
    spark_last_ms: float | None = None
    redirects: tuple[Hop, ...] = field(default=())
    content_diff: TextDiff | None = None  # content-changed: first sentences added/removed
    uptime_span: timedelta | None = None  # how much history the uptime figures cover

    @property
    def status(self) -> str:
        return self.result.status.value


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    resources: tuple[ResourceView, ...]  # shown in full
    counts: tuple[tuple[str, int], ...]
    condensed: tuple[ResourceView, ...] = ()  # ok links of a very long list: one line each
    unlisted: int = 0  # ok links of the group beyond the report's OK_LISTED


@dataclass(frozen=True, slots=True)
class ReportView:
    run: Run
    generated_at: datetime
    duration_s: float
    counts: tuple[tuple[str, str, int], ...]  # (status, label, count), worst first
    attention: tuple[ResourceView, ...]
    groups: tuple[Group, ...]
    history_runs: int
    warnings: int
    compact: bool = False
    # Links outside the attention list that carry a warning (a certificate about to expire...)
    warned: tuple[ResourceView, ...] = ()

    @property
    def problems(self) -> int:
        return sum(1 for item in self.attention if not item.result.muted)


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders 'r2' before 'r10' (digits compare as numbers)."""
    return tuple((0, int(part)) if part.isdigit() else (1, part)
                 for part in _DIGITS.split(text.lower()) if part)


def uptime_span_text(span: timedelta) -> str:
    """'20 min', '5 h', '12 d': the span an uptime figure covers."""
    seconds = span.total_seconds()
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return "<1 min"


def title_diff(old: str | None, new: str | None) -> tuple[Segment, ...]:
    """Word-level diff of two titles, for highlighting what changed."""
    a, b = (old or "").split(), (new or "").split()
    segments: list[Segment] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(Segment("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("del", " ".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment("ins", " ".join(b[j1:j2])))
    return tuple(segments)


def sparkline(values: list[float]) -> tuple[str, float]:
    """SVG polyline points for response times (oldest left), and the maximum shown."""
    if not values:
        return "", 0.0
    top = max(values) or 1.0
    if len(values) == 1:
        values = values * 2
    step = (SPARK_WIDTH - 6) / (len(values) - 1)  # 3 px each side: room for the end dot
    points = " ".join(
        f"{3 + i * step:.1f},{SPARK_HEIGHT - 3 - (v / top) * (SPARK_HEIGHT - 6):.1f}"
        for i, v in enumerate(values)
    )
    return points, top


def _cell(point: HistoryPoint) -> Cell:
    when = point.checked_at.strftime("%Y-%m-%d %H:%M UTC")
    if point.offline:
        return Cell("offline", f"{when}: not checked (this machine was offline)")
    return Cell(point.status, f"{when}: {point.status} ({point.reason})")


def _resource_view(
    result: Result, history: list[HistoryPoint], uptime_7d: float | None,
    uptime_30d: float | None, uptime_span: timedelta | None = None,
) -> ResourceView:
    # A time-out or refused connection says nothing about how fast the page is.
    times = [p.elapsed_ms for p in history
             if not p.offline and p.status != Status.DOWN.value and p.elapsed_ms > 0]
    points, top = sparkline(times)
    # Only a title change has two titles worth comparing; a page that lost its keywords
    # kept its title, and an all-'same' diff would only confuse.
    drifted = result.reason is Reason.TITLE_CHANGED and result.expected_title is not None
    return ResourceView(
        result=result,
        status_text=STATUS_TEXT[result.status],
        reason_text=REASON_TEXT[result.reason],
        new_url=moved_to_url(result.redirects, result.url) if result.status is Status.MOVED
        else None,
        title_diff=title_diff(result.expected_title, result.title) if drifted else (),
        uptime_7d=uptime_7d,
        uptime_30d=uptime_30d,
        strip=tuple(_cell(p) for p in history),
        spark_points=points,
        spark_max_ms=top,
        spark_last_ms=times[-1] if times else None,
        redirects=result.redirects,
        content_diff=result.content_diff if result.reason is Reason.CONTENT_CHANGED else None,
        uptime_span=uptime_span,
    )


def _counts(tally: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(tally.items(), key=lambda item: SEVERITY[Status(item[0])]))


def _line(result: Result) -> ResourceView:
    """An ok link of a long list, shown on one line: no history."""
    return ResourceView(result, STATUS_TEXT[result.status], REASON_TEXT[result.reason], None,
                        (), None, None, (), "", 0.0, redirects=result.redirects)


@dataclass(slots=True)
class _GroupBuild:
    full: list[ResourceView] = field(default_factory=list)
    lines: list[ResourceView] = field(default_factory=list)
    tally: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unlisted: int = 0


def shown_in_full(run: Run) -> list[str] | None:
    """The ids of the results `build_view` shows in full (all, or on a long list those that
    are not ok), asked of the history; None when the run's results must be read for them."""
    compact = len(run.results) > COMPACT_OVER
    rows = select(run.results, "resource_id", "status != ?" if compact else "1",
                  (Status.OK.value,) if compact else ())
    return None if rows is None else [rid for (rid,) in rows]


def build_view(
    run: Run, store: Store, *, history_runs: int, now: datetime,
    full: list[str] | None = None,
) -> ReportView:
    """Everything the reports show about `run`, with up to `history_runs` runs of history
    (fewer for very long lists, so the history held stays under HISTORY_POINTS).

    The results are read in passes, never held all at once: a list over COMPACT_OVER links
    shows every link that is not ok in full and up to OK_LISTED ok links one line each.
    `full`: those links' ids when known (`shown_in_full`), else a pass finds them."""
    compact = len(run.results) > COMPACT_OVER
    ids = full if full is not None else [
        r.id for r in run.results if not (compact and r.status is Status.OK)]
    history_runs = min(history_runs, max(2, HISTORY_POINTS // max(1, len(ids))))
    history = store.history(ids, history_runs, up_to=run.run_id)
    week = store.uptimes(now - timedelta(days=7), ids)
    month = store.uptimes(now - timedelta(days=30), ids)
    first = store.first_checks(now - timedelta(days=30), ids)
    del ids
    groups: dict[str, _GroupBuild] = {}
    attention: list[ResourceView] = []
    warned: list[ResourceView] = []
    listed = warnings = 0
    for r in run.results:
        group = groups.setdefault(r.tags[0] if r.tags else "untagged", _GroupBuild())
        group.tally[r.status.value] += 1
        warnings += bool(r.warnings)
        if compact and r.status is Status.OK:
            if listed < OK_LISTED:
                group.lines.append(_line(r))
                listed += 1
            else:
                group.unlisted += 1
            if r.warnings:
                warned.append(_line(r))
            continue
        view = _resource_view(r, history.get(r.id, []), week.get(r.id), month.get(r.id),
                              now - first[r.id] if r.id in first else None)
        group.full.append(view)
        # An offline run concluded nothing: nothing in it needs the curator's attention.
        if r.status in ATTENTION and not run.offline:
            attention.append(view)
        elif r.warnings:
            warned.append(view)
    attention.sort(
        key=lambda v: (v.result.muted, SEVERITY[v.result.status], natural_key(v.result.name)))
    summary = run.summary()
    counts = tuple(
        (status.value, STATUS_TEXT[status], summary[status.value])
        for status in sorted(Status, key=SEVERITY.__getitem__)
    )
    return ReportView(
        run=run,
        generated_at=now,
        duration_s=(run.finished_at - run.started_at).total_seconds(),
        counts=counts,
        attention=tuple(attention),
        groups=tuple(Group(name, tuple(g.full), _counts(g.tally), tuple(g.lines), g.unlisted)
                     for name, g in groups.items()),
        history_runs=history_runs,
        warnings=warnings,
        compact=compact,
        warned=tuple(warned),
    )
