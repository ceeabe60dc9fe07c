"""The query engine's lazy indexes over a fixed list of papers, each built once on first need.

Folded text per field (a :class:`.haystack._Haystack`), categories, sorted ids and
dates: :class:`LazyIndexes` builds each under its own lock, so threads that need the
same one wait for a single build. :class:`.engine.QueryEngine` evaluates queries on them.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence

from ..models import Paper
from ..textfold import fold
from .haystack import _Haystack
from .nodes import TEXT_FIELDS


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


def _build_haystack(papers: Sequence[Paper], key: str) -> _Haystack:
    """Fold field ``key`` of every paper into a haystack (tests count the calls)."""
    return _Haystack(_field_texts(papers, key))


class LazyIndexes:
    """The indexes a search reads, over ``papers`` (which must not change afterwards).

    Folded text per field is built lazily on the first query that needs it
    (the abstracts only on the first ``abs:``/``any:`` query), as are the
    category, id and date indexes; :meth:`prepare` builds them ahead of time.
    Each lazy index has its own lock: when several threads need the same one,
    it is built once and the others wait for it (a build is never abandoned,
    even by a cancelled search, since the next search needs it anyway).
    """

    def __init__(self, papers: Sequence[Paper], latest_day: str | None = None) -> None:
        self.papers = papers
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

    def latest_day(self) -> str | None:
        """The newest digest day of the papers (``date:latest``)."""
        if self._latest_day is None:
            self._latest_day = max((p.digests[-1].date for p in self.papers if p.digests), default=None)
        return self._latest_day

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
