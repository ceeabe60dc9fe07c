"""The loaded library: papers, search, views, sorts (what the main screen shows).

No Textual here: this is plain data work, run on the UI thread for fast
queries and in a worker thread for queries over the abstracts.
"""

from __future__ import annotations

from bisect import bisect_left
from heapq import merge
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from functools import partial
from typing import Any, overload

from .days import DayIndex, paper_day
from .models import Paper, PaperState
from .query import Query, QueryEngine, parse_query, search_cost
from .query.engine import UserSetsLike
from .statemap import flagged_keys

#: The views of the library, in the order of their keys (1 2 3 4).
VIEWS = ("all", "unread", "starred", "new")
SORTS = ("date", "title", "category")
#: Searches estimated dearer than this many paper scans (see :mod:`tui.core.query.cost`) run in
#: a worker that the next key cancels; cheaper ones at once, their rows painted with the key.
#: 300,000: ~25 ms here (a default-field term over 200,000 papers costs ~10 ms).
QUICK_SEARCH_COST = 300_000


class PaperView(Sequence[Paper]):
    """The papers at some indices of a list, without copying them (O(1) to make).

    The main screen hands one to the paper list per keystroke: building a list
    of 200,000 papers each time would cost more than the search itself.
    """

    __slots__ = ("_papers", "_found")

    def __init__(self, papers: Sequence[Paper], found: Sequence[int]) -> None:
        self._papers = papers
        self._found = found

    def __len__(self) -> int:
        return len(self._found)

    @overload
    def __getitem__(self, index: int) -> Paper: ...

    @overload
    def __getitem__(self, index: slice) -> list[Paper]: ...

    def __getitem__(self, index: int | slice) -> Paper | list[Paper]:
        if isinstance(index, slice):
            return [self._papers[i] for i in self._found[index]]
        return self._papers[self._found[index]]

    def __iter__(self) -> Iterator[Paper]:
        return map(self._papers.__getitem__, self._found)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a is b or a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


class BaseLibrary:
    """What the main screen asks of a library, whatever holds the papers.

    Papers are known by their *position*: ``0 .. len - 1``, newest digest day
    first (then id descending), the order of :meth:`Store.load_papers`. Search
    results are ascending positions. :class:`Library` holds every paper in
    memory; :class:`tui.core.indexed_library.IndexedLibrary` reads them from the
    mapped search index. Subclasses set :attr:`papers`, :attr:`by_id`,
    :attr:`days`, :attr:`engine`, :attr:`new_indices` and :attr:`all_new`, and
    implement :meth:`match`, :meth:`order`, :meth:`warm_steps`, :meth:`is_quick`
    and :meth:`positions_of_ids`.
    """

    #: Whether a search may be limited to the previous result when the query narrows
    #: (worth it where a search scans papers; not where it reads an index).
    narrows = True
    papers: Sequence[Paper]
    by_id: Mapping[str, int]
    days: DayIndex
    #: What the reading list searches with: ``search(query, states, candidates, ...)`` and ``papers``
    #: (a :class:`QueryEngine`, or the index's :class:`~tui.core.indexed_engine.IndexEngine`).
    engine: Any
    new_indices: frozenset[int] | range
    all_new: bool
    _state_cache: tuple[Mapping[str, PaperState], int, frozenset[int], frozenset[int]] | None = None

    def __len__(self) -> int:
        return len(self.papers)

    @property
    def latest_day(self) -> str | None:
        """The newest digest day (``None``: an empty library)."""
        return self.days.latest

    def paper(self, paper_id: str) -> Paper | None:
        index = self.by_id.get(paper_id)
        return None if index is None else self.papers[index]

    def ids(self, found: Iterable[int]) -> list[str]:
        """The ids of the papers at positions ``found``, in that order (no paper is read whole)."""
        papers = self.papers
        return [papers[i].id for i in found]

    def key_universe(self) -> object:
        """The library as citation keys see it (``universe`` of :mod:`tui.core.cite.unique_keys`)."""
        return self.papers

    def count_new(self, found: Sequence[int], ascending: bool = False) -> int:
        """How many of the papers at indices ``found`` (unique) are new."""
        new = self.new_indices
        if self.all_new or isinstance(new, range):  # (a range: every paper is new)
            return len(found)
        return count_in(new, found, ascending)

    def match(self, query: Query, view: str, states: Mapping[str, PaperState],
              within: Sequence[int] | None = None, should_stop: Callable[[], bool] | None = None,
              sets: UserSetsLike | None = None) -> list[int]:
        raise NotImplementedError

    def order(self, found: list[int], sort: str) -> list[int]:
        raise NotImplementedError

    def is_quick(self, query: Query, candidates: int | None) -> bool:
        """Whether searching ``query`` (over ``candidates`` papers, None: all) is quick enough
        to run with the key that typed it (else a worker runs it, the next key cancels it)."""
        raise NotImplementedError

    def warm_steps(self, abstracts: bool = True) -> list[Callable[[], object]]:
        """Index builds to run in the background after the first paint, one callable each."""
        raise NotImplementedError

    def positions_of_ids(self, ids: Iterable[str]) -> Iterable[int]:
        """The positions of those of ``ids`` that are in the library (one pass for many ids)."""
        raise NotImplementedError

    def search(self, query: Query, view: str, sort: str, states: Mapping[str, PaperState]) -> list[int]:
        """Indices of the papers to show, in ``sort`` order."""
        return self.order(self.match(query, view, states), sort)

    def state_indices(self, states: Mapping[str, PaperState]) -> tuple[frozenset[int], frozenset[int]]:
        """Library indices of the read and of the starred papers.

        Cached for the same ``states`` object while its size is unchanged; a
        caller that changes states in place without adding or removing keys
        must call :meth:`forget_states`.
        """
        cached = self._state_cache
        if cached is not None and cached[0] is states and cached[1] == len(states):
            return cached[2], cached[3]
        read = frozenset(self.positions_of_ids(flagged_keys(states, "read")))
        starred = frozenset(self.positions_of_ids(flagged_keys(states, "starred")))
        self._state_cache = (states, len(states), read, starred)
        return read, starred

    def update_states(self, states: Mapping[str, PaperState], ids: Iterable[str]) -> None:
        """``states`` differs from the states last seen only at ``ids`` (changed in place,
        or a fresh mapping that says so): keep :meth:`state_indices` current by looking
        at those ids alone (a pass over 200,000 states costs ~150 ms)."""
        cached = self._state_cache
        if cached is None:
            return  # computed when next asked
        read, starred = cached[2], cached[3]
        moves: dict[str, tuple[set[int], set[int]]] = {"read": (set(), set()), "starred": (set(), set())}
        by_id = self.by_id
        for paper_id in ids:
            index = by_id.get(paper_id)
            if index is None:
                continue
            state = states.get(paper_id)
            for flag, now in (("read", read), ("starred", starred)):
                wanted = state is not None and getattr(state, flag)
                if wanted != (index in now):
                    moves[flag][0 if wanted else 1].add(index)
        # A set that did not move stays the same object (its bitsets are kept); one that did is copied once.
        self._state_cache = (states, len(states), _moved(read, *moves["read"]), _moved(starred, *moves["starred"]))

    def forget_states(self) -> None:
        """Drop the cache of :meth:`state_indices` (the states changed in place)."""
        self._state_cache = None

    def counts(
        self, found: Sequence[int], states: Mapping[str, PaperState], ascending: bool = False
    ) -> tuple[int, int]:
        """``(unread, starred)`` among the papers at indices ``found`` (unique).

        Works from the states (usually far fewer than the papers): with
        ``ascending`` (``found`` sorted) and few states, each read or starred
        paper is looked up by bisection; else a set intersection (in C).
        """
        read, starred = self.state_indices(states)
        if len(found) == len(self):  # everything is shown: everything counts
            return len(found) - len(read), len(starred)
        return len(found) - count_in(read, found, ascending), count_in(starred, found, ascending)

    def take(self, found: Sequence[int]) -> list[Paper]:
        """The papers at indices ``found``, in that order."""
        papers = self.papers
        return [papers[i] for i in found]

    def view(self, found: Sequence[int]) -> PaperView:
        """The papers at indices ``found`` as a sequence that copies nothing."""
        return PaperView(self.papers, found)

    def starred(self, states: Mapping[str, PaperState]) -> list[Paper]:
        """Every starred paper of the library, in library order."""
        return self.take(sorted(self.state_indices(states)[1]))


class Library(BaseLibrary):
    """Every paper, newest digest day first, with a query engine and a day index.

    The store returns papers in that order already; any other order is sorted
    here (stably, by the day a paper was last listed), since the day index and
    the date sort rely on it.
    """

    def __init__(self, papers: Sequence[Paper], new_ids: AbstractSet[str] | None = frozenset()) -> None:
        self.papers = list(papers)
        #: Where each digest day's papers are (see :mod:`tui.core.days`).
        self.days = DayIndex(self.papers)
        if not self.days.in_order:
            self.papers.sort(key=paper_day, reverse=True)
            self.days = DayIndex(self.papers)
        self.engine = QueryEngine(self.papers, latest_day=self.days.latest)
        self.by_id: dict[str, int] = {paper.id: index for index, paper in enumerate(self.papers)}
        self._ranks: dict[str, list[int]] = {}
        #: (states object, its size, read indices, starred indices): see :meth:`state_indices`.
        self._state_cache: tuple[Mapping[str, PaperState], int, frozenset[int], frozenset[int]] | None = None
        #: The ids of the papers new to the user, and their indices (``is:new``, the new view).
        self.new_ids: AbstractSet[str] = frozenset()
        self.new_indices: frozenset[int] | range = frozenset()
        #: Every paper is new (the first session): nothing is built for it.
        self.all_new = False
        self.set_new(new_ids)

    def set_new(self, new_ids: AbstractSet[str] | None) -> None:
        """The ids that are new to the user; ``None``: every paper (no session before this one)."""
        by_id = self.by_id
        self.all_new = new_ids is None
        if new_ids is None:
            self.new_ids = by_id.keys()  # views, no copies: 200,000 ids cost nothing
            self.new_indices = range(len(self.papers))
        else:
            self.new_ids = frozenset(paper_id for paper_id in new_ids if paper_id in by_id)
            self.new_indices = frozenset(by_id[paper_id] for paper_id in self.new_ids)
        self.engine.new_ids = None if self.all_new else self.new_ids

    def warm_steps(self, abstracts: bool = True) -> list[Callable[[], object]]:
        """The index builds of :meth:`warm_up`, most useful first, one callable each.

        A worker runs them one at a time (checking for cancellation between
        them) after the first rows are painted, so start-up never waits for them.
        """
        search = self.engine.search
        steps: list[Callable[[], object]] = [
            partial(search, parse_query(text), {}) for text in ("a", "au:a", "cat:a", "id:0")
        ]
        if abstracts:
            steps.append(lambda: search(parse_query("abs:a"), {}))
            steps.extend(partial(self._rank, sort) for sort in SORTS[1:])
        # Last: the least used index (bucketed per date, ~50-100 ms at 200,000 papers).
        steps.append(lambda: search(parse_query("date:2000"), {}))
        return steps

    def warm_up(self, abstracts: bool = False) -> None:
        """Build the engine's lazy indexes now (with ``abstracts``, also the abstract index and sort orders)."""
        for step in self.warm_steps(abstracts):
            step()

    def is_quick(self, query: Query, candidates: int | None) -> bool:
        if query.uses_abstract:
            return False
        size = len(self) if candidates is None else candidates
        return search_cost(query, size, self.engine.built) <= QUICK_SEARCH_COST

    def positions_of_ids(self, ids: Iterable[str]) -> Iterable[int]:
        by_id = self.by_id
        return [by_id[k] for k in ids if k in by_id]

    def in_view(self, view: str, states: Mapping[str, PaperState]) -> list[int] | None:
        """Indices of the papers a view shows (None: all of them)."""
        if view == "unread":
            read, _ = self.state_indices(states)
            unread: list[int] = []
            start = 0
            for index in sorted(read):  # the gaps between read papers, in C
                unread.extend(range(start, index))
                start = index + 1
            unread.extend(range(start, len(self.papers)))
            return unread
        if view == "starred":
            return sorted(self.state_indices(states)[1])
        if view == "new":
            return None if self.all_new else sorted(self.new_indices)
        return None

    def match(
        self,
        query: Query,
        view: str,
        states: Mapping[str, PaperState],
        within: Sequence[int] | None = None,
        should_stop: Callable[[], bool] | None = None,
        sets: UserSetsLike | None = None,
    ) -> list[int]:
        """Ascending indices of the papers of ``view`` matching ``query``.

        ``within`` (ascending) limits the search, e.g. to the previous results
        when the new query narrows the old one. ``should_stop`` lets a worker
        give up early (the engine then raises ``SearchCancelled``). ``sets``
        answers the reading list's terms (``tag:``, ``note:``, ``is:muted``...;
        see :class:`tui.core.readinglist.UserSets`).
        """
        candidates = self.in_view(view, states) if within is None else list(within)
        if query.is_empty:
            return list(range(len(self.papers))) if candidates is None else candidates
        return self.engine.search(query, states, candidates, should_stop=should_stop, sets=sets)

    def order(self, found: list[int], sort: str) -> list[int]:
        """``found`` (ascending) in ``sort`` order."""
        if sort == "date":
            return found  # the store's order is already newest first
        rank = self._rank(sort)
        return sorted(found, key=rank.__getitem__)

    def _rank(self, sort: str) -> list[int]:
        """Position of every paper in ``sort`` order (computed once per sort)."""
        rank = self._ranks.get(sort)
        if rank is None:
            papers = self.papers
            if sort == "title":
                keys = [paper.title.casefold() for paper in papers]
            else:  # category; the sort is stable, so newest first within a category
                keys = [paper.primary_category for paper in papers]
            order = _stable_order(keys)
            rank = [0] * len(papers)
            for position, index in enumerate(order):
                rank[index] = position
            self._ranks[sort] = rank
        return rank

#: Keys sorted per chunk by :func:`_stable_order` (one C sort holds the GIL).
_SORT_CHUNK = 16_384


def _stable_order(keys: list) -> list[int]:
    """Indices of ``keys`` in stable ascending order of their key.

    Sorted chunk by chunk and merged in Python: a single ``sorted`` of
    200,000 strings holds the GIL ~100 ms, freezing the interface while a
    worker thread builds a sort order.
    """
    runs = []
    for start in range(0, len(keys), _SORT_CHUNK):
        chunk = range(start, min(start + _SORT_CHUNK, len(keys)))
        runs.append(sorted(chunk, key=keys.__getitem__))
    if len(runs) == 1:
        return runs[0]
    # merge is stable across runs given in index order (ties: earlier run first).
    return list(merge(*runs, key=keys.__getitem__))


def count_in(indices: frozenset[int], found: Sequence[int], ascending: bool = False) -> int:
    """How many of ``indices`` are in ``found``, scanning the smaller side."""
    if not indices or not found:
        return 0
    if ascending and len(indices) * 16 < len(found):
        count = 0
        end = len(found)
        for i in indices:
            pos = bisect_left(found, i)
            count += pos < end and found[pos] == i
        return count
    return len(indices.intersection(found))


def _moved(indices: frozenset[int], added: set[int], removed: set[int]) -> frozenset[int]:
    """``indices`` with ``added`` and without ``removed`` (itself when neither holds anything)."""
    if removed:
        indices = indices - removed
    return indices | added if added else indices
