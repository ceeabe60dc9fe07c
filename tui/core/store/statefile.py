"""One device's state file: a TinyDB database whose change journal grows by appending.

``state/<device>.jsonl`` holds every change one device made to the user's state,
and only that device writes it (so a file-sync tool never sees two writers).
It is a TinyDB database stored as JSON lines:

* line 1 is the compacted part, in TinyDB's layout: table ``_meta`` (schema,
  device name, what was migrated) and table ``columns``, one document per field
  with the latest change of each key in three parallel lists::

      {"field": "starred", "keys": ["2201.12944", ...], "values": [true, ...],
       "stamps": ["2026-11-28T09:14:03.120544Z", ...]}

* every further line is one document of the table ``journal``, a change made
  since, as ``[key, field, value, stamp]``; a change is saved by appending its
  line and fsyncing the file (no rewrite, so a toggle stays fast however large
  the state is).

Now and then the journal is folded into line 1 (:func:`write_compacted`, an
atomic rewrite). :class:`StateLogStorage` makes the file usable as any TinyDB
database (``TinyDB(path, storage=StateLogStorage)``); the store itself uses the
lower-level :func:`read_state_file` and :func:`append_changes`, which read only
the lines added since the last look and append without reading.

A stamp is a UTC time to the microsecond in one fixed-width format, so stamps
compare as strings and serve directly as ``PaperState.read_at``.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ..atomic import atomic_write_bytes, fsync_directory
from ..regular import NotARegularFile, read_regular_file
from ..storage import META_TABLE, AtomicJSONStorage, CorruptDatabase

#: The layout version of state files (the single ``state.json`` of earlier versions was 2).
STATE_SCHEMA = 3
COLUMNS_TABLE = "columns"
JOURNAL_TABLE = "journal"
#: The length of every stamp: ``YYYY-MM-DDTHH:MM:SS.ffffffZ``.
STAMP_LENGTH = 27

#: One change: (key, field, value, stamp).
Change = tuple[str, str, Any, str]
#: The latest changes of one field, as line 1 holds them: (field, keys, values, stamps).
Column = tuple[str, list[str], list[Any], list[str]]

#: The value types of the fields this version knows; other fields take any JSON scalar.
FIELD_TYPES: dict[str, type] = {"read": bool, "starred": bool, "note": str}
_SCALARS = (bool, int, float, str, type(None))


def device_name() -> str:
    """``$ARXIV_READER_DEVICE``, else the host name: whose state file this process writes."""
    name = os.environ.get("ARXIV_READER_DEVICE", "").strip() or socket.gethostname().strip()
    return name or "device"


def device_file_stem(name: str) -> str:
    """A file name for a device name (a short hash keeps distinct names distinct)."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")[:64] or "device"
    if stem != name:
        stem += "-" + hashlib.blake2b(name.encode("utf-8", "surrogateescape"), digest_size=3).hexdigest()
    return stem


class NewerStateFile(Exception):
    """A state file written by a newer arxiv-reader: read nothing from it, never touch it."""


def value_ok(name: str, value: Any) -> bool:
    """Whether ``value`` is a valid value of field ``name``."""
    kind = field_kind(name)
    return type(value) is kind if kind is not None else isinstance(value, _SCALARS)


def _change_ok(item: Any) -> bool:
    return (
        type(item) is list and len(item) == 4
        and type(item[0]) is str and type(item[1]) is str and value_ok(item[1], item[2])
        and type(item[3]) is str and len(item[3]) == STAMP_LENGTH
    )


@dataclass(slots=True)
class StateFileRead:
    """What one read of a state file found (all of it, or what followed ``offset``)."""

    inode: int
    #: The whole file was read (else only what followed the offset given).
    whole: bool
    #: Offset just after the last complete line read: where the next read starts.
    end: int
    #: Line 1's changes (only when the whole file was read and line 1 is valid).
    columns: list[Column] = field(default_factory=list)
    #: The journal's changes, in file order.
    changes: list[Change] = field(default_factory=list)
    meta: dict[str, Any] | None = None  # only when line 1 was read and valid
    #: Line 1 could not be read (the journal lines after it still were).
    snapshot_damaged: str | None = None
    damaged_lines: list[int] = field(default_factory=list)  # 1-based
    #: The file ends in a line without its newline (a write cut short, or in progress).
    torn_tail: bool = False
    #: How many journal lines (changes after line 1) this read went through.
    journal_lines: int = 0
    #: How many complete lines this read went through, line 1 included.
    lines_read: int = 0


def field_kind(name: str) -> type | None:
    """The value type of field ``name`` (``None``: any JSON scalar)."""
    kind = FIELD_TYPES.get(name)
    return bool if kind is None and name.startswith("tag:") else kind


def _column_ok(name: str, keys: list[Any], values: list[Any], stamps: list[Any]) -> bool:
    # map(type, ...) runs in C: 200,000 entries checked in a few milliseconds.
    kind = field_kind(name)
    types = set(map(type, values))
    return (
        set(map(type, keys)) <= {str}
        and (types <= {kind} if kind is not None else all(issubclass(t, _SCALARS) for t in types))
        and set(map(type, stamps)) <= {str}
        and set(map(len, stamps)) <= {STAMP_LENGTH}
    )


def _columns_of(data: dict[str, Any]) -> list[Column]:
    """The columns held in line 1's ``columns`` table; raise ValueError when malformed."""
    columns: list[Column] = []
    for doc in data.get(COLUMNS_TABLE, {}).values():
        name, keys, values, stamps = (doc.get(k) for k in ("field", "keys", "values", "stamps"))
        if (type(name) is not str or type(keys) is not list or type(values) is not list
                or type(stamps) is not list or not len(keys) == len(values) == len(stamps)):
            raise ValueError("a column is malformed")
        if not _column_ok(name, keys, values, stamps):
            raise ValueError(f"the column {name!r} holds a value of the wrong type")
        columns.append((name, keys, values, stamps))
    return columns


def _decode_snapshot(line: bytes, path: Path) -> tuple[dict[str, Any], list[Column]]:
    """Line 1: (meta, columns). Raises NewerStateFile, or CorruptDatabase when damaged."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise CorruptDatabase(f"{path}: line 1 is not valid JSON ({exc})") from None
    if type(data) is not dict or not all(type(t) is dict for t in data.values()):
        raise CorruptDatabase(f"{path}: line 1 is not a TinyDB database")
    meta = next(iter(data.get(META_TABLE, {}).values()), None)
    if type(meta) is not dict or type(meta.get("schema")) is not int:
        raise CorruptDatabase(f"{path}: line 1 has no schema version")
    if meta["schema"] > STATE_SCHEMA:
        raise NewerStateFile(
            f"{path} was written by a newer arxiv-reader (state schema {meta['schema']}, this one knows "
            f"{STATE_SCHEMA}): it is left untouched and not read; upgrade arxiv-reader to use it"
        )
    try:
        return meta, _columns_of(data)
    except (AttributeError, ValueError) as exc:
        raise CorruptDatabase(f"{path}: line 1 is damaged ({exc})") from None


def _decode_journal(lines: list[bytes], first_number: int, result: StateFileRead) -> None:
    """Append the valid changes of ``lines`` to ``result``; note the damaged ones."""
    try:  # fast path: every line valid
        items = orjson.loads(b"[" + b",".join(lines) + b"]")
        if all(_change_ok(item) for item in items):
            result.changes.extend(tuple(item) for item in items)
            return
    except orjson.JSONDecodeError:
        pass
    for number, line in enumerate(lines, first_number):
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError:
            item = None
        if _change_ok(item):
            result.changes.append(tuple(item))
        else:
            result.damaged_lines.append(number)


def read_state_file(path: Path, offset: int = 0, inode: int | None = None, first_line: int = 1) -> StateFileRead:
    """Read a state file whole, or only what was appended after ``offset``.

    The tail is read only when the file is still the one read before (same
    ``inode``, at least ``offset`` bytes); else the whole file is read (it was
    compacted or replaced). ``first_line`` is the number of the line at
    ``offset``. Raises OSError, and NewerStateFile for a file of a newer schema.
    Damage is reported in the result, never raised: whatever is valid is read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # never wait on a FIFO
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(path)
        whole = not (inode == st.st_ino and offset <= st.st_size and offset > 0)
        start = 0 if whole else offset
        handle.seek(start)
        raw = handle.read()
    result = StateFileRead(inode=st.st_ino, whole=whole, end=start)
    cut = raw.rfind(b"\n") + 1  # only complete lines; a torn one is left for later
    result.torn_tail = cut < len(raw)
    result.end = start + cut
    lines = raw[:cut].split(b"\n")[:-1]
    result.lines_read = len(lines)
    number = 1 if whole else first_line
    if whole and lines and not lines[0].lstrip().startswith(b"["):  # else a file without its line 1
        try:
            result.meta, result.columns = _decode_snapshot(lines[0], path)
        except CorruptDatabase as exc:
            result.snapshot_damaged = str(exc)
        lines = lines[1:]
        number = 2
    nonblank = [line for line in lines if line.strip()]
    if len(nonblank) == len(lines):
        _decode_journal(lines, number, result)
    else:  # keep line numbers right for the messages
        for n, line in enumerate(lines, number):
            if line.strip():
                _decode_journal([line], n, result)
    result.journal_lines = len(lines)
    return result


def all_changes(result: StateFileRead) -> list[Change]:
    """Every change a read found, line 1's and the journal's."""
    changes: list[Change] = []
    for name, keys, values, stamps in result.columns:
        changes.extend(zip(keys, [name] * len(keys), values, stamps))
    return changes + result.changes


def encode_change(change: Change) -> bytes:
    """One journal line."""
    return orjson.dumps(list(change)) + b"\n"


def append_changes(path: Path, changes: list[Change]) -> int:
    """Append ``changes`` to an existing state file and fsync it; the new size.

    One ``write`` call, so a killed process leaves all of it or none; when the
    write fails part way (full disk) the file is cut back to its old end.
    """
    data = b"".join(encode_change(change) for change in changes)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(path)
        start = info.st_size
        try:
            written = os.write(fd, data)
            while written < len(data):  # only on odd file systems; still one record stream
                written += os.write(fd, data[written:])
            os.fsync(fd)
        except BaseException:
            try:
                os.ftruncate(fd, start)
            except OSError:
                pass
            raise
        return start + len(data)
    finally:
        os.close(fd)


def fold(changes: list[Change]) -> dict[str, dict[str, tuple[Any, str]]]:
    """field -> key -> (value, stamp): the latest change of each key and field."""
    latest: dict[str, dict[str, tuple[Any, str]]] = {}
    for key, name, value, stamp in changes:
        column = latest.get(name)
        if column is None:
            column = latest[name] = {}
        old = column.get(key)
        if old is None or (stamp, orjson.dumps(value)) > (old[1], orjson.dumps(old[0])):
            column[key] = (value, stamp)
    return latest


def snapshot_line(meta: dict[str, Any], changes: list[Change]) -> bytes:
    """Line 1 of a compacted state file holding ``changes`` (folded)."""
    columns: dict[str, dict[str, Any]] = {}
    for number, (name, column) in enumerate(sorted(fold(changes).items()), 1):
        keys = sorted(column)
        columns[str(number)] = {
            "field": name,
            "keys": keys,
            "values": [column[k][0] for k in keys],
            "stamps": [column[k][1] for k in keys],
        }
    meta = {**meta, "schema": STATE_SCHEMA, "kind": "state"}
    return orjson.dumps({META_TABLE: {"1": meta}, COLUMNS_TABLE: columns}) + b"\n"


def write_compacted(path: Path, meta: dict[str, Any], changes: list[Change]) -> None:
    """Replace the state file at ``path`` by one line holding ``changes``, atomically."""
    created = not path.exists()
    atomic_write_bytes(path, snapshot_line(meta, changes))
    if created:
        fsync_directory(path.parent)


class StateLogStorage(AtomicJSONStorage):
    """TinyDB storage for a state file: tables ``_meta`` and ``columns`` on line 1,
    table ``journal`` as the lines after it (documents ``{key, field, value, stamp}``).

    Reads are strict (a damaged or newer file raises); :meth:`write` rewrites the
    file atomically. Meant for tools and tests; the store appends with
    :func:`append_changes` instead of rewriting.
    """

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = read_regular_file(self.path)
        except FileNotFoundError:
            return None
        lines = raw.split(b"\n")
        data: dict[str, dict[str, Any]] = {}
        if lines[0].strip() and not lines[0].lstrip().startswith(b"["):
            _decode_snapshot(lines[0], self.path)  # validates; raises when damaged or newer
            data = orjson.loads(lines[0])
            lines[0] = b""
        journal = {}
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    item = orjson.loads(line)
                except orjson.JSONDecodeError:
                    item = None
                if not _change_ok(item):
                    raise CorruptDatabase(f"{self.path}: line {number} is not a change")
                journal[str(len(journal) + 1)] = dict(zip(("key", "field", "value", "stamp"), item))
        data[JOURNAL_TABLE] = journal
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        journal = data.get(JOURNAL_TABLE, {})
        head = {name: table for name, table in data.items() if name != JOURNAL_TABLE}
        head.setdefault(META_TABLE, {"1": {"schema": STATE_SCHEMA, "kind": "state"}})
        lines = [orjson.dumps(head) + b"\n"]
        lines += [encode_change((d["key"], d["field"], d["value"], d["stamp"])) for d in journal.values()]
        atomic_write_bytes(self.path, b"".join(lines))
