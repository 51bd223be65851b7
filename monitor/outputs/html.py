"""The self-contained HTML status page (Jinja2, autoescaped: titles and URLs come from
hostile pages). Inline CSS and one optional inline script; no external resources.

Defence in depth: a Content-Security-Policy forbids every fetch and allows only our own
inline script, by hash, so even a templating mistake could not run a page-supplied script.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import cache
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .. import __version__
from ..models import Status
from .jsonout import utc_iso
from .template_cache import bytecode_cache
from .view import (
    COMPACT_OVER,
    OK_LISTED,
    SPARK_HEIGHT,
    SPARK_WIDTH,
    ReportView,
    ResourceView,
    uptime_span_text,
)

#: A glyph beside every status word, so status never rests on colour alone.
ICONS = {"ok": "✓", "moved": "↪", "drifted": "≠", "blocked": "⊘", "down": "↓", "broken": "✕",
         "offline": "…"}


def safe_href(url: str | None) -> str:
    """Only http(s) URLs become links; anything else (javascript:, data:) becomes '#'."""
    try:
        scheme = urlsplit(url).scheme.lower() if url else ""
    except ValueError:
        scheme = ""
    return url if url and scheme in ("http", "https") else "#"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%".replace(".0%", "%")


def uptime(item: ResourceView) -> tuple[str, str]:
    """('100%', 'over 20 min') while the history is short; ('99% · 98%', '') (7 d · 30 d)
    once it is long enough that the figures mean what their headings say."""
    span = item.uptime_span
    if span is None:
        return "—", ""
    if span < timedelta(days=7):
        return percent(item.uptime_7d), f"over {uptime_span_text(span)}"
    both = f"{percent(item.uptime_7d)} · {percent(item.uptime_30d)}"
    return both, "" if span >= timedelta(days=29) else f"over {uptime_span_text(span)}"


def ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def ago(then: datetime | None, now: datetime) -> str:
    """'<1 min', '12 min', '5 h', '3 d': coarse on purpose, the exact time is in a tooltip."""
    if then is None:
        return ""
    seconds = max(0.0, (now - then).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return "<1 min"


def since(then: datetime | None, started: datetime, now: datetime) -> str:
    """'since this run' for a status that began now, else 'for 5 h'."""
    if then is None:
        return ""
    return "since this run" if then >= started else f"for {ago(then, now)}"


def how_long_ago(then: datetime | None, started: datetime, now: datetime) -> str:
    """'in this run' for something first seen now, else '5 h ago'."""
    if then is None:
        return ""
    return "in this run" if then >= started else f"{ago(then, now)} ago"


def when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("monitor.outputs", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=bytecode_cache(),
    )
    env.filters.update(href=safe_href, ms=ms, when=when, iso=utc_iso)
    return env


def render_html(view: ReportView, heading: str) -> str:
    return "".join(iter_html(view, heading))


def iter_html(view: ReportView, heading: str) -> Iterator[str]:
    """The page in chunks as Jinja2 generates it, so a big report is written out as it is
    rendered instead of being held whole in memory."""
    env = _environment()
    script = env.get_template("report.js.j2").render()
    return env.get_template("report.html.j2").generate(
        view=view, heading=heading, version=__version__, pct=percent, uptime=uptime,
        since=lambda then: since(then, view.run.started_at, view.run.finished_at),
        ago=lambda then: how_long_ago(then, view.run.started_at, view.run.finished_at),
        statuses=[status.value for status in Status], icons=ICONS,
        script=script, script_hash=script_hash(script), spark_w=SPARK_WIDTH,
        spark_h=SPARK_HEIGHT, compact_over=COMPACT_OVER, ok_listed=OK_LISTED,
    )
