"""Importing digest files into the library: which files to parse, the shards written, the
library index and the search index brought up to date (the library lock held by the caller,
:meth:`.library.LibraryStore.import_paths`).

Unchanged files (same size and mtime_ns) are skipped; the others are parsed
into shards, on worker processes when it pays (:mod:`.parsepool`); each paper
is classified new, updated or unchanged once per import.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import flush_file_system, remove_stale_temporaries
from ..models import Problem
from ..storage import SCHEMA
from .common import DigestOutcome, ImportReport, Progress
from .index import LibraryIndex

if TYPE_CHECKING:
    from .library import LibraryStore


#: During a long import the index is saved every so many parsed files, so a
#: crash or Ctrl-C loses little work.
CHECKPOINT_FILES = 1000


class _ImportRun:
    """This import's generation (see :mod:`.index`), added when it first brings a new paper."""

    def __init__(self, index: LibraryIndex) -> None:
        self.index = index
        self._number: int | None = None
        self.started = datetime.now(timezone.utc).isoformat(timespec="microseconds")

    def number(self) -> int:
        if self._number is None:
            self.index.imports.append(self.started)
            self._number = len(self.index.imports) - 1
        return self._number


def import_locked(
    library: LibraryStore, index: LibraryIndex, files: list[str], report: ImportReport, progress: Progress | None
) -> None:
    """Parse the new or changed ``files`` (resolved paths) into shards and record them in ``index`` (the lock held);
    then bring the search index up to date (see :meth:`.library.LibraryStore.import_paths`)."""
    total = len(files)
    todo: list[str] = []
    todo_bytes = 0
    done = 0
    unresolved = not index.resolved  # an older index: paths checked (and the index saved) once
    if unresolved:
        _resolve_keys(library, index)
    _remove_stale_shard_temporaries(library.library)
    for file in files:
        key = os.path.abspath(file) if not os.path.isabs(file) else file  # (resolved already: realpath)
        entry = index.files.get(key)
        try:
            st = os.stat(key)
        except OSError as exc:
            report.problems.append(Problem(str(file), 0, f"cannot read: {exc.strerror or exc}"))
            done += 1
            continue
        if (
            entry is not None
            and index.schema >= SCHEMA  # else: re-parse once to write the compact layout
            and entry["size"] == st.st_size
            and entry["mtime_ns"] == st.st_mtime_ns
            and entry["written"] is not None  # else re-parsed once, to record its checksum
            and (shard_path := library.shard_text(entry)) is not None
            and os.path.isfile(shard_path)
        ):
            report.files_unchanged += 1
            done += 1
            if progress:
                progress(done, total)
        else:
            todo.append(key)
            todo_bytes += st.st_size
    if progress and done < total:
        progress(done, total)

    keep = [index.files.get(path, {}).get("papers", 0) > 0 for path in todo]
    from concurrent.futures.process import BrokenProcessPool  # (worker processes: only an import needs them)

    from .parsepool import FLUSH_ONCE_FILES, wants_workers, worker_pool

    with contextlib.ExitStack() as stack:
        pool = None
        if wants_workers(todo, todo_bytes):  # one pool for the parse and a whole index build after it
            try:
                pool = stack.enter_context(worker_pool())
            except (BrokenProcessPool, OSError, RuntimeError):  # no workers: all in this process
                pool = None
        keys: dict[str, list[tuple[str, str]]] = {}
        _parse_and_index(library, index, todo, todo_bytes, keep, report, progress, total, done, unresolved,
                         pool, keys, FLUSH_ONCE_FILES)


def _parse_and_index(
    library: LibraryStore, index: LibraryIndex, todo: list[str], todo_bytes: int, keep: list[bool],
    report: ImportReport, progress: Progress | None, total: int, done: int, unresolved: bool, pool: Any,
    keys: dict[str, list[tuple[str, str]]], flush_once_files: int,
) -> None:
    """Parse ``todo`` into shards (on ``pool`` if any), record them in ``index``, then bring the
    search index up to date (see :func:`import_locked`)."""
    from .parsepool import parse_files

    statuses: dict[str, str] = {}
    before, first = index.revision, not index.files
    touched: dict[str, dict[str, Any] | None] = {}
    run = _ImportRun(index)
    stale_shards: list[Path] = []
    since_checkpoint = 0
    durable = len(todo) < flush_once_files
    for result in parse_files(todo, todo_bytes, str(library.library), keep, durable, pool):
        done += 1
        since_checkpoint += 1
        report.problems.extend(result.problems)
        if result.error:
            report.problems.append(Problem(result.path, 0, result.error))
        elif result.kept:  # its entry stays as it was: tried again at the next import
            report.files_read += 1
            report.problems.append(Problem(result.path, 0, (
                f"holds no paper now (emptied, or no longer a digest); the "
                f"{index.files[result.path]['papers']} papers imported from it before are kept "
                "('arxiv-reader remove' takes them out)")))
        else:
            report.files_read += 1
            old = index.files.get(result.path)
            if old is not None and old["shard"] != result.shard and (stale := library.shard_file(old)) is not None:
                stale_shards.append(stale)
            touched.setdefault(result.path, dict(old) if old is not None else None)
            index.files[result.path] = result.index_entry()
            if result.keys is not None:
                keys[result.path] = result.keys
            new, updated = _count_versions(index, result.versions, statuses, run)
            report.digests[result.path] = DigestOutcome(
                result.category, result.date, new, updated, len(result.versions))
        if since_checkpoint >= CHECKPOINT_FILES:
            if not durable:
                flush_file_system(library.library)  # the shards, before the index names them
            library.index_file.save(index)
            since_checkpoint = 0
            # A reader may load what is saved now: later papers are another generation.
            run = _ImportRun(index)
        if progress:
            progress(done, total)
    if todo or unresolved:
        if not durable:
            flush_file_system(library.library)
        library.index_file.save(index)
        with library.search.lent(pool, keys):
            library.search.keep_current(  # (the papers are stored now, whatever happens to the index)
                "the papers were imported and the library saved",
                lambda: library.search.after_import(index, before, touched, first))
    else:
        library.search.keep_current("the library is unchanged", lambda: library.search.ensure(index))
    for shard in stale_shards:
        if not any(e["shard"] == shard.relative_to(library.library).as_posix() for e in index.files.values()):
            try:
                shard.unlink()
            except OSError:
                pass
    for status in statuses.values():
        if status == "new":
            report.papers_new += 1
        elif status == "updated":
            report.papers_updated += 1
        else:
            report.papers_unchanged += 1


def _remove_stale_shard_temporaries(library: Path) -> None:
    """Delete what imports killed mid-write left in the shard folders (under the import lock)."""
    try:
        folders = [entry.path for entry in os.scandir(library / "shards")
                   if entry.is_dir(follow_symlinks=False)]  # never a link leading elsewhere
    except OSError:
        return
    for folder in folders:
        remove_stale_temporaries(Path(folder))


def _resolve_keys(library: LibraryStore, index: LibraryIndex) -> None:
    """Re-key entries recorded under a path through a symbolic link.

    Indexes written before paths were resolved may hold the same file twice
    (imported directly and through a link): the copy under the link's path
    is dropped, its shard deleted.
    """
    for key in list(index.files):
        real = os.path.realpath(key)
        if real == key:
            continue
        entry = index.files.pop(key)
        if real in index.files:
            shard = library.shard_file(entry)
            if shard is not None and entry["shard"] != index.files[real]["shard"]:
                try:
                    shard.unlink()
                except OSError:
                    pass
        else:
            entry["path"] = real
            index.files[real] = entry
    index.resolved = True

def _count_versions(
    index: LibraryIndex, versions: dict[str, tuple[int, str]], statuses: dict[str, str], run: _ImportRun
) -> tuple[int, int]:
    """Record the file's papers in the index; classify each id once per import.

    A paper seen for the first time records this import's generation (a
    paper removed before gets back the generation that first brought it);
    a new version keeps the generation the paper was first imported by.
    Returns how many of the file's papers were new, and how many a newer version.
    """
    known = index.versions
    new = updated = 0
    for key, (version, fp) in versions.items():
        old = known.get(key)
        if old is None:
            first = index.gone.pop(key, None)
            known[key] = [version, fp, first if first is not None else run.number()]
            statuses[key] = "new"
            new += 1
            continue
        if version > old[0] or (version == old[0] and fp != old[1]):
            known[key] = [version, fp, *old[2:3]]
            if statuses.get(key) != "new":
                updated += statuses.get(key) != "updated"
                statuses[key] = "updated"
        else:
            statuses.setdefault(key, "unchanged")
    return new, updated
