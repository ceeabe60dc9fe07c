"""Whole-library answers from the columns of every segment: ids to documents, first imports,
sort orders and the figures of ``stats``, without reading a paper.

Functions of an opened :class:`~.search.SearchIndex` (its ``segments``, ``bases``
and ``live`` bitset); the index exposes each as a method.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import compress
from typing import TYPE_CHECKING, Any

import numpy as np

from . import bitsets
from .columns import SORTS
from .segment import _value

if TYPE_CHECKING:
    from .search import SearchIndex


def live_mask(index: SearchIndex, at: int) -> np.ndarray:
    """Booleans: which of segment ``at``'s documents are live."""
    segment, base = index.segments[at], index.bases[at]
    return np.unpackbits(index.live[base // 8 : base // 8 + segment.nbytes])[: segment.n].astype(bool)


#: Up to this many ids are looked up by bisection in each segment's id terms; more, in one
#: vectorised search over all of them (built once per segment, then cached).
_BISECT_IDS = 256


def docs_of_ids(index: SearchIndex, paper_ids: Iterable[str]) -> np.ndarray:
    """The live documents of ``paper_ids`` (ids without version, exact), ascending; vectorised.

    The id column holds ids lower-cased: a wanted id already in lower case (every
    arXiv id) matches its term exactly; the others are checked against the row.
    """
    unique = dict.fromkeys(paper_ids)
    unique.pop("", None)
    # (the usual case, only strings, checked at C speed: 200,000 ids at start-up)
    wanted = list(unique) if set(map(type, unique)) <= {str} else [i for i in unique if isinstance(i, str) and i]
    if not wanted:
        return np.zeros(0, np.int64)
    joined = "\x00".join(wanted)
    if joined.isascii() and not any(space in joined for space in " \t\n\r\x0b\x0c"):
        lowered = joined.lower()  # (what _value gives for these: the lower-cased text)
        encoded = lowered.encode().split(b"\x00")
        check = np.zeros(len(wanted), bool)
        if lowered != joined:
            check = np.array([low != i for low, i in zip(lowered.split("\x00"), wanted)])
    else:
        encoded = [_value(i.lower()).encode() for i in wanted]
        check = np.ones(len(wanted), bool)
    keys = np.array(encoded)
    found: list[np.ndarray] = []
    for at, (base, segment) in enumerate(zip(index.bases, index.segments)):
        postings = segment.postings("id")
        if not postings.size:
            continue
        if len(encoded) <= _BISECT_IDS:  # a day's import: no array of the segment's 200,000 ids (50 ms)
            ranges = [postings.exact_range(key) for key in encoded]
            pos = np.array([lo if hi > lo else 0 for lo, hi in ranges], np.int64)
            hit = np.array([hi > lo for lo, hi in ranges], bool)
        else:
            terms = segment.id_terms()
            pos = np.minimum(np.searchsorted(terms, keys), len(terms) - 1)
            hit = terms[pos] == keys
        starts = postings.offsets[pos[hit]].astype(np.int64)
        docs = postings.docs[starts].astype(np.int64)
        checked = check[hit]
        if checked.any():  # a mixed-case id: the row must say exactly that id
            keep = ~checked
            asked = [i for i, h in zip(wanted, hit.tolist()) if h]
            for k in np.flatnonzero(checked).tolist():
                keep[k] = segment.row_values(int(docs[k]))[0] == asked[k]
            docs = docs[keep]
        if len(docs):
            found.append(docs[live_mask(index, at)[docs]] + base)
    return np.sort(np.concatenate(found)) if found else np.zeros(0, np.int64)


def docs_listed_in(index: SearchIndex, pairs: Iterable[tuple[str, str]]) -> list[int]:
    """The live documents listed in a digest of one of ``pairs`` (category, date)."""
    wanted = set(pairs)
    out: list[int] = []
    for at, (base, segment) in enumerate(zip(index.bases, index.segments)):
        columns = segment.columns
        cat_id = {c: k for k, c in enumerate(columns.ref_cats)}
        date_id = {d: k for k, d in enumerate(columns.ref_dates)}
        hit = np.zeros(len(columns.ref_cat), bool)
        for cat, date in wanted:
            if cat in cat_id and date in date_id:
                hit |= (columns.ref_cat == cat_id[cat]) & (columns.ref_date == date_id[date])
        refs = np.flatnonzero(hit)
        docs = np.unique(np.searchsorted(columns.ref_offsets.astype(np.int64), refs, "right") - 1)
        docs = docs[live_mask(index, at)[docs]]
        out += (docs + base).tolist()
    return sorted(out)


def imported_after(index: SearchIndex, imports: Iterable[int]) -> np.ndarray:
    """Bitset of the live documents first brought by one of the imports numbered ``imports``."""
    wanted = np.array(sorted(set(imports)), np.int32)
    parts = []
    for segment in index.segments:
        mask = np.zeros(segment.nbytes * 8, bool)
        mask[: segment.n] = np.isin(segment.columns.imported, wanted)
        parts.append(np.packbits(mask))
    bits = np.concatenate(parts) if parts else bitsets.empty(0)
    return bits & index.live


def sort_order(index: SearchIndex, sort: str) -> np.ndarray:
    """Every live document in ``sort`` order (``date``: ascending ids; ``title``, ``category``:
    the reader's keys, ties newest first), as int64 document ids.

    Each segment keeps its documents' order and their keys in that order; the
    runs of several segments are concatenated (segments newest first) and
    sorted by key: a stable sort, so ties stay newest first, and a sort of a
    few presorted runs (timsort merges them).
    """
    if sort == "date":
        return index.all_docs()
    if sort not in SORTS:
        raise ValueError(sort)
    runs: list[np.ndarray] = []
    keys: list[str] = []
    for at, (base, segment) in enumerate(zip(index.bases, index.segments)):
        order = segment.columns.order(sort).astype(np.int64)
        live = live_mask(index, at)[order]
        runs.append(order[live] + base)
        if len(index.segments) > 1:
            keys += compress(segment.columns.order_keys(sort), live.tolist())
    if not runs:
        return np.zeros(0, np.int64)
    docs = np.concatenate(runs)
    if len(runs) == 1:
        return docs
    return docs[np.array(sorted(range(len(keys)), key=keys.__getitem__), np.int64)]


def sort_rank(index: SearchIndex, sort: str) -> np.ndarray:
    """Each document's position in :func:`sort_order` (int64 by document id; deleted ones last)."""
    order = sort_order(index, sort)
    rank = np.full(index.nbytes * 8, len(order), np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    return rank


def day_runs(index: SearchIndex) -> list[tuple[str, int, int]]:
    """``(latest digest date, first document, end document)`` per day, newest first.

    A paper belongs to its latest digest day; each day's papers are the live
    documents of ``[first, end)`` (ids there may be deleted or padding).
    """
    runs: list[tuple[str, int, int]] = []
    for base, segment in zip(index.bases, index.segments):
        columns = segment.columns
        starts = columns.day_starts.tolist() + [segment.n]
        for date, first, end in zip(columns.day_dates, starts, starts[1:]):
            if runs and runs[-1][0] == date:
                runs[-1] = (date, runs[-1][1], base + end)
            else:
                runs.append((date, base + first, base + end))
    return runs


def library_stats(index: SearchIndex) -> dict[str, Any]:
    """``papers``, ``listings`` (digest category -> papers listed), ``primary`` (primary category ->
    papers), ``first_date`` and ``last_date`` of the digests ("" when none)."""
    listings: Counter[str] = Counter()
    primary: Counter[str] = Counter()
    first, last = "", ""
    for at, segment in enumerate(index.segments):
        columns = segment.columns
        live = live_mask(index, at)
        cats, dates = columns.listings(live)
        for cat_id, count in enumerate(np.bincount(cats, minlength=len(columns.ref_cats)).tolist()):
            if count:
                listings[columns.ref_cats[cat_id]] += count
        per_name = np.bincount(columns.primary[live], minlength=len(columns.primary_names)).tolist()
        for name_id, count in enumerate(per_name):
            if count:
                primary[columns.primary_names[name_id]] += count
        if len(dates):
            low, high = columns.ref_dates[int(dates.min())], columns.ref_dates[int(dates.max())]
            first = low if not first or low < first else first
            last = high if high > last else last
    return {"papers": len(index), "listings": dict(listings), "primary": dict(primary),
            "first_date": first, "last_date": last}
