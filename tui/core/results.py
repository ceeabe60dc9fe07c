"""A search result as the reader shows it: which papers, in which order, under which day.

:func:`arrange` turns the papers a query and view matched into what the list
draws: the day filter of ``[`` / ``]`` applied, sorted, grouped by day when
sorted by date, with the cursor's place and the query's highlight spans. No
Textual here; the main screen holds the current :class:`Results` and hands it
to the list.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from .library import BaseLibrary, PaperView, count_in
from .models import Paper, PaperState
from .query import Query, SpanCache

__all__ = ["Results", "arrange"]


@dataclass(frozen=True, eq=False, slots=True)
class Results:
    """What the list shows for one query, view, sort and day."""

    library: BaseLibrary
    query: Query | None
    view: str
    sort: str
    day: str | None
    #: Ascending library indices the query and view matched (before the day filter).
    matches: list[int]
    #: Ascending library indices shown (``matches`` within the day).
    shown: list[int]
    #: ``shown`` in display order.
    order: list[int]
    #: The shown papers in display order (a view, nothing copied).
    papers: PaperView
    #: ``(day position in library.days, first position)`` per day when sorted by date, else None.
    groups: list[tuple[int, int]] | None
    #: Highlight spans of the query, computed once and shared by the list and the detail.
    spans: SpanCache
    #: Where the cursor goes (a position in ``papers``; -1 when empty).
    cursor: int
    _positions: dict[str, int] = field(default_factory=dict)
    #: The last :meth:`counts`: [(states, their size, read indices, starred indices, counts)] (empty: none yet).
    _counted: list[tuple[Mapping[str, PaperState], int, frozenset[int], frozenset[int], tuple[int, int, int]]] = (
        field(default_factory=list))

    def __len__(self) -> int:
        return len(self.order)

    def position_of(self, paper_id: str) -> int | None:
        """Where ``paper_id`` is in the displayed order, or ``None`` when it isn't shown."""
        index = self.library.by_id.get(paper_id)
        if index is None:
            return None
        if self.sort == "date":  # the display order is ascending: bisect
            pos = bisect_left(self.order, index)
            return pos if pos < len(self.order) and self.order[pos] == index else None
        found = self._positions.get(paper_id)
        if found is None and paper_id not in self._positions:
            try:
                found = self.order.index(index)
            except ValueError:
                found = None
            self._positions[paper_id] = found  # type: ignore[assignment]
        return found

    def paper(self, position: int) -> Paper | None:
        return self.papers[position] if 0 <= position < len(self.papers) else None

    def day_name(self, group: int) -> str:
        """The digest day of header ``group``."""
        assert self.groups is not None
        return self.library.days.days[self.groups[group][0]]

    def day_counts(self, start: int, end: int, states: Mapping[str, PaperState]) -> tuple[int, int, int]:
        """``(papers, unread, new)`` among the papers at positions ``start`` to ``end - 1``.

        After :meth:`counts` (which the screen calls on every change of the states),
        its read indices answer it: two set intersections in C instead of a
        look-up per paper (a day of thousands of papers on every repaint).
        """
        found = self.order[start:end]
        if self._counted and self._counted[0][0] is states and self._counted[0][1] == len(states):
            read = self._counted[0][2]
            return end - start, end - start - count_in(read, found), self.library.count_new(found)
        unread = 0
        for paper_id in self.library.ids(found):
            state = states.get(paper_id)
            unread += state is None or not state.read
        return end - start, unread, self.library.count_new(found)

    def paper_id(self, position: int) -> str:
        """The id of the paper at ``position`` (not read whole)."""
        return self.library.ids((self.order[position],))[0]

    def paper_ids(self) -> list[str]:
        """The ids of every shown paper, in display order (not read whole)."""
        return self.library.ids(self.order)

    def hidden(self, ids: AbstractSet[str]) -> int:
        """How many of ``ids`` (in the library) are not shown."""
        by_id, shown = self.library.by_id, self.shown
        hidden = 0
        for paper_id in ids:
            index = by_id.get(paper_id)
            if index is not None:
                pos = bisect_left(shown, index)
                hidden += not (pos < len(shown) and shown[pos] == index)
        return hidden

    def counts(self, states: Mapping[str, PaperState], changed: Collection[str] | None = None) -> tuple[int, int, int]:
        """``(unread, starred, new)`` among the shown papers.

        ``changed``: the only ids whose read or starred state moved since the last
        call (the library's :meth:`~.library.Library.update_states` told): the counts
        are brought up to date from those papers alone, not counted over the
        shown ones again (two set intersections of 200,000 papers on a star).
        """
        library = self.library
        read, starred = library.state_indices(states)
        if changed is not None and self._counted:
            _, _, old_read, old_starred, (unread, starred_count, new) = self._counted[0]
            by_id, shown, end = library.by_id, self.shown, len(self.shown)
            for paper_id in set(changed):
                index = by_id.get(paper_id)
                if index is None:
                    continue
                pos = bisect_left(shown, index)
                if pos < end and shown[pos] == index:
                    unread += (index in old_read) - (index in read)
                    starred_count += (index in starred) - (index in old_starred)
            counted = (unread, starred_count, new)
        else:
            unread, starred_count = library.counts(self.shown, states, ascending=True)
            counted = (unread, starred_count, library.count_new(self.shown, ascending=True))
        self._counted[:] = [(states, len(states), read, starred, counted)]
        return counted


def arrange(
    library: BaseLibrary,
    matches: list[int],
    *,
    query: Query | None,
    view: str,
    sort: str,
    day: str | None,
    keep: str | None,
    spans: SpanCache | None = None,
    grouped: bool | None = None,
) -> Results:
    """The :class:`Results` of ``matches`` (ascending) for ``sort`` and ``day``.

    The cursor goes to the paper ``keep`` when it is shown, else to the first row.
    ``spans`` is reused when the query did not change (its cache stays warm).
    ``grouped``: day headers; by default when sorted by date over several days
    (a day filter shows one day: the status line names it).
    """
    shown = library.days.within(matches, day) if day else matches
    order = library.order(shown, sort)
    if grouped is None:
        grouped = sort == "date" and day is None
    groups = library.days.groups(order) if grouped and sort == "date" else None
    if spans is None or spans.query is not (query if query is not None and not query.is_empty else None):
        spans = SpanCache(query)
    cursor = 0 if order else -1
    index = library.by_id.get(keep) if keep is not None else None
    if index is not None and order:
        if sort == "date":  # ascending: bisect
            pos = bisect_left(order, index)
            if pos < len(order) and order[pos] == index:
                cursor = pos
        elif count_in(frozenset((index,)), shown, ascending=True):
            cursor = order.index(index)
    return Results(library, query, view, sort, day, matches, shown, order, library.view(order), groups, spans, cursor)
