"""Matching: which papers a parsed query selects, fast, from any thread."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from collections import deque
from itertools import compress, repeat
from typing import NamedTuple, Protocol

from ..models import Paper, PaperState
from ..statemap import flagged_keys
from .haystack import _FIND_IN_SHARE, SearchCancelled
from .lazy_indexes import LazyIndexes
from .nodes import ANY_FIELDS, TEXT_FIELDS, And, Node, Not, Or, Query, Term, cat_matches, user_set_key
from .syntax import parse_query


class UserSetsLike(Protocol):
    """Where the terms about the user's state find their papers (see :meth:`QueryEngine.search`)."""

    def get(self, key: str) -> AbstractSet[str] | None: ...


class _States(NamedTuple):
    """What state terms read during one search: read/starred flags, and the other sets."""

    flags: Mapping[str, PaperState]
    sets: UserSetsLike | None


class QueryEngine(LazyIndexes):
    """Filters a fixed list of papers fast; safe to use from several threads at once.

    It reads the indexes of :class:`.lazy_indexes.LazyIndexes`, each built on
    first need (:meth:`prepare` builds them ahead of time). ``papers`` must not
    change afterwards; build a new engine when the list changes.
    """

    def __init__(self, papers: Sequence[Paper], latest_day: str | None = None) -> None:
        super().__init__(papers, latest_day)
        #: Ids of the papers new to the user (``is:new``), ``None`` for every paper; set by the library.
        self.new_ids: AbstractSet[str] | None = frozenset()

    def search(
        self,
        query: Query,
        states: Mapping[str, PaperState],
        candidates: Sequence[int] | None = None,
        should_stop: Callable[[], bool] | None = None,
        sets: UserSetsLike | None = None,
    ) -> list[int]:
        """Indices (into ``papers``, ascending) of the papers matching ``query``.

        ``sets`` answers the terms about the user's state other than read and
        starred (``tag:``, ``has:``, ``note:``, ``is:muted``): ``sets.get(key)``
        gives the ids of key :func:`.nodes.user_set_key`; without it they match nothing.

        With ``candidates`` (ascending indices, e.g. the previous results when
        :meth:`Query.narrows` holds) only those are considered.

        ``should_stop`` (optional) is called between terms and every few
        thousand papers; when it returns True the search raises
        :class:`SearchCancelled` (a lazy index being built is finished first).
        Without it a search always runs to the end, as before.
        """
        if query.root is None:
            return list(candidates) if candidates is not None else list(range(len(self.papers)))
        cands = list(candidates) if candidates is not None else None
        return self._eval(query.root, cands, _States(states, sets), should_stop)

    # -- evaluation ---------------------------------------------------------

    def _eval(
        self,
        node: Node,
        cands: list[int] | None,
        states: _States,
        stop: Callable[[], bool] | None,
    ) -> list[int]:
        """Matching indices within ``cands`` (None = every paper), ascending."""
        if stop is not None and stop():
            raise SearchCancelled
        if isinstance(node, Term):
            return self._eval_term(node, cands, states, stop)
        if isinstance(node, And):
            result = cands
            for child in sorted(node.children, key=_cost):
                result = self._eval(child, result, states, stop)
                if not result:
                    return []
            return result if result is not None else list(range(len(self.papers)))
        if isinstance(node, Or):
            found: set[int] = set()
            for child in node.children:
                found.update(self._eval(child, cands, states, stop))
            return sorted(found)
        # Not
        excluded = set(self._eval(node.child, cands, states, stop))
        pool = cands if cands is not None else range(len(self.papers))
        return [i for i in pool if i not in excluded]

    def _eval_term(
        self,
        term: Term,
        cands: list[int] | None,
        states: _States,
        stop: Callable[[], bool] | None,
    ) -> list[int]:
        key = term.field
        user_key = user_set_key(term)
        if user_key is not None:
            ids = (states.sets.get(user_key) if states.sets is not None else None) or frozenset()
            if cands is not None and len(cands) * 8 < len(self.papers):  # few: look each one up
                papers = self.papers
                return [i for i in cands if papers[i].id in ids]
            return _intersect(sorted(self._indices_of(ids)), cands)
        if key in TEXT_FIELDS:
            hay = self._haystack(key)
            encoded = term.needle.encode()
            if cands is not None and len(cands) < len(self.papers) * _FIND_IN_SHARE:
                # Checking each candidate costs about 1.2x its share of a full
                # scan, which also pays an intersection: measured break-even ~0.8.
                return hay.find_in(encoded, cands, stop)
            return _intersect(hay.find_all(encoded, stop), cands, len(self.papers))
        if key == "any":
            found: set[int] = set()
            for sub in ANY_FIELDS:
                if stop is not None and stop():
                    raise SearchCancelled
                found.update(self._eval_term(Term(sub, term.value, term.needle), cands, states, stop))
            return sorted(found)
        if key == "cat":
            needle = term.needle
            if cands is not None and len(cands) * 8 < len(self.papers):
                papers = self.papers
                return [i for i in cands if any(cat_matches(c, needle) for c in papers[i].categories)]
            index = self._categories()
            exact = index.get(needle, ())
            archive = index.get("archive:" + needle, ())
            # Each array is ascending; a category without a dot is its own archive.
            if len(exact) and len(archive):
                hits = sorted(set(exact) | set(archive))
            else:
                hits = list(exact or archive)  # a fresh list: callers may keep or change the result
            return _intersect(hits, cands, len(self.papers))
        if key == "id":
            keys = self._ids()
            lo = bisect_left(keys, term.needle)
            hi = bisect_left(keys, term.needle + "\uffff")
            return _intersect(sorted(self._id_index[lo:hi]), cands)
        if key == "date":
            low, high = term.lo, term.hi
            if term.needle == "latest":
                latest = self.latest_day()
                if latest is None:
                    return []
                low, high = latest, latest + "~"
            keys = self._dates()  # distinct dates; date k's papers start at _date_starts[k]
            starts = self._date_starts
            lo = starts[bisect_left(keys, low)]
            hi = starts[bisect_right(keys, high)]
            return _intersect(sorted(set(self._date_index[lo:hi])), cands)
        if key == "is":
            return self._eval_state(term.needle, cands, states.flags)
        return []  # pragma: no cover - parse_query builds no other fields

    def _eval_state(self, state: str, cands: list[int] | None, states: Mapping[str, PaperState]) -> list[int]:
        new_ids = self.new_ids
        if state == "new" and new_ids is None:  # every paper is new
            return list(cands) if cands is not None else list(range(len(self.papers)))
        if cands is not None and len(cands) * 8 < len(self.papers):  # few: look each one up
            return self._state_of_each(state, cands, states)
        if state == "new" and new_ids is not None:
            wanted = list(new_ids)
        else:
            attr = "starred" if state == "starred" else "read"
            wanted = flagged_keys(states, attr)
        hits = self._indices_of(wanted)
        if state == "unread":
            pool = cands if cands is not None else range(len(self.papers))
            return [i for i in pool if i not in hits]
        return _intersect(sorted(hits), cands)

    def _state_of_each(self, state: str, cands: list[int], states: Mapping[str, PaperState]) -> list[int]:
        """``is:state`` answered paper by paper (for a few candidates: no pass over every state)."""
        papers = self.papers
        if state == "new":
            new_ids = self.new_ids or frozenset()
            return [i for i in cands if papers[i].id in new_ids]
        attr = "starred" if state == "starred" else "read"
        want = state != "unread"
        return [i for i in cands if bool(getattr(states.get(papers[i].id), attr, False)) is want]




def _cost(node: Node) -> tuple[int, int]:
    """Evaluation order inside an AND: cheap and selective first, exclusions last."""
    if isinstance(node, Term):
        if node.field in ("cat", "id", "date", "is", "tag", "has", "note"):
            return (0, 0)
        if node.field in ("summary", "any"):
            return (3, -len(node.needle))
        return (1, -len(node.needle))
    if isinstance(node, Not):
        return (4, 0)
    return (2, 0)



def _intersect(found: list[int], cands: list[int] | None, total: int = -1) -> list[int]:
    """``found`` (ascending) restricted to ``cands`` (None = no restriction).

    ``total`` is the number of papers: candidates that many (ascending, no
    repeats) are every paper, and restrict nothing.
    """
    if cands is None or len(cands) == total:
        return found
    if not found or not cands:
        return []
    # A byte mask filled and read in C (map/compress): cheaper than a set of
    # the larger list when both lists hold tens of thousands of indices.
    mask = bytearray(max(found[-1], cands[-1]) + 1)
    small, large = (found, cands) if len(found) < len(cands) else (cands, found)
    deque(map(mask.__setitem__, small, repeat(1)), 0)
    return list(compress(large, map(mask.__getitem__, large)))



def filter_papers(
    papers: Sequence[Paper],
    text: str,
    states: Mapping[str, PaperState] | None = None,
    new_ids: AbstractSet[str] = frozenset(),
) -> tuple[list[Paper], list[str]]:
    """Papers matching query ``text`` (in their order) and the parse warnings; for the CLI.

    ``new_ids``: the papers ``is:new`` matches.
    """
    query = parse_query(text)
    engine = QueryEngine(papers)
    engine.new_ids = new_ids
    indices = engine.search(query, states or {})
    return [papers[i] for i in indices], list(query.warnings)
