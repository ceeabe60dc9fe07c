"""The TinyDB-backed library of parsed digests and the user's reading state.

Only this module writes to disk. Layout under the data directory (``home``)::

    library/index.json          TinyDB: table ``files`` (one doc per digest file:
                                path, size, mtime_ns, category, date, shard,
                                papers) and table ``papers`` (one compact doc
                                mapping paper id -> [version, fingerprint])
    library/shards/<cat>/<YYYYMMDD>-<hash>.json
                                TinyDB: the parsed papers of one digest file
                                (table ``papers``) and where they came from
                                (table ``_meta``)
    state.json                  TinyDB: table ``state``, read / starred per
                                paper id (without version), small
    session.json                TinyDB: table ``session``, where the reader was

Every write is atomic (temporary file, fsync, rename). A database that cannot be
read is moved aside with a message in :attr:`Store.messages`, never replaced silently.

One shard per digest file keeps imports incremental: an unchanged file (same
size and mtime_ns) is skipped, a changed one rewrites only its shard, and a
new day's file adds one shard plus the small index. A digest file that vanished
from disk stays in the library, so moving an archive away loses no papers.

Concurrency: imports hold ``library/index.json.lock``; state changes hold
``state.json.lock`` and re-read the file inside the lock before applying just
their change, so two processes (two SSH sessions, the CLI beside the app) never
lose each other's updates.
"""

from __future__ import annotations

import concurrent.futures
import gc
import hashlib
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from concurrent.futures.process import BrokenProcessPool
import operator
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson
from filelock import FileLock, Timeout
from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware

from .models import DigestRef, Paper, PaperState, Problem, split_arxiv_id
from .storage import META_TABLE, SCHEMA, meta_schema, AtomicJSONStorage, CorruptDatabase, decode_database

#: Called as ``progress(done, total)`` during long operations.
Progress = Callable[[int, int], None]

#: How long a writer waits for another process's lock before giving up (seconds).
LOCK_TIMEOUT = 15.0
#: Imports with at least this many bytes to parse use worker processes (below
#: it, starting them costs more than it saves).
PARALLEL_MIN_BYTES = 32_000_000
#: During a long import the index is saved every so many parsed files, so a
#: crash or Ctrl-C loses little work.
CHECKPOINT_FILES = 1000

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class StoreError(Exception):
    """A change could not be saved (read-only home, lock timeout, full disk...).

    The message is meant for the user, e.g. shown by the UI as a notification.
    """


def default_home() -> Path:
    """``$ARXIV_READER_HOME`` or platformdirs' user data dir for arxiv-reader."""
    env = os.environ.get("ARXIV_READER_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("arxiv-reader", appauthor=False)


@dataclass(slots=True)
class ImportReport:
    """What an import did."""

    files_read: int = 0  # parsed because new or changed
    files_unchanged: int = 0  # skipped: same size and mtime as last time
    papers_new: int = 0
    papers_updated: int = 0
    papers_unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


@contextmanager
def gc_paused(freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects.

    Loading 200,000 papers creates millions of lists and dicts; every few
    hundred allocations the collector would walk all of them again, which more
    than doubles the load time. Nothing built here forms cycles.

    With ``freeze``, every object alive on exit is moved to the collector's
    permanent generation (``gc.freeze()``): the papers live as long as the
    program, and otherwise the first collection after the load (on whatever
    thread allocates next, e.g. the one painting the first rows) would walk
    all of them once more, about a second at 200,000 papers.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


def utc_now() -> str:
    """The current time as an ISO timestamp in UTC, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def paper_fingerprint(doc: dict[str, Any]) -> str:
    """A short stable hash of a paper's content (``Paper.to_dict()`` minus digests).

    Used to tell an updated paper from an unchanged one without loading shards.
    """
    content = {key: value for key, value in doc.items() if key != "digests"}
    return hashlib.blake2b(orjson.dumps(content, option=orjson.OPT_SORT_KEYS), digest_size=8).hexdigest()


#: Paper's field names in declaration order (the order of ``Paper.to_dict()``).
_PAPER_FIELDS = tuple(f.name for f in fields(Paper))
_get_attrs = operator.attrgetter(*_PAPER_FIELDS)
_get_items = operator.itemgetter(*_PAPER_FIELDS)


def paper_to_doc(paper: Paper) -> dict[str, Any]:
    """``paper.to_dict()`` without ``dataclasses.asdict``'s deep copy (several times faster).

    The lists in the result are the paper's own: serialise it, don't mutate it.
    """
    doc = dict(zip(_PAPER_FIELDS, _get_attrs(paper)))
    doc["digests"] = [[ref.category, ref.date] for ref in paper.digests]
    return doc


def papers_from_docs(docs: Iterable[dict[str, Any]], refs: dict[tuple[str, str], DigestRef]) -> list[Paper]:
    """``Paper.from_dict`` for many docs at once, faster, sharing equal DigestRefs.

    ``refs`` caches one DigestRef per (category, date); pass the same dict for a
    whole load so 200,000 papers share a few thousand DigestRef objects.
    """
    papers = []
    append = papers.append
    for doc in docs:
        paper = Paper(*_get_items(doc))
        digests = []
        for category, date in paper.digests:
            ref = refs.get((category, date))
            if ref is None:
                ref = refs[(category, date)] = DigestRef(category, date)
            digests.append(ref)
        paper.digests = digests
        append(paper)
    return papers


#: The name of the one document of a shard's ``papers`` table in the compact layout.
_ROWS = "rows"


def papers_from_rows(
    rows: list[list[Any]], refs: dict[tuple[str, str], DigestRef], shared: dict[str, str] | None = None
) -> list[Paper]:
    """Papers from compact rows (Paper's fields in declaration order, digests as pairs).

    Equal DigestRefs are shared through ``refs`` (see :func:`papers_from_docs`)
    and category strings through ``shared``, so 200,000 papers hold a few
    hundred category strings instead of half a million. Raises TypeError or
    ValueError on a malformed row.
    """
    if shared is None:
        shared = {}
    intern = shared.setdefault
    papers = []
    append = papers.append
    get_ref = refs.get
    for row in rows:
        paper = Paper(*row)
        digests = []
        for category, date in paper.digests:
            ref = get_ref((category, date))
            if ref is None:
                ref = refs[(category, date)] = DigestRef(intern(category, category), intern(date, date))
            digests.append(ref)
        paper.digests = digests
        paper.primary_category = intern(paper.primary_category, paper.primary_category)
        paper.categories = [intern(c, c) for c in paper.categories]
        append(paper)
    return papers


def _bare_id(text: str) -> str:
    """``2201.12944v5`` -> ``2201.12944``; anything else is returned stripped."""
    text = text.strip()
    found = split_arxiv_id(text)
    return found[0] if found else text


# -- one digest file -> one shard ---------------------------------------------------


@dataclass(slots=True)
class _FileResult:
    """What parsing one digest file into its shard produced (small: crosses processes)."""

    path: str
    size: int
    mtime_ns: int
    category: str
    date: str
    shard: str  # relative to the library folder
    papers: int
    #: id -> (version, fingerprint) of the best block for that id in this file.
    versions: dict[str, tuple[int, str]]
    problems: list[Problem]
    error: str | None = None  # the shard could not be written

    def index_entry(self) -> dict[str, Any]:
        """The record of this file in the library index's ``files`` table."""
        return {
            "path": self.path,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "category": self.category,
            "date": self.date,
            "shard": self.shard,
            "papers": self.papers,
        }


def _shard_relpath(path: str, category: str, date: str) -> str:
    cat = _SAFE_NAME.sub("_", category) or "unknown"
    day = date.replace("-", "") if date else "unknown"
    digest = hashlib.blake2b(path.encode("utf-8", "surrogateescape"), digest_size=6).hexdigest()
    return f"shards/{cat}/{_SAFE_NAME.sub('_', day)}-{digest}.json"


def _versions_of(docs: list[dict[str, Any]]) -> dict[str, tuple[int, str]]:
    versions: dict[str, tuple[int, str]] = {}
    for doc in docs:
        key = doc["id"]
        old = versions.get(key)
        if old is None or doc["version"] >= old[0]:
            versions[key] = (doc["version"], paper_fingerprint(doc))
    return versions


def _parse_to_shard(path: str, library: str) -> _FileResult:
    """Parse the digest at ``path`` and write its shard under ``library``.

    Module-level so worker processes can run it. Never raises: a failure to
    write the shard is returned in ``error``.
    """
    from .digest import parse_digest_file

    try:
        stat = os.stat(path)  # before reading: a concurrent edit is re-parsed next time
        size, mtime_ns = stat.st_size, stat.st_mtime_ns
    except OSError:
        size, mtime_ns = -1, -1
    try:
        parsed = parse_digest_file(Path(path))
    except Exception as exc:  # a parser bug must not abort a 5,000-file import
        return _FileResult(path, size, mtime_ns, "unknown", "", "", 0, {}, [],
                           error=f"could not parse (internal error: {exc!r})")
    category = parsed.category or "unknown"
    date = parsed.date or ""
    docs = [paper_to_doc(paper) for paper in parsed.papers]
    relpath = _shard_relpath(path, category, date)
    result = _FileResult(
        path, size, mtime_ns, category, date, relpath, len(docs), _versions_of(docs), list(parsed.problems)
    )
    try:
        _write_shard(Path(library) / relpath, result, docs)
    except (OSError, TypeError, ValueError) as exc:
        result.error = f"cannot write {Path(library) / relpath}: {exc}"
    return result


def _write_shard(shard: Path, result: _FileResult, docs: list[dict[str, Any]]) -> None:
    shard.parent.mkdir(parents=True, exist_ok=True)
    # CachingMiddleware batches the TinyDB operations into one atomic write on close.
    db = TinyDB(shard, storage=CachingMiddleware(AtomicJSONStorage))
    try:
        db.drop_tables()  # fresh contents; never reads the old file
        db.table(META_TABLE).insert(
            {
                "schema": SCHEMA,
                "kind": "shard",
                "source": result.path,
                "size": result.size,
                "mtime_ns": result.mtime_ns,
                "category": result.category,
                "date": result.date,
            }
        )
        # One document of rows in field order: no key repeated per paper, so
        # the shard is smaller and decodes about twice as fast as one dict per paper.
        db.table("papers").insert({"fields": list(_PAPER_FIELDS), _ROWS: [list(_get_items(d)) for d in docs]})
    finally:
        db.close()


def _shard_rows(data: dict[str, Any]) -> list[list[Any]] | None:
    """The compact rows of a shard in Paper's field order (``None``: not that layout).

    Raises ValueError when the rows are there but malformed.
    """
    docs = list(data.get("papers", {}).values())
    if len(docs) != 1 or _ROWS not in docs[0]:
        return None
    doc = docs[0]
    rows = doc[_ROWS]
    if type(rows) is not list or not all(type(row) is list for row in rows):
        raise ValueError("the rows of the shard are not lists")
    names = doc.get("fields")
    if names != list(_PAPER_FIELDS):
        if type(names) is not list or not set(_PAPER_FIELDS) <= set(names) or len(set(names)) != len(names):
            raise ValueError(f"the shard's field list {names!r} does not name Paper's fields")
        positions = [names.index(name) for name in _PAPER_FIELDS]  # another order: reorder
        rows = [[row[k] for k in positions] for row in rows]
    return rows


def _shard_docs(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The papers of a shard as ``Paper.to_dict()``-like dicts, whatever its layout."""
    rows = _shard_rows(data)
    if rows is None:
        return list(data.get("papers", {}).values())
    return [dict(zip(_PAPER_FIELDS, row)) for row in rows]


# -- the index ------------------------------------------------------------------------


@dataclass(slots=True)
class _Index:
    """The library index in memory."""

    #: absolute digest path -> {path, size, mtime_ns, category, date, shard, papers}
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: paper id -> [version, fingerprint]
    versions: dict[str, list[Any]] = field(default_factory=dict)
    #: The schema the index was written with: below 2, the shards hold one dict
    #: per paper, and the next import re-parses every file to write compact rows.
    schema: int = SCHEMA


_FILE_FIELDS = {"path": str, "size": int, "mtime_ns": int, "category": str, "date": str, "shard": str, "papers": int}


def _typed(doc: dict[str, Any], name: str, kind: type, default: Any) -> Any:
    """``doc[name]`` when it has exactly type ``kind``, else ``default``."""
    value = doc.get(name)
    return value if type(value) is kind else default


def _index_from_raw(data: dict[str, Any], path: str) -> _Index:
    index = _Index(schema=meta_schema(data) or 1)
    for doc in data.get("files", {}).values():
        if not isinstance(doc, dict) or any(not isinstance(doc.get(k), t) for k, t in _FILE_FIELDS.items()):
            raise CorruptDatabase(f"{path}: malformed entry in table 'files'")
        index.files[doc["path"]] = {k: doc[k] for k in _FILE_FIELDS}
    for doc in data.get("papers", {}).values():
        versions = doc.get("versions") if isinstance(doc, dict) else None
        if not isinstance(versions, dict) or not all(
            type(v) is list and len(v) == 2 and type(v[0]) is int for v in versions.values()
        ):
            raise CorruptDatabase(f"{path}: malformed table 'papers'")
        index.versions.update(versions)
    return index


# -- the store ------------------------------------------------------------------------


class Store:
    """The library and the state, both TinyDB databases under ``home``.

    Never raises when opening: problems (unreadable or read-only files) become
    :attr:`messages`. Methods that must save something raise :class:`StoreError`
    when they cannot.
    """

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        #: Human-readable notices (e.g. "state.json was corrupt; moved to ...").
        self.messages: list[str] = []
        self.library = self.home / "library"
        self.index_path = self.library / "index.json"
        self.state_path = self.home / "state.json"
        self.session_path = self.home / "session.json"
        self._states: dict[str, PaperState] = {}
        self._state_stamp: tuple[int, int, int] | None = None
        #: (stamp, decoded content) of state.json as this store last wrote it, so the
        #: next toggle can skip re-reading a file nobody else has touched since.
        self._state_written: tuple[tuple[int, int, int], dict[str, Any]] | None = None
        self._index: _Index | None = None
        self._index_stamp: tuple[int, int, int] | None = None
        try:
            self.library.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.messages.append(f"cannot create the data folder {self.library}: {exc.strerror or exc}")
        if self.home.is_dir() and not os.access(self.home, os.W_OK):
            self.messages.append(f"the data folder {self.home} is read-only: changes cannot be saved")

    # -- helpers ---------------------------------------------------------------
    @staticmethod
    def _stamp(path: Path) -> tuple[int, int, int] | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _quarantine(self, path: Path, reason: str) -> None:
        """Move an unreadable database aside (never delete it) and say so."""
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        target = path.with_name(f"{path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        try:
            os.replace(path, target)
        except OSError as exc:
            self.messages.append(f"{reason}; could not move it aside ({exc.strerror or exc}); ignoring it")
            return
        self.messages.append(f"{reason}; moved it to {target.name} and started afresh")

    def _read_db(self, path: Path) -> dict[str, Any] | None:
        """Raw, validated contents of a database (``None`` when missing or unreadable)."""
        try:
            return AtomicJSONStorage(path).read()
        except CorruptDatabase as exc:
            self._quarantine(path, str(exc))
        except OSError as exc:
            self.messages.append(f"cannot read {path}: {exc.strerror or exc}")
        return None

    def _lock(self, path: Path) -> FileLock:
        return FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT)

    # -- library -----------------------------------------------------------------
    def _load_index(self) -> _Index:
        """The index, re-read when the file changed; rebuilt from shards when lost."""
        stamp = self._stamp(self.index_path)
        if self._index is not None and stamp == self._index_stamp:
            return self._index
        with gc_paused():
            data = self._read_db(self.index_path)
        index: _Index | None = None
        if data is not None:
            try:
                index = _index_from_raw(data, str(self.index_path))
            except CorruptDatabase as exc:
                self._quarantine(self.index_path, str(exc))
        if index is None:
            with gc_paused():
                index = self._rebuild_index_from_shards()
        self._index = index
        self._index_stamp = self._stamp(self.index_path)
        return index

    def _rebuild_index_from_shards(self) -> _Index:
        """Recover the index from the source metadata every shard carries."""
        index = _Index()
        shards_dir = self.library / "shards"
        if not shards_dir.is_dir():
            return index
        newest: dict[str, int] = {}
        for shard in sorted(shards_dir.rglob("*.json")):
            data = self._read_db(shard)
            if data is None:
                continue
            meta = next(iter(data.get(META_TABLE, {}).values()), {})
            try:
                docs = _shard_docs(data)
            except (KeyError, IndexError, TypeError, ValueError):
                continue
            docs = [d for d in docs if isinstance(d, dict) and isinstance(d.get("id"), str)
                    and type(d.get("version")) is int]
            source = meta.get("source")
            if not isinstance(source, str):
                continue
            mtime = shard.stat().st_mtime_ns
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
            }
            for key, (version, fp) in _versions_of(docs).items():
                old = index.versions.get(key)
                if old is None or version > old[0]:
                    index.versions[key] = [version, fp]
        if index.files:
            self.messages.append(f"rebuilt the library index from {len(index.files)} stored digests")
            try:
                self._save_index(index)
            except OSError as exc:
                self.messages.append(f"cannot save the rebuilt index: {exc.strerror or exc}")
        return index

    def _save_index(self, index: _Index) -> None:
        db = TinyDB(self.index_path, storage=CachingMiddleware(AtomicJSONStorage))
        try:
            db.drop_tables()
            db.table(META_TABLE).insert({"schema": SCHEMA, "kind": "index"})
            db.table("files").insert_multiple(index.files[key] for key in sorted(index.files))
            db.table("papers").insert({"versions": index.versions})
        finally:
            db.close()
        index.schema = SCHEMA
        self._index = index
        self._index_stamp = self._stamp(self.index_path)

    def import_paths(self, paths: Sequence[Path], progress: Progress | None = None) -> ImportReport:
        """Parse new or changed digest files under ``paths`` into the library.

        Unchanged files (same size and mtime_ns as recorded) are not read.
        Problems in the input (missing paths, bad blocks) are reported, never
        raised. Raises :class:`StoreError` when the library cannot be written.
        """
        from .digest import find_digest_files

        report = ImportReport()
        files, problems = find_digest_files(paths)
        report.problems.extend(problems)
        try:
            self.library.mkdir(parents=True, exist_ok=True)
            with self._lock(self.index_path), gc_paused():
                index = self._load_index()  # re-read if another process imported
                self._import_locked(index, files, report, progress)
        except Timeout:
            raise StoreError("another arxiv-reader is importing into this library; try again later") from None
        except OSError as exc:
            raise StoreError(f"cannot write the library in {self.library}: {exc.strerror or exc}") from None
        return report

    def _import_locked(
        self, index: _Index, files: list[Path], report: ImportReport, progress: Progress | None
    ) -> None:
        total = len(files)
        todo: list[str] = []
        todo_bytes = 0
        done = 0
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
                and (self.library / entry["shard"]).is_file()
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
        stale_shards: list[Path] = []
        since_checkpoint = 0
        for result in self._parse_all(todo, todo_bytes):
            done += 1
            since_checkpoint += 1
            report.problems.extend(result.problems)
            if result.error:
                report.problems.append(Problem(result.path, 0, result.error))
            else:
                report.files_read += 1
                old = index.files.get(result.path)
                if old is not None and old["shard"] != result.shard:
                    stale_shards.append(self.library / old["shard"])
                index.files[result.path] = result.index_entry()
                self._count_versions(index, result.versions, statuses)
            if since_checkpoint >= CHECKPOINT_FILES:
                self._save_index(index)
                since_checkpoint = 0
            if progress:
                progress(done, total)
        if todo:
            self._save_index(index)
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

    @staticmethod
    def _count_versions(
        index: _Index, versions: dict[str, tuple[int, str]], statuses: dict[str, str]
    ) -> None:
        """Record the file's papers in the index; classify each id once per import."""
        known = index.versions
        for key, (version, fp) in versions.items():
            old = known.get(key)
            if old is None:
                known[key] = [version, fp]
                statuses[key] = "new"
                continue
            if version > old[0] or (version == old[0] and fp != old[1]):
                known[key] = [version, fp]
                if statuses.get(key) != "new":
                    statuses[key] = "updated"
            else:
                statuses.setdefault(key, "unchanged")

    def _parse_all(self, todo: list[str], todo_bytes: int) -> Iterable[_FileResult]:
        """Parse files into shards, on worker processes when there are many."""
        library = str(self.library)
        workers = min(os.cpu_count() or 1, 8)
        if todo_bytes < PARALLEL_MIN_BYTES or len(todo) < 2 or workers < 2:
            for path in todo:
                yield _parse_to_shard(path, library)
            return
        # forkserver: never fork a process that may run UI threads.
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        done = 0
        try:
            with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
                for result in pool.map(_parse_to_shard, todo, [library] * len(todo), chunksize=4):
                    done += 1
                    yield result
        except (BrokenProcessPool, OSError, RuntimeError):
            # Workers could not start (e.g. the main script can't be re-imported
            # by them): finish in this process; rewriting a shard is harmless.
            for path in todo[done:]:
                yield _parse_to_shard(path, library)

    def _read_shard(self, entry: dict[str, Any]) -> list[dict[str, Any]] | None:
        """The paper dicts of one shard; ``None`` when missing or unreadable."""
        data = self._read_shard_data(entry)
        return None if data is None else _shard_docs(data)

    def _read_shard_data(self, entry: dict[str, Any]) -> dict[str, Any] | None:
        """The raw, validated contents of one shard; ``None`` when missing or unreadable."""
        shard = self.library / entry["shard"]
        try:
            raw = shard.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            self.messages.append(f"cannot read {shard}: {exc.strerror or exc}")
            return None
        try:
            data = decode_database(raw, str(shard))
        except CorruptDatabase as exc:
            self._quarantine(shard, str(exc))
            return None
        return data

    def _repair_shards(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Re-parse the digest files behind missing or damaged shards; their paper dicts.

        A digest whose shard is lost and whose file is gone too is dropped from
        the index (said once in :attr:`messages`): its papers can't be recovered.
        """
        docs: list[dict[str, Any]] = []
        library = str(self.library)
        repaired = dropped = 0
        try:
            with self._lock(self.index_path):
                index = self._load_index()  # the latest, under the lock
                for path in dict.fromkeys(entry["path"] for entry in entries):
                    if not os.path.isfile(path):
                        self.messages.append(f"the stored papers of {path} were lost and the file is gone")
                        dropped += index.files.pop(path, None) is not None
                        continue
                    result = _parse_to_shard(path, library)
                    if result.error:
                        self.messages.append(result.error)
                        continue
                    entry = result.index_entry()
                    index.files[path] = entry
                    docs.extend(self._read_shard(entry) or [])
                    repaired += 1
                if repaired or dropped:
                    self._save_index(index)
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
        from .merge import merge_papers

        index = self._load_index()
        entries = sorted(index.files.values(), key=lambda e: (e["date"], e["category"], e["path"]))
        total = len(entries)
        papers: list[Paper] = []
        refs: dict[tuple[str, str], DigestRef] = {}
        shared: dict[str, str] = {}  # one string object per category and date
        broken: list[dict[str, Any]] = []
        for done, entry in enumerate(entries, 1):
            data = self._read_shard_data(entry)
            if data is None:
                broken.append(entry)
            else:
                try:
                    rows = _shard_rows(data)
                    if rows is not None:
                        papers.extend(papers_from_rows(rows, refs, shared))
                    else:  # the layout of schema 1: one dict per paper
                        papers.extend(papers_from_docs(_shard_docs(data), refs))
                except (KeyError, IndexError, TypeError, ValueError) as exc:
                    self._quarantine(self.library / entry["shard"],
                                     f"{self.library / entry['shard']} holds a malformed paper ({exc!r})")
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
        return len(self._load_index().files)

    def paper_count(self) -> int:
        """How many distinct papers (ids) the library holds, without loading them."""
        return len(self._load_index().versions)

    def known_ids(self) -> set[str]:
        """The ids (without version) of every paper in the library, from the index alone."""
        return set(self._load_index().versions)

    def library_stats(self) -> dict[str, Any]:
        """Cheap library figures from the index (no shard is read).

        Keys: ``digests``, ``papers`` (distinct ids), ``categories`` (category ->
        number of digest files), ``first_date`` and ``last_date`` (ISO, "" if none).
        """
        index = self._load_index()
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

    # -- state ---------------------------------------------------------------
    @staticmethod
    def _states_from_raw(data: dict[str, Any] | None) -> dict[str, PaperState]:
        states: dict[str, PaperState] = {}
        if not data:
            return states
        for doc in data.get("state", {}).values():
            if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
                continue  # a foreign or damaged entry: ignore it, keep the rest
            states[doc["id"]] = Store._state_from_doc(doc)
        return states

    @staticmethod
    def _state_from_doc(doc: dict[str, Any]) -> PaperState:
        return PaperState(
            doc["id"],
            read=bool(doc.get("read")),
            read_at=doc.get("read_at"),
            starred=bool(doc.get("starred")),
            starred_at=doc.get("starred_at"),
        )

    def states(self) -> dict[str, PaperState]:
        """The user's state for every paper that has any (read from disk if changed).

        The check is a stat of state.json, so calling this often is cheap and
        changes made by another process show up.
        """
        stamp = self._stamp(self.state_path)
        if stamp != self._state_stamp:
            self._states = self._states_from_raw(self._read_db(self.state_path))
            self._state_stamp = self._stamp(self.state_path)
        return dict(self._states)

    def get_state(self, paper_id: str) -> PaperState:
        """The state of one paper (a fresh unread, unstarred one when it has none)."""
        key = _bare_id(paper_id)
        state = self.states().get(key)
        return state if state is not None else PaperState(key)

    def set_read(self, ids: Iterable[str], read: bool = True) -> None:
        """Mark papers read or unread; persisted before returning.

        ``ids`` may carry versions (they are dropped). Re-marking a read paper
        keeps its original ``read_at``. Raises :class:`StoreError` if it cannot save.
        """
        self._change_state(ids, "read", read)

    def set_starred(self, ids: Iterable[str], starred: bool = True) -> None:
        """Star or unstar papers; persisted before returning (see :meth:`set_read`)."""
        self._change_state(ids, "starred", starred)

    def _change_state(self, ids: Iterable[str], flag: str, value: bool) -> None:
        keys = list(dict.fromkeys(_bare_id(i) for i in ids))
        if not keys:
            return
        stamp_field = f"{flag}_at"
        try:
            with self._lock(self.state_path):
                # Re-read inside the lock: another process may have written since.
                on_disk = self._stamp(self.state_path)
                in_sync = self._state_stamp is not None and on_disk == self._state_stamp
                written, self._state_written = self._state_written, None  # stale until saved
                db = TinyDB(self.state_path, storage=CachingMiddleware(AtomicJSONStorage))
                if written is not None and written[0] == on_disk:
                    # The file is exactly what we wrote last: reuse it rather than decode it.
                    db.storage.cache = written[1]
                try:
                    try:
                        db.storage.read()
                    except CorruptDatabase as exc:
                        self._quarantine(self.state_path, str(exc))
                    table = db.table("state")
                    raw = db.storage.read() or {}
                    by_id = {
                        doc["id"]: int(doc_id)
                        for doc_id, doc in raw.get("state", {}).items()
                        if isinstance(doc, dict) and isinstance(doc.get("id"), str)
                    }
                    docs = raw.get("state", {})
                    fields = {flag: value, stamp_field: utc_now() if value else None}
                    to_update: list[int] = []
                    to_remove: list[int] = []
                    to_insert: list[dict[str, Any]] = []
                    for key in keys:
                        doc_id = by_id.get(key)
                        if doc_id is None:
                            if value:
                                doc = {"id": key, "read": False, "read_at": None,
                                       "starred": False, "starred_at": None}
                                doc.update(fields)
                                to_insert.append(doc)
                            continue
                        doc = docs[str(doc_id)]
                        if bool(doc.get(flag)) == value:
                            continue  # already so: keep the original timestamp
                        other = "starred" if flag == "read" else "read"
                        if not value and not doc.get(other):
                            to_remove.append(doc_id)  # nothing left to remember
                        else:
                            to_update.append(doc_id)
                    if to_update:
                        table.update(fields, doc_ids=to_update)
                    if to_remove:
                        table.remove(doc_ids=to_remove)
                    if to_insert:
                        table.insert_multiple(to_insert)
                    final = db.storage.read()
                finally:
                    db.close()  # the one atomic write (if anything changed)
                if in_sync and final is not None:
                    # Our cache matched the file we changed: patch just these ids.
                    latest = final.get("state", {})
                    for key in keys:
                        self._states.pop(key, None)
                    for doc_id in to_update:
                        doc = latest[str(doc_id)]
                        self._states[doc["id"]] = self._state_from_doc(doc)
                    for doc in to_insert:
                        self._states[doc["id"]] = self._state_from_doc(doc)
                    for key in keys:
                        if key not in self._states and key in by_id and by_id[key] not in to_remove:
                            self._states[key] = self._state_from_doc(docs[str(by_id[key])])
                else:
                    self._states = self._states_from_raw(final)
                self._state_stamp = self._stamp(self.state_path)
                if final is not None and self._state_stamp is not None:
                    self._state_written = (self._state_stamp, final)
        except Timeout:
            raise StoreError("another arxiv-reader holds the state lock; change not saved") from None
        except OSError as exc:
            raise StoreError(f"cannot save the reading state in {self.home}: {exc.strerror or exc}") from None

    # -- session -------------------------------------------------------------
    def load_session(self) -> dict:
        """Where the reader was when it last ran ({} when unknown)."""
        data = self._read_db(self.session_path)
        if not data:
            return {}
        for doc in data.get("session", {}).values():
            if isinstance(doc, dict):
                return dict(doc)
        return {}

    def save_session(self, session: dict) -> None:
        """Remember where the reader is (query, view, paper id...): JSON-ready values.

        Raises :class:`StoreError` when it cannot be saved.
        """
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            db = TinyDB(self.session_path, storage=CachingMiddleware(AtomicJSONStorage))
            try:
                db.drop_tables()
                db.table("session").insert(dict(session))
            finally:
                db.close()
        except (OSError, TypeError) as exc:
            raise StoreError(f"cannot save the session in {self.session_path}: {exc}") from None
