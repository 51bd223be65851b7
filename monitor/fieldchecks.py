"""Checks for single config values that would otherwise fail in the middle of a run: each
returns what is wrong (completing "'key' ...") or None. Pure, apart from loading a CA file."""

from __future__ import annotations

import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .addresses import has_control_characters


def up_to(limit: float, check: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    """`check`, and at most `limit`: larger values overflow timers, dates or C integers
    later, in the middle of a run."""
    def bounded(value: Any) -> str | None:
        return check(value) or (None if value <= limit else f"must be at most {limit:,}")
    return bounded


def plain_text(value: Any) -> str | None:
    """Strings that end up in reports, paths or XML: no control characters."""
    if has_control_characters(value):
        return "must not contain control characters"
    return None


def non_empty_text(value: Any) -> str | None:
    return "must not be empty" if not value.strip() else plain_text(value)


def header_value(value: Any) -> str | None:
    if not value.strip():
        return "must not be empty"
    if not (value.isascii() and value.isprintable()):
        return "must be printable ASCII (it is sent as an HTTP header)"
    return None


def ca_bundle_problem(path: Path) -> str | None:
    """The CA file must load now, as the fetcher will load it at the start of every run."""
    try:
        ssl.create_default_context(cafile=str(path))
    except FileNotFoundError:
        return f"file not found: {path}"
    except (ssl.SSLError, ValueError):  # SSLError is an OSError: test it first
        return f"{path} holds no PEM certificate (expected '-----BEGIN CERTIFICATE-----')"
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    return None
