"""resources.toml -> Config.

tomllib parses; this module validates strictly (unknown keys, wrong types, duplicate ids, bad
URLs are errors) and points at the file, line and resource so the curator can fix it fast.
It is the reader and the public face of the config: the dataclasses live in `config_model`,
one validator per table in `config_sections`, single-value checks in `fieldchecks`, and line
finding with collected errors in `validation`; their public names are importable from here.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from .config_model import (
    ARCHIVE_ENDPOINT,
    DEFAULT_USER_AGENT,
    NOTIFY_ON,
    Config,
    Notifier,
    Settings,
)
from .config_sections import (
    parse_notifier,
    parse_resource,
    parse_settings,
    parse_source,
    source_id_for,
)
from .fieldchecks import (
    ID_PATTERN,
    INTERVAL_PATTERN,
    MAX_INTERVAL_DAYS,
    parse_date,
    parse_fail_on,
    parse_interval,
)
from .models import Resource, Source
from .tomlchunks import Chunks, Unsplittable
from .validation import ConfigError, Validator, collect

__all__ = [
    "ARCHIVE_ENDPOINT", "DEFAULT_USER_AGENT", "ID_PATTERN", "INTERVAL_PATTERN",
    "MAX_INTERVAL_DAYS", "NOTIFY_ON", "Config", "ConfigError", "Notifier", "Resource",
    "Settings", "Source", "file_digest", "load_config", "parse_config", "parse_date",
    "parse_fail_on", "parse_interval", "source_id_for",
]

_TOP_KEYS = {"monitor", "resource", "notify", "source"}


def file_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _tables(v: Validator, data: dict[str, Any], key: str) -> list[Any]:
    """The `[[key]]` array of tables; an error and none when `key` is something else."""
    tables = data.get(key, [])
    if not isinstance(tables, list):
        v.errors.append(v.fail(v.where.top(key), f"use [[{key}]] (an array of tables)"))
        return []
    return tables


def parse_config(text: str, path: Path) -> Config:
    """Validate TOML text; `path` is used in messages and to resolve relative paths."""
    text = text.removeprefix("\ufeff")  # a UTF-8 byte-order mark, as some editors write
    try:
        return _parse(text, path, chunked=True)  # one resource table in memory at a time
    except Unsplittable:
        return _parse(text, path, chunked=False)  # the same data, or tomllib's own error


def _parse(text: str, path: Path, *, chunked: bool) -> Config:
    v = Validator(path, text)
    raw_resources: Iterable[Any]
    if chunked:
        chunks = Chunks(text)
        data, raw_resources, empty = chunks.rest, chunks.resources(), chunks.count == 0
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        raw_resources = _tables(v, data, "resource")
        empty = data.get("resource", []) == []
    v.check_keys(data, _TOP_KEYS, None, "the top level")
    settings = collect(v, lambda: parse_settings(v, data.get("monitor", {})))
    if empty:  # missing or empty, not merely malformed
        v.errors.append(v.fail(1, "no [[resource]] entries: nothing to check "
                                  "(`monitor init` writes an example)"))
    seen: dict[str, int] = {}
    resources = [collect(v, lambda i=i, t=t: parse_resource(v, t, i, seen))  # type: ignore[misc]
                 for i, t in enumerate(raw_resources)]
    notifiers = [collect(v, lambda i=i, t=t: parse_notifier(v, t, i))  # type: ignore[misc]
                 for i, t in enumerate(_tables(v, data, "notify"))]
    source_ids: dict[str, int] = {}
    sources = [collect(v, lambda i=i, t=t: parse_source(v, t, i, source_ids))  # type: ignore[misc]
               for i, t in enumerate(_tables(v, data, "source"))]
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
