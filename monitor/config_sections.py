"""One validator per table of resources.toml: `[monitor]`, `[[resource]]`, `[[notify]]` and
`[[source]]`. Each takes the parsed table, says what is valid (allowed keys, types, value
checks from `fieldchecks`) and builds the dataclass; `validation` says where a mistake is."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .addresses import url_problem
from .config_model import NOTIFY_ON, Notifier, Settings
from .fieldchecks import (
    ca_bundle_problem,
    crontab,
    css_selector,
    fraction,
    header_value,
    identifier,
    interval,
    non_empty_text,
    non_negative,
    parse_date,
    parse_fail_on,
    plain_text,
    positive,
    status_list,
    string_list,
    up_to,
    url_list,
)
from .models import Resource, Source
from .validation import ConfigError, Validator

Check = Callable[[Any], str | None]

_SETTING_CHECKS: dict[str, tuple[tuple[type, ...], Check | None]] = {
    "timeout": ((int, float), up_to(86_400, positive)),
    "concurrency": ((int,), up_to(100_000, positive)),
    "per_host": ((int,), up_to(10_000, positive)),
    "retries": ((int,), up_to(100, non_negative)),
    "user_agent": ((str,), header_value),
    "database": ((str,), plain_text),
    "max_bytes": ((int,), up_to(2**30, positive)),
    "max_redirects": ((int,), up_to(1000, non_negative)),
    "host_delay": ((int, float), up_to(86_400, non_negative)),
    "retry_after_max": ((int, float), up_to(86_400, non_negative)),
    "respect_robots": ((bool,), None),
    "title_threshold": ((int, float), fraction),
    "content_threshold": ((int, float), fraction),
    "confirm_runs": ((int,), up_to(1000, positive)),
    "tls_warn_days": ((int,), up_to(36_500, non_negative)),
    "report": ((str,), plain_text),
    "title": ((str,), non_empty_text),
    "history_runs": ((int,), up_to(100_000, positive)),
    "retention_days": ((int,), up_to(36_500, positive)),
    "fail_on": ((list,), status_list),
    "schedule": ((str,), crontab),
    "interval": ((str,), interval),
    "ca_bundle": ((str,), plain_text),
    "workers": ((int,), up_to(256, non_negative)),
    "allow_private": ((bool,), None),
    "archive": ((bool,), None),
    "archive_endpoint": ((str,), url_problem),
    "archive_timeout": ((int, float), positive),
    "notify_on": ((str,), lambda v: None if v in NOTIFY_ON
                  else f"must be one of {', '.join(map(repr, NOTIFY_ON))}, not {v!r}"),
    "offline_probe": ((list,), lambda v: string_list(v) or url_list(v)),
}


def parse_settings(v: Validator, table: Any) -> Settings:
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


def _title_given(value: Any) -> str | None:
    return None if value.strip() else "must not be empty (leave it out instead)"


_RESOURCE_KEYS = {
    "id", "name", "url", "expected_title", "keywords", "tags", "title_threshold",
    "respect_robots", "allow_private", "content_threshold", "muted_until", "mute_note",
}
_RESOURCE_CHECKS: dict[str, tuple[tuple[type, ...], Check | None]] = {
    "url": ((str,), url_problem),
    "name": ((str,), None),
    "expected_title": ((str,), _title_given),
    "keywords": ((list,), string_list),
    "tags": ((list,), string_list),
    "title_threshold": ((int, float), fraction),
    "respect_robots": ((bool,), None),
}


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def parse_resource(v: Validator, table: Any, index: int, seen: dict[str, int] | None
                   ) -> Resource:
    """One `[[resource]]` table; `seen` ({id: line}) finds duplicate ids (None: the caller
    finds them, as a spooled list does on disk)."""
    line = v.where.table("resource", index)
    if not isinstance(table, dict):
        raise v.fail(line, f"resource #{index + 1} must be a table")
    rid = table.get("id")
    label = rid if isinstance(rid, str) else f"#{index + 1}"
    v.check_keys(table, _RESOURCE_KEYS, line, "[[resource]]", label)
    passed: set[str] = set()  # keys whose value this first pass found good
    for key, (kinds, check) in _RESOURCE_CHECKS.items():  # every bad value, not just the first
        if key in table:
            try:
                v.typed(table, key, kinds, line, label, check)
            except ConfigError as exc:
                v.errors.append(exc)
            else:
                passed.add(key)
    for required in ("id", "url"):
        if required not in table:
            raise v.fail(line, f"missing required key {required!r}", label)
    rid = v.typed(table, "id", (str,), line, label, identifier)
    if seen is not None:
        if rid in seen:
            raise v.fail(v.where.key("id", line),
                         f"duplicate id (first defined on line {seen[rid]})", rid)
        seen[rid] = line or 0
    # The same check as the first pass (url_problem is the costly one: ~40% of the time
    # spent per resource): not repeated when that pass found the URL good.
    url = (table["url"] if "url" in passed
           else v.typed(table, "url", (str,), line, rid, url_problem)).strip()
    name = v.optional(table, "name", (str,), line, rid, plain_text, default=rid)
    expected = v.optional(table, "expected_title", (str,), line, rid,
                          lambda s: _title_given(s) or plain_text(s))
    keywords = tuple(v.optional(table, "keywords", (list,), line, rid, string_list, ()))
    tags = tuple(v.optional(table, "tags", (list,), line, rid, string_list, ()))
    threshold = _number(v.optional(table, "title_threshold", (int, float), line, rid, fraction))
    robots = v.optional(table, "respect_robots", (bool,), line, rid)
    allow_private = v.optional(table, "allow_private", (bool,), line, rid)
    content = _number(v.optional(table, "content_threshold", (int, float), line, rid, fraction))
    muted_until, mute_note = _mute(v, table, line, rid)
    return Resource(
        id=rid, name=name, url=url, expected_title=expected, keywords=keywords, tags=tags,
        title_threshold=threshold, respect_robots=robots, line=line, allow_private=allow_private,
        content_threshold=content, muted_until=muted_until, mute_note=mute_note,
    )


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


_NOTIFY_KEYS = {"type", "url", "url_env", "timeout", "retries"}


def parse_notifier(v: Validator, table: Any, index: int) -> Notifier:
    line = v.where.table("notify", index)
    if not isinstance(table, dict):
        raise v.fail(line, f"notify #{index + 1} must be a table")
    v.check_keys(table, _NOTIFY_KEYS, line, "[[notify]]")
    kind = v.optional(
        table, "type", (str,), line,
        check=lambda s: None if s in ("webhook", "apprise") else "must be 'webhook' or 'apprise'",
        default="webhook",
    )
    url = v.optional(table, "url", (str,), line)
    url_env = v.optional(table, "url_env", (str,), line)
    if (url is None) == (url_env is None):
        raise v.fail(line, "[[notify]] needs exactly one of 'url' or 'url_env'")
    if kind == "webhook" and url is not None:
        problem = url_problem(url)
        if problem:
            raise v.fail(v.where.key("url", line), f"'url' {problem}")
    timeout = float(v.optional(table, "timeout", (int, float), line, check=positive,
                               default=10.0))
    retries = v.optional(table, "retries", (int,), line, check=non_negative, default=2)
    return Notifier(kind, url, url_env, timeout, retries, line)


_SOURCE_KEYS = {"id", "name", "url", "selector"}


def source_id_for(url: str) -> str:
    """A readable, stable id for a [[source]] without one: its host and path as a slug."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    slug = re.sub(r"[^a-z0-9]+", "-", f"{host}{parts.path}".lower()).strip("-")
    return slug[:60].rstrip("-") or "source"


def parse_source(parent: Validator, table: Any, index: int, seen: dict[str, int]) -> Source:
    v = parent.about("source")  # messages say "source 'id':" instead of "resource 'id':"
    line = v.where.table("source", index)
    if not isinstance(table, dict):
        raise v.fail(line, f"source #{index + 1} must be a table")
    given, url = table.get("id"), table.get("url")
    label = given if isinstance(given, str) else \
        source_id_for(url) if isinstance(url, str) and not url_problem(url) else f"#{index + 1}"
    v.check_keys(table, _SOURCE_KEYS, line, "[[source]]", label)
    if "url" not in table:
        raise v.fail(line, "missing required key 'url'", label)
    url = v.typed(table, "url", (str,), line, label, url_problem).strip()
    if "id" in table:
        sid = v.typed(table, "id", (str,), line, label, identifier)
    else:
        sid = source_id_for(url)
    if sid in seen:
        raise v.fail(
            v.where.key("id", line) if "id" in table else line,
            f"duplicate source id (first defined on line {seen[sid]})"
            + ("" if "id" in table else "; give each [[source]] its own 'id'"), sid,
        )
    seen[sid] = line or 0
    name = v.optional(table, "name", (str,), line, sid, default=sid)
    selector = v.optional(table, "selector", (str,), line, sid, css_selector)
    return Source(id=sid, name=name, url=url, selector=selector, line=line)
