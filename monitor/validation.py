"""Finding mistakes in resources.toml and saying where they are: source lines for tables and
keys (tomllib reports none for valid TOML), typed checks, and every error collected so
`monitor validate` can list them all. `config_sections.py` says what is valid; this says
where not."""

from __future__ import annotations

import copy
import difflib
import re
from array import array
from collections.abc import Callable, MutableSequence
from pathlib import Path
from typing import Any, TypeVar

_T = TypeVar("_T")


class ConfigError(Exception):
    """A problem in resources.toml the user must fix; the message is shown as-is.

    `messages` holds every problem found (one `file:line: ...` each); str() joins them."""

    def __init__(self, message: str, messages: tuple[str, ...] = (),
                 line: int | None = None) -> None:
        super().__init__(message)
        self.messages = messages or (message,)
        self.line = line


_HEADER = re.compile(r"^[ \t]*(\[\[?)[ \t]*([A-Za-z0-9_.\"-]+)[ \t]*\]\]?", re.MULTILINE)


class Lines:
    """Finds source lines for tables and keys, since tomllib reports none for valid TOML.

    Table headers are indexed in one pass over the text (every resource's line is kept); the
    text is split into lines only when a key's line is asked for, which happens for errors:
    a million-line list is not held twice. Lines are counted by LF, as editors number them."""

    def __init__(self, text: str | None, source: Path | None = None) -> None:
        self._text = text
        self._source = source  # without text: read from here when a key's line is asked for
        self._lines: list[str] | None = None
        self.tables: dict[str, MutableSequence[int]] = {}
        number, last = 1, 0
        for match in _HEADER.finditer(text or ""):
            assert text is not None
            number += text.count("\n", last, match.start())
            last = match.start()
            self.tables.setdefault(match.group(2), []).append(number)

    @classmethod
    def of_file(cls, path: Path) -> Lines:
        """For a file read line by line: its table lines are given by `note` as they are
        read (kept as compact arrays), its text read again only if a key's line is needed."""
        return cls(None, path)

    def note(self, line: str, number: int) -> None:
        match = _HEADER.match(line)
        if match:
            self.tables.setdefault(match.group(2), array("l")).append(number)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            text = self._text
            if text is None:
                assert self._source is not None
                text = self._source.read_bytes().decode("utf-8", "replace").removeprefix(
                    "\ufeff")
            self._lines = text.split("\n")
        return self._lines

    def table(self, name: str, index: int = 0) -> int | None:
        found = self.tables.get(name, [])
        return found[index] if index < len(found) else None

    def top(self, key: str) -> int | None:
        """Line of a top-level `key = ...` or `[key]` / `[[key]]`."""
        return self.table(key) or self.key(key, 0) or None

    def key(self, key: str, start: int | None) -> int | None:
        """Line of `key = ...` inside the table starting at `start` (before the next table)."""
        if start is None:
            return None
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if re.match(r"^\s*\[", line):
                break
            if pattern.match(line):
                return number
        return start


def type_name(value: Any) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true/false",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


class Validator:
    noun = "resource"  # what messages call the entry named by `resource`

    def __init__(self, path: Path, text: str | Lines) -> None:
        self.path = path
        self.where = text if isinstance(text, Lines) else Lines(text)
        self.errors: list[ConfigError] = []  # every problem, so validate can list them all

    def about(self, noun: str) -> Validator:
        """The same file, lines and error list, with messages that say `noun 'id':`."""
        other = copy.copy(self)  # shallow: one error list, so validate reports every problem
        other.noun = noun
        return other

    def fail(self, line: int | None, message: str, resource: str | None = None) -> ConfigError:
        location = f"{self.path}:{line}" if line else str(self.path)
        subject = f"{self.noun} {resource!r}: " if resource else ""
        return ConfigError(f"{location}: {subject}{message}", line=line)

    def check_keys(
        self, table: dict[str, Any], allowed: set[str], line: int | None, what: str,
        resource: str | None = None,
    ) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                where = self.where.key(key, line) if line is not None else self.where.top(key)
                self.errors.append(self.fail(where, f"unknown key {key!r} in {what}{hint}",
                                             resource))

    def typed(
        self, table: dict[str, Any], key: str, kinds: tuple[type, ...], line: int | None,
        resource: str | None = None, check: Callable[[Any], str | None] | None = None,
    ) -> Any:
        value = table[key]
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if not ok:
            expected = " or ".join(type_name(kind()) for kind in kinds)
            raise self.fail(
                self.where.key(key, line),
                f"{key!r} must be {expected}, not {type_name(value)}", resource,
            )
        if check is not None:
            problem = check(value)
            if problem:
                raise self.fail(self.where.key(key, line), f"{key!r} {problem}", resource)
        return value

    def optional(
        self, table: dict[str, Any], key: str, kinds: tuple[type, ...], line: int | None,
        resource: str | None = None, check: Callable[[Any], str | None] | None = None,
        default: Any = None,
    ) -> Any:
        """`typed` when `key` is in `table`, else `default`."""
        if key not in table:
            return default
        return self.typed(table, key, kinds, line, resource, check)


def collect(v: Validator, build: Callable[[], _T]) -> _T | None:
    """Run one section's validation; record its first error and go on with the next."""
    try:
        return build()
    except ConfigError as exc:
        v.errors.append(exc)
        return None
