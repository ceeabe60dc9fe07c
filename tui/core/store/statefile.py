"""One device's state file: a TinyDB database of changes, one JSON line each.

``state/<device>.jsonl`` holds every change one device made to the user's state,
and only that device writes it (so a file-sync tool never sees two writers).
It is a TinyDB database stored as JSON lines:

* line 1 is table ``_meta`` in TinyDB's layout, a random ``generation`` first::

      {"_meta": {"1": {"generation": "9c0f…", "schema": 3, "kind": "state",
                       "device": "laptop", "compacted": "2026-…Z", "rows": 2}}}

* every further line is one document of table ``journal``, a change
  ``[key, field, value, stamp]``. The first ``rows`` lines after line 1 are
  the file's compacted changes (the latest per key and field, sorted by field
  and key); the lines after them were appended since, one per change, each
  saved by appending and fsyncing (no rewrite, so a toggle stays fast however
  large the state is).

Now and then the device folds its file into the latest change per key and
field (:func:`~.statewrite.write_compacted`, an atomic rewrite under a new
generation); changes are appended with :func:`~.statewrite.append_changes`.
:class:`~.statedb.StateLogStorage` opens the file as any TinyDB database.

**Reading again.** A reader remembers where it stopped (:class:`FilePosition`:
the offset, the first bytes of the file, the generation among them, and the
last bytes it consumed) and later reads only what follows, but only after
checking that those bytes are still there: a file compacted or replaced (an
inode number reused, ``cp`` over it, a sync tool's rename) fails the check and
is read whole. A damaged line costs that line only, a line cut short at the
end is left for later (and said), a missing stretch of compacted rows is said.

Files of the first layout of this schema (every compacted change in line 1,
as columns of parallel lists) are still read, entry by entry.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import stat
import zlib
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from ..regular import NotARegularFile, read_regular
from ..storage import META_TABLE
from .stamps import all_valid_stamps, valid_stamp
from .statecolumns import COLUMNS_TABLE, columns_changes

#: The layout version of state files (the single ``state.json`` of earlier versions was 2).
STATE_SCHEMA = 3
JOURNAL_TABLE = "journal"
#: How many first bytes of a file, and last bytes read, identify what a reader read.
HEAD_BYTES = 128
TAIL_BYTES = 64

#: One change: (key, field, value, stamp).
Change = tuple[str, str, Any, str]

#: The value types of the fields this version knows; other fields take any JSON scalar.
FIELD_TYPES: dict[str, type] = {"read": bool, "starred": bool, "note": str, "query": str}
_SCALARS = frozenset({bool, int, float, str, type(None)})


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


def field_kind(name: str) -> type | None:
    """The value type of field ``name`` (``None``: any JSON scalar)."""
    kind = FIELD_TYPES.get(name)
    return bool if kind is None and name.startswith("tag:") else kind


def _type_ok(name: str, kind: type) -> bool:
    expected = field_kind(name)
    return kind is expected if expected is not None else kind in _SCALARS


def value_ok(name: str, value: Any) -> bool:
    """Whether ``value`` is a valid value of field ``name``."""
    return _type_ok(name, type(value))


def change_ok(item: Any) -> bool:
    """Whether ``item`` (decoded JSON) is a valid change."""
    return (
        type(item) is list and len(item) == 4
        and type(item[0]) is str and item[0] != ""
        and type(item[1]) is str and item[1] != "" and value_ok(item[1], item[2])
        and valid_stamp(item[3])
    )


_ITEM = [itemgetter(n) for n in range(4)]
#: Changes as four parallel tuples: (keys, fields, values, stamps).
Columns = tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]
NO_COLUMNS: Columns = ((), (), (), ())


def valid_columns(items: list[Any]) -> Columns | None:
    """``items`` (decoded JSON) as columns when every one is a valid change, else ``None``.

    Checked column by column at C speed: 200,000 changes in about 80 ms.
    """
    if not items:
        return NO_COLUMNS
    if set(map(type, items)) != {list} or set(map(len, items)) != {4}:
        return None
    keys, names, values, stamps = (tuple(map(_ITEM[n], items)) for n in range(4))  # (faster than zip(*items))
    ok = (
        set(map(type, keys)) == {str} and set(map(type, names)) == {str}
        and "" not in keys and "" not in names and _values_ok(names, values) and all_valid_stamps(stamps)
    )
    return (keys, names, values, stamps) if ok else None


def _values_ok(names: tuple[str, ...], values: tuple[Any, ...]) -> bool:
    distinct = set(names)
    if set(map(type, values)) == {bool} and all(field_kind(name) is bool for name in distinct):
        return True  # the usual case: flags only
    return all(_type_ok(name, kind) for name, kind in set(zip(names, map(type, values))))


def all_changes_ok(items: list[Any]) -> bool:
    """Whether every item is a valid change (see :func:`valid_columns`)."""
    return valid_columns(items) is not None


@dataclass(slots=True, frozen=True)
class FilePosition:
    """Where a reader stopped in a file, and what identifies the bytes it read there."""

    end: int = 0  # just after the last complete line read
    head: bytes = b""  # the file's first bytes (up to HEAD_BYTES, all read), the generation among them
    tail: bytes = b""  # the last bytes read, up to ``end``
    next_line: int = 1  # the number of the line at ``end``
    crc: int = 0  # CRC-32 of the file's bytes up to ``end`` (what the state snapshot checks)


@dataclass(slots=True)
class StateFileRead:
    """What one read of a state file found (all of it, or what followed a position)."""

    position: FilePosition
    #: The whole file was read (else only what followed the position given).
    whole: bool
    inode: int = 0  # of the file read
    #: The file is the one read before but shorter (an older copy, or cut short).
    shrank: bool = False
    #: The compacted rows, when all of them are valid (as columns: the fast way to merge them).
    rows_columns: Columns = NO_COLUMNS
    #: The other valid changes in file order: compacted ones first (``snapshot`` of them).
    changes: list[Change] = field(default_factory=list)
    snapshot: int = 0
    meta: dict[str, Any] | None = None  # only when line 1 was read and valid
    #: Line 1 could not be read (the lines after it still were).
    head_damaged: str | None = None
    #: The schema line 1 gives, when older than this program's (read as far as it can be).
    older_schema: int | None = None
    damaged_lines: list[int] = field(default_factory=list)  # 1-based
    #: Entries of an old-layout line 1 that were not valid (the rest were kept).
    skipped_entries: int = 0
    #: Bytes at the end after the last newline (a write cut short, or in progress).
    torn: int = 0
    #: How many compacted rows line 1 announces that the file does not hold.
    missing_rows: int = 0
    #: How many lines this read went through after the compacted rows.
    journal_lines: int = 0
    #: How many compacted rows this read went through.
    rows: int = 0

    def all_changes(self) -> list[Change]:
        """Every valid change read, in file order."""
        return list(zip(*self.rows_columns)) + self.changes


def decode_meta(line: bytes, path: Path, result: StateFileRead) -> None:
    """Line 1 into ``result``: meta, and changes of the old layout. Raises NewerStateFile."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        try:  # a bad byte in a string: everything around it can still be read
            data = orjson.loads(line.decode("utf-8", "replace"))
        except orjson.JSONDecodeError:
            result.head_damaged = f"{path}: line 1 is not valid JSON ({exc})"
            return
    if type(data) is not dict or not all(type(t) is dict for t in data.values()):
        result.head_damaged = f"{path}: line 1 is not a TinyDB database"
        return
    meta = next(iter(data.get(META_TABLE, {}).values()), None)
    if type(meta) is not dict or type(meta.get("schema")) is not int:
        result.head_damaged = f"{path}: line 1 has no schema version"
    elif meta["schema"] > STATE_SCHEMA:
        raise NewerStateFile(
            f"{path} was written by a newer arxiv-reader (state schema {meta['schema']}, this one knows "
            f"{STATE_SCHEMA}): it is left untouched and not read; upgrade arxiv-reader to use it"
        )
    else:
        result.meta = meta
        if meta["schema"] < STATE_SCHEMA:
            result.older_schema = meta["schema"]
    if COLUMNS_TABLE in data:
        changes, skipped, problem = columns_changes(data[COLUMNS_TABLE], change_ok, all_changes_ok)
        result.changes.extend(changes)
        result.snapshot = len(changes)
        result.skipped_entries = skipped
        if problem and result.head_damaged is None:
            result.head_damaged = f"{path}: line 1 is damaged ({problem})"


def _decode_lines(body: bytes, rows: int, first_number: int, result: StateFileRead) -> None:
    """The changes of ``body`` (complete lines; the first ``rows`` compacted) into ``result``."""
    count = body.count(b"\n")
    try:  # fast path: every line valid (no bytes object per line)
        items = orjson.loads(b"[" + body[:-1].replace(b"\n", b",") + b"]") if count else []
        columns = valid_columns(items) if len(items) == count else None
    except orjson.JSONDecodeError:
        columns = None
    if columns is not None:
        result.rows_columns = tuple(column[:rows] for column in columns)  # type: ignore[assignment]
        result.changes.extend(zip(*(column[rows:] for column in columns)))
        return
    for number, line in enumerate(body.split(b"\n")[:-1], first_number):
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError:
            item = None
        if change_ok(item):
            result.changes.append(tuple(item))
            result.snapshot += number - first_number < rows
        elif line.strip():
            result.damaged_lines.append(number)


def _read_from(fd: int, start: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = os.pread(fd, 1 << 22, start)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        start += len(chunk)


def read_state_file(path: Path, previous: FilePosition | None = None) -> StateFileRead:
    """Read a state file whole, or only what follows ``previous`` when it is the same file.

    The same file: at least as long, and holding the first bytes and the last
    bytes read before where they were (the first ones hold the generation,
    which every compaction changes). Raises OSError, and NewerStateFile for a
    file of a newer schema. Damage is reported in the result, never raised.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # never wait on a FIFO
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(path)
        same = shrank = False
        if previous is not None and previous.end > 0:
            same_head = os.pread(fd, len(previous.head), 0) == previous.head
            shrank = same_head and info.st_size < previous.end
            same = same_head and not shrank and previous.tail == os.pread(
                fd, len(previous.tail), previous.end - len(previous.tail))
        start = previous.end if same else 0  # type: ignore[union-attr]
        raw = _read_from(fd, start)
    finally:
        os.close(fd)
    cut = raw.rfind(b"\n") + 1  # only complete lines; a torn one is left for later
    lines = raw.count(b"\n", 0, cut)
    if same:
        assert previous is not None
        tail = (previous.tail + raw[:cut])[-TAIL_BYTES:]
        position = FilePosition(start + cut, previous.head, tail, previous.next_line + lines,
                                zlib.crc32(memoryview(raw)[:cut], previous.crc))
    else:
        position = FilePosition(cut, raw[: min(cut, HEAD_BYTES)], raw[max(0, cut - TAIL_BYTES) : cut], 1 + lines,
                                zlib.crc32(memoryview(raw)[:cut]))
    result = StateFileRead(position, not same, info.st_ino, shrank=shrank, torn=len(raw) - cut)
    number, body = (previous.next_line, raw[:cut]) if same else (1, raw[:cut])  # type: ignore[union-attr]
    if not same and lines and not body.lstrip().startswith(b"["):  # else a file without its line 1
        first_end = body.index(b"\n") + 1
        decode_meta(body[: first_end - 1], path, result)
        body, number, lines = body[first_end:], 2, lines - 1
    rows = 0
    if not same and result.meta is not None and type(result.meta.get("rows")) is int:
        rows = max(0, result.meta["rows"])
        result.missing_rows = max(0, rows - lines)
        rows = min(rows, lines)
    _decode_lines(body, rows, number, result)
    result.rows, result.journal_lines = rows, lines - rows
    return result


def survey_state_file(path: Path) -> StateFileRead:
    """A cheap look at a state file, no change decoded: line 1, a line cut short at the
    end, compacted rows missing (for a command that does not read the state otherwise).
    Raises OSError, and NewerStateFile."""
    raw, info = read_regular(path)
    cut = raw.rfind(b"\n") + 1
    lines = raw.count(b"\n", 0, cut)
    result = StateFileRead(FilePosition(cut), True, info.st_ino, torn=len(raw) - cut)
    if lines and not raw.lstrip().startswith(b"["):
        decode_meta(raw[: raw.index(b"\n")], path, result)
        lines -= 1
    if result.meta is not None and type(result.meta.get("rows")) is int:
        result.missing_rows = max(0, result.meta["rows"] - lines)
    return result


def encode_change(change: Change) -> bytes:
    """One journal line."""
    return orjson.dumps(list(change)) + b"\n"


def position_after(data: bytes) -> FilePosition:
    """The position at the end of a file holding exactly ``data`` (complete lines)."""
    return FilePosition(len(data), data[:HEAD_BYTES], data[-TAIL_BYTES:], 1 + data.count(b"\n"), zlib.crc32(data))
