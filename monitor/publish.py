"""Writes a stored run's outputs: HTML status page, Markdown summary, JUnit XML, JSON.

Shared by `monitor check`, `monitor report` and the daemon. Every file is written atomically.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .config import Config
from .models import Run
from .outputs import write_atomic
from .outputs.jsonout import iter_json
from .outputs.junit import render_junit
from .outputs.markdown import render_markdown
from .outputs.view import build_view
from .store import Store


@dataclass(frozen=True, slots=True)
class Targets:
    """Where outputs go; None means not wanted, '-' means standard output."""

    report: str | None = None
    markdown: str | None = None
    junit: str | None = None
    json: str | None = None


def report_path(config: Config, override: str | None, disabled: bool = False) -> str | None:
    if disabled:
        return None
    return override if override is not None else str(config.resolve(config.settings.report))


def _emit(target: str, text: str | Iterable[str]) -> None:
    if target == "-":
        sys.stdout.writelines([text] if isinstance(text, str) else text)
    else:
        write_atomic(Path(target), text)


def publish(
    run: Run, config: Config, store: Store, targets: Targets, fail_on: Sequence[str],
    *, now: datetime | None = None,
) -> None:
    if targets.report or targets.markdown:
        view = build_view(run, store, history_runs=config.settings.history_runs,
                          now=now or datetime.now(UTC))
        heading = config.settings.title
        if targets.report:
            from .outputs.html import iter_html  # jinja2 (~0.1 s to import): only to render

            _emit(targets.report, iter_html(view, heading))
        if targets.markdown:
            _emit(targets.markdown, render_markdown(view, heading, fail_on))
    if targets.junit:
        _emit(targets.junit, render_junit(run, fail_on))
    if targets.json:
        _emit(targets.json, iter_json(run))
