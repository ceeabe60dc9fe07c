"""Taking digests back out of the library (``arxiv-reader remove PATH...``).

The digest files on disk are never touched, and neither is the reading state:
read and starred marks are keyed by paper id, so a paper removed and imported
again finds its marks where it left them. What goes: the digests' entries in
the library index, their shards, and the papers that no remaining digest lists
(the generation that first imported each is kept, so importing it again does
not make it new).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


from .. import locks
from .common import StoreError, gc_paused
from .library import LibraryStore
from .search import merge_in_library_order
from .shards import versions_of


@dataclass(slots=True)
class RemoveReport:
    """What a removal did."""

    #: The digest files taken out (as recorded in the library).
    removed: list[str] = field(default_factory=list)
    #: Papers no digest of the library lists any more.
    papers_removed: int = 0
    #: Papers still in the library through another digest.
    papers_kept: int = 0
    #: The given paths under which no digest of the library was found.
    unmatched: list[str] = field(default_factory=list)
    #: How many digests the library had before.
    library_digests: int = 0

    @property
    def whole_library(self) -> bool:
        """Whether every digest of the library is (to be) taken out."""
        return bool(self.removed) and len(self.removed) == self.library_digests


def _under(path: str, prefixes: list[str]) -> bool:
    return any(path == prefix or path.startswith(prefix.rstrip(os.sep) + os.sep) for prefix in prefixes)


def remove_digests(library: LibraryStore, paths: Sequence[Path], dry_run: bool = False) -> RemoveReport:
    """Remove the library's digests that are ``paths`` or lie under them.

    A path matches as written (made absolute) or with its links resolved, so a
    folder whose files are gone from disk can still be removed. With
    ``dry_run``, nothing changes: the report names the digests that would go
    (without the paper counts, which cost reading their shards).
    """
    report = RemoveReport()
    try:
        with library.lock, gc_paused():
            index = library.load_index()
            before = index.revision
            report.library_digests = len(index.files)
            chosen: list[dict] = []
            for path in paths:
                prefixes = list(dict.fromkeys([os.path.abspath(path), os.path.realpath(path)]))
                found = [entry for key, entry in index.files.items() if _under(key, prefixes)]
                if not found:
                    report.unmatched.append(str(path))
                chosen.extend(entry for entry in found if entry not in chosen)
            if not chosen or dry_run:
                report.removed = [entry["path"] for entry in chosen]
                return report
            affected: set[str] = set()
            for entry in chosen:
                affected.update(doc["id"] for doc in library.shard_papers(entry) or [] if isinstance(doc, dict))
                del index.files[entry["path"]]
                report.removed.append(entry["path"])
            # The papers' versions from the digests that remain (they may list some of them too).
            remaining: dict[str, tuple[int, str]] = {}
            listed: list[tuple[dict, list[dict]]] = []  # (entry, its docs of affected papers)
            for entry in index.files.values():
                docs = [doc for doc in library.shard_papers(entry) or [] if doc.get("id") in affected]
                if docs:
                    listed.append((entry, docs))
                for key, (version, fingerprint) in versions_of(docs).items():
                    if key not in remaining or version > remaining[key][0]:
                        remaining[key] = (version, fingerprint)
            for key in affected:
                old = index.versions.pop(key, None)
                if key in remaining:
                    version, fingerprint = remaining[key]
                    index.versions[key] = [version, fingerprint, *(old[2:3] if old else [])]
                elif old is not None and len(old) > 2:
                    index.gone[key] = old[2]
            report.papers_kept = len(remaining)
            report.papers_removed = len(affected) - len(remaining)
            index.removals += 1  # (what tells a running reader the library changed: see Store.library_mark)
            library.index_file.save(index)
            kept = merge_in_library_order(listed, set(remaining))
            library.search.keep_current(
                "the digests were removed from the library",
                lambda: library.search.after_removal(index, before, kept, affected - set(remaining)))
            used = {entry["shard"] for entry in index.files.values()}
            for entry in chosen:
                shard = library.shard_file(entry)  # only ever inside library/shards (real path)
                if entry["shard"] not in used and shard is not None:
                    try:
                        shard.unlink()
                    except OSError:
                        pass  # an orphan shard is harmless: the index no longer names it
    except locks.Timeout:
        raise StoreError("another arxiv-reader is importing into this library; try again later") from None
    except OSError as exc:
        raise StoreError(f"cannot write the library in {library.library}: {exc.strerror or exc}") from None
    return report
