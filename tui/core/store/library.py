"""The parsed digests on disk: importing, loading and repairing the library.

Layout under ``library/``: ``index.json`` (see :mod:`.index`) and one shard per
digest file under ``shards/`` (see :mod:`.shards`).

One shard per digest file keeps imports incremental: an unchanged file (same
size and mtime_ns) is skipped, a changed one rewrites only its shard, and a
new day's file adds one shard plus the small index. A digest file that vanished
from disk stays in the library, so moving an archive away loses no papers.
Imports hold ``library/index.json.lock``.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from filelock import Timeout

from ..atomic import remove_stale_temporaries
from ..models import DigestRef, Paper, Problem
from ..regular import read_regular
from ..storage import SCHEMA, CorruptDatabase, decode_database
from .common import DigestOutcome, ImportReport, Progress, StoreError, gc_paused
from .dbfiles import lock_for, quarantine
from .index import IndexFile, LibraryIndex, first_imported_from
from .parsepool import parse_files
from .shards import (
    PAPER_FIELDS, as_written, folder_inside_shards, is_shard_path, papers_from_docs, papers_from_rows, parse_to_shard,
    shard_docs, shard_rows, validate_rows,
)

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


class LibraryStore:
    """The library folder: import digest files into shards, load every paper back.

    Notices go to ``messages``; :meth:`import_paths` raises :class:`StoreError`
    when the library cannot be written.
    """

    def __init__(self, library: Path, messages: list[str]) -> None:
        self.library = library
        self.messages = messages
        self.index_file = IndexFile(library, messages)
        self.index_path = self.index_file.path
        self._inside: dict[str, bool] = {}  # shard folder -> inside library/shards (see shard_file)

    def load_index(self) -> LibraryIndex:
        """The library index (cached; re-read when another process changed it).

        Each operation starts here, so the shard folders are checked afresh too.
        """
        self._inside.clear()
        return self.index_file.load()

    def import_paths(self, paths: Sequence[Path], progress: Progress | None = None) -> ImportReport:
        """Parse new or changed digest files under ``paths`` into the library.

        Unchanged files (same size and mtime_ns as recorded) are not read.
        Problems in the input (missing paths, bad blocks) are reported, never
        raised. Raises :class:`StoreError` when the library cannot be written.
        """
        from ..digest import find_digest_files

        report = ImportReport()
        files, problems = find_digest_files(paths)
        report.problems.extend(problems)
        try:
            self.library.mkdir(parents=True, exist_ok=True)
            with lock_for(self.index_path), gc_paused():
                index = self.load_index()  # re-read if another process imported
                self._import_locked(index, files, report, progress)
        except Timeout:
            raise StoreError("another arxiv-reader is importing into this library; try again later") from None
        except OSError as exc:
            raise StoreError(f"cannot write the library in {self.library}: {exc.strerror or exc}") from None
        return report

    def _import_locked(
        self, index: LibraryIndex, files: list[Path], report: ImportReport, progress: Progress | None
    ) -> None:
        total = len(files)
        todo: list[str] = []
        todo_bytes = 0
        done = 0
        unresolved = not index.resolved  # an older index: paths checked (and the index saved) once
        if unresolved:
            self._resolve_keys(index)
        self._remove_stale_shard_temporaries()
        for file in files:
            key = os.path.abspath(file)
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
                and (shard := self.shard_file(entry)) is not None
                and shard.is_file()
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

        statuses: dict[str, str] = {}
        run = _ImportRun(index)
        stale_shards: list[Path] = []
        since_checkpoint = 0
        keep = [index.files.get(path, {}).get("papers", 0) > 0 for path in todo]
        for result in parse_files(todo, todo_bytes, str(self.library), keep):
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
                if old is not None and old["shard"] != result.shard and (stale := self.shard_file(old)) is not None:
                    stale_shards.append(stale)
                index.files[result.path] = result.index_entry()
                new, updated = self._count_versions(index, result.versions, statuses, run)
                report.digests[result.path] = DigestOutcome(
                    result.category, result.date, new, updated, len(result.versions))
            if since_checkpoint >= CHECKPOINT_FILES:
                self.index_file.save(index)
                since_checkpoint = 0
                # A reader may load what is saved now: later papers are another generation.
                run = _ImportRun(index)
            if progress:
                progress(done, total)
        if todo or unresolved:
            self.index_file.save(index)
        for shard in stale_shards:
            if not any(e["shard"] == shard.relative_to(self.library).as_posix() for e in index.files.values()):
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

    def _remove_stale_shard_temporaries(self) -> None:
        """Delete what imports killed mid-write left in the shard folders (under the import lock)."""
        try:
            folders = [entry.path for entry in os.scandir(self.library / "shards")
                       if entry.is_dir(follow_symlinks=False)]  # never a link leading elsewhere
        except OSError:
            return
        for folder in folders:
            remove_stale_temporaries(Path(folder))

    def shard_file(self, entry: dict[str, Any]) -> Path | None:
        """The shard of an index entry; ``None`` unless it lies inside ``library/shards``,
        by its text and by its folder's real path (its own name is never followed either:
        see :meth:`_read_shard_checked`)."""
        relpath = entry["shard"]
        if not is_shard_path(relpath):
            return None
        folder = relpath.rpartition("/")[0]
        inside = self._inside.get(folder)
        if inside is None:  # (cached until the index is loaded again: 5,892 shards share a few folders)
            inside = self._inside[folder] = folder_inside_shards(self.library, self.library / folder)
        return self.library / relpath if inside else None

    def _resolve_keys(self, index: LibraryIndex) -> None:
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
                shard = self.shard_file(entry)
                if shard is not None and entry["shard"] != index.files[real]["shard"]:
                    try:
                        shard.unlink()
                    except OSError:
                        pass
            else:
                entry["path"] = real
                index.files[real] = entry
        index.resolved = True

    @staticmethod
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

    def shard_papers(self, entry: dict[str, Any]) -> list[dict[str, Any]] | None:
        """The paper dicts of one digest's shard; ``None`` when missing or unreadable."""
        return self._read_shard(entry)

    def _read_shard(self, entry: dict[str, Any]) -> list[dict[str, Any]] | None:
        """The paper dicts of one shard; ``None`` when missing or unreadable."""
        data = self._read_shard_data(entry)
        return None if data is None else shard_docs(data)

    def _read_shard_data(self, entry: dict[str, Any]) -> dict[str, Any] | None:
        """The raw, validated contents of one shard; ``None`` when missing or unreadable."""
        data = self._read_shard_checked(entry)
        return None if data is None else data[0]

    def _read_shard_checked(self, entry: dict[str, Any]) -> tuple[dict[str, Any], bool] | None:
        """The raw contents of one shard and whether it is byte for byte as written.

        ``None`` when missing or unreadable (a damaged one is moved aside). A
        shard changed since it was written (see :func:`~.shards.as_written`)
        must have its rows validated before use.
        """
        shard = self.shard_file(entry)
        if shard is None:
            return None
        try:
            raw, st = read_regular(shard, follow=False)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # a symbolic link in place of a shard: never followed
                self.messages.append(f"{shard} is a symbolic link, not a shard; it is not read")
                return None
            self.messages.append(f"cannot read {shard}: {exc.strerror or exc}")
            return None
        try:
            data = decode_database(raw, str(shard))
        except CorruptDatabase as exc:
            quarantine(shard, str(exc), self.messages)
            return None
        return data, as_written(entry, raw, st)

    def _repair_shards(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Re-parse the digest files behind missing or damaged shards; their paper dicts.

        A digest whose shard is lost and whose file is gone too is dropped from
        the index (said once in :attr:`messages`): its papers can't be recovered.
        """
        docs: list[dict[str, Any]] = []
        library = str(self.library)
        repaired = dropped = 0
        try:
            with lock_for(self.index_path):
                index = self.load_index()  # the latest, under the lock
                for path in dict.fromkeys(entry["path"] for entry in entries):
                    if not os.path.isfile(path):
                        self.messages.append(f"the stored papers of {path} were lost and the file is gone")
                        dropped += index.files.pop(path, None) is not None
                        continue
                    result = parse_to_shard(path, library)
                    if result.error:
                        self.messages.append(result.error)
                        continue
                    entry = result.index_entry()
                    index.files[path] = entry
                    docs.extend(self._read_shard(entry) or [])
                    repaired += 1
                if repaired or dropped:
                    self.index_file.save(index)
        except (Timeout, OSError) as exc:
            self.messages.append(f"cannot repair the library: {exc}")
        if repaired:
            self.messages.append(f"rebuilt {repaired} damaged digest(s) of the library from their files")
        return docs

    def load_papers(self, progress: Progress | None = None) -> list[Paper]:
        """Every paper of the library, merged, newest digest date first (then id descending).

        Missing or damaged shards are rebuilt from their digest files (see
        :attr:`messages`). ``progress(done, total)`` is called per digest file.
        """
        with gc_paused(freeze=True):
            return self._load_papers(progress)

    def _load_papers(self, progress: Progress | None) -> list[Paper]:
        from ..merge import merge_papers

        index = self.load_index()
        entries = sorted(index.files.values(), key=lambda e: (e["date"], e["category"], e["path"]))
        total = len(entries)
        papers: list[Paper] = []
        refs: dict[tuple[str, str], DigestRef] = {}
        shared: dict[str, str] = {}  # one string object per category and date
        broken: list[dict[str, Any]] = []
        for done, entry in enumerate(entries, 1):
            checked = self._read_shard_checked(entry)
            if checked is None:
                broken.append(entry)
            else:
                data, as_written = checked
                try:
                    rows = shard_rows(data)
                    if rows is None:  # the layout of schema 1: one dict per paper
                        rows = [[doc[name] for name in PAPER_FIELDS] for doc in shard_docs(data)]
                    if not as_written:  # ours as we wrote them need no check (0.35 s at 200,000 papers)
                        validate_rows(rows)
                    papers.extend(papers_from_rows(rows, refs, shared))
                except (KeyError, IndexError, TypeError, ValueError) as exc:
                    shard = self.shard_file(entry)
                    assert shard is not None  # its data was read
                    quarantine(shard, f"{shard} holds a malformed paper ({exc})", self.messages)
                    broken.append(entry)
            if progress:
                progress(done, total)
        if broken:
            papers.extend(papers_from_docs(self._repair_shards(broken), refs))
        merged = merge_papers(papers)
        result = list(merged.values())
        # Merged digests are sorted by date, so the last is the latest (no max() per paper).
        result.sort(key=lambda p: (p.digests[-1].date if p.digests else "", p.id), reverse=True)
        return result

    def digest_count(self) -> int:
        """How many digest files the library holds."""
        return len(self.load_index().files)

    def paper_count(self) -> int:
        """How many distinct papers (ids) the library holds, without loading them."""
        return len(self.load_index().versions)

    def known_ids(self) -> set[str]:
        """The ids (without version) of every paper in the library, from the index alone."""
        return set(self.load_index().versions)

    def new_paper_ids(self, generation: int | None, epoch: str | None = None) -> set[str]:
        """Ids of the papers first imported by ``generation`` or later (see
        :func:`.index.first_imported_from`); every id when None."""
        return first_imported_from(self.load_index(), generation, epoch)

    def library_stats(self) -> dict[str, Any]:
        """Cheap library figures from the index (no shard is read).

        Keys: ``digests``, ``papers`` (distinct ids), ``categories`` (category ->
        number of digest files), ``first_date`` and ``last_date`` (ISO, "" if none).
        """
        index = self.load_index()
        categories: dict[str, int] = {}
        dates = [e["date"] for e in index.files.values() if e["date"]]
        for entry in index.files.values():
            categories[entry["category"]] = categories.get(entry["category"], 0) + 1
        return {
            "digests": len(index.files),
            "papers": len(index.versions),
            "categories": dict(sorted(categories.items())),
            "first_date": min(dates, default=""),
            "last_date": max(dates, default=""),
        }
