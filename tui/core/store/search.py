"""The search index as part of the library: kept current by every import and removal.

Files: ``library/search/`` (see :mod:`tui.core.index`). The shards stay the
record; the index is derived from them and says which library it was built
from: its ``source`` is the library index's ``revision`` (renewed by every
save of ``index.json``), and its manifest also keeps the stat stamp of
``index.json`` as it was then, the import times and the number of digests, so
a reader checks freshness with one stat and never parses the library index.

Built by the import: the first import (or one that changed a large share of
the library) builds it whole from the papers it just wrote, a chunk of papers
at a time (:mod:`.chunks`, :mod:`tui.core.index.builder`: bounded memory, and
on the import's worker processes when the library is large); every later
import adds one small segment. A reader or command that finds it missing or
damaged rebuilds it first, saying so (with an estimate of the time when the
library is large).

Writers (import, remove, a rebuild) hold the library lock. An import that
read files adds one segment for the papers they brought or changed, merged
across every digest that lists them exactly as :func:`~tui.core.merge.merge_papers`
merges them when the library is loaded (the other digests of those papers
are found through the index's own listings), and marks superseded documents
deleted; a removal does the same for the papers it touched. An index found
missing, stale (built from another state of the library) or damaged is rebuilt
from the shards, and :attr:`messages` says so. Readers keep the files they
mapped: a writer never rewrites a segment file, it writes new ones and a new
manifest, and deletes the old files (their mappings stay valid until closed).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from .. import locks
from ..index import (
    IndexDamaged, IndexStale, IndexUnavailable, SearchIndex, add_segment, build_index, build_index_chunked, open_index,
    read_manifest,
)
from ..index.builder import CHUNK_DOCS, build_index_from_parts
from ..merge import merge_papers
from ..models import Paper
from .chunks import ChunksUnavailable, in_window, merged_chunks, plan_chunks
from .common import StoreError, gc_paused
from .dbfiles import file_stamp, quarantine
from .index import LibraryIndex
from .shards import papers_from_docs

SEARCH_DIR = "search"
MANIFEST = "index.json"
#: An import that changed more than this share of the library's papers rebuilds the index whole.
REBUILD_SHARE = 0.3
#: A rebuild of more papers than this, found needed by a reader or command, is announced first.
ANNOUNCE_AT = 20_000
#: Papers a whole build indexes per second on a 2-core machine (for the estimate said before one).
BUILD_RATE = 15_000
#: A whole build of at least this many papers indexes its chunks on worker processes (one per core).
PARALLEL_MIN_PAPERS = 3 * CHUNK_DOCS
T = TypeVar("T")


class SearchFiles:
    """``library/search``: open it fresh for readers, keep it current for writers."""

    def __init__(self, library: Any) -> None:
        #: The :class:`~.library.LibraryStore` (its shards, its lock, its index file).
        self.library = library
        self.directory: Path = library.library / SEARCH_DIR
        self.messages: list[str] = library.messages
        self._lent: tuple[Any, dict[str, list[tuple[str, str]]] | None] = (None, None)  # (see lent)

    # -- readers -------------------------------------------------------------------

    def open(self) -> SearchIndex:
        """The current index, mapped; rebuilt first (with a message) when missing, stale or damaged.

        While another process holds the library lock (an import), a usable
        index is opened as it is, even if that import will change it.
        """
        try:
            manifest = read_manifest(self.directory)
            if self._fresh(manifest):
                return open_index(self.directory)
            problem: IndexUnavailable = IndexStale("built from another state of the library")
        except IndexUnavailable as exc:
            problem = exc
        try:
            with self.library.lock:
                return self._open_or_rebuild(problem)
        except locks.Timeout:
            try:
                return open_index(self.directory)
            except IndexUnavailable:
                raise StoreError("another arxiv-reader is importing into this library; try again later") from None

    def open_current(self) -> SearchIndex | None:
        """The index mapped when it is current and usable; None when it would have to be
        built first (missing, pending, stale, damaged): never builds."""
        try:
            manifest = read_manifest(self.directory)
            if self._fresh(manifest):
                return open_index(self.directory)
        except IndexUnavailable:
            pass
        return None

    def answer(self, open_index: Callable[[], SearchIndex], question: Callable[[SearchIndex], T]) -> T:
        """``question(open_index())``; when it finds the index damaged (a row or paper that cannot
        be decoded, a section failing its checksum: :class:`IndexDamaged` raised while reading),
        the index is rebuilt from the shards (with the message, as for damage found at opening)
        and the question is asked once more, of the new index. Damage found again: a
        :class:`StoreError` naming the file and what to do (never a traceback).

        ``question`` must not have written anything before it reads the index (it may run twice).
        """
        try:
            return question(open_index())
        except IndexDamaged as exc:
            self.repair(exc)
        try:
            return question(open_index())
        except IndexDamaged as exc:
            raise StoreError(
                f"the search index is damaged ({exc.message}) even after a rebuild; remove the folder "
                f"{self.directory} (derived data, rebuilt from the library by the next command)"
            ) from None

    def repair(self, problem: IndexUnavailable) -> None:
        """Rebuild the index (with the message) after ``problem`` was found while reading it."""
        try:
            with self.library.lock:
                self.rebuild(self.library.load_index(), problem, announce=True)
        except locks.Timeout:
            raise StoreError(
                f"the search index is damaged ({problem.message}) and another arxiv-reader is importing "
                "into this library; try again when it is done"
            ) from None

    def _open_or_rebuild(self, problem: IndexUnavailable) -> SearchIndex:
        index = self.library.load_index()
        try:
            if self._fresh(read_manifest(self.directory), index):
                return open_index(self.directory)  # another process rebuilt it meanwhile
        except IndexUnavailable as exc:
            problem = exc
        try:
            self.rebuild(index, problem, announce=True)
        except OSError as exc:  # a full disk, a read-only folder
            return self._unbuildable(problem, exc)
        return open_index(self.directory)

    def _unbuildable(self, problem: IndexUnavailable, exc: OSError) -> SearchIndex:
        """The index that could not be rebuilt (``exc``): the one on disk when it is only out of
        date (intact, from before the library's last change), said so; else a :class:`StoreError`
        naming the file and what to do."""
        where = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else f"{exc.strerror or exc}"
        if problem.reason == "stale":
            try:
                found = open_index(self.directory)
            except IndexUnavailable:
                pass
            else:
                self.messages.append(
                    f"the search index is out of date (built before the library's last change) and could not be "
                    f"rebuilt ({where}); these answers come from it as it was: make room in {self.directory} "
                    "and the next command rebuilds it"
                )
                return found
        raise StoreError(
            f"the search index is {problem.reason} and could not be rebuilt in {self.directory} ({where}); "
            "make room there (the library itself is intact) and run the command again"
        )

    def _fresh(self, manifest: dict[str, Any], index: LibraryIndex | None = None) -> bool:
        stamp = manifest.get("library_stamp")
        current = file_stamp(self.library.index_path)
        if index is None and current is not None and stamp == list(current):
            return True
        if index is None:
            index = self.library.load_index()
        if current is None and not index.files and not manifest["segments"]:
            return True  # no library yet, an empty index
        return bool(index.revision) and manifest["source"] == index.revision

    # -- writers (the library lock held) --------------------------------------------

    def ensure(self, index: LibraryIndex) -> None:
        """Rebuild the index (with a message) unless it is the current one of ``index``."""
        try:
            if self._fresh(read_manifest(self.directory), index):
                return
            problem: IndexUnavailable = IndexStale("built from another state of the library")
        except IndexUnavailable as exc:
            problem = exc
        self.rebuild(index, problem)

    def rebuild(self, index: LibraryIndex, problem: IndexUnavailable | None = None, announce: bool = False) -> None:
        """Build the index whole from the shards; ``problem``: why (said in the messages).

        ``announce``: a large build is said before it starts, with an estimate of its time
        (a reader or command waits for it; an import says what it does itself).
        """
        count = len(index.versions)
        if announce and count > ANNOUNCE_AT:
            self.messages.append(
                f"building the search index of the library's {count:,} papers "
                f"(about {max(1, round(count / BUILD_RATE))} s)..."
            )
        self._make_way()
        imported, extra = _first_imports(index), self._extra(index)
        try:  # a chunk of papers at a time (bounded memory), else the library loaded whole
            with gc_paused():  # (millions of short-lived objects, no cycles)
                count = self._build_in_chunks(index, imported, extra)
        except ChunksUnavailable:
            papers = self.library.merged_papers(index)
            count = len(papers)
            build_index(self.directory, papers, index.revision, imported, extra)
        if problem is not None and (count or problem.reason != "missing"):
            self.messages.append(
                f"the search index was {problem.reason} ({problem.message}); rebuilt it from the "
                f"{count:,} papers of the library"
            )

    def _build_in_chunks(self, index: LibraryIndex, imported: dict[str, int], extra: dict[str, Any]) -> int:
        """Build the index of ``index``'s papers a chunk at a time, on worker processes when it pays;
        returns how many papers. Raises :class:`ChunksUnavailable` (the library must be loaded whole)."""
        count, tasks = plan_chunks(self.library, index, CHUNK_DOCS, self._lent[1])
        if count >= PARALLEL_MIN_PAPERS and len(tasks) > 1:
            from concurrent.futures.process import BrokenProcessPool  # (worker processes: only a big build)

            from .parsepool import worker_pool

            numbers = [[imported.get(key, -1) for key in task.wanted] for task in tasks]
            try:
                with contextlib.nullcontext(self._lent[0]) if self._lent[0] else worker_pool() as pool:
                    if pool is not None:
                        build, where = uuid.uuid4().hex, str(self.library.library)
                        parts = in_window(pool, [(where, task, number, build) for task, number in
                                                 zip(tasks, numbers)], 3)
                        build_index_from_parts(self.directory, parts, count, index.revision, extra)
                        return count
            except BrokenProcessPool:  # workers could not start or died: build here
                pass
        build_index_chunked(self.directory, merged_chunks(self.library, tasks), count, index.revision, imported,
                            extra)
        return count

    @contextlib.contextmanager
    def lent(self, pool: Any, keys: dict[str, list[tuple[str, str]]]) -> Iterator[None]:
        """While the block runs, a whole build uses an import's worker ``pool`` (None: its own)
        and ``keys``: digest path -> each row of its shard as ``(id, latest digest date)``, known
        from the parse (those shards are not read to plan the chunks)."""
        self._lent = (pool, keys)
        try:
            yield
        finally:
            self._lent = (None, None)

    def _make_way(self) -> None:
        """Move aside what stands where the index's folder or manifest must be (a file named
        ``search``, a folder named ``index.json``), saying so: it is not ours to delete."""
        manifest = self.directory / MANIFEST
        if self.directory.is_symlink() or self.directory.exists():
            if not self.directory.is_dir():
                quarantine(self.directory, f"{self.directory} is not a folder, where the search index (derived "
                           "data, safe to remove) must be", self.messages)
            elif manifest.is_dir() or (manifest.exists() and not manifest.is_file()):
                quarantine(manifest, f"{manifest} is not a file, where the search index's manifest (derived "
                           "data, safe to remove) must be", self.messages)

    def keep_current(self, done: str, update: Callable[[], None]) -> None:
        """Run ``update`` (bringing the index up to date after ``done``, which is on disk already);
        if it cannot write (a full disk), say that ``done`` holds and the index is rebuilt later."""
        try:
            update()
        except OSError as exc:
            where = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else f"{exc.strerror or exc}"
            self.messages.append(
                f"{done}, but the search index could not be updated ({where}); the next command that can "
                f"write {self.directory} rebuilds it"
            )

    def after_import(self, index: LibraryIndex, before: str, touched: dict[str, dict[str, Any] | None],
                     first: bool) -> None:
        """Bring the index from library revision ``before`` to ``index``'s after an import that
        wrote the shards of ``touched`` (digest path -> its entry before, None if new).

        ``first``: the library held nothing before (the index is created, not rebuilt).
        """
        try:
            search = open_index(self.directory, before)
        except IndexUnavailable as exc:
            self.rebuild(index, None if first else exc)
            return
        try:
            papers, removed = changed_papers(self.library, index, touched, search)
            total = len(search)
        except IndexDamaged as exc:  # found while reading its listings (a checksum, a row)
            self.rebuild(index, exc)
            return
        finally:
            search.close()
        self._apply(index, before, papers, removed, total)

    def after_removal(self, index: LibraryIndex, before: str, papers: Sequence[Paper], removed: Iterable[str]) -> None:
        """Bring the index up to date after a removal: ``papers`` re-merged, ``removed`` ids gone."""
        self._apply(index, before, papers, list(removed), len(index.versions))

    def _apply(self, index: LibraryIndex, before: str, papers: Sequence[Paper], removed: Collection[str],
               total: int) -> None:
        if len(papers) > REBUILD_SHARE * max(total, 1):
            self.rebuild(index)
            return
        try:
            add_segment(self.directory, papers, index.revision, before, _first_imports(index, papers), removed,
                        self._extra(index))
        except IndexUnavailable as exc:
            self.rebuild(index, exc)

    def _extra(self, index: LibraryIndex) -> dict[str, Any]:
        stamp = file_stamp(self.library.index_path)
        return {"library_stamp": list(stamp) if stamp else None, "imports": list(index.imports),
                "epoch": index.epoch, "digests": len(index.files),
                "removals": index.removals}


def _first_imports(index: LibraryIndex, papers: Sequence[Paper] | None = None) -> dict[str, int]:
    versions = index.versions
    keys = versions if papers is None else (p.id for p in papers)
    out = {}
    for key in keys:
        entry = versions.get(key)
        if entry is not None and len(entry) > 2:
            out[key] = entry[2]
    return out


def merge_in_library_order(
    shard_docs: list[tuple[dict[str, Any], list[dict[str, Any]]]], wanted: set[str]
) -> list[Paper]:
    """The papers ``wanted`` merged from ``(entry, docs)`` pairs of shards, in the library's load order.

    The order is the one :meth:`LibraryStore.load_papers` reads shards in (date,
    category, path), so each paper merges exactly as there.
    """
    shard_docs = sorted(shard_docs, key=lambda pair: (pair[0]["date"], pair[0]["category"], pair[0]["path"]))
    refs: dict = {}
    blocks = [doc for _, docs in shard_docs for doc in docs if doc.get("id") in wanted]
    return list(merge_papers(papers_from_docs(blocks, refs)).values())


def changed_papers(library: Any, index: LibraryIndex, touched: dict[str, dict[str, Any] | None],
                         search: SearchIndex | None) -> tuple[list[Paper], set[str]]:
    """The merged papers an import changed, and the ids that left the library.

    ``touched``: the digest paths whose shards the import wrote -> their entry
    before (None: new). A paper is affected when a touched shard lists it now
    or (by the index's listings) listed it before; it is merged from every
    digest that lists it now.
    """
    cache: dict[str, list[dict[str, Any]]] = {}

    def docs_of(entry: dict[str, Any]) -> list[dict[str, Any]]:
        found = cache.get(entry["path"])
        if found is None:
            found = cache[entry["path"]] = [d for d in library.shard_papers(entry) or [] if isinstance(d, dict)]
        return found

    affected: set[str] = set()
    for path in touched:
        entry = index.files.get(path)
        if entry is not None:
            affected.update(paper_id for d in docs_of(entry) if isinstance(paper_id := d.get("id"), str))
    before_pairs = {(old["category"], old["date"]) for old in touched.values() if old is not None}
    listing: set[tuple[str, str]] = set()
    if search is not None:
        old_docs = search.docs_listed_in(before_pairs) if before_pairs else []
        affected.update(search.row(d).id for d in old_docs)
        for doc in search.docs_of_ids(affected).tolist():
            listing.update((ref.category, ref.date) for ref in search.paper(doc).digests)
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for entry in index.files.values():
        by_pair.setdefault((entry["category"], entry["date"]), []).append(entry)
    entries = {e["path"]: e for pair in listing for e in by_pair.get(pair, [])}
    entries.update({path: index.files[path] for path in touched if path in index.files})
    pairs = [(entry, docs_of(entry)) for entry in entries.values()]
    papers = merge_in_library_order(pairs, affected)
    return papers, affected - {p.id for p in papers}
