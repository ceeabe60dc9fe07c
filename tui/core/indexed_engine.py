"""The query engine's search answered by the search index, whole or at a few papers.

:class:`IndexEngine` is what the reading list's counts and muting search with
through the index (positions in, positions out), as they do with the
:class:`~tui.core.query.QueryEngine` of the library loaded whole.

After a star, a tag or another reader's change, only the papers it touched can
enter or leave a list about the user's state (the sidebar's counts, the muted
papers). The index answers a query with bitsets over every document, and for a
query about the state the costly part is the state's bitsets themselves: the
20,000 ids of a tag looked up in the id column take about 9 ms, every time.

:func:`match_at` makes each of those bitsets over the candidate papers alone
(their ids read once from the id column, each checked against the state or
the reading list's set) and lets the index evaluate the query inside the
candidates' bitset, where its evaluator is exact. Every query term answers per
paper (a paper's own words, categories and state decide it), so the answer at
the candidates is the answer the whole match would give there. No Textual here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .index import IndexDamaged, bitsets
from .models import PaperState
from .positions import as_array
from .query import Query
from .query.engine import UserSetsLike
from .readinglist.sets import UserSets, as_user_sets

if TYPE_CHECKING:
    from .indexed_library import IndexedLibrary

#: Up to this many candidates a query is matched at them alone; more, over the whole index
#: (the ids of the candidates are read one by one, a few microseconds each).
FEW = 5_000


class _StatesAt(Mapping[str, Any]):
    """The index's ``states`` right at the candidate documents only (elsewhere: empty).

    ``read``/``starred`` from ``states``, ``new`` as the library has it (already a
    bitset), the reading list's keys (``tag:ml``, ``has:note``, ``muted``...) from ``sets``.
    """

    def __init__(
        self, library: IndexedLibrary, docs: np.ndarray, ids: list[str],
        states: Mapping[str, PaperState], sets: UserSets,
    ) -> None:
        self._library = library
        self._docs = docs
        self._ids = ids
        self._states = states
        self._sets = sets
        self._made: dict[str, np.ndarray] = {}

    def __getitem__(self, key: str) -> Any:
        found = self._made.get(key)
        if found is not None:
            return found
        if key == "new":
            return self._library._new_bits
        if key in ("read", "starred"):
            get = self._states.get
            keep = [bool(getattr(get(paper_id), key, False)) for paper_id in self._ids]
        elif key == "muted" or ":" in key:
            members = self._sets.get(key)
            keep = [paper_id in members for paper_id in self._ids]
        else:
            raise KeyError(key)
        found = self._made[key] = self._bits(keep)
        return found

    def _bits(self, keep: list[bool]) -> np.ndarray:
        return bitsets.from_docs(self._docs[np.array(keep, bool)], self._library.index.nbytes)

    def __iter__(self) -> Iterator[str]:
        return iter(("read", "starred", "new"))

    def __len__(self) -> int:
        return 3


def match_at(
    library: IndexedLibrary,
    query: Query,
    states: Mapping[str, PaperState],
    positions: Sequence[int],
    sets: UserSets,
    should_stop: Callable[[], bool] | None = None,
) -> list[int]:
    """Ascending positions, among ``positions``, of the papers matching ``query`` (``is:``
    from ``states``, the reading list's terms from ``sets``): the papers' ids read once,
    each state-derived term checked for those papers only."""
    if not len(positions):
        return []
    at = np.unique(as_array(positions))
    docs = at if library._dense else library.docs[at]
    index = library.index
    ids = _ids_at(library, at)
    within = bitsets.from_docs(docs, index.nbytes)
    try:
        bits = index.match(query, _StatesAt(library, docs, ids, states, sets), should_stop, within)
    except IndexDamaged as exc:  # nothing found until the index is rebuilt
        library.note_damage(exc)
        return []
    return library.positions_of_bits(bits & within)


def _ids_at(library: IndexedLibrary, at: np.ndarray) -> list[str]:
    """The ids at positions ``at``; the last answer kept, as a change's lists ask for the same papers."""
    key = at.tobytes()
    last = library.few_ids
    if last is not None and last[0] == key:
        return last[1]
    ids = library.ids(at.tolist())
    library.few_ids = (key, ids)
    return ids


class IndexEngine:
    """The search of a :class:`~tui.core.query.QueryEngine` (positions in, positions out),
    answered by the index: what the reading list's counts and muting search with."""

    def __init__(self, library: IndexedLibrary) -> None:
        self.library = library
        self.papers = library.papers

    def built(self, key: str) -> bool:
        """Always: the index needs no warming."""
        return True

    def search(
        self,
        query: Query,
        states: Mapping[str, PaperState],
        candidates: Sequence[int] | None = None,
        should_stop: Callable[[], bool] | None = None,
        sets: UserSetsLike | None = None,
    ) -> list[int]:
        """Ascending positions of the papers matching ``query`` (among ``candidates``)."""
        library = self.library
        if query.root is None:
            return list(candidates) if candidates is not None else list(range(len(library)))
        if candidates is not None and len(candidates) <= FEW:  # (a change's papers: the state made at those alone)
            return match_at(library, query, states, candidates, as_user_sets(sets), should_stop)
        bits = library.match_bits(query, states, should_stop, sets)
        if candidates is not None:
            bits = bits & library.bits_of_positions(candidates)
        return library.positions_of_bits(bits)
