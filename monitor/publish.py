"""Writes a stored run's outputs: HTML status page, Markdown summary, JUnit XML, JSON.

Shared by `monitor check`, `monitor report` and the daemon. Every file is written atomically.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .config import Config
from .models import Run
from .outputs import write_atomic
from .outputs.jsonout import iter_json
from .outputs.junit import iter_junit
from .outputs.markdown import render_markdown
from .outputs.view import build_view, shown_in_full
from .safetext import display_run
from .store import Store


class OutputError(Exception):
    """An output (report, JSON, Markdown, JUnit, stdout) cannot be written; names the path."""


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


def files(targets: Targets) -> list[str]:
    return [t for t in (targets.report, targets.markdown, targets.junit, targets.json)
            if t and t != "-"]


def check_targets(targets: Targets) -> None:
    """Fail before fetching when an output clearly cannot be written: a directory in the way,
    or a folder we may not write into (the temp file and rename need it)."""
    for target in files(targets):
        path = Path(os.path.realpath(target))
        if path.is_dir():
            raise OutputError(f"{target}: cannot write an output there: it is a directory")
        if path.exists() and not path.is_file():
            continue  # a FIFO or a device: written through, nothing to create
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent  # created on write: the nearest existing one decides
        if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(f"{target}: cannot write an output there: "
                              f"{folder} is not a writable folder")


def silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush is quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _emit(target: str, text: str | Iterable[str]) -> None:
    try:
        if target == "-":
            sys.stdout.writelines([text] if isinstance(text, str) else text)
            sys.stdout.flush()
        else:
            write_atomic(Path(target), text)
    except BrokenPipeError:
        if target == "-":
            silence_stdout()
        raise OutputError(f"{'standard output' if target == '-' else target}: "
                          "the reader went away before the output was complete") from None
    except OSError as exc:
        name = "standard output" if target == "-" else target
        raise OutputError(f"{name}: cannot write: {exc.strerror or exc}") from None


def publish(
    run: Run, config: Config, store: Store, targets: Targets, fail_on: Sequence[str],
    *, now: datetime | None = None,
) -> None:
    full = shown_in_full(run) if targets.report or targets.markdown else None
    run = display_run(run)  # page text neutralised and credentials masked, in every format
    if targets.report or targets.markdown:
        view = build_view(run, store, history_runs=config.settings.history_runs,
                          now=now or datetime.now(UTC), full=full)
        heading = config.settings.title
        if targets.report:
            from .outputs.html import iter_html  # jinja2 (~0.1 s to import): only to render

            _emit(targets.report, iter_html(view, heading))
        if targets.markdown:
            _emit(targets.markdown, render_markdown(view, heading, fail_on))
    if targets.junit:
        _emit(targets.junit, iter_junit(run, fail_on))
    if targets.json:
        _emit(targets.json, iter_json(run))
