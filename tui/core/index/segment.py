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
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import orjson

from ..models import DigestRef, Paper
from .columns import Columns
from .segment_file import IndexDamaged, SegmentFile

#: Fields searched by word prefix (the query language's text fields).
WORD_FIELDS = ("default", "title", "authors", "summary", "comment", "journal", "doi")
#: Fields of exact values: categories (and their archives), ids (prefix), dates (ranges).
VALUE_FIELDS = ("cat", "id", "date", "auth")
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


def _value(text: str) -> str:
    return "_".join(text.split()) if (" " in text or "\n" in text) else text


class FieldPostings:
    """One field's vocabulary and postings in a segment, mapped."""

    def __init__(self, file: SegmentFile, field: str, docs: int) -> None:
        self._terms = file.blob(f"{field}.term.blob")
        self._term_offsets = file.array(f"{field}.term.offsets").data  # (a memoryview: fast item reads)
        self.offsets = file.array(f"{field}.offsets")
        self._docs = file.array_in_parts(f"{field}.docs")  # (the largest part: checked run by run)
        self._file = file
        self._field = field
        self._n = docs
        self._common: dict[tuple[int, int], int] | None = None
        self.size = len(self._term_offsets) - 1

    @property
    def docs(self) -> np.ndarray:
        """Every posting (all checked first); :meth:`docs_range` checks only the run it reads."""
        self._file.check(f"{self._field}.docs")
        return self._docs

    def docs_range(self, start: int, stop: int) -> np.ndarray:
        """Postings ``start:stop`` (their blocks checked)."""
        size = self._docs.itemsize
        self._file.check_part(f"{self._field}.docs", start * size, stop * size)
        return self._docs[start:stop]

    def term(self, k: int) -> bytes:
        return bytes(self._terms[self._term_offsets[k] : self._term_offsets[k + 1]])

    def term_array(self) -> np.ndarray:
        """Every term as a fixed-width numpy bytes array (for vectorised exact lookups)."""
        bounds = np.asarray(self._term_offsets, dtype=np.int64)
        lengths = np.diff(bounds)
        width = int(lengths.max()) if len(lengths) else 1
        blob = np.frombuffer(self._terms, np.uint8)
        grid = bounds[:-1, None] + np.arange(width)
        inside = np.arange(width) < lengths[:, None]
        out = np.zeros((len(lengths), width), np.uint8)
        out[inside] = blob[grid[inside]]
        return out.view(f"S{width}").ravel()

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
                name = f"{self._field}.common_bits"
                self._file.check_part(name, row * nbytes, (row + 1) * nbytes)
                return self._file.array_in_parts(name).reshape(-1, nbytes)[row]
        mask = np.zeros(nbytes * 8, bool)
        mask[self.docs_range(start, stop)] = True
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
        self._columns: Columns | None = None
        self._id_terms: np.ndarray | None = None

    @property
    def columns(self) -> Columns:
        """First imports, listings, sort orders (see :mod:`.columns`)."""
        if self._columns is None:
            try:
                self._columns = Columns(self.file, self.n)
            except (KeyError, TypeError, ValueError, UnicodeDecodeError):
                raise IndexDamaged(f"{self.file.path}: unreadable columns") from None
        return self._columns

    @property
    def nbytes(self) -> int:
        """Bytes of a packed bitset over this segment's documents."""
        return (self.n + 7) // 8

    def postings(self, field: str) -> FieldPostings:
        found = self._fields.get(field)
        if found is None:
            found = self._fields[field] = FieldPostings(self.file, field, self.n)
        return found

    def id_terms(self) -> np.ndarray:
        """The lower-cased ids of the documents, sorted (``postings("id")`` terms), cached."""
        if self._id_terms is None:
            self._id_terms = self.postings("id").term_array()
        return self._id_terms

    def row_values(self, local: int) -> list[str]:
        """The :data:`ROW_FIELDS` of document ``local``, as strings."""
        bounds = self._row_offsets[local * _F : local * _F + _F + 1].tolist()
        rows = self._rows
        return [str(rows[a:b], "utf-8") for a, b in zip(bounds, bounds[1:])]

    def paper_id(self, local: int) -> str:
        """The id of document ``local`` (one field of its row)."""
        a, b = self._row_offsets[local * _F : local * _F + 2].tolist()
        return str(self._rows[a:b], "utf-8")

    def paper_ids(self, locals_: np.ndarray) -> list[str]:
        """The ids of documents ``locals_`` (an array), in one pass over the row offsets."""
        at = locals_.astype(np.int64) * _F
        offsets, rows = self._row_offsets, self._rows
        return [str(rows[a:b], "utf-8") for a, b in zip(offsets[at].tolist(), offsets[at + 1].tolist())]

    def row(self, local: int, doc: int) -> Row:
        v = self.row_values(local)
        return Row(doc, v[0], int(v[1]), v[2], v[3], int(v[4]), v[5], v[6], v[7])

    def blob_offsets(self, field: str) -> np.ndarray:
        """Offsets of each document's text in the blob of ``field`` (``summary`` only)."""
        if field != "summary":
            raise ValueError(field)
        return self._abstract_offsets

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
            for local in postings.docs_range(int(postings.offsets[lo]), int(postings.offsets[hi])).tolist():
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
        self._columns = None
        self.file.close()
