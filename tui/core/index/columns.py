"""Per-document columns beside the postings: first import, listings for stats, sort orders, text kinds.

Sections a segment carries (made by :class:`ColumnsBuilder` from the :func:`column_chunk` of each
run of documents, read by :class:`Columns`):

* ``imported``: int32 per document, the position in the library's import
  times of the import that first brought the paper (-1: unknown); ``is:new``
  compares it with the imports after the user's previous session.
* ``primary`` (uint32 per document) into the table ``primary_names``: the
  primary category; ``refs.cat`` / ``refs.date`` (uint32 per digest listing,
  documents' listings contiguous, ``refs.offsets`` per document) into the
  tables ``ref_cats`` / ``ref_dates`` (dates sorted, so a smaller id is an
  earlier date): what ``stats`` counts, without reading a paper.
* ``order.title`` / ``order.category``: the segment's documents in the
  reader's title order (``title.casefold()``) and category order (primary
  category), ties newest first (ascending document), as ``Library`` sorts;
  ``order.title.keys`` / ``order.title.key_offsets``: the title keys in that
  order, so that the orders of several segments merge without reading rows.
* ``days.dates`` / ``days.starts``: the distinct latest digest dates, newest
  first, and the first document of each (documents are in newest-first
  order, so each day's papers are one run): the reader's day steps.
* ``plain.<field>``: packed bitset of the documents whose text of that field
  is not plain printable ASCII (accents, other scripts, control characters):
  a phrase is checked on them one by one, on the rest by one regex over the
  field's whole blob (:mod:`.phrases`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ..models import Paper

SORTS = ("title", "category")
#: Fields whose whole text blob a phrase may be scanned in (see :mod:`.phrases`).
BLOB_FIELDS = ("summary",)


def title_key(title: str) -> str:
    """The reader's title sort key."""
    return title.casefold()


class ColumnChunk(NamedTuple):
    """The columns of a run of documents, with run-local tables (small: crosses processes)."""

    imported: np.ndarray  # int32 per document
    primary_names: list[str]  # sorted
    primary: np.ndarray  # uint32 per document, into primary_names
    ref_counts: np.ndarray  # listings per document
    ref_cats: list[str]
    ref_cat: np.ndarray  # uint32 per listing, into ref_cats
    ref_dates: list[str]
    ref_date: np.ndarray
    titles: list[str]  # title keys, per document
    latest: list[str]  # latest digest date, per document
    not_plain: dict[str, np.ndarray]  # field -> bool per document


def _local_table(values: list[str]) -> tuple[list[str], np.ndarray]:
    names = sorted(set(values))
    ids = {name: k for k, name in enumerate(names)}
    return names, np.fromiter(map(ids.__getitem__, values), np.uint32, len(values))


def column_chunk(papers: Sequence[Paper], imported: Sequence[int] | None, abstract_blob: Any = None,
                 abstract_offsets: np.ndarray | None = None) -> ColumnChunk:
    """The columns of ``papers`` (``abstract_*``: their abstracts' blob and offsets, when made already)."""
    n = len(papers)
    primary_names, primary = _local_table([p.primary_category for p in papers])
    ref_cats, ref_cat = _local_table([r.category for p in papers for r in p.digests])
    ref_dates, ref_date = _local_table([r.date for p in papers for r in p.digests])
    not_plain = {}
    for field in BLOB_FIELDS:
        if abstract_blob is not None and abstract_offsets is not None and _BLOB_SECTIONS[field] == "abstract":
            not_plain[field] = _not_plain(abstract_blob, abstract_offsets)
        else:
            not_plain[field] = np.fromiter((not _plain(getattr(p, field) or "") for p in papers), bool, n)
    return ColumnChunk(
        np.asarray(imported if imported is not None else [-1] * n, dtype=np.int32),
        primary_names, primary,
        np.fromiter((len(p.digests) for p in papers), np.int64, n),
        ref_cats, ref_cat, ref_dates, ref_date,
        [title_key(p.title) for p in papers],
        [p.digests[-1].date if p.digests else "" for p in papers],
        not_plain,
    )


class ColumnsBuilder:
    """Gathers the :class:`ColumnChunk` of consecutive runs of documents; :meth:`finish` makes the sections."""

    def __init__(self) -> None:
        self.chunks: list[ColumnChunk] = []

    def add(self, chunk: ColumnChunk) -> None:
        self.chunks.append(chunk)

    def finish(self) -> dict[str, Any]:
        """The sections of every document added, in order (see the module docstring)."""
        chunks, self.chunks = self.chunks, []
        sections: dict[str, Any] = {}
        sections["imported"] = np.concatenate([c.imported for c in chunks] or [np.zeros(0, np.int32)])
        primary_names, primary = _global_ids([(c.primary_names, c.primary) for c in chunks])
        sections["primary"] = primary
        _table(sections, "primary_names", primary_names)
        counts = np.concatenate([c.ref_counts for c in chunks] or [np.zeros(0, np.int64)])
        n = len(counts)
        offsets = np.zeros(n + 1, np.uint32)
        np.cumsum(counts, out=offsets[1:])
        sections["refs.offsets"] = offsets
        cats, sections["refs.cat"] = _global_ids([(c.ref_cats, c.ref_cat) for c in chunks])
        dates, sections["refs.date"] = _global_ids([(c.ref_dates, c.ref_date) for c in chunks])
        _table(sections, "ref_cats", cats)
        _table(sections, "ref_dates", dates)
        titles = [t for c in chunks for t in c.titles]
        by_title = sorted(range(n), key=titles.__getitem__)
        sections["order.title"] = np.array(by_title, dtype=np.uint32)
        keys = [titles[k].encode() for k in by_title]  # for merging the orders of several segments
        del titles
        key_offsets = np.zeros(n + 1, np.uint64)
        np.cumsum([len(k) for k in keys], out=key_offsets[1:])
        sections["order.title.key_offsets"] = key_offsets
        sections["order.title.keys"] = b"".join(keys)
        del keys
        # Ids follow the names' sorted order: a stable sort of the ids is the sort by name.
        sections["order.category"] = np.argsort(primary, kind="stable").astype(np.uint32)
        latest = [d for c in chunks for d in c.latest]
        starts = [k for k in range(n) if k == 0 or latest[k] != latest[k - 1]]
        _table(sections, "days.dates", [latest[k] for k in starts])
        sections["days.starts"] = np.array(starts, dtype=np.uint32)
        for field in BLOB_FIELDS:
            sections[f"plain.{field}"] = np.packbits(
                np.concatenate([c.not_plain[field] for c in chunks] or [np.zeros(0, bool)]))
        return sections


def _global_ids(parts: list[tuple[list[str], np.ndarray]]) -> tuple[list[str], np.ndarray]:
    """One sorted table for runs with tables of their own, and every id renumbered into it."""
    names = sorted({name for local, _ in parts for name in local})
    position = {name: k for k, name in enumerate(names)}
    renumbered = [np.fromiter(map(position.__getitem__, local), np.uint32, len(local))[ids] if len(ids) else
                  ids.astype(np.uint32) for local, ids in parts]
    return names, np.concatenate(renumbered or [np.zeros(0, np.uint32)]).astype(np.uint32)


#: The segment's section of each blob field (see :mod:`.segment`).
_BLOB_SECTIONS = {"summary": "abstract"}
#: Bytes that make a text not plain: non-ASCII, and ASCII control characters other than white space.
_NOT_PLAIN_BYTES = np.array([b >= 0x80 or b == 0x7F or (b < 0x20 and not chr(b).isspace()) for b in range(256)])
_CHUNK = 1 << 24


def _not_plain(blob: bytes, offsets: np.ndarray) -> np.ndarray:
    """Per text of ``blob`` (UTF-8, text ``i`` from ``offsets[i]``): whether it is not :func:`_plain`."""
    data = np.frombuffer(blob, np.uint8)
    bad = np.concatenate([
        np.flatnonzero(_NOT_PLAIN_BYTES[data[start : start + _CHUNK]]) + start  # (bounded temporaries)
        for start in range(0, len(data), _CHUNK)
    ] or [np.zeros(0, np.int64)])
    bounds = np.searchsorted(bad, offsets.astype(np.int64))
    return bounds[1:] > bounds[:-1]


def _plain(text: str) -> bool:
    """Printable ASCII (white space allowed): folded, it is its lower-case with white space squeezed."""
    return text.isascii() and (text.isprintable() or text.translate(_WHITE).isprintable())


_WHITE = {c: " " for c in range(0x20) if chr(c).isspace()}


def _table(sections: dict[str, Any], name: str, values: list[str]) -> None:
    sections[name] = "\n".join(values).encode()


class Columns:
    """The columns of one mapped segment (see the module docstring)."""

    def __init__(self, file: Any, n: int) -> None:
        self.n = n
        self.imported = file.array("imported")
        self.primary = file.array("primary")
        self.primary_names = _names(file.blob("primary_names"))
        self.ref_offsets = file.array("refs.offsets")
        self.ref_cat = file.array("refs.cat")
        self.ref_date = file.array("refs.date")
        self.ref_cats = _names(file.blob("ref_cats"))
        self.ref_dates = _names(file.blob("ref_dates"))
        self.day_dates = _names(file.blob("days.dates"))
        self.day_starts = file.array("days.starts")
        self._file = file

    def order(self, sort: str) -> np.ndarray:
        """Local documents in ``sort`` order (see :data:`SORTS`)."""
        return self._file.array(f"order.{sort}")

    def order_keys(self, sort: str) -> list[str]:
        """The sort key of each document of :meth:`order` (same positions): what merges
        the orders of several segments."""
        if sort == "category":
            names = self.primary_names
            return [names[k] for k in self.primary[self.order(sort)].tolist()]
        blob = self._file.blob("order.title.keys")
        bounds = self._file.array("order.title.key_offsets").tolist()
        return [str(blob[a:b], "utf-8") for a, b in zip(bounds, bounds[1:])]

    def not_plain(self, field: str) -> np.ndarray | None:
        """Bitset of the documents whose ``field`` text is not plain ASCII (None: not kept)."""
        name = f"plain.{field}"
        return self._file.array(name) if self._file.has(name) else None

    def listings(self, live: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The category and date ids of every digest listing of the documents where ``live`` (bool) holds."""
        per_doc = np.diff(self.ref_offsets.astype(np.int64))
        keep = np.repeat(live[: self.n], per_doc)
        return self.ref_cat[keep], self.ref_date[keep]


def _names(blob: memoryview) -> list[str]:
    data = bytes(blob)
    return data.decode().split("\n") if data else []
