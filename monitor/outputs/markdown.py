"""A Markdown summary for a GitHub job summary or a pull-request comment: problems first."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Reason, Status
from .view import STATUS_TEXT, ReportView

_ICON = {
    Status.OK: "🟢", Status.MOVED: "🔵", Status.DRIFTED: "🟡", Status.BLOCKED: "🟣",
    Status.DOWN: "🟠", Status.BROKEN: "🔴",
}


def md_escape(text: str | None) -> str:
    """Text safe inside a table cell: no pipes, no markup, no raw HTML, one line."""
    if not text:
        return ""
    out = " ".join(str(text).split())
    for char in "\\`*_[]<>|#":
        out = out.replace(char, "\\" + char)
    return out


_URL_QUOTE = {"<": "%3C", ">": "%3E", " ": "%20", "|": "%7C", "`": "%60"}


def md_url(url: str) -> str:
    """A URL safe as a link target `(<...>)` or a code span inside a table cell."""
    return "".join(_URL_QUOTE.get(char, char) for char in "".join(url.split()))


def _content_diffs(view: ReportView) -> list[str]:
    """Per content-changed link, the first sentences gone and new (escaped page text)."""
    lines: list[str] = []
    for item in view.attention:
        changes = item.content_diff
        if not changes:
            continue
        lines += [f"#### What changed: {md_escape(item.result.name)}", ""]
        lines += [f"- ➖ {md_escape(s)}" for s in changes.removed]
        lines += [f"- ➕ {md_escape(s)}" for s in changes.added]
        lines += ["", f"All changes: `monitor diff {item.result.id}`; if the page is still "
                      f"right: `monitor accept {item.result.id}`", ""]
    return lines


def render_markdown(view: ReportView, heading: str, fail_on: Sequence[str]) -> str:
    run = view.run
    failing = [v for v in view.attention if v.status in fail_on]
    verdict = (f"❌ {len(failing)} failing" if failing
               else "⚠️ needs attention" if view.attention else "✅ all links healthy")
    counts = " · ".join(f"{_ICON[Status(s)]} {label}: **{n}**" for s, label, n in view.counts if n)
    lines = [
        f"## Link health: {md_escape(heading)} — {verdict}",
        "",
        f"{len(run.results)} links checked {run.finished_at.strftime('%Y-%m-%d %H:%M UTC')} "
        f"in {view.duration_s:.2g} s. {counts}",
        "",
    ]
    if run.offline:
        lines += ["> **This machine looked offline**: every link failed at the network level,"
                  " so nothing was concluded about the sites.", ""]
    if view.attention:
        lines += ["### Needs attention", "",
                  "| | Link | Status | Why | Fix |", "|---|---|---|---|---|"]
        for item in view.attention:
            r = item.result
            fix = ""
            if item.new_url:
                fix = f"update to `{md_url(item.new_url)}`"  # no backslashes: code is literal
            elif r.reason is Reason.CONTENT_CHANGED:  # same title: the detail says how much
                fix = f"review `monitor diff {r.id}`, then `monitor accept {r.id}`"
            elif r.status is Status.DRIFTED and r.title:
                was = f"was “{md_escape(r.expected_title)}”, " if r.expected_title else ""
                fix = (f"{was}now “{md_escape(r.title)}”; review, then "
                       f"`monitor accept {r.id}`")
            # The Fix cell already says where it moved / what the title is now.
            shown = r.detail if r.detail and (
                not fix or r.reason is Reason.CONTENT_CHANGED) else ""
            why = md_escape(f"{item.reason_text}. {shown}" if shown else item.reason_text)
            lines.append(
                f"| {_ICON[r.status]} | [{md_escape(r.name)}](<{md_url(r.url)}>) | "
                f"{STATUS_TEXT[r.status]} | {why} | {fix} |"
            )
        lines.append("")
        lines += _content_diffs(view)
    lines += ["<details><summary>All links</summary>", "",
              "| Link | Status | HTTP | Time |", "|---|---|---|---|"]
    for group in view.groups:
        for item in group.resources:
            r = item.result
            lines.append(f"| [{md_escape(r.name)}](<{md_url(r.url)}>) | {_ICON[r.status]} "
                         f"{r.status.value} ({r.reason.value}) | {r.http_status or '—'} | "
                         f"{r.elapsed_ms:.0f} ms |")
    lines += ["", "</details>", ""]
    return "\n".join(lines)
