"""A TinyDB storage that reads and writes JSON with orjson, atomically.

Writes go to a temporary file in the same directory, which is flushed, fsynced
and renamed over the target (then the directory is fsynced), so a crash at any
moment leaves either the old or the new file on disk, never a torn one.

Reads are strict: a file that exists but is empty, is not valid JSON, is not a
TinyDB layout (a dict of tables, each a dict of documents keyed by integer ids), or declares a schema
newer than :data:`SCHEMA` raises :class:`CorruptDatabase`, so the caller can move
it aside instead of silently starting over.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from .atomic import atomic_write_bytes
from .regular import NotARegularFile, read_regular_file

#: The layout version written into every database (table ``_meta``, doc 1).
#: 2: a shard's papers are one document of rows in field order (1: a dict per
#: paper; still read, so a library written by an older version keeps working).
SCHEMA = 2
META_TABLE = "_meta"


class CorruptDatabase(Exception):
    """A database file exists but cannot be used (reason in the message)."""


class NewerSchema(CorruptDatabase):
    """A database written by a newer arxiv-reader (``schema`` is the version it declares)."""

    def __init__(self, message: str, schema: int) -> None:
        super().__init__(message)
        self.schema = schema


def meta_schema(data: dict[str, Any]) -> int | None:
    """The schema version recorded in raw database ``data`` (``None`` if absent)."""
    meta = data.get(META_TABLE)
    if not isinstance(meta, dict):
        return None
    for doc in meta.values():
        if isinstance(doc, dict) and isinstance(doc.get("schema"), int):
            return doc["schema"]
    return None


def decode_database(raw: bytes, path: str) -> dict[str, dict[str, Any]]:
    """Parse and validate the bytes of a database file; raise CorruptDatabase."""
    if not raw.strip():
        raise CorruptDatabase(f"{path} is empty")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptDatabase(f"{path} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise CorruptDatabase(f"{path} does not hold a JSON object")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise CorruptDatabase(f"{path}: table {name!r} is not a JSON object")
        # TinyDB needs integer document ids and object documents.
        for doc_id, doc in table.items():
            if not (doc_id.isdigit() and type(doc) is dict):
                raise CorruptDatabase(f"{path}: table {name!r} has a malformed document {doc_id!r}")
    schema = meta_schema(data)
    if schema is not None and schema > SCHEMA:
        raise NewerSchema(f"{path} has schema version {schema}, newer than this program knows ({SCHEMA})", schema)
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage: orjson encoding, strict reads, atomic durable writes.

    Use as ``TinyDB(path, storage=AtomicJSONStorage)``. The file is not created
    until the first write, so opening a database in a read-only place works.
    A missing file reads as an empty database (``None``).
    """

    def __init__(self, path: str | os.PathLike[str], durable: bool = True) -> None:
        super().__init__()
        self.path = Path(path)
        #: False: writes are not fsynced (the caller flushes a batch of them, see
        #: :func:`~.atomic.flush_file_system`).
        self.durable = durable

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = read_regular_file(self.path)  # a FIFO in its place must not block
        except FileNotFoundError:
            return None
        except NotARegularFile:
            raise CorruptDatabase(f"{self.path} is not a regular file") from None
        return decode_database(raw, str(self.path))

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        data.setdefault(META_TABLE, {"1": {"schema": SCHEMA}})
        atomic_write_bytes(self.path, orjson.dumps(data), durable=self.durable)
