"""Parsing and checking single config values, so that none fails in the middle of a run.

Each check returns what is wrong (completing "'key' ...") or None; each parser turns one value
into what the program uses or raises ValueError with the message. Pure, apart from loading a
CA file."""

from __future__ import annotations

import math
import re
import ssl
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from .addresses import has_control_characters, url_problem
from .models import Status

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
INTERVAL_PATTERN = re.compile(r"^\s*([0-9]{1,12}(?:\.[0-9]{1,9})?)\s*(s|m|h|d)?\s*$")
MAX_INTERVAL_DAYS = 366


def parse_interval(text: str) -> float:
    """'30m' -> 1800.0 seconds; a bare number is seconds."""
    match = INTERVAL_PATTERN.match(text)
    if not match:
        raise ValueError(f"invalid interval {text!r}: use e.g. '90s', '30m', '6h', '1d'")
    number = float(match.group(1))
    unit = match.group(2) or "s"
    seconds = number * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    if seconds <= 0:
        raise ValueError(f"invalid interval {text!r}: must be positive")
    if seconds > MAX_INTERVAL_DAYS * 86400:
        raise ValueError(f"invalid interval {text!r}: at most {MAX_INTERVAL_DAYS} days")
    return seconds


def parse_fail_on(text: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    items = text.split(",") if isinstance(text, str) else list(text)
    statuses = tuple(item.strip() for item in items if item.strip())
    valid = {status.value for status in Status}
    bad = [s for s in statuses if s not in valid]
    if bad:
        raise ValueError(
            f"unknown status {', '.join(map(repr, bad))} in fail_on; "
            f"choose from {', '.join(sorted(valid))}"
        )
    return statuses


def parse_date(value: object) -> date | None:
    """A TOML date (2026-12-31) or the same as a string; None when it is neither."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def up_to(limit: float, check: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    """`check`, and at most `limit`: larger values overflow timers, dates or C integers
    later, in the middle of a run."""
    def bounded(value: Any) -> str | None:
        return check(value) or (None if value <= limit else f"must be at most {limit:,}")
    return bounded


def positive(value: Any) -> str | None:
    if not math.isfinite(value):
        return "must be a finite number"
    return None if value > 0 else "must be greater than 0"


def non_negative(value: Any) -> str | None:
    if not math.isfinite(value):
        return "must be a finite number"
    return None if value >= 0 else "must not be negative"


def fraction(value: Any) -> str | None:
    return None if 0 <= value <= 1 else "must be between 0 and 1"


def identifier(value: Any) -> str | None:
    return None if ID_PATTERN.match(value) else "must be lowercase letters, digits and '-'"


def plain_text(value: Any) -> str | None:
    """Strings that end up in reports, paths or XML: no control characters."""
    if has_control_characters(value):
        return "must not contain control characters"
    return None


def non_empty_text(value: Any) -> str | None:
    return "must not be empty" if not value.strip() else plain_text(value)


def string_list(value: Any) -> str | None:
    if not all(isinstance(item, str) and item.strip() for item in value):
        return "must be a list of non-empty strings"
    if any(has_control_characters(item) for item in value):
        return "must not contain control characters"
    return None


def url_list(value: Any) -> str | None:
    return next((problem for url in value if (problem := url_problem(url))), None)


def header_value(value: Any) -> str | None:
    if not value.strip():
        return "must not be empty"
    if not (value.isascii() and value.isprintable()):
        return "must be printable ASCII (it is sent as an HTTP header)"
    return None


def _parse_problem(parse: Callable[[Any], object], value: Any) -> str | None:
    """The message of the ValueError `parse(value)` raises, or None."""
    try:
        parse(value)
    except ValueError as exc:
        return str(exc)
    return None


def interval(value: Any) -> str | None:
    return _parse_problem(parse_interval, value)


def crontab(value: Any) -> str | None:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value)
    except ValueError as exc:
        return f"is not a valid crontab expression ({exc})"
    return None


def status_list(value: Any) -> str | None:
    if not all(isinstance(item, str) for item in value):
        return "must be a list of status names"
    return _parse_problem(parse_fail_on, value)


def css_selector(value: Any) -> str | None:
    import soupsieve  # beautifulsoup4's CSS engine, the one that applies the selector

    if not value.strip():
        return "must not be empty (leave it out to use the whole page)"
    try:
        soupsieve.compile(value)
    except soupsieve.SelectorSyntaxError as exc:
        return f"is not a valid CSS selector: {str(exc).splitlines()[0]}"
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
