"""Matching: which papers a parsed query selects, fast, from any thread."""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from collections import deque
from itertools import compress, repeat
from typing import NamedTuple, Protocol

from ..models import Paper, PaperState
from ..textfold import fold
from .haystack import _FIND_IN_SHARE, SearchCancelled, _Haystack
from .nodes import ANY_FIELDS, TEXT_FIELDS, And, Node, Not, Or, Query, Term, cat_matches, user_set_key
from .syntax import parse_query

def _field_texts(papers: Sequence[Paper], key: str) -> Iterable[str]:
    """The folded text of field ``key`` for each paper."""
    if key == "default":
        # Parts joined by newline (never in folded text): no phrase spans two parts.
        return (
            f"{fold(p.title)}\n{fold(', '.join(p.authors))}\n{p.id.lower()}\n{' '.join(p.categories).lower()}"
            for p in papers
        )
    if key == "title":
        return (fold(p.title) for p in papers)
    if key == "authors":
        return (fold(", ".join(p.authors)) for p in papers)
    if key == "summary":
        return (fold(p.summary or "") for p in papers)
    if key == "comment":
        return (fold(p.comment or "") for p in papers)
    if key == "journal":
        return (fold(p.journal_ref or "") for p in papers)
    if key == "doi":
        return (fold(" ".join(p.dois)) for p in papers)
    raise ValueError(key)


class UserSetsLike(Protocol):
    """Where the terms about the user's state find their papers (see :meth:`QueryEngine.search`)."""

    def get(self, key: str) -> AbstractSet[str] | None: ...


class _States(NamedTuple):
    """What state terms read during one search: read/starred flags, and the other sets."""

    flags: Mapping[str, PaperState]
    sets: UserSetsLike | None


def _build_haystack(papers: Sequence[Paper], key: str) -> _Haystack:
    """Fold field ``key`` of every paper into a haystack (tests count the calls)."""
    return _Haystack(_field_texts(papers, key))


class QueryEngine:
    """Filters a fixed list of papers fast; safe to use from several threads at once.

    Folded text per field is built lazily on the first query that needs it
    (the abstracts only on the first ``abs:``/``any:`` query), as are the
    category, id and date indexes; :meth:`prepare` builds them ahead of time.
    Each lazy index has its own lock: when several threads need the same one,
    it is built once and the others wait for it (a build is never abandoned,
    even by a cancelled search, since the next search needs it anyway).
    ``papers`` must not change afterwards; build a new engine when the list
    changes.
    """

    def __init__(self, papers: Sequence[Paper], latest_day: str | None = None) -> None:
        self.papers = papers
        #: Ids of the papers new to the user (``is:new``), ``None`` for every paper; set by the library.
        self.new_ids: AbstractSet[str] | None = frozenset()
        self._latest_day = latest_day
        self._haystacks: dict[str, _Haystack] = {}
        self._locks: dict[str, threading.Lock] = {
            key: threading.Lock() for key in (*TEXT_FIELDS, "cat", "id", "date")
        }
        self._cat_index: dict[str, array] | None = None
        self._id_keys: list[str] | None = None
        self._id_index: array = array("I")
        self._date_keys: list[str] | None = None
        self._date_index: array = array("I")
        self._date_starts: array = array("I")

    def __len__(self) -> int:
        return len(self.papers)

    def prepare(self, fields: Iterable[str] = ("default",)) -> None:
        """Build the haystacks of ``fields`` now (e.g. in a worker at start-up)."""
        for key in fields:
            self._haystack(key)

    def built(self, key: str) -> bool:
        """Whether the lazy index ``key`` (a text field, ``"cat"``, ``"id"`` or ``"date"``) exists."""
        if key in TEXT_FIELDS:
            return key in self._haystacks
        return {"cat": self._cat_index, "id": self._id_keys, "date": self._date_keys}.get(key) is not None

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
            found = states.sets.get(user_key) if states.sets is not None else None
            if cands is not None and len(cands) * 8 < len(self.papers):  # few: look each one up
                papers, ids = self.papers, found or frozenset()
                return [i for i in cands if papers[i].id in ids]
            return _intersect(sorted(self._indices_of(found or ())), cands)
        if key in TEXT_FIELDS:
            hay = self._haystack(key)
            needle = term.needle.encode()
            if cands is not None and len(cands) < len(self.papers) * _FIND_IN_SHARE:
                # Checking each candidate costs about 1.2x its share of a full
                # scan, which also pays an intersection: measured break-even ~0.8.
                return hay.find_in(needle, cands, stop)
            return _intersect(hay.find_all(needle, stop), cands, len(self.papers))
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

    def latest_day(self) -> str | None:
        """The newest digest day of the papers (``date:latest``)."""
        if self._latest_day is None:
            self._latest_day = max((p.digests[-1].date for p in self.papers if p.digests), default=None)
        return self._latest_day

    def _eval_state(self, state: str, cands: list[int] | None, states: Mapping[str, PaperState]) -> list[int]:
        if state == "new" and self.new_ids is None:  # every paper is new
            return list(cands) if cands is not None else list(range(len(self.papers)))
        if cands is not None and len(cands) * 8 < len(self.papers):  # few: look each one up
            return self._state_of_each(state, cands, states)
        if state == "new":
            wanted = list(self.new_ids)
        else:
            attr = "starred" if state == "starred" else "read"
            wanted = [paper_id for paper_id, st in states.items() if getattr(st, attr, False)]
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

    def _indices_of(self, paper_ids: Iterable[str]) -> set[int]:
        """The indices of the papers with these ids (ids not in the list are skipped)."""
        hits: set[int] = set()
        if not paper_ids:
            return hits
        # The sorted id index answers "which papers have this id" without a
        # second per-paper dict; ids are matched exactly after the lookup.
        keys, index, papers = self._ids(), self._id_index, self.papers
        for paper_id in paper_ids:
            low = paper_id.lower()
            pos = bisect_left(keys, low)
            while pos < len(keys) and keys[pos] == low:
                i = index[pos]
                if papers[i].id == paper_id:
                    hits.add(i)
                pos += 1
        return hits

    # -- lazy indexes (double-checked: the lock only on the first use) --------

    def _haystack(self, key: str) -> _Haystack:
        hay = self._haystacks.get(key)
        if hay is None:
            with self._locks[key]:
                hay = self._haystacks.get(key)
                if hay is None:
                    hay = self._haystacks[key] = _build_haystack(self.papers, key)
        return hay

    def _categories(self) -> dict[str, array]:
        """category -> indices, and ``archive:<prefix before the dot>`` -> indices."""
        if self._cat_index is None:
            with self._locks["cat"]:
                if self._cat_index is None:
                    index: dict[str, array] = {}
                    for i, paper in enumerate(self.papers):
                        seen = set()
                        for cat in paper.categories:
                            low = cat.lower()
                            for k in (low, "archive:" + low.split(".", 1)[0]):
                                if k not in seen:
                                    seen.add(k)
                                    found = index.get(k)
                                    if found is None:
                                        found = index[k] = array("I")
                                    found.append(i)
                    self._cat_index = index
        return self._cat_index

    def _ids(self) -> list[str]:
        """Lower-cased ids, sorted; ``_id_index[k]`` is the paper of ``_id_keys[k]``."""
        if self._id_keys is None:
            with self._locks["id"]:
                if self._id_keys is None:
                    pairs = []
                    for i, paper in enumerate(self.papers):
                        low = paper.id.lower()
                        pairs.append((paper.id if low == paper.id else low, i))  # share the id string
                    pairs.sort()
                    # Index first, keys last: a thread that sees the keys sees the index.
                    self._id_index = array("I", [i for _, i in pairs])
                    self._id_keys = [k for k, _ in pairs]
        return self._id_keys

    def _dates(self) -> list[str]:
        """The distinct dates (digest and published), sorted.

        The papers of date ``k`` are ``_date_index[_date_starts[k]:_date_starts[k + 1]]``
        (ascending): one start per distinct date rather than a date per entry.

        Few distinct dates: papers are bucketed per date (ascending within a
        bucket since they are visited in order), then the buckets concatenated
        in date order; no sort of one (date, index) pair per entry, which held
        the GIL for half a second at 200,000 papers.
        """
        if self._date_keys is None:
            with self._locks["date"]:
                if self._date_keys is None:
                    buckets: dict[str, array] = {}
                    for i, paper in enumerate(self.papers):
                        published = paper.published[:10] if paper.published else None
                        for ref in paper.digests:
                            found = buckets.get(ref.date)
                            if found is None:
                                found = buckets[ref.date] = array("I")
                            if not found or found[-1] != i:  # a date counted once per paper
                                found.append(i)
                        if published:
                            found = buckets.get(published)
                            if found is None:
                                found = buckets[published] = array("I")
                            if not found or found[-1] != i:
                                found.append(i)
                    index = array("I")
                    starts = array("I", [0])
                    keys = sorted(buckets)
                    for date in keys:
                        index.extend(buckets[date])
                        starts.append(len(index))
                    # Index and starts first, keys last: a thread that sees the keys sees the rest.
                    self._date_index = index
                    self._date_starts = starts
                    self._date_keys = keys
        return self._date_keys


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
