"""The parsed digests on disk: the library folder, its shards loaded and repaired (importing: :mod:`.importer`).

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
from pathlib import Path
from typing import Any


from .. import locks
from ..models import DigestRef, Paper
from ..regular import read_regular
from ..storage import CorruptDatabase, decode_database
from .common import ImportReport, Progress, StoreError, gc_paused
from .dbfiles import lock_for, quarantine
from .importer import import_locked
from .index import IndexFile, LibraryIndex, first_imported_from
from .search import SearchFiles
from .shards import (
    PAPER_FIELDS, as_written, folder_inside_shards, is_shard_path, papers_from_docs, papers_from_rows, parse_to_shard,
    shard_docs, shard_rows, validate_rows,
)


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
        #: The import lock (``index.json.lock``), one object so that it is re-entrant in this thread.
        self.lock = lock_for(self.index_path)
        self._inside: dict[str, bool] = {}  # shard folder -> inside library/shards (see shard_file)
        #: The search index under ``library/search`` (see :mod:`.search`).
        self.search = SearchFiles(self)

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
        from ..digest_files import find_digest_paths

        report = ImportReport()
        files, problems = find_digest_paths(paths)
        report.problems.extend(problems)
        try:
            self.library.mkdir(parents=True, exist_ok=True)
            with self.lock, gc_paused():
                index = self.load_index()  # re-read if another process imported
                import_locked(self, index, files, report, progress)
        except locks.Timeout:
            raise StoreError("another arxiv-reader is importing into this library; try again later") from None
        except OSError as exc:
            raise StoreError(f"cannot write the library in {self.library}: {exc.strerror or exc}") from None
        return report

    def shard_file(self, entry: dict[str, Any]) -> Path | None:
        """The shard of an index entry; ``None`` unless it lies inside ``library/shards``,
        by its text and by its folder's real path (its own name is never followed either:
        see :meth:`_read_shard_checked`)."""
        text = self.shard_text(entry)
        return None if text is None else Path(text)

    def shard_text(self, entry: dict[str, Any]) -> str | None:
        """:meth:`shard_file` as text (an unchanged import checks thousands: no ``Path`` each)."""
        relpath = entry["shard"]
        if not is_shard_path(relpath):
            return None
        folder = relpath.rpartition("/")[0]
        inside = self._inside.get(folder)
        if inside is None:  # (cached until the index is loaded again: 5,892 shards share a few folders)
            inside = self._inside[folder] = folder_inside_shards(self.library, self.library / folder)
        return os.path.join(self.library, relpath) if inside else None

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
            with self.lock:
                index = self.load_index()  # the latest, under the lock
                before = index.revision
                touched: dict[str, dict[str, Any] | None] = {}
                for path in dict.fromkeys(entry["path"] for entry in entries):
                    if not os.path.isfile(path):
                        self.messages.append(f"the stored papers of {path} were lost and the file is gone")
                        gone = index.files.pop(path, None)
                        if gone is not None:
                            touched[path] = gone
                            dropped += 1
                        continue
                    result = parse_to_shard(path, library)
                    if result.error:
                        self.messages.append(result.error)
                        continue
                    entry = result.index_entry()
                    touched[path] = index.files.get(path)
                    index.files[path] = entry
                    docs.extend(self._read_shard(entry) or [])
                    repaired += 1
                if repaired or dropped:
                    self.index_file.save(index)
                    self.search.after_import(index, before, touched, first=False)
        except (locks.Timeout, OSError) as exc:
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
        return self.merged_papers(self.load_index(), progress)

    def merged_papers(self, index: LibraryIndex, progress: Progress | None = None) -> list[Paper]:
        """Every paper of ``index``'s shards, merged, newest first (see :meth:`load_papers`)."""
        from ..merge import merge_papers

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
