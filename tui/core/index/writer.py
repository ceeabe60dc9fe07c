"""What a segment (see :mod:`.segment` for its sections) holds of merged papers: the text
each field indexes, the list rows and details, and a field's postings with the bitsets of
its most common prefixes. :mod:`.builder` writes segments a chunk of papers at a time.

Most of the work is the postings (200,000 abstracts hold about 40 million
words, see :mod:`.invert`); the rest is one pass per column over the papers.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from ..models import Paper
from .builder import _narrow
from .invert import Inverted
from .segment import COMMON_POSTINGS, _value


def field_texts(papers: Sequence[Paper], field: str) -> list[str]:
    """The text indexed for ``field``, per paper (raw: folding happens in :func:`~.invert.invert`)."""
    if field == "default":
        return [f"{p.title}\n{', '.join(p.authors)}\n{p.id}\n{' '.join(p.categories)}" for p in papers]
    if field == "title":
        return [p.title for p in papers]
    if field == "authors":
        return [", ".join(p.authors) for p in papers]
    if field == "summary":
        return [p.summary or "" for p in papers]
    if field == "comment":
        return [p.comment or "" for p in papers]
    if field == "journal":
        return [p.journal_ref or "" for p in papers]
    if field == "doi":
        return [" ".join(p.dois) for p in papers]
    if field == "cat":
        cache: dict[tuple[str, ...], str] = {}  # a few hundred distinct lists of categories
        out = []
        for p in papers:
            key = tuple(p.categories)
            value = cache.get(key)
            if value is None:
                value = cache[key] = " ".join(_category_values(p.categories))
            out.append(value)
        return out
    if field == "id":
        return [_value(p.id.lower()) for p in papers]
    if field == "date":
        return [" ".join(_date_values(p)) for p in papers]
    if field == "auth":
        return _auth_values(papers)
    raise ValueError(field)


def _auth_values(papers: Sequence[Paper]) -> list[str]:
    """The ``{auth}`` citation-key part of each paper (lower-case): who may share a key (export)."""
    from ..cite.keys import placeholder_value

    cache: dict[str, str] = {}
    out = []
    for paper in papers:
        first = paper.authors[0] if paper.authors else ""
        value = cache.get(first)
        if value is None:
            value = cache[first] = _value(placeholder_value(paper, "auth").lower())
        out.append(value)
    return out


def _category_values(categories: list[str]) -> list[str]:
    """``cs.CV`` -> ``cs.cv`` and its archive ``cs`` (what ``cat:`` matches)."""
    out = dict.fromkeys(_value(c.lower()) for c in categories)
    out.update(dict.fromkeys(_value(c.lower().split(".", 1)[0]) for c in categories))
    return [v for v in out if v]


def _date_values(paper: Paper) -> list[str]:
    values = dict.fromkeys(d.date for d in paper.digests)
    if paper.published:
        values[paper.published[:10]] = None
    return [_value(v) for v in values if v]


def build_segment(
    path: Path,
    papers: Sequence[Paper],
    meta: dict[str, Any],
    imported: Sequence[int] | None = None,
) -> int:
    """Write the segment of ``papers`` (already in newest-first order) to ``path``; returns its size.

    ``imported``: each paper's first import (see :mod:`.columns`), -1 for all when not given.
    Made a chunk of papers at a time (:mod:`.builder`).
    """
    from .builder import build_segment_chunked

    return build_segment_chunked(path, papers, meta, imported)


def _row_strings(papers: Sequence[Paper]) -> list[str]:
    out: list[str] = []
    for p in papers:
        first = p.digests[0].date if p.digests else ""
        latest = p.digests[-1].date if p.digests else ""
        author = p.authors[0] if p.authors else ""
        out += (p.id, str(p.version), p.title, author, str(len(p.authors)), p.primary_category, first, latest)
    return out


def _detail(p: Paper) -> bytes:
    return orjson.dumps([
        p.authors, p.categories, p.classes, p.dois, p.published, p.updated, p.comment,
        p.journal_ref, [[d.category, d.date] for d in p.digests], p.pdf_url,
    ])


def _add_blob(sections: dict[str, Any], name: str, items: Sequence[str | bytes]) -> None:
    encoded = [i.encode() if isinstance(i, str) else i for i in items]
    offsets = np.zeros(len(encoded) + 1, np.uint64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    sections[f"{name}.offsets"] = _narrow(offsets)
    sections[f"{name}.blob"] = b"".join(encoded)


def _add_postings(sections: dict[str, Any], field: str, inv: Inverted, docs: int) -> None:
    _add_blob(sections, f"{field}.term", inv.terms)
    sections[f"{field}.offsets"] = _narrow(inv.offsets)
    sections[f"{field}.docs"] = inv.docs
    ranges = _common_ranges(inv)
    sections[f"{field}.common"] = np.array(ranges, np.int64).reshape(-1, 2)
    sections[f"{field}.common_bits"] = _common_bits(inv, ranges, docs)


def _common_bits(inv: Inverted, ranges: list[tuple[int, int]], docs: int) -> np.ndarray:
    """The packed bitset of the documents of each term range of ``ranges`` (nested or apart, as
    prefixes' ranges are), a row each.

    Made from the innermost ranges out: a range's row is its sub-ranges' rows or'ed with the
    documents of its terms outside them, so each posting is set once, not once per prefix of its
    term (``t``, ``tr``, ``tra``...: the abstracts' common ranges hold 3.5 times their postings).
    """
    bits = np.zeros((len(ranges), (docs + 7) // 8), np.uint8)
    order = sorted(range(len(ranges)), key=lambda r: (ranges[r][0], -ranges[r][1]))  # parents first
    inner: list[list[int]] = [[] for _ in ranges]  # the outermost ranges inside each, ascending
    open_ranges: list[int] = []
    for r in order:
        while open_ranges and ranges[open_ranges[-1]][1] <= ranges[r][0]:
            open_ranges.pop()
        if open_ranges:
            inner[open_ranges[-1]].append(r)
        open_ranges.append(r)
    mask = np.zeros(docs, bool)
    offsets = inv.offsets
    for r in reversed(order):  # every range after those inside it
        lo, hi = ranges[r]
        gaps, at = [], lo
        for sub in inner[r]:
            gaps.append((at, ranges[sub][0]))
            at = ranges[sub][1]
        gaps.append((at, hi))
        own = [inv.docs[offsets[a] : offsets[b]] for a, b in gaps if b > a]
        for found in own:
            mask[found] = True
        row = np.packbits(mask)
        for found in own:
            mask[found] = False
        for sub in inner[r]:
            row |= bits[sub]
        bits[r] = row
    return bits


def _common_ranges(inv: Inverted) -> list[tuple[int, int]]:
    """Term ranges ``[lo, hi)`` of the prefixes with at least :data:`~.segment.COMMON_POSTINGS` postings.

    Walks the prefix tree from the root, descending only into prefixes that
    qualify; each child range is found by bisection, so the cost is per
    qualifying prefix, not per term.
    """
    terms, offsets = inv.terms, inv.offsets
    found: set[tuple[int, int]] = set()
    stack: list[tuple[bytes, int, int]] = [(b"", 0, len(terms))]
    while stack:
        prefix, lo, hi = stack.pop()
        depth = len(prefix) + 1
        i = lo
        while i < hi:
            if len(terms[i]) < depth:  # the prefix itself is a term
                i += 1
                continue
            child = terms[i][:depth]
            j = bisect_left(terms, child + b"\xff", i, hi)
            if int(offsets[j]) - int(offsets[i]) >= COMMON_POSTINGS:
                if _is_text(child):
                    found.add((i, j))
                stack.append((child, i, j))
            i = j
    return sorted(found)


def _is_text(prefix: bytes) -> bool:
    try:
        prefix.decode()
    except UnicodeDecodeError:  # ends inside a character: no query asks for it
        return False
    return True
