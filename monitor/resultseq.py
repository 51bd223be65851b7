"""Results as a sequence that need not be in memory: a big run's results live in the
history and are read back in batches on each pass, and a stage that changes some of them
(archived copies, mutes, display-safe text) maps them lazily instead of copying them all.

A tuple stays a tuple (a small run built in memory, a test): only lazy inputs stay lazy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from typing import Any, overload

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

    def select(self, columns: str, where: str, args: tuple[object, ...] = ()
               ) -> Iterator[tuple[Any, ...]] | None:
        """The stored `columns` of the results that `where` (SQL over the history's result
        columns, `?` for `args`) selects, without building a Result — or None: these results
        are not as stored (a mapping changed them), read them in a pass. Views that live
        in the history answer it with one query."""
        return None


class MappedResults(LazyResults):
    """`base` with `change` applied to each result as it is read."""

    def __init__(self, base: Sequence[Result], change: ResultMap, *,
                 keeps_status: bool = False, as_stored: bool = False) -> None:
        self._base = base
        self._change = change
        self._as_stored = as_stored
        if keeps_status or as_stored:
            self.counts = getattr(base, "counts", None)

    def select(self, columns: str, where: str, args: tuple[object, ...] = ()
               ) -> Iterator[tuple[Any, ...]] | None:
        return select(self._base, columns, where, args) if self._as_stored else None

    def __len__(self) -> int:
        return len(self._base)

    def __iter__(self) -> Iterator[Result]:
        return map(self._change, self._base)


def map_results(results: Sequence[Result], change: ResultMap, *,
                keeps_status: bool = False, as_stored: bool = False) -> Sequence[Result]:
    """`change` applied to every result: at once for a tuple, lazily for a lazy view.
    `keeps_status`: `change` never changes a status, so known counts still hold.
    `as_stored`: nor any field the history stores in the result's row (it fills in what is
    kept elsewhere — an archived copy, a content diff — or drops the content), so the
    view can still be asked with `select`."""
    if isinstance(results, LazyResults):
        return MappedResults(results, change, keeps_status=keeps_status, as_stored=as_stored)
    return tuple(map(change, results))


def select(results: Sequence[Result], columns: str, where: str, args: tuple[object, ...] = ()
           ) -> Iterator[tuple[Any, ...]] | None:
    """`LazyResults.select` of a lazy view; None for results held in memory."""
    if isinstance(results, LazyResults):
        return results.select(columns, where, args)
    return None
