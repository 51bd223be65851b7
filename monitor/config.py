"""resources.toml -> Config.

tomllib parses; this module validates strictly (unknown keys, wrong types, duplicate ids, bad
URLs are errors) and points at the file, line and resource so the curator can fix it fast.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .models import Resource, Status
from .probe import DEFAULT_PROBES
from .validation import ConfigError as ConfigError  # re-exported: callers import it from here
from .validation import Validator, collect

DEFAULT_USER_AGENT = (
    "curated-link-monitor/0.1 (+https://github.com/curated-links/monitor; link-health check)"
)
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
INTERVAL_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")


@dataclass(frozen=True, slots=True)
class Notifier:
    """One `[[notify]]` table: where confirmed state changes are sent."""

    type: str  # "webhook" | "apprise"
    url: str | None = None
    url_env: str | None = None
    timeout: float = 10.0
    retries: int = 2
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """The global `[monitor]` table. Every key is optional."""

    timeout: float = 15.0
    concurrency: int = 32
    per_host: int = 2
    retries: int = 2
    user_agent: str = DEFAULT_USER_AGENT
    database: str = "monitor.sqlite3"
    max_bytes: int = 1024 * 1024
    max_redirects: int = 10
    host_delay: float = 0.0
    retry_after_max: float = 30.0
    respect_robots: bool = False
    title_threshold: float = 0.6
    confirm_runs: int = 2
    tls_warn_days: int = 14
    report: str = "reports/index.html"
    title: str = "Curated links"
    history_runs: int = 90
    retention_days: int = 400
    fail_on: tuple[str, ...] = ("broken", "down")
    schedule: str | None = None
    interval: str | None = None
    ca_bundle: str | None = None
    workers: int = 0  # processes for big runs; 0 = one per core (max 4) from 2,000 URLs up
    # Reached when every resource fails at the network level: none answers -> offline run.
    # Empty: fall back to "the failures span at least two hosts".
    offline_probe: tuple[str, ...] = DEFAULT_PROBES


@dataclass(frozen=True, slots=True)
class Config:
    settings: Settings
    resources: tuple[Resource, ...]
    notifiers: tuple[Notifier, ...] = ()
    path: Path | None = None
    base_dir: Path = field(default_factory=Path.cwd)

    def resolve(self, relative: str) -> Path:
        """Paths in the file are relative to the file's own folder, not the cwd."""
        path = Path(relative).expanduser()
        return path if path.is_absolute() else self.base_dir / path


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


def _positive(value: Any) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _non_negative(value: Any) -> str | None:
    return None if value >= 0 else "must not be negative"


def _fraction(value: Any) -> str | None:
    return None if 0 <= value <= 1 else "must be between 0 and 1"


def _string_list(value: Any) -> str | None:
    if all(isinstance(item, str) and item.strip() for item in value):
        return None
    return "must be a list of non-empty strings"


def _http_url(value: Any) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        return f"must be an http:// or https:// URL, got {value!r}"
    if not parts.hostname:
        return f"has no host name: {value!r}"
    try:
        _ = parts.port
    except ValueError:
        return f"has an invalid port: {value!r}"
    if any(ch.isspace() for ch in value):
        return f"must not contain spaces: {value!r}"
    return None


def _url_list(value: Any) -> str | None:
    return next((problem for url in value if (problem := _http_url(url))), None)


def _check_interval(value: Any) -> str | None:
    try:
        parse_interval(value)
    except ValueError as exc:
        return str(exc)
    return None


def _check_schedule(value: Any) -> str | None:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value)
    except ValueError as exc:
        return f"is not a valid crontab expression ({exc})"
    return None


def _check_fail_on(value: Any) -> str | None:
    try:
        parse_fail_on(value)
    except ValueError as exc:
        return str(exc)
    return None


_SETTING_CHECKS: dict[str, tuple[tuple[type, ...], Callable[[Any], str | None] | None]] = {
    "timeout": ((int, float), _positive),
    "concurrency": ((int,), _positive),
    "per_host": ((int,), _positive),
    "retries": ((int,), _non_negative),
    "user_agent": ((str,), lambda v: None if v.strip() else "must not be empty"),
    "database": ((str,), None),
    "max_bytes": ((int,), _positive),
    "max_redirects": ((int,), _non_negative),
    "host_delay": ((int, float), _non_negative),
    "retry_after_max": ((int, float), _non_negative),
    "respect_robots": ((bool,), None),
    "title_threshold": ((int, float), _fraction),
    "confirm_runs": ((int,), _positive),
    "tls_warn_days": ((int,), _non_negative),
    "report": ((str,), None),
    "title": ((str,), lambda v: None if v.strip() else "must not be empty"),
    "history_runs": ((int,), _positive),
    "retention_days": ((int,), _positive),
    "fail_on": ((list,), _check_fail_on),
    "schedule": ((str,), _check_schedule),
    "interval": ((str,), _check_interval),
    "ca_bundle": ((str,), None),
    "workers": ((int,), _non_negative),
    "offline_probe": ((list,), lambda v: _string_list(v) or _url_list(v)),
}
_RESOURCE_KEYS = {
    "id", "name", "url", "expected_title", "keywords", "tags", "title_threshold",
    "respect_robots",
}
_NOTIFY_KEYS = {"type", "url", "url_env", "timeout", "retries"}
_TOP_KEYS = {"monitor", "resource", "notify"}


def _settings(v: Validator, table: Any) -> Settings:
    line = v.where.table("monitor")
    if not isinstance(table, dict):
        raise v.fail(line, "[monitor] must be a table")
    v.check_keys(table, set(_SETTING_CHECKS), line, "[monitor]")
    values: dict[str, Any] = {}
    for key in table:
        if key not in _SETTING_CHECKS:
            continue  # reported by check_keys
        kinds, check = _SETTING_CHECKS[key]
        try:
            value = v.typed(table, key, kinds, line, check=check)
        except ConfigError as exc:
            v.errors.append(exc)
            continue
        if key == "fail_on":
            value = parse_fail_on(value)
        elif key == "offline_probe":
            value = tuple(value)
        elif kinds == (int, float):
            value = float(value)
        values[key] = value
    if "schedule" in values and "interval" in values:
        raise v.fail(v.where.key("interval", line), "set either 'schedule' or 'interval', not both")
    assert {f.name for f in fields(Settings)} >= set(values)
    return Settings(**values)


_RESOURCE_CHECKS: dict[str, tuple[tuple[type, ...], Callable[[Any], str | None] | None]] = {
    "url": ((str,), _http_url),
    "name": ((str,), None),
    "expected_title": ((str,), lambda s: None if s.strip() else
                       "must not be empty (leave it out instead)"),
    "keywords": ((list,), _string_list),
    "tags": ((list,), _string_list),
    "title_threshold": ((int, float), _fraction),
    "respect_robots": ((bool,), None),
}


def _resource(v: Validator, table: Any, index: int, seen: dict[str, int]) -> Resource:
    line = v.where.table("resource", index)
    if not isinstance(table, dict):
        raise v.fail(line, f"resource #{index + 1} must be a table")
    rid = table.get("id")
    label = rid if isinstance(rid, str) else f"#{index + 1}"
    v.check_keys(table, _RESOURCE_KEYS, line, "[[resource]]", label)
    for key, (kinds, check) in _RESOURCE_CHECKS.items():  # every bad value, not just the first
        if key in table:
            collect(v, lambda k=key, t=kinds, c=check: v.typed(  # type: ignore[misc]
                table, k, t, line, label, c))
    for required in ("id", "url"):
        if required not in table:
            raise v.fail(line, f"missing required key {required!r}", label)
    rid = v.typed(
        table, "id", (str,), line, label,
        lambda s: None if ID_PATTERN.match(s) else "must be lowercase letters, digits and '-'",
    )
    if rid in seen:
        raise v.fail(
            v.where.key("id", line), f"duplicate id (first defined on line {seen[rid]})", rid
        )
    seen[rid] = line or 0
    url = v.typed(table, "url", (str,), line, rid, _http_url).strip()
    name = v.typed(table, "name", (str,), line, rid) if "name" in table else rid
    expected = None
    if "expected_title" in table:
        expected = v.typed(
            table, "expected_title", (str,), line, rid,
            lambda s: None if s.strip() else "must not be empty (leave it out instead)",
        )
    keywords = tuple(v.typed(table, "keywords", (list,), line, rid, _string_list)) \
        if "keywords" in table else ()
    tags = tuple(v.typed(table, "tags", (list,), line, rid, _string_list)) \
        if "tags" in table else ()
    threshold = None
    if "title_threshold" in table:
        threshold = float(v.typed(table, "title_threshold", (int, float), line, rid, _fraction))
    robots = v.typed(table, "respect_robots", (bool,), line, rid) \
        if "respect_robots" in table else None
    return Resource(
        id=rid, name=name, url=url, expected_title=expected, keywords=keywords, tags=tags,
        title_threshold=threshold, respect_robots=robots, line=line,
    )


def _notifier(v: Validator, table: Any, index: int) -> Notifier:
    line = v.where.table("notify", index)
    if not isinstance(table, dict):
        raise v.fail(line, f"notify #{index + 1} must be a table")
    v.check_keys(table, _NOTIFY_KEYS, line, "[[notify]]")
    kind = v.typed(
        table, "type", (str,), line,
        check=lambda s: None if s in ("webhook", "apprise") else "must be 'webhook' or 'apprise'",
    ) if "type" in table else "webhook"
    url = v.typed(table, "url", (str,), line) if "url" in table else None
    url_env = v.typed(table, "url_env", (str,), line) if "url_env" in table else None
    if (url is None) == (url_env is None):
        raise v.fail(line, "[[notify]] needs exactly one of 'url' or 'url_env'")
    if kind == "webhook" and url is not None:
        problem = _http_url(url)
        if problem:
            raise v.fail(v.where.key("url", line), f"'url' {problem}")
    timeout = float(v.typed(table, "timeout", (int, float), line, check=_positive)) \
        if "timeout" in table else 10.0
    retries = v.typed(table, "retries", (int,), line, check=_non_negative) \
        if "retries" in table else 2
    return Notifier(kind, url, url_env, timeout, retries, line)


def parse_config(text: str, path: Path) -> Config:
    """Validate TOML text; `path` is used in messages and to resolve relative paths."""
    v = Validator(path, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    v.check_keys(data, _TOP_KEYS, None, "the top level")
    settings = collect(v, lambda: _settings(v, data.get("monitor", {})))
    raw_resources = data.get("resource", [])
    if not isinstance(raw_resources, list):
        v.errors.append(v.fail(v.where.top("resource"), "use [[resource]] (an array of tables)"))
        raw_resources = []
    elif not raw_resources:
        v.errors.append(v.fail(1, "no [[resource]] entries: nothing to check "
                                  "(`monitor init` writes an example)"))
    seen: dict[str, int] = {}
    resources = [collect(v, lambda i=i, t=t: _resource(v, t, i, seen))  # type: ignore[misc]
                 for i, t in enumerate(raw_resources)]
    raw_notify = data.get("notify", [])
    if not isinstance(raw_notify, list):
        v.errors.append(v.fail(v.where.top("notify"), "use [[notify]] (an array of tables)"))
        raw_notify = []
    notifiers = [collect(v, lambda i=i, t=t: _notifier(v, t, i))  # type: ignore[misc]
                 for i, t in enumerate(raw_notify)]
    if v.errors:
        ordered = sorted(v.errors, key=lambda e: e.line or 0)  # stable: file order
        messages = tuple(dict.fromkeys(str(e) for e in ordered))  # no repeats
        raise ConfigError("\n".join(messages), messages)
    assert settings is not None
    return Config(settings, tuple(r for r in resources if r is not None),
                  tuple(n for n in notifiers if n is not None), path, path.parent.resolve())


def load_config(path: str | Path) -> Config:
    """Read and validate a resources.toml file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found (looked for {path.resolve()}); start one "
                          "with `monitor init`, or name the list with -c FILE") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse_config(text, path)
