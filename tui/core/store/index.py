"""The library index (``library/index.json``): which digest files the library holds.

A TinyDB database with table ``files`` (one document per digest file: path,
size, mtime_ns, category, date, shard, papers) and table ``papers`` (one
compact document: ``versions`` mapping paper id -> [version, fingerprint,
generation], ``imports``, when each generation was imported, ``epoch``, which
import history these generations belong to, and ``gone``, the generation of
papers taken out by ``remove``).

A *generation* is one import that brought papers the library did not have (a
long import makes one per checkpoint): the third field of a paper is the
generation that first brought it, and "what's new" is decided from it (see
:mod:`.readers`; a paper without one, from an index older than that field,
counts as imported long ago). A paper removed and imported again gets its
first generation back from ``gone``. The index is cached in memory and re-read
when the file changes; when lost or damaged it is rebuilt from the source
metadata every shard carries: the generations are lost then, and the rebuilt
index starts a new ``epoch``.
"""

from __future__ import annotations

import os
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware

from ..regular import read_regular
from ..storage import META_TABLE, SCHEMA, AtomicJSONStorage, CorruptDatabase, decode_database, meta_schema
from .common import gc_paused
from .dbfiles import Stamp, file_stamp, quarantine, read_db
from .shards import decode_path, encode_path, is_shard_path, shard_docs, shard_rows, validate_rows, versions_of


@dataclass(slots=True)
class LibraryIndex:
    """The library index in memory."""

    #: absolute digest path -> {path, size, mtime_ns, category, date, shard, papers}
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: paper id -> [version, fingerprint] or [version, fingerprint, import]
    #: (``import``: the position in :attr:`imports` of the import that first brought it)
    versions: dict[str, list[Any]] = field(default_factory=dict)
    #: When each generation was imported (ISO UTC, microseconds), oldest first: the
    #: next import's generation is ``len(imports)``.
    imports: list[str] = field(default_factory=list)
    #: The import history the generations belong to (new for a new or rebuilt index;
    #: "" for an index written before epochs were kept).
    epoch: str = field(default_factory=lambda: uuid.uuid4().hex)
    #: paper id -> the generation that first brought it, for papers removed from the library.
    gone: dict[str, int] = field(default_factory=dict)
    #: How many removals this import history has seen (a removal changes neither the epoch
    #: nor the imports: this is what tells a running reader that one happened).
    removals: int = 0
    #: The schema the index was written with: below 2, the shards hold one dict
    #: per paper, and the next import re-parses every file to write compact rows.
    schema: int = SCHEMA
    #: Every path is resolved (symbolic links followed); older indexes may hold
    #: a path through a link, which the next import re-keys once.
    resolved: bool = True
    #: A random token renewed by every save: the search index records the one
    #: it was built from, so any change of the library it missed makes it stale.
    revision: str = ""


_FILE_FIELDS = {"path": str, "size": int, "mtime_ns": int, "category": str, "date": str, "shard": str, "papers": int}


_FIELD_NAMES, _FIELD_TYPES = tuple(_FILE_FIELDS), tuple(_FILE_FIELDS.values())  # (checked with map: C loops)


def _typed(doc: dict[str, Any], name: str, kind: type, default: Any) -> Any:
    """``doc[name]`` when it has exactly type ``kind``, else ``default``."""
    value = doc.get(name)
    return value if type(value) is kind else default


def _versions_valid(versions: dict[str, Any]) -> bool:
    """Whether every value is ``[version:int, fingerprint, generation:int]`` (the generation optional).

    Checked a column at a time with ``map`` (C loops: 200,000 papers in a few
    milliseconds, where a Python test per paper took 0.1-0.2 s of every import).
    """
    values = versions.values()
    if set(map(type, values)) - {list}:
        return False
    lengths = set(map(len, values))
    if lengths - {2, 3} or set(map(type, map(itemgetter(0), values))) - {int}:
        return False
    if 2 in lengths:  # some without a generation: those with one checked one by one
        return all(type(v[2]) is int for v in values if len(v) == 3)
    return not set(map(type, map(itemgetter(2), values))) - {int}


def index_from_raw(data: dict[str, Any], path: str) -> LibraryIndex:
    """Validate raw index contents; raise CorruptDatabase on a malformed entry."""
    meta: dict[str, Any] = next(iter(data.get(META_TABLE, {}).values()), {})
    index = LibraryIndex(schema=meta_schema(data) or 1, resolved=meta.get("paths") == "resolved", epoch="")
    revision = meta.get("revision")
    index.revision = revision if isinstance(revision, str) else ""
    for doc in data.get("files", {}).values():
        if not isinstance(doc, dict) or not all(map(isinstance, map(doc.get, _FIELD_NAMES), _FIELD_TYPES)):
            raise CorruptDatabase(f"{path}: malformed entry in table 'files'")
        if not is_shard_path(doc["shard"]):
            raise CorruptDatabase(f"{path}: an entry names a shard outside the library ({doc['shard']!r})")
        entry = dict(zip(_FIELD_NAMES, map(doc.__getitem__, _FIELD_NAMES)))
        entry["path"] = decode_path(entry["path"])
        written = doc.get("written")
        ok = type(written) is list and 3 <= len(written) <= 4 and all(type(n) is int for n in written)
        entry["written"] = written if ok else None
        index.files[entry["path"]] = entry
    for doc in data.get("papers", {}).values():
        versions = doc.get("versions") if isinstance(doc, dict) else None
        if not isinstance(versions, dict) or not _versions_valid(versions):
            raise CorruptDatabase(f"{path}: malformed table 'papers'")
        imports = doc.get("imports", [])
        if not isinstance(imports, list) or not all(isinstance(stamp, str) for stamp in imports):
            raise CorruptDatabase(f"{path}: malformed import times in table 'papers'")
        epoch, gone, removals = doc.get("epoch", ""), doc.get("gone", {}), doc.get("removals", 0)
        if (not isinstance(epoch, str) or not isinstance(gone, dict) or type(removals) is not int
                or any(type(g) is not int for g in gone.values())):
            raise CorruptDatabase(f"{path}: malformed import history in table 'papers'")
        index.versions.update(versions)
        index.imports = imports
        index.epoch = epoch
        index.gone = gone
        index.removals = removals
    return index


def first_imported_from(index: LibraryIndex, generation: int | None, epoch: str | None = None) -> set[str]:
    """Ids of the papers first imported by ``generation`` or a later one of history
    ``epoch`` (the index's own by default); every id when ``generation`` is None.

    A paper whose generation is unknown (indexed before generations were kept,
    or the index was rebuilt) was not imported after anything. Generations of
    another history say nothing about this one: every known one counts then.
    """
    if generation is None:
        return set(index.versions)
    if epoch is not None and epoch != index.epoch:
        generation = 0
    return {key for key, entry in index.versions.items() if len(entry) > 2 and entry[2] >= generation}


def generation_at(index: LibraryIndex, when: str) -> int:
    """The first generation imported after the time ``when`` (ISO UTC): for the session
    file of an older version, which recorded when the reader ended."""
    return sum(1 for stamp in index.imports if stamp <= when)


def _shard_files(shards_dir: Path) -> list[Path]:
    """Every ``*.json`` file under ``shards_dir``, never through a symbolic link."""
    found = []
    for folder, _subfolders, names in os.walk(shards_dir):  # (links to folders are not entered)
        found += [Path(folder, n) for n in names if n.endswith(".json") and not os.path.islink(os.path.join(folder, n))]
    return sorted(found)


class IndexFile:
    """``library/index.json``: loaded (cached by stat stamp), saved, rebuilt when lost.

    Notices (a damaged index moved aside, a rebuild) go to ``messages``.
    """

    def __init__(self, library: Path, messages: list[str]) -> None:
        self.library = library
        self.path = library / "index.json"
        self.messages = messages
        self._index: LibraryIndex | None = None
        self._stamp: Stamp | None = None

    def load(self) -> LibraryIndex:
        """The index, re-read when the file changed; rebuilt from shards when lost."""
        stamp = file_stamp(self.path)
        if self._index is not None and stamp == self._stamp:
            return self._index
        with gc_paused():
            data = read_db(self.path, self.messages)
        # There but unreadable (its permissions...): the rebuilt one replaces it, not in its image.
        unreadable = data is None and self.path.exists()
        index: LibraryIndex | None = None
        if data is not None:
            try:
                index = index_from_raw(data, str(self.path))
            except CorruptDatabase as exc:
                quarantine(self.path, str(exc), self.messages)
        if index is None:
            with gc_paused():
                index = self._rebuild_from_shards(fresh=unreadable)
        self._index = index
        self._stamp = file_stamp(self.path)
        return index

    def _rebuild_from_shards(self, fresh: bool = False) -> LibraryIndex:
        """Recover the index from the source metadata every shard carries.

        With ``fresh``, the unreadable index file is replaced by a new one with
        the usual permissions (else the rebuilt one would keep, say, mode 000,
        and be rebuilt at every start).
        """
        index = LibraryIndex(resolved=False)  # older shards may name a path through a link
        shards_dir = self.library / "shards"
        if not shards_dir.is_dir():
            return index
        newest: dict[str, int] = {}
        for shard in _shard_files(shards_dir):
            try:
                raw, st = read_regular(shard, follow=False)
                data = decode_database(raw, str(shard))
            except CorruptDatabase as exc:
                quarantine(shard, str(exc), self.messages)
                continue
            except OSError as exc:
                self.messages.append(f"cannot read {shard}: {exc.strerror or exc}")
                continue
            meta: dict[str, Any] = next(iter(data.get(META_TABLE, {}).values()), {})
            try:
                docs = shard_docs(data)
                rows = shard_rows(data)
                if rows is not None:
                    validate_rows(rows)  # so its checksum can vouch for it from now on
            except (KeyError, IndexError, TypeError, ValueError, AttributeError):
                continue
            docs = [d for d in docs if isinstance(d, dict) and isinstance(d.get("id"), str)
                    and type(d.get("version")) is int]
            source = meta.get("source")
            if not isinstance(source, str):
                continue
            source = decode_path(source)
            mtime = st.st_mtime_ns
            if newest.get(source, -1) > mtime:
                continue  # an older shard of the same file (its category changed)
            newest[source] = mtime
            index.files[source] = {
                "path": source,
                "size": _typed(meta, "size", int, -1),  # -1: re-parsed by the next import
                "mtime_ns": _typed(meta, "mtime_ns", int, -1),
                "category": _typed(meta, "category", str, "unknown"),
                "date": _typed(meta, "date", str, ""),
                "shard": shard.relative_to(self.library).as_posix(),
                "papers": len(docs),
                "written": [len(raw), mtime, zlib.crc32(raw), st.st_ctime_ns] if rows is not None else None,
            }
            for key, (version, fp) in versions_of(docs).items():
                old = index.versions.get(key)
                if old is None or version > old[0]:
                    index.versions[key] = [version, fp]
        if index.files:
            anew = " and wrote it anew, readable" if fresh else ""
            self.messages.append(f"rebuilt the library index from {len(index.files)} stored digests{anew}")
            try:
                if fresh:
                    self.path.unlink(missing_ok=True)  # (only our cache of the shards' contents)
                self.save(index)
            except OSError as exc:
                self.messages.append(f"cannot save the rebuilt index: {exc.strerror or exc}")
        return index

    def save(self, index: LibraryIndex) -> None:
        """Write ``index`` atomically and keep it as the cached one."""
        db = TinyDB(self.path, storage=CachingMiddleware(AtomicJSONStorage))
        try:
            db.drop_tables()
            index.revision = os.urandom(8).hex()
            meta = {"schema": SCHEMA, "kind": "index", "revision": index.revision}
            if index.resolved:
                meta["paths"] = "resolved"
            db.table(META_TABLE).insert(meta)
            db.table("files").insert_multiple(
                {**index.files[key], "path": encode_path(key)} for key in sorted(index.files)
            )
            db.table("papers").insert(
                {"versions": index.versions, "imports": index.imports, "epoch": index.epoch, "gone": index.gone,
                 "removals": index.removals}
            )
        finally:
            db.close()
        index.schema = SCHEMA
        self._index = index
        self._stamp = file_stamp(self.path)


def changed_files(index: LibraryIndex, files: Iterable[Path]) -> list[Path]:
    """The files among ``files`` that are new to ``index`` or changed since imported
    (size or mtime_ns): what an import of them would read. A stat each; a file
    that can't be stat'ed is left out (the import would name it)."""
    changed = []
    for file in files:
        entry = index.files.get(os.path.abspath(file))
        try:
            st = os.stat(file)
        except OSError:
            continue
        if entry is None or entry["size"] != st.st_size or entry["mtime_ns"] != st.st_mtime_ns:
            changed.append(file)
    return changed
