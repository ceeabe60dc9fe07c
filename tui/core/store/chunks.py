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

from collections import OrderedDict, deque
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

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


def row_key(row: list[Any]) -> tuple[str, str]:
    """A shard row's id and latest digest date (what orders the papers, newest first)."""
    dates = row[_DIGESTS]
    return row[_ID], max(pair[1] for pair in dates) if dates else ""


class ChunkTask(NamedTuple):
    """What one chunk needs: the shards listing its papers (in load order) and its ids, newest first."""

    entries: list[dict[str, Any]]
    wanted: list[str]


def plan_chunks(library: LibraryStore, index: LibraryIndex, size: int,
                keys: dict[str, list[tuple[str, str]]] | None = None) -> tuple[int, list[ChunkTask]]:
    """``(how many papers, the tasks of chunks of at most size papers)``: the first pass (see
    the module docstring); raises :class:`ChunksUnavailable`. ``keys``: digest path -> its
    shard's rows as ``(id, latest digest date)``, when known (an import just wrote them)."""
    entries = sorted(index.files.values(), key=lambda e: (e["date"], e["category"], e["path"]))
    latest: dict[str, str] = {}
    where: dict[str, int] = {}  # id -> the first shard listing it
    more: dict[str, list[int]] = {}  # id -> every shard listing it, for ids listed by several
    get_latest, get_where = latest.get, where.get
    for k, entry in enumerate(entries):
        known = keys.get(entry["path"]) if keys else None
        for key, date in known if known is not None else map(row_key, _rows(library, entry)):
            if date > get_latest(key, "") or key not in latest:
                latest[key] = date
            first = get_where(key)
            if first is None:
                where[key] = k
            elif first != k:
                listed = more.setdefault(key, [first])
                if listed[-1] != k:
                    listed.append(k)
    order = sorted(latest, key=lambda key: (latest[key], key), reverse=True)
    latest.clear()
    tasks = []
    for start in range(0, len(order), size):
        wanted = order[start : start + size]
        shards = sorted({k for key in wanted for k in more.get(key, (where[key],))})
        tasks.append(ChunkTask([entries[k] for k in shards], wanted))
    return len(order), tasks


def merge_chunk(library: LibraryStore, task: ChunkTask, refs: dict[tuple[str, str], DigestRef] | None = None,
                shared: dict[str, str] | None = None, kept: OrderedDict[str, list[list[Any]]] | None = None,
                ) -> list[Paper]:
    """The merged papers of ``task``, newest first (``refs``, ``shared``: see
    :func:`~.shards.papers_from_rows`; ``kept``: rows of shards read lately, by path)."""
    from ..index.segment import sort_key

    ids = set(task.wanted)
    rows: list[list[Any]] = []
    for entry in task.entries:
        found = kept.get(entry["path"]) if kept is not None else None
        if found is None:
            found = _rows(library, entry)
            if kept is not None:
                kept[entry["path"]] = found
                if len(kept) > _KEEP_SHARDS:
                    kept.popitem(last=False)
        elif kept is not None:
            kept.move_to_end(entry["path"])
        rows += [row for row in found if row[_ID] in ids]
    try:
        merged = list(merge_papers(papers_from_rows(rows, {} if refs is None else refs, shared)).values())
    except (TypeError, ValueError) as exc:
        raise ChunksUnavailable(f"a shard holds a malformed paper ({exc})") from None
    merged.sort(key=sort_key, reverse=True)
    if [p.id for p in merged] != task.wanted:
        raise ChunksUnavailable("the shards changed while they were read")
    return merged


def merged_chunks(library: LibraryStore, tasks: list[ChunkTask]) -> Iterator[list[Paper]]:
    """The papers of each task in turn, read in this process."""
    refs: dict[tuple[str, str], DigestRef] = {}
    shared: dict[str, str] = {}
    kept: OrderedDict[str, list[list[Any]]] = OrderedDict()
    for task in tasks:
        yield merge_chunk(library, task, refs, shared, kept)


def chunk_parts_in_worker(library: str, task: ChunkTask, imported: list[int], build: str) -> Any:
    """In a worker process: the index parts (:func:`~tui.core.index.builder.chunk_parts`) of one
    chunk of the build ``build``."""
    from ..index.builder import chunk_parts
    from .common import gc_paused
    from .library import LibraryStore

    with gc_paused():
        papers = merge_chunk(LibraryStore(Path(library), []), task)
        return chunk_parts(papers, imported, build)


def in_window(pool: Any, tasks: list[tuple[Any, ...]], window: int) -> Iterator[Any]:
    """``pool.map(chunk_parts_in_worker, ...)`` over ``tasks`` (argument tuples), in order, with at
    most ``window`` tasks submitted and not yet consumed: a consumer slower than the workers (a
    busy machine) never holds more than a few chunks' parts."""
    pending: deque[Any] = deque()
    queue = iter(tasks)
    try:
        for args in queue:
            pending.append(pool.submit(chunk_parts_in_worker, *args))
            if len(pending) >= window:
                break
        while pending:
            result = pending.popleft().result()
            args = next(queue, ())
            if args:
                pending.append(pool.submit(chunk_parts_in_worker, *args))
            yield result
    finally:
        for future in pending:
            future.cancel()
