"""Reading a big resources.toml one `[[resource]]` table at a time.

`tomllib.loads` builds the whole document before anything can be validated: for a list of a
million links that is a million dicts alive at once (~1 KB each with their keys and values)
next to the Resources made from them. Here the text is cut at its table headers; the
`[[resource]]` tables are parsed one by one, as the caller asks for them, and everything else
(`[monitor]`, `[[source]]`, `[[notify]]`, top-level keys) is parsed together.

The cut is exact or it fails: a line that starts with `[` outside any multi-line value is a
table header, and one inside a multi-line array or string leaves the piece before it
unterminated, which tomllib refuses. Any refusal, and any piece that is not what it should be
(a `[resource.x]` sub-table, a top-level `resource = ...`), raises `Unsplittable`; the caller
then reads the whole text with `tomllib.loads`, which gives the same data, or the real error
with its line.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Callable, Iterator
from typing import Any

_TABLE_START = re.compile(r"^[ \t]*\[", re.MULTILINE)
_RESOURCE_HEADER = re.compile(r"[ \t]*\[\[[ \t]*resource[ \t]*\]\][ \t]*(#[^\n]*)?\r?\n?")


class Unsplittable(Exception):
    """The text cannot be read piece by piece; read it whole."""


class Chunks:
    """`rest`: the document without its `[[resource]]` tables, parsed. `resources()`: the
    resource tables in file order, each parsed when reached. `count`: how many there are."""

    def __init__(self, text: str) -> None:
        self._text = text
        starts = [m.start() for m in _TABLE_START.finditer(text)]
        bounds = list(zip(starts, [*starts[1:], len(text)], strict=True))
        rest = [text[:starts[0]] if starts else text]
        self._spans: list[tuple[int, int]] = []
        for begin, end in bounds:
            if _RESOURCE_HEADER.match(text, begin):
                self._spans.append((begin, end))
            else:
                rest.append(text[begin:end])
        self.count = len(self._spans)
        self.rest = _loads("".join(rest))
        if self.count and "resource" in self.rest:
            raise Unsplittable  # resource tables also defined another way: tomllib decides

    def resources(self) -> Iterator[dict[str, Any]]:
        for begin, end in self._spans:
            yield _resource(self._text[begin:end])


def _loads(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise Unsplittable from None


class NotUtf8(Exception):
    """The file is not UTF-8; `start` is the offset of the first bad byte."""

    def __init__(self, start: int) -> None:
        super().__init__(start)
        self.start = start


class FileChunks:
    """`Chunks` of a file read line by line, for lists too big to hold as text: each
    `[[resource]]` table is parsed and yielded (with its header's line) as it is read;
    once `resources()` is exhausted, `rest`, `count` and `digest` (sha256 of the bytes) are
    set. `note(line)` is called with every line that starts a table, numbered from 1."""

    def __init__(self, path: str | bytes | os.PathLike[str],
                 note: Callable[[str, int], None]) -> None:
        self._path = path
        self._note = note
        self.rest: dict[str, Any] = {}
        self.count = 0
        self.digest = ""

    def resources(self) -> Iterator[tuple[int, dict[str, Any]]]:
        hasher = hashlib.sha256()
        rest: list[str] = []
        piece: list[str] = []
        start, is_resource, number, offset = 1, False, 0, 0
        with open(self._path, "rb") as file:
            for raw in file:
                hasher.update(raw)
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise NotUtf8(offset + exc.start) from None
                offset += len(raw)
                number += 1
                if number == 1:
                    line = line.removeprefix("\ufeff")
                if _TABLE_START.match(line):
                    if is_resource:
                        yield start, _resource("".join(piece))
                    else:
                        rest.extend(piece)
                    piece, start = [], number
                    is_resource = _RESOURCE_HEADER.match(line) is not None
                    self.count += is_resource
                    self._note(line, number)
                piece.append(line)
        if is_resource:
            yield start, _resource("".join(piece))
        else:
            rest.extend(piece)
        self.digest = hasher.hexdigest()
        self.rest = _loads("".join(rest))
        if self.count and "resource" in self.rest:
            raise Unsplittable


def _resource(text: str) -> dict[str, Any]:
    table = _loads(text).get("resource")
    if not (isinstance(table, list) and len(table) == 1 and isinstance(table[0], dict)):
        raise Unsplittable
    return table[0]
