"""One digest file -> one shard: parsing into a shard and the shard's row codecs.

A shard (``library/shards/<cat>/<YYYYMMDD>-<hash>.json``) is a TinyDB database
holding the parsed papers of one digest file (table ``papers``: one document of
rows in Paper's field order) and where they came from (table ``_meta``).
:func:`parse_to_shard` is module-level so worker processes can run it.
"""

from __future__ import annotations

import errno
import hashlib
import operator
import os
import re
import zlib
from collections.abc import Iterable
from itertools import chain
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware

from ..models import DigestRef, Paper, Problem
from ..regular import read_regular
from ..storage import META_TABLE, SCHEMA, AtomicJSONStorage

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

def paper_fingerprint(doc: dict[str, Any]) -> str:
    """A short stable hash of a paper's content (``Paper.to_dict()`` minus digests).

    Used to tell an updated paper from an unchanged one without loading shards.
    """
    content = {key: value for key, value in doc.items() if key != "digests"}
    return hashlib.blake2b(orjson.dumps(content, option=orjson.OPT_SORT_KEYS), digest_size=8).hexdigest()


#: Paper's field names in declaration order (the order of ``Paper.to_dict()``).
PAPER_FIELDS = tuple(f.name for f in fields(Paper))
_get_attrs = operator.attrgetter(*PAPER_FIELDS)
_get_items = operator.itemgetter(*PAPER_FIELDS)


def paper_to_doc(paper: Paper) -> dict[str, Any]:
    """``paper.to_dict()`` without ``dataclasses.asdict``'s deep copy (several times faster).

    The lists in the result are the paper's own: serialise it, don't mutate it.
    """
    doc = dict(zip(PAPER_FIELDS, _get_attrs(paper)))
    doc["digests"] = [[ref.category, ref.date] for ref in paper.digests]
    return doc


def papers_from_docs(docs: Iterable[dict[str, Any]], refs: dict[tuple[str, str], DigestRef]) -> list[Paper]:
    """``Paper.from_dict`` for many docs at once, faster, sharing equal DigestRefs.

    ``refs`` caches one DigestRef per (category, date); pass the same dict for a
    whole load so 200,000 papers share a few thousand DigestRef objects.
    """
    papers: list[Paper] = []
    append = papers.append
    for doc in docs:
        paper = Paper(*_get_items(doc))
        digests: list[DigestRef] = []
        pairs: Any = paper.digests  # still the document's [category, date] pairs
        for category, date in pairs:
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
    papers: list[Paper] = []
    append = papers.append
    get_ref = refs.get
    for row in rows:
        paper = Paper(*row)
        digests: list[DigestRef] = []
        pairs: Any = paper.digests  # still the row's [category, date] pairs
        for category, date in pairs:
            ref = get_ref((category, date))
            if ref is None:
                ref = refs[(category, date)] = DigestRef(intern(category, category), intern(date, date))
            digests.append(ref)
        paper.digests = digests
        paper.primary_category = intern(paper.primary_category, paper.primary_category)
        paper.categories = [intern(c, c) for c in paper.categories]
        append(paper)
    return papers



# -- one digest file -> one shard ---------------------------------------------------


@dataclass(slots=True)
class FileResult:
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
    #: (size, mtime_ns, crc32, ctime_ns) of the shard as written: a shard still so
    #: needs no re-validation (see :func:`as_written`).
    written: list[int] | None = None
    #: The file holds no paper now and its earlier shard was kept (not overwritten).
    kept: bool = False
    #: Each row of the shard as (id, latest digest date): what orders a whole index build.
    keys: list[tuple[str, str]] | None = None

    def index_entry(self) -> dict[str, Any]:
        """The record of this file in the library index's ``files`` table."""
        return {
            "written": self.written,
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


def versions_of(docs: list[dict[str, Any]]) -> dict[str, tuple[int, str]]:
    versions: dict[str, tuple[int, str]] = {}
    for doc in docs:
        key = doc["id"]
        old = versions.get(key)
        if old is None or doc["version"] >= old[0]:
            versions[key] = (doc["version"], paper_fingerprint(doc))
    return versions


def parse_to_shard(path: str, library: str, keep_papers: bool = False, durable: bool = True) -> FileResult:
    """Parse the digest at ``path`` and write its shard under ``library``.

    Module-level so worker processes can run it. Never raises: a file that
    could not be read, or whose shard could not be written, comes back with
    ``error`` set (and is not recorded, so the next import tries it again).
    With ``keep_papers`` (the library holds papers of this file), a file
    that yields no paper now (emptied, zeroed, no longer a digest) writes
    nothing and comes back ``kept``: papers are never lost to a damaged file.
    Without ``durable`` the shard is not fsynced: the importer flushes all the
    shards it wrote at once before its index refers to them.
    """
    from ..digest import parse_digest_file

    try:
        stat = os.stat(path)  # before reading: a concurrent edit is re-parsed next time
        size, mtime_ns = stat.st_size, stat.st_mtime_ns
    except OSError:
        size, mtime_ns = -1, -1
    result = FileResult(path, size, mtime_ns, "unknown", "", "", 0, {}, [])
    try:
        parsed = parse_digest_file(Path(path))
        result.problems = list(parsed.problems)
        if parsed.unreadable:
            result.error = "not imported; it will be tried again at the next import"
            return result
        if keep_papers and not parsed.papers:
            result.kept = True
            return result
        result.category = parsed.category or "unknown"
        result.date = parsed.date or ""
        docs = [paper_to_doc(paper) for paper in parsed.papers]
        result.shard = _shard_relpath(path, result.category, result.date)
        result.papers = len(docs)
        result.versions = versions_of(docs)
        result.keys = [(d["id"], max(pair[1] for pair in d["digests"]) if d["digests"] else "") for d in docs]
        shard = Path(library) / result.shard
        _write_shard(shard, result, docs, durable)
        raw, st = read_regular(shard, follow=False)  # (from the page cache: cheap)
        result.written = [st.st_size, st.st_mtime_ns, zlib.crc32(raw), st.st_ctime_ns]
    except OSError as exc:
        result.error = f"cannot write {Path(library) / result.shard}: {exc.strerror or exc}"
    except Exception as exc:  # a parser or encoder bug must not abort a 5,000-file import
        result.error = f"could not import (internal error: {exc!r})"
    return result


def encode_path(path: str) -> str:
    """A path as JSON can hold it: itself when valid UTF-8, else NUL + the hex of its bytes.

    File names that are not UTF-8 reach Python with lone surrogates, which no
    JSON encoder accepts; a NUL never occurs in a real path, so it marks the
    encoded form unambiguously (:func:`decode_path` reverses it).
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return "\0" + os.fsencode(path).hex()
    return path


def decode_path(text: str) -> str:
    """The path :func:`encode_path` encoded."""
    if text.startswith("\0"):
        try:
            return os.fsdecode(bytes.fromhex(text[1:]))
        except ValueError:
            return text
    return text


def is_shard_path(relpath: str) -> bool:
    """Whether ``relpath`` (from the index) names a file inside ``shards/`` of the library.

    The index is data on disk: a tampered entry such as ``../../x`` must never
    make the store read, replace or delete a file elsewhere.
    """
    return (
        relpath.startswith("shards/") and relpath.endswith(".json")
        and "\\" not in relpath and "\0" not in relpath
        and not any(part in ("", ".", "..") for part in relpath.split("/"))
    )


def as_written(entry: dict[str, Any], raw: bytes, info: os.stat_result) -> bool:
    """Whether a shard's bytes are exactly those written, as the index records them.

    Untouched since written: the same size and inode change time (no tool can
    set that one back: any write, even one restoring size and mtime, moves it),
    else the same checksum (a library copied to another disk). Anything else
    has its rows validated before use. A checksum of 375 MB of shards costs
    about 0.1 s, validating them 0.35 s, the change time nothing.
    """
    written = entry.get("written")
    if type(written) is not list or len(written) < 3 or written[0] != len(raw):
        return False
    return (len(written) > 3 and written[3] == info.st_ctime_ns) or written[2] == zlib.crc32(raw)


def folder_inside_shards(library: str | os.PathLike[str], folder: str | os.PathLike[str]) -> bool:
    """Whether ``folder`` really (symbolic links followed) lies in ``library``'s shards folder.

    A link inside ``shards/`` must never let the store read, replace or delete
    files elsewhere, whatever the index says.
    """
    root = os.path.realpath(os.path.join(library, "shards"))
    real = os.path.realpath(folder)
    return real == root or real.startswith(root + os.sep)


def _write_shard(shard: Path, result: FileResult, docs: list[dict[str, Any]], durable: bool = True) -> None:
    shard.parent.mkdir(parents=True, exist_ok=True)
    if not folder_inside_shards(shard.parents[2], shard.parent):
        raise OSError(errno.ELOOP, "the folder is a symbolic link leading outside the library", str(shard.parent))
    # CachingMiddleware batches the TinyDB operations into one atomic write on close.
    db = TinyDB(shard, storage=CachingMiddleware(AtomicJSONStorage), durable=durable)
    try:
        db.drop_tables()  # fresh contents; never reads the old file
        db.table(META_TABLE).insert(
            {
                "schema": SCHEMA,
                "kind": "shard",
                "source": encode_path(result.path),
                "size": result.size,
                "mtime_ns": result.mtime_ns,
                "category": result.category,
                "date": result.date,
            }
        )
        # One document of rows in field order: no key repeated per paper, so
        # the shard is smaller and decodes about twice as fast as one dict per paper.
        db.table("papers").insert({"fields": list(PAPER_FIELDS), _ROWS: [list(_get_items(d)) for d in docs]})
    finally:
        db.close()


def shard_rows(data: dict[str, Any]) -> list[list[Any]] | None:
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
    if names != list(PAPER_FIELDS):
        if type(names) is not list or not set(PAPER_FIELDS) <= set(names) or len(set(names)) != len(names):
            raise ValueError(f"the shard's field list {names!r} does not name Paper's fields")
        positions = [names.index(name) for name in PAPER_FIELDS]  # another order: reorder
        rows = [[row[k] for k in positions] for row in rows]
    return rows


_STR, _INT, _OPT = {str}, {int}, {str, type(None)}
_LIST_OF_STR = ("list", {str})
#: The value types each of Paper's fields may have in a stored row.
_ROW_TYPES: dict[str, Any] = {
    "id": _STR, "version": _INT, "title": _STR, "authors": _LIST_OF_STR, "primary_category": _STR,
    "categories": _LIST_OF_STR, "classes": _LIST_OF_STR, "dois": _LIST_OF_STR, "published": _OPT,
    "updated": _OPT, "comment": _OPT, "journal_ref": _OPT, "summary": _STR, "digests": "pairs",
    "pdf_url": _OPT,
}


def validate_rows(rows: list[list[Any]]) -> None:
    """Check every value of every row has its field's type; raise ValueError naming the field.

    Column by column with ``map(type, ...)`` (C speed): a shard can be valid
    JSON of the right shape and still hold a number as a title, which would
    crash whatever shows it later.
    """
    if not rows:
        return
    if set(map(len, rows)) != {len(PAPER_FIELDS)}:
        raise ValueError("a row has the wrong number of fields")
    for name, column in zip(PAPER_FIELDS, zip(*rows)):
        kind = _ROW_TYPES[name]
        types = set(map(type, column))
        if kind == "pairs":
            pairs = list(chain.from_iterable(column)) if types <= {list} else None
            ok = (pairs is not None and set(map(type, pairs)) <= {list} and set(map(len, pairs)) <= {2}
                  and set(map(type, chain.from_iterable(pairs))) <= _STR)
        elif isinstance(kind, tuple):
            ok = types <= {list} and set(map(type, chain.from_iterable(column))) <= kind[1]
        else:
            ok = types <= kind
        if not ok:
            raise ValueError(f"field {name!r} holds a value of the wrong type")


def shard_docs(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The papers of a shard as ``Paper.to_dict()``-like dicts, whatever its layout."""
    rows = shard_rows(data)
    if rows is None:
        return list(data.get("papers", {}).values())
    return [dict(zip(PAPER_FIELDS, row)) for row in rows]

