"""The opened index: evaluate queries, read rows and papers by document id.

Document ids: each segment's documents get a run of ids starting at a
multiple of 8 (segments newest first), so a bitset over every document is the
concatenation of the segments' own bitsets. Ascending ids are newest-first
order; ids of deleted documents (superseded by a newer segment) and the few
padding ids between segments are never returned. A fresh build or a full
merge has ids ``0..n-1`` exactly: the rows in newest-first order.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..models import Paper
from ..query.nodes import Query
from ..query.syntax import parse_query
from . import bitsets, views
from .directory import read_manifest
from .evaluate import Evaluator, States
from .segment import Row, Segment, _value
from .columns import BLOB_FIELDS
from .phrases import blob_pattern, check_texts, scan_segment
from .segment_file import IndexDamaged, IndexMissing
from ..query.words import needle_parts

_CACHE_SIZE = 64
#: A segment's blob is scanned whole when more than 1/BULK_SHARE of its documents are candidates.
BULK_SHARE = 8


@dataclass(slots=True)
class SearchResult:
    """What a query matched: how many, the first few ids, and the bitset for the rest."""

    count: int
    first: list[int]
    bits: np.ndarray

    def docs(self) -> np.ndarray:
        """Every matching document id, ascending (newest first)."""
        return bitsets.to_docs(self.bits)

    def after(self, doc: int, limit: int) -> list[int]:
        """Up to ``limit`` matching ids after ``doc`` (scrolling down a long result)."""
        return bitsets.first_docs(self.bits, limit, doc + 1)


class SearchIndex:
    """A mapped index (see :mod:`tui.core.index`). Safe to share between threads for reading."""

    def __init__(self, directory: Path, source: str, segments: list[Segment], deleted: list[list[int]]) -> None:
        self.directory = directory
        self.source = source
        self.segments = segments
        self.bases: list[int] = []
        parts = []
        base = 0
        for segment, gone in zip(segments, deleted):
            self.bases.append(base)
            mask = np.zeros(segment.nbytes * 8, bool)
            mask[: segment.n] = True
            mask[np.array(gone, dtype=np.int64)] = False
            parts.append(np.packbits(mask))
            base += segment.nbytes * 8
        self.nbytes = base // 8
        self.live = np.concatenate(parts) if parts else bitsets.empty(0)
        self._count = bitsets.count(self.live)
        self._cache: OrderedDict[tuple[str, str, str, str], np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._ranks: dict[str, np.ndarray] = {}
        #: The manifest it was opened from (with the store's keys: ``imports``, ``digests``...).
        self.manifest: dict = {}

    def __len__(self) -> int:
        """Papers in the index (deleted ones not counted)."""
        return self._count

    # -- reading -------------------------------------------------------------

    def _locate(self, doc: int) -> tuple[Segment, int]:
        at = bisect_right(self.bases, doc) - 1
        if at < 0 or doc - self.bases[at] >= self.segments[at].n:
            raise IndexError(f"no document {doc}")
        return self.segments[at], doc - self.bases[at]

    def row(self, doc: int) -> Row:
        """The list columns of document ``doc``."""
        segment, local = self._locate(doc)
        try:
            return segment.row(local, doc)
        except (ValueError, UnicodeDecodeError) as exc:
            raise IndexDamaged(f"{segment.file.path}: row {local} unreadable ({exc})") from None

    def paper_id(self, doc: int) -> str:
        """The id (without version) of document ``doc``: cheaper than its :meth:`row`."""
        segment, local = self._locate(doc)
        try:
            return segment.paper_id(local)
        except (ValueError, UnicodeDecodeError) as exc:
            raise IndexDamaged(f"{segment.file.path}: row {local} unreadable ({exc})") from None

    def rows(self, docs: Iterable[int]) -> list[Row]:
        return [self.row(d) for d in docs]

    def paper(self, doc: int) -> Paper:
        """The full paper of document ``doc`` (abstract and details read from the mapped file)."""
        segment, local = self._locate(doc)
        try:
            return segment.paper(local)
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            raise IndexDamaged(f"{segment.file.path}: paper {local} unreadable ({exc})") from None

    def doc_of(self, paper_id: str) -> int | None:
        """The live document of ``paper_id``, or None."""
        for base, segment in zip(self.bases, self.segments):
            local = segment.find_id(paper_id)
            if local is not None and self._is_live(base + local):
                return base + local
        return None

    def bits_of_ids(self, paper_ids: Iterable[str]) -> np.ndarray:
        """The bitset of the live documents of ``paper_ids`` (e.g. the starred ones), for ``states``."""
        return bitsets.from_docs(views.docs_of_ids(self, paper_ids), self.nbytes)

    def docs_of_ids(self, paper_ids: Iterable[str]) -> np.ndarray:
        """The live documents of ``paper_ids`` (without version), ascending."""
        return views.docs_of_ids(self, paper_ids)

    def docs_listed_in(self, pairs: Iterable[tuple[str, str]]) -> list[int]:
        """The live documents listed in a digest of one of ``pairs`` ((category, date) tuples)."""
        return views.docs_listed_in(self, pairs)

    def imported_after(self, imports: Iterable[int]) -> np.ndarray:
        """Bitset of the live documents first brought by the imports numbered ``imports`` (``is:new``)."""
        return views.imported_after(self, imports)

    def sort_rank(self, sort: str) -> np.ndarray:
        """Each document's position in ``sort`` order (int64 by document id; deleted ones last), cached."""
        with self._cache_lock:
            found = self._ranks.get(sort)
        if found is None:
            found = self._ranks[sort] = views.sort_rank(self, sort)
        return found

    def in_order(self, docs: np.ndarray, sort: str) -> np.ndarray:
        """``docs`` (e.g. :meth:`SearchResult.docs`) in ``sort`` order (``date``: as given, ascending)."""
        if sort == "date":
            return docs
        return docs[np.argsort(self.sort_rank(sort)[docs], kind="stable")]

    def sort_order(self, sort: str) -> np.ndarray:
        """Every live document in ``sort`` order: ``date`` (newest first), ``title`` or ``category``
        (the reader's keys, ties newest first); precomputed per segment, merged here."""
        return views.sort_order(self, sort)

    def day_runs(self) -> list[tuple[str, int, int]]:
        """``(date, first doc, end doc)`` of each latest digest day, newest first (see :func:`.views.day_runs`)."""
        return views.day_runs(self)

    def latest_day(self) -> str | None:
        """The newest latest-digest day of the live papers (``date:latest``), None when empty."""
        for day, first, end in self.day_runs():
            found = bitsets.first_docs(self.live, 1, first)
            if found and found[0] < end:
                return day or None
        return None

    def stats(self) -> dict:
        """Figures for ``stats`` (see :func:`.views.library_stats`), from the columns alone."""
        return views.library_stats(self)

    def all_docs(self) -> np.ndarray:
        return bitsets.to_docs(self.live)

    def _is_live(self, doc: int) -> bool:
        return bool(self.live[doc >> 3] & (0x80 >> (doc & 7)))

    # -- searching -------------------------------------------------------------

    def search(
        self,
        query: Query | str,
        states: States | None = None,
        limit: int = 50,
        should_stop: Callable[[], bool] | None = None,
    ) -> SearchResult:
        """Count and first ``limit`` ids of the papers matching ``query`` (text or parsed).

        ``states`` gives ``is:read``, ``is:starred`` and ``is:new`` their papers.
        ``should_stop`` is polled while phrases are checked against the text;
        when it answers True the search raises ``SearchCancelled``.
        """
        if isinstance(query, str):
            query = parse_query(query)
        bits = self.match(query, states, should_stop)
        return SearchResult(bitsets.count(bits), bitsets.first_docs(bits, limit), bits)

    def search_bits(self, bits: np.ndarray) -> np.ndarray:
        """The live documents of ``bits``, ascending."""
        return bitsets.to_docs(bits & self.live)

    def match(
        self,
        query: Query,
        states: States | None = None,
        should_stop: Callable[[], bool] | None = None,
        within: np.ndarray | None = None,
    ) -> np.ndarray:
        """The bitset of the live documents matching ``query``; with ``within`` (a bitset),
        exact only at those documents (phrases are checked there alone): AND it with ``within``."""
        if query.root is None:
            return self.live
        return Evaluator(self, states or {}, should_stop).run(query.root, within) & self.live

    def term_bits(self, field: str, needle: str, lo: str = "", hi: str = "") -> np.ndarray:
        """Bitset of a leaf term over every document (deleted ones included), cached."""
        key = (field, needle, lo, hi)
        with self._cache_lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        if field in ("cat", "auth"):
            found = self._lookup(field, lambda p: p.exact_range(_value(needle).encode()))
        elif field == "id":
            found = self._lookup(field, lambda p: p.prefix_range(needle.encode()))
        elif field == "date":
            found = self._lookup(field, lambda p: p.between_range(lo.encode(), hi.encode()))
        else:
            found = self._words(field, needle_parts(needle))
        with self._cache_lock:
            self._cache[key] = found
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return found

    def clear_cache(self) -> None:
        """Forget cached term results (benchmarks time uncached keystrokes)."""
        with self._cache_lock:
            self._cache.clear()

    def _lookup(self, field: str, ranges: Callable) -> np.ndarray:
        parts = []
        for segment in self.segments:
            postings = segment.postings(field)
            parts.append(postings.bits(*ranges(postings)))
        return np.concatenate(parts) if len(parts) != 1 else parts[0]

    def _words(self, field: str, parts: list[tuple[str, bool]]) -> np.ndarray:
        """Documents holding every word of ``parts`` (exact, or as a prefix)."""
        result = None
        for word, prefix in parts:
            data = word.encode()
            bits = self._lookup(
                field, lambda p, data=data, prefix=prefix: p.prefix_range(data) if prefix else p.exact_range(data)
            )
            result = bits if result is None else result & bits
        return self.live if result is None else result

    def phrase_bits(
        self, field: str, needle: str, within: np.ndarray | None, stop: Callable[[], bool] | None
    ) -> np.ndarray:
        """Documents whose ``field`` holds ``needle`` at a word start, checked against the text.

        Bounded for phrases of common words: where a segment has many
        candidates, its whole blob of that field is scanned once (:mod:`.phrases`).
        """
        candidates = self.term_bits(field, needle)
        if within is not None:
            candidates = candidates & within
        candidates = candidates & self.live
        pattern = blob_pattern(needle) if field in BLOB_FIELDS else None
        parts = []
        for base, segment in zip(self.bases, self.segments):
            local = candidates[base // 8 : base // 8 + segment.nbytes]
            docs = bitsets.to_docs(local)
            docs = docs[docs < segment.n]
            found: list[int] = []
            if pattern is not None and len(docs) * BULK_SHARE > segment.n:
                matched, docs = scan_segment(segment, field, pattern, local, stop)
                found = matched.tolist()
            found += check_texts(segment, field, needle, docs.tolist(), stop)
            parts.append(bitsets.from_docs(found, segment.nbytes))
        return np.concatenate(parts) if len(parts) != 1 else parts[0]

    def verify(self) -> None:
        """Check every section's checksum (reads everything); raises :class:`IndexDamaged`."""
        for segment in self.segments:
            segment.file.verify()

    def close(self) -> None:
        self._cache.clear()
        for segment in self.segments:
            segment.close()


def open_index(directory: Path, source: str | None = None) -> SearchIndex:
    """Map the index in ``directory``; raises ``IndexMissing``, ``IndexStale`` or ``IndexDamaged``.

    With ``source``, an index built from other data is stale.
    """
    directory = Path(directory)
    manifest = read_manifest(directory, source)
    segments: list[Segment] = []
    try:
        for entry in manifest["segments"]:
            try:
                segment = Segment(directory / entry["file"])
            except IndexMissing as exc:
                raise IndexDamaged(f"{exc.message} (named by {directory / 'index.json'})") from None
            segments.append(segment)
            deleted = entry["deleted"]
            if segment.n != int(entry["docs"]) or any(not 0 <= int(d) < segment.n for d in deleted):
                raise IndexDamaged(f"{segment.file.path}: does not match the manifest")
    except BaseException:
        for segment in segments:
            segment.close()
        raise
    index = SearchIndex(directory, manifest["source"], segments, [e["deleted"] for e in manifest["segments"]])
    index.manifest = manifest
    return index
