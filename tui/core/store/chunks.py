"""Every paper of the library, merged, newest first, a chunk at a time: what a whole
build of the search index reads, without holding 200,000 papers at once.

Two passes over the shards, in the library's load order (see
:meth:`.library.LibraryStore.merged_papers`): the first keeps only each id's
latest digest date and which shards list it, which fixes the newest-first
order; the second reads, for each run of that order, the shards listing its
papers and merges their blocks exactly as a whole load would (a paper's blocks
keep their relative order, and merging is per id). Each chunk is checked
against the order the first pass fixed; anything unexpected (a shard damaged
or changed meanwhile) raises :class:`ChunksUnavailable` and the caller loads the
library whole instead.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..merge import merge_papers
from ..models import DigestRef, Paper
from .shards import PAPER_FIELDS, papers_from_rows, shard_rows, validate_rows

if TYPE_CHECKING:
    from .index import LibraryIndex
    from .library import LibraryStore

_ID = PAPER_FIELDS.index("id")
_DIGESTS = PAPER_FIELDS.index("digests")
#: Shards whose rows the second pass keeps for the next chunk (a chunk's first and last
#: days are shared with its neighbours).
_KEEP_SHARDS = 64


class ChunksUnavailable(Exception):
    """The library cannot be read a chunk at a time (a damaged or changed shard): load it whole."""


def _rows(library: LibraryStore, entry: dict[str, Any]) -> list[list[Any]]:
    """The rows of one shard, validated unless it is as written; raises :class:`ChunksUnavailable`."""
    checked = library._read_shard_checked(entry)
    if checked is None:
        raise ChunksUnavailable(f"the shard of {entry['path']} cannot be read")
    data, as_written = checked
    try:
        rows = shard_rows(data)
        if rows is None:
            raise ChunksUnavailable(f"the shard of {entry['path']} has the old layout")
        if not as_written:
            validate_rows(rows)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ChunksUnavailable(f"the shard of {entry['path']} is malformed ({exc})") from None
    return rows


def merged_chunks(library: LibraryStore, index: LibraryIndex, size: int) -> tuple[int, Iterator[list[Paper]]]:
    """``(how many papers, chunks of at most size papers)``: the library's merged papers,
    newest first, as :meth:`~.library.LibraryStore.merged_papers` returns them whole.

    The first pass runs now (raising :class:`ChunksUnavailable`); the chunks are read as consumed.
    """
    entries = sorted(index.files.values(), key=lambda e: (e["date"], e["category"], e["path"]))
    latest: dict[str, str] = {}
    where: dict[str, int] = {}  # id -> the one shard listing it
    more: dict[str, list[int]] = {}  # id -> every shard listing it, for ids listed by several
    get_latest, get_where = latest.get, where.get
    for k, entry in enumerate(entries):
        for row in _rows(library, entry):
            key = row[_ID]
            dates = row[_DIGESTS]
            date = max(pair[1] for pair in dates) if dates else ""
            if date > get_latest(key, ""):
                latest[key] = date
            elif key not in latest:
                latest[key] = date
            first = get_where(key)
            if first is None:
                where[key] = k
            elif first != k or key in more:
                listed = more.setdefault(key, [first])
                if listed[-1] != k:
                    listed.append(k)
    order = sorted(latest, key=lambda key: (latest[key], key), reverse=True)
    latest.clear()
    return len(order), _chunks(library, entries, order, where, more, size)


def _chunks(library: LibraryStore, entries: list[dict[str, Any]], order: list[str], where: dict[str, int],
            more: dict[str, list[int]], size: int) -> Iterator[list[Paper]]:
    from ..index.segment import sort_key

    refs: dict[tuple[str, str], DigestRef] = {}
    shared: dict[str, str] = {}
    kept: OrderedDict[int, list[list[Any]]] = OrderedDict()
    for start in range(0, len(order), size):
        wanted = order[start : start + size]
        ids = set(wanted)
        shards = sorted({k for key in wanted for k in more.get(key, (where[key],))})
        rows: list[list[Any]] = []
        for k in shards:
            found = kept.get(k)
            if found is None:
                found = kept[k] = _rows(library, entries[k])
                if len(kept) > _KEEP_SHARDS:
                    kept.popitem(last=False)
            else:
                kept.move_to_end(k)
            rows += [row for row in found if row[_ID] in ids]
        try:
            merged = list(merge_papers(papers_from_rows(rows, refs, shared)).values())
        except (TypeError, ValueError) as exc:
            raise ChunksUnavailable(f"a shard holds a malformed paper ({exc})") from None
        merged.sort(key=sort_key, reverse=True)
        if [p.id for p in merged] != wanted:
            raise ChunksUnavailable("the shards changed while they were read")
        yield merged
