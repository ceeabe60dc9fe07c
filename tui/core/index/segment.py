"""One segment: the columns, details and postings of a run of papers, in one mapped file.

A segment's documents are numbered 0..n-1 in newest-first order. Sections:

* ``rows.*``: the list columns (:data:`ROW_FIELDS`) of every document as
  UTF-8 in one blob, ``rows.offsets[d * 8 + f]`` the start of field ``f``.
* ``abstract.*``: the abstracts, one after the other; ``detail.*``: the other
  fields of a :class:`~tui.core.models.Paper`, one JSON array per document.
* ``<field>.terms`` / ``.term_offsets`` (sorted vocabulary), ``<field>.offsets``
  / ``.docs`` (postings in vocabulary order), ``<field>.common`` /
  ``.common_bits`` (packed bitsets of the prefixes with the most postings),
  for each field of :data:`WORD_FIELDS` and :data:`VALUE_FIELDS`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import orjson

from ..models import DigestRef, Paper
from .invert import Inverted, invert
from .segment_file import IndexDamaged, SegmentFile, write_segment

#: Fields searched by word prefix (the query language's text fields).
WORD_FIELDS = ("default", "title", "authors", "summary", "comment", "journal", "doi")
#: Fields of exact values: categories (and their archives), ids (prefix), dates (ranges).
VALUE_FIELDS = ("cat", "id", "date")
ROW_FIELDS = ("id", "version", "title", "first_author", "authors", "category", "first_date", "latest_date")
_F = len(ROW_FIELDS)
#: A prefix with at least this many postings gets a precomputed bitset: beyond
#: it, marking every posting costs more than reading 1/8 byte per document.
COMMON_POSTINGS = 32_768


class Row(NamedTuple):
    """What the paper list shows for one paper, read from the mapped columns."""

    doc: int
    id: str
    version: int
    title: str
    first_author: str
    authors: int  # how many authors
    category: str  # primary
    first_date: str  # first digest date
    latest_date: str


def sort_key(paper: Paper) -> tuple[str, str]:
    """Newest first is descending on this key (as ``Store.load_papers`` orders papers)."""
    return (paper.digests[-1].date if paper.digests else "", paper.id)


def field_texts(papers: Sequence[Paper], field: str) -> list[str]:
    """The text indexed for ``field``, per paper (raw: folding happens in :func:`invert`)."""
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
        return [" ".join(_category_values(p.categories)) for p in papers]
    if field == "id":
        return [_value(p.id.lower()) for p in papers]
    if field == "date":
        return [" ".join(_date_values(p)) for p in papers]
    raise ValueError(field)


def _value(text: str) -> str:
    return "_".join(text.split()) if (" " in text or "\n" in text) else text


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


def build_segment(path: Path, papers: Sequence[Paper], meta: dict[str, Any]) -> int:
    """Write the segment of ``papers`` (already in newest-first order) to ``path``; returns its size."""
    sections: dict[str, np.ndarray | bytes] = {}
    _add_blob(sections, "rows", _row_strings(papers))
    _add_blob(sections, "abstract", [p.summary or "" for p in papers])
    _add_blob(sections, "detail", [_detail(p) for p in papers])
    for field in (*WORD_FIELDS, *VALUE_FIELDS):
        inverted = invert(field_texts(papers, field), values=field in VALUE_FIELDS)
        _add_postings(sections, field, inverted, len(papers))
    return write_segment(path, sections, dict(meta, docs=len(papers)))


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


def _narrow(offsets: np.ndarray) -> np.ndarray:
    return offsets.astype(np.uint32) if offsets[-1] < 2**32 else offsets


def _add_postings(sections: dict[str, Any], field: str, inv: Inverted, docs: int) -> None:
    _add_blob(sections, f"{field}.term", inv.terms)
    sections[f"{field}.offsets"] = _narrow(inv.offsets)
    sections[f"{field}.docs"] = inv.docs
    ranges = _common_ranges(inv)
    bits = np.zeros((len(ranges), (docs + 7) // 8), np.uint8)
    for row, (lo, hi) in enumerate(ranges):
        mask = np.zeros(docs, bool)
        mask[inv.docs[inv.offsets[lo] : inv.offsets[hi]]] = True
        bits[row] = np.packbits(mask)
    sections[f"{field}.common"] = np.array(ranges, np.int64).reshape(-1, 2)
    sections[f"{field}.common_bits"] = bits


def _common_ranges(inv: Inverted) -> list[tuple[int, int]]:
    """Term ranges ``[lo, hi)`` of the prefixes with at least :data:`COMMON_POSTINGS` postings.

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


class FieldPostings:
    """One field's vocabulary and postings in a segment, mapped."""

    def __init__(self, file: SegmentFile, field: str, docs: int) -> None:
        self._terms = file.blob(f"{field}.term.blob")
        self._term_offsets = file.array(f"{field}.term.offsets").data  # (a memoryview: fast item reads)
        self.offsets = file.array(f"{field}.offsets")
        self.docs = file.array(f"{field}.docs")
        self._file = file
        self._field = field
        self._n = docs
        self._common: dict[tuple[int, int], int] | None = None
        self.size = len(self._term_offsets) - 1

    def term(self, k: int) -> bytes:
        return bytes(self._terms[self._term_offsets[k] : self._term_offsets[k + 1]])

    def prefix_range(self, prefix: bytes) -> tuple[int, int]:
        """Terms starting with ``prefix``: ``[lo, hi)``."""
        lo = bisect_left(range(self.size), prefix, key=self.term)
        hi = bisect_left(range(self.size), prefix + b"\xff", lo, key=self.term)
        return lo, hi

    def exact_range(self, term: bytes) -> tuple[int, int]:
        lo = bisect_left(range(self.size), term, key=self.term)
        return (lo, lo + 1) if lo < self.size and self.term(lo) == term else (lo, lo)

    def between_range(self, low: bytes, high: bytes) -> tuple[int, int]:
        """Terms ``t`` with ``low <= t <= high``."""
        lo = bisect_left(range(self.size), low, key=self.term)
        hi = bisect_left(range(self.size), high + b"\x00", lo, key=self.term)
        return lo, hi

    def count(self, lo: int, hi: int) -> int:
        """Postings in the term range (documents counted once per term)."""
        return int(self.offsets[hi]) - int(self.offsets[lo]) if hi > lo else 0

    def bits(self, lo: int, hi: int) -> np.ndarray:
        """Packed bitset (``ceil(n / 8)`` bytes) of the documents holding a term in ``[lo, hi)``."""
        nbytes = (self._n + 7) // 8
        if hi <= lo:
            return np.zeros(nbytes, np.uint8)
        start, stop = int(self.offsets[lo]), int(self.offsets[hi])
        if stop - start >= COMMON_POSTINGS:
            row = self._common_rows().get((lo, hi))
            if row is not None:
                return self._file.array(f"{self._field}.common_bits").reshape(-1, nbytes)[row]
        mask = np.zeros(nbytes * 8, bool)
        mask[self.docs[start:stop]] = True
        return np.packbits(mask)

    def _common_rows(self) -> dict[tuple[int, int], int]:
        if self._common is None:
            ranges = self._file.array(f"{self._field}.common").reshape(-1, 2).tolist()
            self._common = {(lo, hi): row for row, (lo, hi) in enumerate(ranges)}
        return self._common


class Segment:
    """A mapped segment: rows, papers and postings of its documents (local ids 0..n-1)."""

    def __init__(self, path: Path) -> None:
        self.file = SegmentFile(path)
        meta = self.file.meta
        try:
            self.n = int(meta["docs"])
            self._row_offsets = self.file.array("rows.offsets")
            self._rows = self.file.blob("rows.blob")
            self._abstract_offsets = self.file.array("abstract.offsets")
            self._detail_offsets = self.file.array("detail.offsets")
        except (KeyError, TypeError, ValueError):
            raise IndexDamaged(f"{path}: unreadable segment") from None
        if len(self._row_offsets) != self.n * _F + 1 or len(self._abstract_offsets) != self.n + 1:
            raise IndexDamaged(f"{path}: column sizes disagree with the header")
        self._fields: dict[str, FieldPostings] = {}

    @property
    def nbytes(self) -> int:
        """Bytes of a packed bitset over this segment's documents."""
        return (self.n + 7) // 8

    def postings(self, field: str) -> FieldPostings:
        found = self._fields.get(field)
        if found is None:
            found = self._fields[field] = FieldPostings(self.file, field, self.n)
        return found

    def row_values(self, local: int) -> list[str]:
        """The :data:`ROW_FIELDS` of document ``local``, as strings."""
        bounds = self._row_offsets[local * _F : local * _F + _F + 1].tolist()
        rows = self._rows
        return [str(rows[a:b], "utf-8") for a, b in zip(bounds, bounds[1:])]

    def row(self, local: int, doc: int) -> Row:
        v = self.row_values(local)
        return Row(doc, v[0], int(v[1]), v[2], v[3], int(v[4]), v[5], v[6], v[7])

    def abstract(self, local: int) -> str:
        a, b = self._abstract_offsets[local : local + 2].tolist()
        return self.file.read("abstract.blob", a, b).decode()

    def detail(self, local: int) -> list[Any]:
        a, b = self._detail_offsets[local : local + 2].tolist()
        return orjson.loads(self.file.read("detail.blob", a, b))

    def paper(self, local: int) -> Paper:
        """The full paper of document ``local``."""
        v = self.row_values(local)
        (authors, categories, classes, dois, published, updated, comment, journal, digests, pdf) = self.detail(local)
        return Paper(
            id=v[0], version=int(v[1]), title=v[2], authors=authors, primary_category=v[5],
            categories=categories, classes=classes, dois=dois, published=published, updated=updated,
            comment=comment, journal_ref=journal, summary=self.abstract(local),
            digests=[DigestRef(c, d) for c, d in digests], pdf_url=pdf,
        )

    def find_id(self, paper_id: str) -> int | None:
        """The document holding ``paper_id`` (exact, case included), or None."""
        postings = self.postings("id")
        lo, hi = postings.exact_range(_value(paper_id.lower()).encode())
        if hi > lo:
            for local in postings.docs[int(postings.offsets[lo]) : int(postings.offsets[hi])].tolist():
                if self.row_values(local)[0] == paper_id:
                    return local
        return None

    def key(self, local: int) -> tuple[str, str]:
        """:func:`sort_key` of document ``local``."""
        v = self.row_values(local)
        return (v[7], v[0])

    def texts(self, local: int, field: str) -> list[str]:
        """The raw texts a phrase of ``field`` is checked against (each on its own)."""
        if field == "title":
            return [self.row_values(local)[2]]
        if field == "summary":
            return [self.abstract(local)]
        detail = self.detail(local)
        if field == "authors":
            return [", ".join(detail[0])]
        if field == "comment":
            return [detail[6] or ""]
        if field == "journal":
            return [detail[7] or ""]
        if field == "doi":
            return [" ".join(detail[3])]
        if field == "default":
            v = self.row_values(local)
            return [v[2], ", ".join(detail[0]), v[0], " ".join(detail[1])]
        raise ValueError(field)

    def close(self) -> None:
        self._fields.clear()
        self.file.close()
