"""Results as a sequence that need not be in memory: a big run's results live in the
history and are read back in batches on each pass, and a stage that changes some of them
(archived copies, mutes, display-safe text) maps them lazily instead of copying them all.

A tuple stays a tuple (a small run built in memory, a test): only lazy inputs stay lazy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from typing import overload

from .models import Result

ResultMap = Callable[[Result], Result]


class LazyResults(Sequence[Result]):
    """Base of the lazy views: equality by content, like the tuple they stand for.
    `counts`, when known without a pass (recorded with the run), is `Run.summary()`."""

    __hash__ = None  # type: ignore[assignment]
    counts: dict[str, int] | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other, strict=True))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self)} results>"

    @overload
    def __getitem__(self, index: int) -> Result: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Result]: ...

    def __getitem__(self, index: int | slice) -> Result | Sequence[Result]:
        if isinstance(index, slice):
            return tuple(self)[index]  # rare (tests, small runs)
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError(index)
        return next(islice(iter(self), index, None))

    def __len__(self) -> int:
        raise NotImplementedError

    def __iter__(self) -> Iterator[Result]:
        raise NotImplementedError


class MappedResults(LazyResults):
    """`base` with `change` applied to each result as it is read."""

    def __init__(self, base: Sequence[Result], change: ResultMap, *,
                 keeps_status: bool = False) -> None:
        self._base = base
        self._change = change
        if keeps_status:
            self.counts = getattr(base, "counts", None)

    def __len__(self) -> int:
        return len(self._base)

    def __iter__(self) -> Iterator[Result]:
        return map(self._change, self._base)


def map_results(results: Sequence[Result], change: ResultMap, *,
                keeps_status: bool = False) -> Sequence[Result]:
    """`change` applied to every result: at once for a tuple, lazily for a lazy view.
    `keeps_status`: `change` never changes a status, so known counts still hold."""
    if isinstance(results, LazyResults):
        return MappedResults(results, change, keeps_status=keeps_status)
    return tuple(map(change, results))
