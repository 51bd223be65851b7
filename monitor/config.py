"""resources.toml -> Config.

tomllib parses; this module validates strictly (unknown keys, wrong types, duplicate ids, bad
URLs are errors) and points at the file, line and resource so the curator can fix it fast.
It is the reader and the public face of the config: the dataclasses live in `config_model`,
one validator per table in `config_sections`, single-value checks in `fieldchecks`, and line
finding with collected errors in `validation`; their public names are importable from here.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Sequence
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
from .spool import Spool
from .tomlchunks import Chunks, FileChunks, NotUtf8, Unsplittable
from .validation import ConfigError, Lines, Validator, collect

__all__ = [
    "ARCHIVE_ENDPOINT", "DEFAULT_USER_AGENT", "ID_PATTERN", "INTERVAL_PATTERN",
    "MAX_INTERVAL_DAYS", "NOTIFY_ON", "Config", "ConfigError", "Notifier", "Resource",
    "Settings", "Source", "file_digest", "load_config", "parse_config", "parse_date",
    "parse_fail_on", "parse_interval", "source_id_for",
]

_TOP_KEYS = {"monitor", "resource", "notify", "source"}
#: A resources.toml bigger than this (~20,000 links) is read line by line and its resources
#: kept on disk: smaller lists are read whole, which is faster to start.
SPOOL_BYTES = 2_000_000


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
    def resources() -> tuple[Resource, ...]:
        seen: dict[str, int] = {}
        parsed = [collect(v, lambda i=i, t=t: parse_resource(v, t, i, seen))  # type: ignore[misc]
                  for i, t in enumerate(raw_resources)]
        return tuple(r for r in parsed if r is not None)

    return _finish(v, path, data, empty, resources)


def _finish(v: Validator, path: Path, data: dict[str, Any], empty: bool,
            resources: Callable[[], Sequence[Resource]]) -> Config:
    """The rest validated, the resources in file order (`resources()`), then every error
    found raised together."""
    v.check_keys(data, _TOP_KEYS, None, "the top level")
    settings = collect(v, lambda: parse_settings(v, data.get("monitor", {})))
    if empty:  # missing or empty, not merely malformed
        v.errors.append(v.fail(1, "no [[resource]] entries: nothing to check "
                                  "(`monitor init` writes an example)"))
    checked = resources()
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
    return Config(settings, checked, tuple(n for n in notifiers if n is not None), path,
                  path.parent.resolve(), tuple(s for s in sources if s is not None))


def load_config(path: str | Path, *, spool_bytes: int | None = None) -> Config:
    """Read and validate a resources.toml file. One bigger than `spool_bytes` (default
    `SPOOL_BYTES`) is read line by line and its resources kept on disk (`monitor.spool`)."""
    path = Path(path)
    limit = SPOOL_BYTES if spool_bytes is None else spool_bytes
    try:
        if path.stat().st_size > limit:
            return _load_big(path)
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


def _load_big(path: Path) -> Config:
    """`load_config` for a big list: one resource table in memory at a time, the resources
    spooled to disk as they are validated, duplicate ids found in the spool."""
    lines = Lines.of_file(path)
    v = Validator(path, lines)
    chunks = FileChunks(path, lines.note)
    try:
        spool = Spool()
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(f"{path}: a list this big is kept on disk while it is checked, "
                          f"and the temp folder ({tempfile.gettempdir()}) cannot take it: "
                          f"{exc}; set TMPDIR to a writable folder") from None
    try:
        for index, (_, table) in enumerate(chunks.resources()):
            resource = collect(
                v, lambda t=table, i=index: parse_resource(v, t, i, None))  # type: ignore[misc]
            if resource is not None:
                spool.add(resource)
        for rid, line, first in spool.duplicates():
            v.errors.append(v.fail(v.where.key("id", line),
                                   f"duplicate id (first defined on line {first or 0})", rid))
        spooled = spool.finish()
        config = _finish(v, path, chunks.rest, chunks.count == 0, lambda: spooled)
    except NotUtf8 as exc:
        spool.discard()
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except Unsplittable:
        spool.discard()
        return load_config(path, spool_bytes=sys.maxsize)  # tomllib decides, on the whole
    except BaseException:
        spool.discard()
        raise
    return replace(config, digest=chunks.digest)
