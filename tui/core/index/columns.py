"""Per-document columns beside the postings: first import, listings for stats, sort orders, text kinds.

Sections a segment carries (written by :func:`add_columns`, read by :class:`Columns`):

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
from typing import Any

import numpy as np

from ..models import Paper

SORTS = ("title", "category")
#: Fields whose whole text blob a phrase may be scanned in (see :mod:`.phrases`).
BLOB_FIELDS = ("summary",)


def title_key(title: str) -> str:
    """The reader's title sort key."""
    return title.casefold()


def add_columns(sections: dict[str, Any], papers: Sequence[Paper], imported: Sequence[int] | None) -> None:
    """Add this module's sections for ``papers`` (in document order) to ``sections``."""
    n = len(papers)
    sections["imported"] = np.asarray(imported if imported is not None else [-1] * n, dtype=np.int32)
    primary_names = sorted({p.primary_category for p in papers})
    primary_id = {name: k for k, name in enumerate(primary_names)}
    sections["primary"] = np.fromiter((primary_id[p.primary_category] for p in papers), np.uint32, n)
    _table(sections, "primary_names", primary_names)
    cats = sorted({ref.category for p in papers for ref in p.digests})
    dates = sorted({ref.date for p in papers for ref in p.digests})
    cat_id = {name: k for k, name in enumerate(cats)}
    date_id = {name: k for k, name in enumerate(dates)}
    counts = np.fromiter((len(p.digests) for p in papers), np.int64, n)
    offsets = np.zeros(n + 1, np.uint32)
    np.cumsum(counts, out=offsets[1:])
    sections["refs.offsets"] = offsets
    sections["refs.cat"] = np.fromiter((cat_id[r.category] for p in papers for r in p.digests), np.uint32)
    sections["refs.date"] = np.fromiter((date_id[r.date] for p in papers for r in p.digests), np.uint32)
    _table(sections, "ref_cats", cats)
    _table(sections, "ref_dates", dates)
    titles = [title_key(p.title) for p in papers]
    by_title = sorted(range(n), key=titles.__getitem__)
    sections["order.title"] = np.array(by_title, dtype=np.uint32)
    keys = [titles[k].encode() for k in by_title]  # for merging the orders of several segments
    key_offsets = np.zeros(n + 1, np.uint64)
    np.cumsum([len(k) for k in keys], out=key_offsets[1:])
    sections["order.title.key_offsets"] = key_offsets
    sections["order.title.keys"] = b"".join(keys)
    categories = [p.primary_category for p in papers]
    sections["order.category"] = np.array(sorted(range(n), key=categories.__getitem__), dtype=np.uint32)
    latest = [p.digests[-1].date if p.digests else "" for p in papers]
    starts = [k for k in range(n) if k == 0 or latest[k] != latest[k - 1]]
    _table(sections, "days.dates", [latest[k] for k in starts])
    sections["days.starts"] = np.array(starts, dtype=np.uint32)
    for field in BLOB_FIELDS:
        blob = sections.get(f"{_BLOB_SECTIONS[field]}.blob")
        if blob is not None:  # the field's blob is written already: one pass over its bytes
            not_plain = _not_plain(blob, sections[f"{_BLOB_SECTIONS[field]}.offsets"])
        else:
            not_plain = np.fromiter((not _plain(getattr(p, field) or "") for p in papers), bool, n)
        sections[f"plain.{field}"] = np.packbits(not_plain)


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
