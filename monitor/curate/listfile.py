"""resources.toml as an editable document: the one place that writes the curated list.

tomlkit keeps the file's own text for everything we do not touch, so an edit changes only
the lines it must (tests compare bytes). Edits are checked with `config.parse_config` before
anything is written, and the write refuses when the file changed on disk since it was read.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.container import Container
from tomlkit.items import AoT, String, StringType, Table

from ..config import ConfigError, file_digest, parse_config
from ..safetext import display_text


class CurateError(Exception):
    """A curating command cannot go on; the message is one line for the curator, with any
    URL's password (and secret query values) masked and control characters neutralised."""

    def __init__(self, message: str) -> None:
        super().__init__(display_text(message))


_KEPT = re.compile(r"(\r?\n|\t)")


def shown(text: str) -> str:
    """What the curating commands print, made safe piece by piece by `display_text`: a URL's
    `user:password@` becomes `user:***@` (secret query values `***`), control characters
    U+FFFD; line breaks and tabs (a diff of the curator's own file) are kept."""
    return "".join(part if _KEPT.fullmatch(part) else display_text(part)
                   for part in _KEPT.split(text))


def say(text: str, *, err: bool = False) -> None:
    """print(shown(text)) to stdout, or to stderr."""
    print(shown(text), file=sys.stderr if err else sys.stdout)


class ListFile:
    """One resources.toml, read once, edited in memory, written back atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.original = path.read_bytes()
        except FileNotFoundError:
            raise CurateError(f"{path}: file not found") from None
        except OSError as exc:
            raise CurateError(f"{path}: cannot read: {exc.strerror}") from None
        try:
            self._text = self.original.decode("utf-8")
            self.doc = tomlkit.parse(self._text)
            self._crlf = "\r\n" in self._text and \
                self._text.count("\r\n") == self._text.count("\n")
        except (UnicodeDecodeError, tomlkit.exceptions.TOMLKitError) as exc:
            raise CurateError(f"{path}: cannot parse: {exc}") from None

    @property
    def digest(self) -> str:
        return file_digest(self.original)

    # -- reading ----------------------------------------------------------------------------

    def _resources(self) -> AoT:
        tables = self.doc.get("resource")
        if not isinstance(tables, AoT):
            raise CurateError(f"{self.path}: no [[resource]] list to edit")
        return tables

    def tables(self) -> Iterator[Table]:
        yield from self._resources()

    def resource(self, rid: str) -> Table:
        for table in self.tables():
            if table.get("id") == rid:
                return table
        raise CurateError(f"{self.path}: no resource with id {rid!r}")

    def ids(self) -> set[str]:
        return {str(table.get("id")) for table in self.tables()}

    # -- editing ----------------------------------------------------------------------------

    def set_url(self, rid: str, url: str) -> None:
        """Replace a resource's url, keeping its quoting (basic or literal) and any comment."""
        table = self.resource(rid)
        old = table.get("url")
        literal = isinstance(old, String) and old.type in (StringType.SLL, StringType.MLL)
        table["url"] = tomlkit.string(url, literal=literal and "'" not in url)

    def set_keys(self, rid: str, values: Mapping[str, Any]) -> None:
        """Set keys of a resource: in place when present, else after its last key (before any
        comment or blank line that introduces the next section)."""
        table = self.resource(rid)
        container: Container = table.value
        for key, value in values.items():
            if key in table:
                table[key] = value
                continue
            body = container.body
            after_last_key = 1 + max(i for i, (k, _) in enumerate(body) if k is not None)
            if after_last_key >= len(body):
                table.add(key, value)
            else:  # tomlkit has no public insert; _insert_at is in every release since 0.6
                container._insert_at(after_last_key, key, value)

    def remove_keys(self, rid: str, keys: list[str]) -> list[str]:
        table = self.resource(rid)
        removed = [key for key in keys if key in table]
        for key in removed:
            del table[key]
        return removed

    def append_resource(self, values: Mapping[str, Any], comment: str | None = None) -> None:
        """Add a [[resource]] block after the last one, separated by a blank line."""
        tables = self._resources()
        last = tables[-1]
        if not last.as_string().replace("\r\n", "\n").endswith("\n\n"):
            last.add(tomlkit.nl())
        table = tomlkit.table()
        if comment:
            table.add(tomlkit.comment(" ".join(comment.split())))
        for key, value in values.items():
            table.add(key, value)
        tables.append(table)
        if list(self.doc.keys())[-1] != "resource":  # another table follows: keep a gap
            table.add(tomlkit.nl())

    # -- output -----------------------------------------------------------------------------

    def text(self) -> str:
        text = self.doc.as_string()
        if self._crlf:  # tomlkit writes new lines with \n: follow the file's own endings
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        return text

    def changed(self) -> bool:
        return self.text() != self._text

    def diff(self) -> str:
        name = str(self.path)
        return "".join(difflib.unified_diff(
            self._text.splitlines(keepends=True), self.text().splitlines(keepends=True),
            fromfile=f"a/{name}", tofile=f"b/{name}",
        ))

    def save(self) -> None:
        """Validate, then replace the file atomically; refuse if it changed since read."""
        text = self.text()
        try:
            parse_config(text, self.path)
        except ConfigError as exc:  # a bug of ours, or a value the curator passed
            raise CurateError(f"not written, the result would be invalid: {exc}") from None
        try:
            current = self.path.read_bytes()
        except OSError as exc:
            raise CurateError(f"{self.path}: cannot read: {exc.strerror}") from None
        if current != self.original:
            raise CurateError(f"{self.path} changed while we were editing it; nothing written")
        folder = self.path.resolve().parent
        try:
            mode = self.path.stat().st_mode & 0o7777
            handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.",
                                            suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(text.encode("utf-8"))
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(temp, mode)
                os.replace(temp, self.path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise CurateError(f"{self.path}: cannot write: {exc.strerror}") from None
        self.original = text.encode("utf-8")
        self._text = text
