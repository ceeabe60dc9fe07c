"""The library read through the search index: what the main screen shows, without loading it.

:class:`IndexedLibrary` answers the screen as :class:`~tui.core.library.Library`
does (same positions, same results) from a mapped
:class:`~tui.core.index.SearchIndex`: searches are bitset operations over the
index, a paper is read from the mapped files only when it is drawn or shown
(a few dozen per screen), and nothing is held per paper but what the user's
state needs. No Textual here.

Positions: the index's live documents in ascending id order are the papers
newest first, as the store loads them; position ``k`` is the ``k``-th live
document (the same number after a fresh build or a full merge, where ids have
no gaps).
"""

from __future__ import annotations

from collections import OrderedDict
from functools import partial
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, overload

import numpy as np

from .days import DayIndex
from .positions import ArrayDays, Positions, as_array
from .index import IndexDamaged, SearchIndex, bitsets
from .indexed_engine import IndexEngine
from .library import BaseLibrary, SORTS
from .models import Paper, PaperState
from .query import Query
from .query.nodes import TEXT_FIELDS
from .query.engine import UserSetsLike
from .query.words import is_single_word
from .readinglist.sets import as_user_sets, bitset_states
from .statemap import flagged_keys

__all__ = ["IndexedLibrary"]

#: More terms than this (a pasted list of ids...) are searched in a worker.
QUICK_TERMS = 64
#: Papers read whole kept at hand (the rows on screen, the highlighted one, recent moves).
PAPER_CACHE = 512


class LazyPapers(Sequence[Paper]):
    """The papers by position, each read from the index when asked (the last few kept)."""

    def __init__(self, library: IndexedLibrary) -> None:
        self._library = library
        self._cache: OrderedDict[int, Paper] = OrderedDict()

    def __len__(self) -> int:
        return len(self._library.docs)

    @overload
    def __getitem__(self, position: int) -> Paper: ...

    @overload
    def __getitem__(self, position: slice) -> list[Paper]: ...

    def __getitem__(self, position: int | slice) -> Paper | list[Paper]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        cache = self._cache
        paper = cache.get(position)
        if paper is not None:
            cache.move_to_end(position)
            return paper
        library = self._library
        try:
            paper = library.index.paper(int(library.docs[position]))
        except IndexDamaged as exc:  # (a placeholder, not cached: the screen rebuilds the index)
            return library.unreadable(exc, position)
        cache[position] = paper
        if len(cache) > PAPER_CACHE:
            cache.popitem(last=False)
        return paper

    def __iter__(self) -> Iterator[Paper]:
        return (self[i] for i in range(len(self)))

    def ids(self, found: Iterable[int]) -> list[str]:
        """The ids at positions ``found`` (the id column alone)."""
        return self._library.ids(found)


class IdPositions(Mapping[str, int]):
    """Paper id (without version) -> position, looked up in the index's id column."""

    def __init__(self, library: IndexedLibrary) -> None:
        self._library = library

    def __getitem__(self, paper_id: str) -> int:
        if not isinstance(paper_id, str):
            raise KeyError(paper_id)
        try:
            doc = self._library.index.doc_of(paper_id)
        except IndexDamaged as exc:
            self._library.note_damage(exc)
            doc = None
        if doc is None:
            raise KeyError(paper_id)
        return self._library.position_of_doc(doc)

    def __len__(self) -> int:
        return len(self._library.docs)

    def __iter__(self) -> Iterator[str]:
        return iter(self._library.ids(range(len(self._library.docs))))


class IndexedLibrary(BaseLibrary):
    """The papers of a mapped search index, as the main screen asks for them.

    ``new``: the bitset of the papers new to the user (``None``: every paper is
    new, the first session).
    """

    narrows = False  # a search reads the index: limiting it to the last result saves nothing

    def __init__(self, index: SearchIndex, new: np.ndarray | None = None) -> None:
        self.index = index
        #: The first damage found while reading the index (a block failing its checksum, a row
        #: that cannot be decoded): the reads answer safe values meanwhile, the screen rebuilds it.
        self.damage: str | None = None
        #: The screen started rebuilding the index after that damage (said once).
        self.repairing = False
        #: Position -> document id (ascending).
        self.docs: np.ndarray = index.all_docs().astype(np.int64)
        self._dense = not len(self.docs) or int(self.docs[-1]) == len(self.docs) - 1
        self.papers = LazyPapers(self)
        self.by_id = IdPositions(self)
        self.engine = IndexEngine(self)
        self.days = self._day_index()
        self.all_new = new is None
        self._new_bits = index.live if new is None else new & index.live
        self.new_indices = range(len(self.docs)) if new is None else frozenset(self.positions_of_bits(self._new_bits))
        self._ranks: dict[str, np.ndarray] = {}
        self._universe: object | None = None
        self._state_cache = None
        #: (read positions, starred positions) -> their bitsets, for the searches.
        self._state_bits: tuple[frozenset[int], frozenset[int], np.ndarray, np.ndarray] | None = None
        #: (another states mapping, its size, read bits, starred bits): a worker's snapshot.
        self._other_bits: tuple[Mapping[str, PaperState], int, np.ndarray, np.ndarray] | None = None
        #: (positions as bytes, their ids): the papers :func:`.indexed_few.match_at` last matched at.
        self.few_ids: tuple[bytes, list[str]] | None = None

    def __len__(self) -> int:
        return len(self.docs)

    @property
    def new_ids(self) -> AbstractSet[str]:
        """The ids of the new papers (read from the id column: for tests and small uses)."""
        if self.all_new:
            return self.by_id.keys()
        return frozenset(self.ids(sorted(self.new_indices)))

    def key_universe(self) -> object:
        """The papers that could share a citation key, found in the index (every paper read
        only for a template that does not start with the author). Damage found meanwhile is
        noted (:attr:`damage`: the screen rebuilds the index) and raised: no key is made."""
        from .index.universe import IndexUniverse

        universe = self._universe
        if universe is None:
            universe = self._universe = IndexUniverse(self.index, self._every_paper, self.note_damage)
        return universe

    def _every_paper(self) -> list[Paper]:
        """Every paper, read whole (keys of a template not led by the author); raises
        :class:`IndexDamaged` when one could not be read (its placeholder would give a wrong key)."""
        papers = list(self.papers)
        if self.damage is not None:
            raise IndexDamaged(self.damage)
        return papers

    # -- damage -------------------------------------------------------------------------
    def note_damage(self, exc: IndexDamaged) -> None:
        """Remember damage found while reading the index (the first message wins)."""
        if self.damage is None:
            self.damage = exc.message

    def unreadable(self, exc: IndexDamaged, position: int) -> Paper:
        """The placeholder drawn for the paper at ``position`` that could not be read."""
        self.note_damage(exc)
        return Paper(id=f"unreadable-{position}", version=1,
                     title="(this entry could not be read: the search index is damaged and is being rebuilt)")

    # -- positions and documents ------------------------------------------------------
    def position_of_doc(self, doc: int) -> int:
        return doc if self._dense else int(np.searchsorted(self.docs, doc))

    def positions_of_bits(self, bits: np.ndarray) -> list[int]:
        """Ascending positions of the live documents in ``bits``."""
        return self.array_of_bits(bits & self.index.live).tolist()

    def array_of_bits(self, bits: np.ndarray) -> np.ndarray:
        """Ascending positions of the documents in ``bits`` (live ones only: see :meth:`match`)."""
        docs = bitsets.to_docs(bits)
        return docs if self._dense else np.searchsorted(self.docs, docs)

    def bits_of_positions(self, positions: Iterable[int]) -> np.ndarray:
        if isinstance(positions, Positions) and positions.bits is not None:
            return positions.bits
        found = as_array(positions) if isinstance(positions, Sequence) else np.fromiter(positions, np.int64)
        return bitsets.from_docs(found if self._dense else self.docs[found], self.index.nbytes)

    def positions_of_ids(self, ids: Iterable[str]) -> Iterable[int]:
        try:
            docs = self.index.docs_of_ids(ids)
        except IndexDamaged as exc:
            self.note_damage(exc)
            return []
        return (docs if self._dense else np.searchsorted(self.docs, docs)).tolist()

    def seed_states(self, states: Mapping[str, PaperState], read: np.ndarray, starred: np.ndarray) -> None:
        """Set what :meth:`state_indices` answers for ``states``: the index's documents of its
        read and of its starred papers (as :meth:`.SearchIndex.docs_of_ids` gives them), known
        already (see :meth:`.Store.states_in`)."""
        def positions(docs: np.ndarray) -> frozenset[int]:
            return frozenset((docs if self._dense else np.searchsorted(self.docs, docs)).tolist())

        self._state_cache = (states, len(states), positions(read), positions(starred))

    def ids(self, found: Iterable[int]) -> list[str]:
        """The ids at positions ``found``, read from the id column alone."""
        paper_id, docs = self.index.paper_id, self.docs
        out: list[str] = []
        for i in found:
            try:
                out.append(paper_id(int(docs[i])))
            except IndexDamaged as exc:
                self.note_damage(exc)
                out.append(f"unreadable-{i}")
        return out

    def _day_index(self) -> DayIndex:
        runs = self.index.day_runs()
        if not runs:
            return ArrayDays.from_starts([], [0])
        firsts = np.searchsorted(self.docs, np.array([first for _, first, _ in runs], np.int64))
        ends = np.searchsorted(self.docs, np.array([end for _, _, end in runs], np.int64))
        days: list[str] = []
        starts: list[int] = []
        for (day, _, _), first, end in zip(runs, firsts.tolist(), ends.tolist()):
            if end > first and not (days and days[-1] == day):
                days.append(day)
                starts.append(first)
        starts.append(len(self.docs))
        return ArrayDays.from_starts(days, starts)

    # -- searching ------------------------------------------------------------------------
    def is_quick(self, query: Query, candidates: int | None) -> bool:
        """Every query is quick but a phrase (several words, checked against the text) and a
        pasted flood of terms (each a lookup)."""
        if query.root is None:
            return True
        terms = query.terms()
        return len(terms) <= QUICK_TERMS and not any(
            term.field in TEXT_FIELDS or term.field == "any" for term in terms if not is_single_word(term.needle)
        )

    def _states_bits(self, states: Mapping[str, PaperState]) -> tuple[np.ndarray, np.ndarray]:
        """Bitsets of the read and the starred papers of ``states``. The screen's own states
        go through :meth:`state_indices` (cached, kept current by :meth:`update_states`);
        another mapping (a worker's snapshot) gets bitsets of its own, the cache left alone."""
        cached_states = self._state_cache
        if cached_states is not None and cached_states[0] is not states:
            other = self._other_bits
            if other is None or other[0] is not states or other[1] != len(states):
                index = self.index
                other = self._other_bits = (
                    states, len(states),
                    index.bits_of_ids(flagged_keys(states, "read")),
                    index.bits_of_ids(flagged_keys(states, "starred")),
                )
            return other[2], other[3]
        read, starred = self.state_indices(states)
        cached = self._state_bits
        if cached is None or cached[0] is not read or cached[1] is not starred:  # (one moved: the other kept)
            cached = self._state_bits = (
                read, starred,
                cached[2] if cached is not None and cached[0] is read else self.bits_of_positions(read),
                cached[3] if cached is not None and cached[1] is starred else self.bits_of_positions(starred),
            )
        return cached[2], cached[3]

    def match_bits(
        self,
        query: Query,
        states: Mapping[str, PaperState],
        should_stop: Callable[[], bool] | None = None,
        sets: UserSetsLike | None = None,
    ) -> np.ndarray:
        """The bitset of the papers matching ``query`` (``is:`` from ``states``, the reading
        list's terms from ``sets``)."""
        given = _StateBits(self, states)
        user = as_user_sets(sets)
        try:
            return self.index.match(query, bitset_states(given, user, self.index.bits_of_ids), should_stop)
        except IndexDamaged as exc:  # nothing found until the index is rebuilt
            self.note_damage(exc)
            return np.zeros_like(self.index.live)

    def match(
        self,
        query: Query,
        view: str,
        states: Mapping[str, PaperState],
        within: Sequence[int] | None = None,
        should_stop: Callable[[], bool] | None = None,
        sets: UserSetsLike | None = None,
    ) -> list[int]:
        """Ascending positions of the papers of ``view`` matching ``query`` (see :meth:`Library.match`)."""
        index = self.index
        bits = index.live if query.root is None else self.match_bits(query, states, should_stop, sets)
        if view in ("unread", "starred"):
            try:
                read, starred = self._states_bits(states)
                bits = bits & (~read if view == "unread" else starred)
            except IndexDamaged as exc:  # (the ids of the read or starred papers looked up)
                self.note_damage(exc)
                bits = np.zeros_like(index.live)
        elif view == "new" and not self.all_new:
            bits = bits & self._new_bits
        if within is not None:
            bits = bits & self.bits_of_positions(within)
        bits = bits & index.live
        return Positions(self.array_of_bits(bits), bits)  # type: ignore[return-value]

    # -- order ----------------------------------------------------------------------------
    def order(self, found: list[int], sort: str) -> list[int]:
        """``found`` (ascending) in ``sort`` order (ties newest first)."""
        if sort == "date" or len(found) < 2:
            return found
        rank = self._rank(sort)
        positions = as_array(found)
        return Positions(positions[np.argsort(rank[positions], kind="stable")])  # type: ignore[return-value]

    # -- counting -----------------------------------------------------------------------------
    def counts(
        self, found: Sequence[int], states: Mapping[str, PaperState], ascending: bool = False
    ) -> tuple[int, int]:
        """``(unread, starred)`` among the papers at ``found``: two population counts."""
        bits = self.bits_of_positions(found)
        try:
            read, starred = self._states_bits(states)
        except IndexDamaged as exc:
            self.note_damage(exc)
            return len(found), 0
        return len(found) - bitsets.count(bits & read), bitsets.count(bits & starred)

    def count_new(self, found: Sequence[int], ascending: bool = False) -> int:
        if self.all_new:
            return len(found)
        return bitsets.count(self.bits_of_positions(found) & self._new_bits)

    def _rank(self, sort: str) -> np.ndarray:
        rank = self._ranks.get(sort)
        if rank is None:
            try:
                by_doc = self.index.sort_rank(sort)
            except IndexDamaged as exc:  # date order meanwhile (not kept: the index is rebuilt)
                self.note_damage(exc)
                return np.arange(len(self.docs), dtype=np.int64)
            rank = self._ranks[sort] = by_doc[self.docs] if len(self.docs) else by_doc[:0]
        return rank

    def warm_steps(self, abstracts: bool = True) -> list[Callable[[], object]]:
        """The sort orders (the index itself needs no warming)."""
        return [partial(self._rank, sort) for sort in SORTS[1:]]


class _StateBits(Mapping[str, Any]):
    """``read``, ``starred`` and ``new`` as bitsets, the first two made when a query asks."""

    def __init__(self, library: IndexedLibrary, states: Mapping[str, PaperState]) -> None:
        self._library = library
        self._states = states

    def __getitem__(self, key: str) -> Any:
        if key == "new":
            return self._library._new_bits
        if key in ("read", "starred"):
            read, starred = self._library._states_bits(self._states)
            return read if key == "read" else starred
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(("read", "starred", "new"))

    def __len__(self) -> int:
        return 3
