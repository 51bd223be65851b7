"""A Markdown summary for a GitHub job summary or a pull-request comment: problems first."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import LinkChange, Reason, SourceReport, Status
from ..mute import mute_label
from .view import STATUS_TEXT, ReportView

_ICON = {
    Status.OK: "🟢", Status.MOVED: "🔵", Status.DRIFTED: "🟡", Status.BLOCKED: "🟣",
    Status.DOWN: "🟠", Status.BROKEN: "🔴",
}


ZWSP = "\u200b"  # zero-width space: invisible, but breaks a mention or an autolink
_MD_SPECIAL = frozenset("\\`*_[]<>|#&~")
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto)(:)|\b(www)(\.)")


def md_escape(text: str | None) -> str:
    """Text safe inside a table cell of a GitHub comment: no pipes, no markup, no raw HTML or
    entities, one line; `@someone` pings nobody and bare URLs do not become links."""
    if not text:
        return ""
    out = "".join("\\" + c if c in _MD_SPECIAL else c for c in " ".join(str(text).split()))
    out = out.replace("@", "@" + ZWSP)
    return _AUTOLINK.sub(lambda m: f"{m.group(1) or m.group(3)}{ZWSP}{m.group(2) or m.group(4)}",
                         out)


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
    failing = [v for v in view.attention if v.status in fail_on and not v.result.muted]
    verdict = ("📴 offline: nothing concluded" if run.offline
               else f"❌ {len(failing)} failing" if failing
               else "⚠️ needs attention" if view.attention else "✅ all links healthy")
    counts = " · ".join(f"{_ICON[Status(s)]} {label}: **{n}**" for s, label, n in view.counts if n)
    lines = [
        f"## Link health: {md_escape(heading)} — {verdict}",
        "",
        f"{len(run.results)} link{'' if len(run.results) == 1 else 's'} checked "
        f"{run.finished_at.strftime('%Y-%m-%d %H:%M UTC')} "
        f"in {view.duration_s:.2g} s. {counts}",
        "",
    ]
    if run.offline:  # the headline: the counts below say nothing about the sites
        lines[2:2] = ["> **This machine looked offline**: every link failed at the network "
                      "level, so nothing was concluded about the sites.", ""]
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
            elif r.reason is Reason.KEYWORD_MISSING:  # accept takes titles, not keywords
                fix = "check the page; if it is still right, edit its `keywords`"
            elif r.status is Status.DRIFTED and r.title:
                was = f"was “{md_escape(r.expected_title)}”, " if r.expected_title else ""
                fix = (f"{was}now “{md_escape(r.title)}”; review, then "
                       f"`monitor accept {r.id}`")
            elif r.archived is not None:
                fix = (f"[archived copy from {r.archived.taken_at:%Y-%m-%d}]"
                       f"(<{md_url(r.archived.url)}>)")
            # The Fix cell already says where it moved / what the title is now.
            shown = r.detail if r.detail and (
                not fix or r.reason is Reason.CONTENT_CHANGED) else ""
            why = md_escape(f"{item.reason_text}. {shown}" if shown else item.reason_text)
            if r.muted:  # a known problem: said first, so it reads as acknowledged
                why = f"🔇 *{md_escape(mute_label(r.muted_until, r.mute_note))}*. {why}"
            lines.append(
                f"| {_ICON[r.status]} | [{md_escape(r.name)}](<{md_url(r.url)}>) | "
                f"{STATUS_TEXT[r.status]} | {why} | {fix} |"
            )
        lines.append("")
        lines += _content_diffs(view)
    warned = [r for r in run.results if r.warnings]
    if warned:
        lines += ["### Warnings", ""]
        lines += [f"- ⚠️ [{md_escape(r.name)}](<{md_url(r.url)}>): {md_escape(w)}"
                  for r in warned for w in r.warnings]
        lines.append("")
    lines += _sources(view.run.sources)
    lines += ["<details><summary>All links</summary>", "",
              "| Link | Status | HTTP | Time |", "|---|---|---|---|"]
    for group in view.groups:
        for item in group.resources:
            r = item.result
            muted = " 🔇 muted" if r.muted else ""
            lines.append(f"| [{md_escape(r.name)}](<{md_url(r.url)}>) | {_ICON[r.status]} "
                         f"{r.status.value} ({r.reason.value}){muted} | {r.http_status or '—'} | "
                         f"{r.elapsed_ms:.0f} ms |")
    lines += ["", "</details>", ""]
    return "\n".join(lines)


def _changes(label: str, changes: tuple[LinkChange, ...]) -> list[str]:
    if not changes:
        return []
    lines = [f"- {label}:"]
    for c in changes:
        curated = f" (resource `{c.resource_id}`)" if c.resource_id else ""
        pending = "" if c.confirmed else f" — unconfirmed, seen in {c.streak} run(s)"
        lines.append(f"  - [{md_escape(c.text or c.url)}](<{md_url(c.url)}>){curated} since "
                     f"{c.since:%Y-%m-%d %H:%M UTC}{pending}")
    return lines


def _sources(reports: tuple[SourceReport, ...]) -> list[str]:
    """The watched source articles: unreadable ones, and links that came and went."""
    if not reports:
        return []
    lines = ["### Source articles", ""]
    for s in reports:
        state = (f"{s.links} outbound links" if s.status is Status.OK
                 else f"{_ICON[s.status]} could not be read: {md_escape(s.detail)}"
                 + ("" if s.confirmed else f" (unconfirmed, {s.streak} run(s))"))
        lines.append(f"**[{md_escape(s.name)}](<{md_url(s.url)}>)** — {state}")
        lines.append("")
        body = (_changes("Curated links the article no longer links to", s.unlinked)
                + _changes("Added to the article", s.added)
                + _changes("Removed from the article", s.removed))
        if s.status is Status.OK and not body:
            body = ["- no change in its links since the last run"]
        lines += [*body, ""] if body else []
    return lines
