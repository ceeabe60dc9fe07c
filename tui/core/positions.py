"""Search results over the search index as numpy arrays, behind the sequence the screen expects.

The main screen and :mod:`tui.core.results` handle a result as a sequence of
ascending library positions (bisected, sliced, counted). Through the search
index a result is born as a bitset; turning 150,000 positions into a Python
list and walking it again for day headers and counts costs tens of
milliseconds a keystroke. :class:`Positions` keeps the numpy array (and the
bitset it came from) and is still a ``Sequence[int]``; :class:`ArrayDays`
answers the day questions on it with vectorised searches.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import cast, overload
from collections.abc import Set as AbstractSet

import numpy as np

from .days import DayIndex

__all__ = ["Positions", "ArrayDays", "DayGroups", "as_array"]


class Positions(Sequence[int]):
    """Library positions held in an int64 array (``array``); slices are Positions too."""

    __slots__ = ("array", "bits")

    def __init__(self, array: np.ndarray, bits: np.ndarray | None = None) -> None:
        self.array = array
        #: The bitset over the index's documents these positions came from, when known.
        self.bits = bits

    def __len__(self) -> int:
        return len(self.array)

    def __bool__(self) -> bool:
        return len(self.array) > 0

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> Positions: ...

    def __getitem__(self, index: int | slice) -> int | Positions:
        if isinstance(index, slice):
            return Positions(self.array[index])
        return int(self.array[index])

    def __iter__(self) -> Iterator[int]:
        return iter(self.array.tolist())

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and bool(np.any(self.array == value))

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        found = np.flatnonzero(self.array[start:stop] == value)
        if not len(found):
            raise ValueError(f"{value!r} is not in the positions")
        return int(found[0]) + start

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Positions):
            return np.array_equal(self.array, other.array)
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and self.array.tolist() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Positions({len(self)})"

    def without(self, excluded: AbstractSet[int]) -> Positions:
        """These positions less ``excluded`` (order kept)."""
        if not excluded:
            return self
        drop = np.fromiter(excluded, np.int64, len(excluded))
        return Positions(self.array[~np.isin(self.array, drop)])


def as_array(found: Sequence[int]) -> np.ndarray:
    """``found`` as an int64 array (no copy for :class:`Positions`)."""
    if isinstance(found, Positions):
        return found.array
    return np.fromiter(found, np.int64, len(found))


class ArrayDays(DayIndex):
    """:class:`DayIndex` with the day filter, day steps and headers vectorised for
    :class:`Positions` (any other sequence is answered as the base class does)."""

    __slots__ = ("_starts",)
    _starts: np.ndarray

    @classmethod
    def from_starts(cls, days: list[str], starts: list[int]) -> ArrayDays:
        index = cast(ArrayDays, super().from_starts(days, starts))
        index._starts = np.asarray(starts, np.int64)
        return index

    def within(self, found: Sequence[int], day: str) -> list[int]:
        if not isinstance(found, Positions):
            return super().within(found, day)
        k = self._position.get(day)
        if k is None:
            return Positions(found.array[:0])  # type: ignore[return-value]
        bounds: np.ndarray = np.searchsorted(found.array, self._starts[k : k + 2])
        return Positions(found.array[int(bounds[0]) : int(bounds[1])])  # type: ignore[return-value]

    def groups(self, found: Sequence[int]) -> list[tuple[int, int]]:
        if not isinstance(found, Positions):
            return super().groups(found)
        # Where each day's papers begin in ``found``: one search per day, not per paper.
        cuts: np.ndarray = np.searchsorted(found.array, self._starts)
        days = np.flatnonzero(cuts[1:] > cuts[:-1])
        return DayGroups(days, cuts[days])  # type: ignore[return-value]


class DayGroups(Sequence[tuple[int, int]]):
    """The ``(day k, first position)`` pairs of :meth:`DayIndex.groups` held as two int64
    arrays: 5,000 days of a large result are two arrays, not 5,000 tuples a keystroke
    (the list draws its headers from :attr:`starts` with vectorised searches)."""

    __slots__ = ("days", "starts")

    def __init__(self, days: np.ndarray, starts: np.ndarray) -> None:
        self.days = days.astype(np.int64, copy=False)
        #: Where each group's first paper is in the result (ascending).
        self.starts = starts.astype(np.int64, copy=False)

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...

    @overload
    def __getitem__(self, index: slice) -> DayGroups: ...

    def __getitem__(self, index: int | slice) -> tuple[int, int] | DayGroups:
        if isinstance(index, slice):
            return DayGroups(self.days[index], self.starts[index])
        return int(self.days[index]), int(self.starts[index])

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self.days.tolist(), self.starts.tolist())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DayGroups):
            return np.array_equal(self.days, other.days) and np.array_equal(self.starts, other.starts)
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"DayGroups({len(self)})"
