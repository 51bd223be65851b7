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

import re
import tomllib
from collections.abc import Iterator
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
            table = _loads(self._text[begin:end]).get("resource")
            if not (isinstance(table, list) and len(table) == 1 and isinstance(table[0], dict)):
                raise Unsplittable
            yield table[0]


def _loads(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise Unsplittable from None
