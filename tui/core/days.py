"""Digest days of the loaded library: where each day's papers are, computed once.

The library lists papers newest digest day first (a paper belongs to the day it
was last listed, its sort key), so the papers of one day are one contiguous
range of library indices. :class:`DayIndex` keeps the first index of every day;
with a search result (ascending library indices) everything day-related is then
a bisection, never a scan of the result:

* the day filter of ``[`` / ``]``: a slice of the result (:meth:`DayIndex.within`);
* the previous or next day that has papers in the result (:meth:`DayIndex.step`);
* the day headers of the list (:meth:`DayIndex.groups`), one bisection per
  day that has papers.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date as Date

from .models import Paper

__all__ = ["DayIndex", "paper_day", "day_label"]


def paper_day(paper: Paper) -> str:
    """The digest day a paper is listed under: its latest listing ("" when unknown)."""
    return paper.digests[-1].date if paper.digests else ""


def day_label(day: str) -> str:
    """``2026-07-24`` -> ``Fri 2026-07-24`` (the day as written when it is not a date)."""
    try:
        return f"{Date.fromisoformat(day):%a} {day}"
    except ValueError:
        return day or "no date"


class DayIndex:
    """The days of papers sorted newest day first, and where each day starts.

    Day ``k`` (0 = newest) is ``days[k]``; its papers are the library indices
    ``starts[k]`` to ``starts[k + 1] - 1``.
    """

    __slots__ = ("days", "starts", "_position", "in_order")

    def __init__(self, papers: Sequence[Paper]) -> None:
        days: list[str] = []
        starts: list[int] = []
        previous: str | None = None
        in_order = True
        for index, paper in enumerate(papers):
            day = paper.digests[-1].date if paper.digests else ""
            if day != previous:
                if previous is not None and day > previous:
                    in_order = False
                days.append(day)
                starts.append(index)
                previous = day
        starts.append(len(papers))
        #: Whether ``papers`` were newest day first (else this index is of no use: sort them).
        self.in_order = in_order
        #: The distinct days, newest first.
        self.days = days
        #: ``starts[k]``: the first library index of day ``k``; one more entry at the end.
        self.starts = starts
        self._position = {day: k for k, day in enumerate(days)}

    @classmethod
    def from_starts(cls, days: list[str], starts: list[int]) -> DayIndex:
        """The index of days already known: ``days`` newest first, ``starts`` their first
        indices plus the end (the search index's day runs, see ``SearchIndex.day_runs``)."""
        index = cls(())
        index.days, index.starts = days, starts
        index._position = {}
        for k, day in enumerate(days):
            index._position.setdefault(day, k)
        return index

    @staticmethod
    def is_sorted(papers: Sequence[Paper]) -> bool:
        """Whether ``papers`` are newest day first (the precondition of the index)."""
        return DayIndex(papers).in_order

    def __len__(self) -> int:
        return len(self.days)

    def __contains__(self, day: object) -> bool:
        return day in self._position

    @property
    def latest(self) -> str | None:
        """The newest digest day, or ``None`` for an empty library."""
        return self.days[0] if self.days and self.days[0] else None

    def position(self, day: str) -> int | None:
        """``k`` of ``day``, or ``None`` when no paper is listed under it."""
        return self._position.get(day)

    def day_of(self, index: int) -> int:
        """``k`` of the day of library index ``index``."""
        return bisect_right(self.starts, index) - 1

    def within(self, found: Sequence[int], day: str) -> list[int]:
        """The part of ``found`` (ascending library indices) listed under ``day``."""
        k = self._position.get(day)
        if k is None:
            return []
        low = bisect_left(found, self.starts[k])
        high = bisect_left(found, self.starts[k + 1], low)
        return list(found[low:high])

    def step(self, found: Sequence[int], day: str, older: bool) -> str | None:
        """The nearest day before (``older``) or after ``day`` with papers in ``found``.

        ``found`` is ascending; ``day`` need not have papers in it. Two
        bisections, whatever the size of ``found`` or the number of days.
        """
        k = self._position.get(day)
        if k is None:
            # A day without papers: find where it would be among the days.
            k = _insertion(self.days, day)
            boundary = self.starts[k]
            if older:
                pos = bisect_left(found, boundary)
                return self.days[self.day_of(found[pos])] if pos < len(found) else None
            pos = bisect_left(found, boundary) - 1
            return self.days[self.day_of(found[pos])] if pos >= 0 else None
        if older:
            pos = bisect_left(found, self.starts[k + 1])
            return self.days[self.day_of(found[pos])] if pos < len(found) else None
        pos = bisect_left(found, self.starts[k]) - 1
        return self.days[self.day_of(found[pos])] if pos >= 0 else None

    def groups(self, found: Sequence[int]) -> list[tuple[int, int]]:
        """``(k, position)`` for each day with papers in ``found`` (ascending), in order.

        ``position`` is where that day's first paper is in ``found``; a day's
        papers end where the next group starts.
        """
        groups: list[tuple[int, int]] = []
        starts = self.starts
        position, total = 0, len(found)
        while position < total:
            k = self.day_of(found[position])
            groups.append((k, position))
            position = bisect_left(found, starts[k + 1], position)
        return groups


def _insertion(days: list[str], day: str) -> int:
    """Where ``day`` would go in ``days`` (newest first)."""
    low, high = 0, len(days)
    while low < high:
        middle = (low + high) // 2
        if days[middle] > day:
            low = middle + 1
        else:
            high = middle
    return low
