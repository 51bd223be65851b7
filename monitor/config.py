"""resources.toml -> Config.

tomllib parses; this module validates strictly (unknown keys, wrong types, duplicate ids, bad
URLs are errors) and points at the file, line and resource so the curator can fix it fast.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ._version import __version__
from .addresses import has_control_characters, url_problem
from .fieldchecks import ca_bundle_problem, header_value, non_empty_text, plain_text, up_to
from .models import Resource, Source, Status
from .probe import DEFAULT_PROBES
from .validation import ConfigError as ConfigError  # re-exported: callers import it from here
from .validation import Validator, collect

DEFAULT_USER_AGENT = (
    f"curated-link-monitor/{__version__} (+https://github.com/curated-links/monitor; "
    "link-health check)"
)
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
INTERVAL_PATTERN = re.compile(r"^\s*([0-9]{1,12}(?:\.[0-9]{1,9})?)\s*(s|m|h|d)?\s*$")
MAX_INTERVAL_DAYS = 366
ARCHIVE_ENDPOINT = "https://archive.org/wayback/available"
NOTIFY_ON = ("problems", "change")


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
    content_threshold: float = 0.4  # share of main text new or gone: content-changed
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
    allow_private: bool = False  # follow redirects from public pages into private addresses
    archive: bool = True  # look up archived copies of broken links
    archive_endpoint: str = ARCHIVE_ENDPOINT
    archive_timeout: float = 5.0
    notify_on: str = "problems"  # cron output: "problems" (every run) or "change"
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
    sources: tuple[Source, ...] = ()
    digest: str | None = None  # of the file's bytes: `monitor fix` knows what a run was based on

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


def _positive(value: Any) -> str | None:
    if not math.isfinite(value):
        return "must be a finite number"
    return None if value > 0 else "must be greater than 0"


def _non_negative(value: Any) -> str | None:
    if not math.isfinite(value):
        return "must be a finite number"
    return None if value >= 0 else "must not be negative"


def _fraction(value: Any) -> str | None:
    return None if 0 <= value <= 1 else "must be between 0 and 1"


def _string_list(value: Any) -> str | None:
    if not all(isinstance(item, str) and item.strip() for item in value):
        return "must be a list of non-empty strings"
    if any(has_control_characters(item) for item in value):
        return "must not contain control characters"
    return None


def _http_url(value: Any) -> str | None:
    return url_problem(value)


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
    if not all(isinstance(item, str) for item in value):
        return "must be a list of status names"
    try:
        parse_fail_on(value)
    except ValueError as exc:
        return str(exc)
    return None


_SETTING_CHECKS: dict[str, tuple[tuple[type, ...], Callable[[Any], str | None] | None]] = {
    "timeout": ((int, float), up_to(86_400, _positive)),
    "concurrency": ((int,), up_to(100_000, _positive)),
    "per_host": ((int,), up_to(10_000, _positive)),
    "retries": ((int,), up_to(100, _non_negative)),
    "user_agent": ((str,), header_value),
    "database": ((str,), plain_text),
    "max_bytes": ((int,), up_to(2**30, _positive)),
    "max_redirects": ((int,), up_to(1000, _non_negative)),
    "host_delay": ((int, float), up_to(86_400, _non_negative)),
    "retry_after_max": ((int, float), up_to(86_400, _non_negative)),
    "respect_robots": ((bool,), None),
    "title_threshold": ((int, float), _fraction),
    "content_threshold": ((int, float), _fraction),
    "confirm_runs": ((int,), up_to(1000, _positive)),
    "tls_warn_days": ((int,), up_to(36_500, _non_negative)),
    "report": ((str,), plain_text),
    "title": ((str,), non_empty_text),
    "history_runs": ((int,), up_to(100_000, _positive)),
    "retention_days": ((int,), up_to(36_500, _positive)),
    "fail_on": ((list,), _check_fail_on),
    "schedule": ((str,), _check_schedule),
    "interval": ((str,), _check_interval),
    "ca_bundle": ((str,), plain_text),
    "workers": ((int,), up_to(256, _non_negative)),
    "allow_private": ((bool,), None),
    "archive": ((bool,), None),
    "archive_endpoint": ((str,), _http_url),
    "archive_timeout": ((int, float), _positive),
    "notify_on": ((str,), lambda v: None if v in NOTIFY_ON
                  else f"must be one of {', '.join(map(repr, NOTIFY_ON))}, not {v!r}"),
    "offline_probe": ((list,), lambda v: _string_list(v) or _url_list(v)),
}
_RESOURCE_KEYS = {
    "id", "name", "url", "expected_title", "keywords", "tags", "title_threshold",
    "respect_robots", "allow_private", "content_threshold", "muted_until", "mute_note",
}
_NOTIFY_KEYS = {"type", "url", "url_env", "timeout", "retries"}
_SOURCE_KEYS = {"id", "name", "url", "selector"}
_TOP_KEYS = {"monitor", "resource", "notify", "source"}


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
    if "ca_bundle" in values:
        bundle = Path(values["ca_bundle"]).expanduser()
        problem = ca_bundle_problem(bundle if bundle.is_absolute() else v.path.parent / bundle)
        if problem:
            raise v.fail(v.where.key("ca_bundle", line), f"'ca_bundle' {problem}")
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
    name = v.typed(table, "name", (str,), line, rid, plain_text) \
        if "name" in table else rid
    expected = None
    if "expected_title" in table:
        expected = v.typed(
            table, "expected_title", (str,), line, rid,
            lambda s: plain_text(s) if s.strip() else
            "must not be empty (leave it out instead)",
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
    allow_private = v.typed(table, "allow_private", (bool,), line, rid) \
        if "allow_private" in table else None
    content = float(v.typed(table, "content_threshold", (int, float), line, rid, _fraction)) \
        if "content_threshold" in table else None
    muted_until, mute_note = _mute(v, table, line, rid)
    return Resource(
        id=rid, name=name, url=url, expected_title=expected, keywords=keywords, tags=tags,
        title_threshold=threshold, respect_robots=robots, line=line, allow_private=allow_private,
        content_threshold=content, muted_until=muted_until, mute_note=mute_note,
    )


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


def _mute(v: Validator, table: dict[str, Any], line: int | None, rid: str
          ) -> tuple[date | None, str | None]:
    until = None
    if "muted_until" in table:
        until = parse_date(table["muted_until"])
        if until is None:
            raise v.fail(v.where.key("muted_until", line),
                         "'muted_until' must be a date such as 2026-12-31", rid)
    note = None
    if "mute_note" in table:
        note = v.typed(table, "mute_note", (str,), line, rid)
        if until is None:
            raise v.fail(v.where.key("mute_note", line),
                         "'mute_note' without 'muted_until'", rid)
    return until, note


def file_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


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


def source_id_for(url: str) -> str:
    """A readable, stable id for a [[source]] without one: its host and path as a slug."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    slug = re.sub(r"[^a-z0-9]+", "-", f"{host}{parts.path}".lower()).strip("-")
    return slug[:60].rstrip("-") or "source"


def _selector(value: Any) -> str | None:
    import soupsieve  # beautifulsoup4's CSS engine, the one that applies the selector

    if not value.strip():
        return "must not be empty (leave it out to use the whole page)"
    try:
        soupsieve.compile(value)
    except soupsieve.SelectorSyntaxError as exc:
        return f"is not a valid CSS selector: {str(exc).splitlines()[0]}"
    return None


class _SourceValidator(Validator):
    def fail(self, line: int | None, message: str, resource: str | None = None) -> ConfigError:
        location = f"{self.path}:{line}" if line else str(self.path)
        subject = f"source {resource!r}: " if resource else ""
        return ConfigError(f"{location}: {subject}{message}", line=line)


def _source(parent: Validator, table: Any, index: int, seen: dict[str, int]) -> Source:
    v = _SourceValidator(parent.path, "")
    v.where = parent.where  # messages say "source 'id':" instead of "resource 'id':"
    v.errors = parent.errors  # one list, so validate reports every problem
    line = v.where.table("source", index)
    if not isinstance(table, dict):
        raise v.fail(line, f"source #{index + 1} must be a table")
    given, url = table.get("id"), table.get("url")
    label = given if isinstance(given, str) else \
        source_id_for(url) if isinstance(url, str) and not _http_url(url) else f"#{index + 1}"
    v.check_keys(table, _SOURCE_KEYS, line, "[[source]]", label)
    if "url" not in table:
        raise v.fail(line, "missing required key 'url'", label)
    url = v.typed(table, "url", (str,), line, label, _http_url).strip()
    if "id" in table:
        sid = v.typed(
            table, "id", (str,), line, label,
            lambda s: None if ID_PATTERN.match(s) else "must be lowercase letters, digits and '-'",
        )
    else:
        sid = source_id_for(url)
    if sid in seen:
        raise v.fail(
            v.where.key("id", line) if "id" in table else line,
            f"duplicate source id (first defined on line {seen[sid]})"
            + ("" if "id" in table else "; give each [[source]] its own 'id'"), sid,
        )
    seen[sid] = line or 0
    name = v.typed(table, "name", (str,), line, sid) if "name" in table else sid
    selector = v.typed(table, "selector", (str,), line, sid, _selector) \
        if "selector" in table else None
    return Source(id=sid, name=name, url=url, selector=selector, line=line)


def parse_config(text: str, path: Path) -> Config:
    """Validate TOML text; `path` is used in messages and to resolve relative paths."""
    text = text.removeprefix("\ufeff")  # a UTF-8 byte-order mark, as some editors write
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
    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list):
        v.errors.append(v.fail(v.where.top("source"), "use [[source]] (an array of tables)"))
        raw_sources = []
    source_ids: dict[str, int] = {}
    sources = [collect(v, lambda i=i, t=t: _source(v, t, i, source_ids))  # type: ignore[misc]
               for i, t in enumerate(raw_sources)]
    if v.errors:
        ordered = sorted(v.errors, key=lambda e: e.line or 0)  # stable: file order
        messages = tuple(dict.fromkeys(str(e) for e in ordered))  # no repeats
        raise ConfigError("\n".join(messages), messages)
    assert settings is not None
    return Config(settings, tuple(r for r in resources if r is not None),
                  tuple(n for n in notifiers if n is not None), path, path.parent.resolve(),
                  tuple(s for s in sources if s is not None))


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
    return replace(parse_config(text, path), digest=file_digest(raw))
