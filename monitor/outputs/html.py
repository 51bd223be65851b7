"""The self-contained HTML status page (Jinja2, autoescaped: titles and URLs come from
hostile pages). Inline CSS and one optional inline script; no external resources."""

from __future__ import annotations

from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .. import __version__
from ..models import Status
from .view import ReportView


def safe_href(url: str | None) -> str:
    """Only http(s) URLs become links; anything else (javascript:, data:) becomes '#'."""
    if url and urlsplit(url).scheme in ("http", "https"):
        return url
    return "#"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%".replace(".0%", "%")


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("monitor.outputs", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["href"] = safe_href
    return env


def render_html(view: ReportView, heading: str) -> str:
    template = _environment().get_template("report.html.j2")
    return template.render(
        view=view, heading=heading, version=__version__, pct=percent,
        statuses=[status.value for status in Status],
    )
