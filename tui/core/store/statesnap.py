"""A derived snapshot of the merged state, so that a start-up need not parse every state file.

``state.snapshot`` (beside ``state/``, never inside it: a sync tool carrying
that folder must not carry a file derived from this machine's copies) holds
what reading every device's file produced: the winning change per key and
field, and for each file the cursor the reading left (its stat, where it
stopped, and the CRC-32 of every byte up to there). The state files stay the
record; the snapshot is only ever a faster way to the same view:

* it is used only when every file it names is still there, is the same file
  (inode) and still holds exactly the bytes it was made from (their CRC-32,
  checked on every start-up: a few milliseconds); lines appended since are
  then read as usual, and files it does not name are read whole;
* anything else (a file compacted, replaced, shortened or removed since, a
  snapshot of another layout version or of another device) makes it stale: the
  files are read as they always were and a fresh snapshot is written;
* a snapshot that cannot be decoded (a wrong checksum, cut short) is said to
  the user, then ignored and rewritten the same way. No user state is ever lost:
  nothing but this file is written here.

Layout: one header line of JSON (``kind``, ``version``, ``device``, ``bytes``
and ``crc32`` of the body), then the body: a line of JSON (the device names,
the files' cursors, how many papers are read or starred, and each field's
section sizes), then every field packed in turn (see :mod:`.statecolumn`: a
start-up looks up the keys it shows where they lie, and decodes a field whole
only when something is merged into it). Written atomically (a temporary file
renamed over it), so two readers writing it at once leave one whole snapshot,
valid for the files it names.
"""

from __future__ import annotations

import base64
import os
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from ..atomic import atomic_write_bytes
from .checkedfile import framed, read_framed
from .statecolumn import SECTIONS, PackedColumn, pack_column
from .statefile import FilePosition
from .stateread import Cursor

SNAPSHOT_NAME = "state.snapshot"
SNAPSHOT_KIND = "arxiv-reader state snapshot"
#: Bump when the body's layout or the meaning of a cursor changes (older snapshots are stale).
SNAPSHOT_VERSION = 2

#: Winners as the merged view keeps them: field -> key -> (value, stamp, device file stem).
Winners = dict[str, dict[str, tuple[Any, str, str]]]


class Restored(NamedTuple):
    """What a snapshot gives back: each field packed, the cursors, the token, and how many
    papers are read or starred."""

    columns: dict[str, PackedColumn]
    cursors: dict[str, Cursor]
    token: str
    papers: int


class SnapshotDamaged(Exception):
    """The snapshot file is damaged (said to the user; the state files are read instead)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _cursor_doc(cursor: Cursor) -> dict[str, Any]:
    position = cursor.position
    return {
        "stat": list(cursor.stat or ()), "end": position.end, "head": _b64(position.head),
        "tail": _b64(position.tail), "next_line": position.next_line, "crc": position.crc,
        "inode": cursor.inode, "journal_lines": cursor.journal_lines, "rows": cursor.rows,
        "last_stamp": cursor.last_stamp, "device": cursor.device, "migrated": cursor.migrated,
        "headed": cursor.headed,
    }


def _cursor_of(doc: dict[str, Any]) -> Cursor:
    position = FilePosition(doc["end"], base64.b64decode(doc["head"]), base64.b64decode(doc["tail"]),
                            doc["next_line"], doc["crc"])
    stat = tuple(doc["stat"])
    return Cursor(stat if len(stat) == 4 else None, position, inode=doc["inode"],
                  journal_lines=doc["journal_lines"], rows=doc["rows"], last_stamp=doc["last_stamp"],
                  device=doc["device"], migrated=doc["migrated"], headed=doc["headed"])


def snapshot_token(body: bytes | memoryview) -> str:
    """What names one snapshot's content (the CRC-32 and size of its body): derived files keyed
    by it (see :mod:`.statepositions`) hold only for the view that snapshot holds."""
    return f"{zlib.crc32(body):08x}-{len(body)}"


def snapshot_bytes(device: str, winners: Winners, cursors: Mapping[str, Cursor], papers: int) -> bytes:
    """The snapshot file's content for this view, these cursors, and ``papers`` read or starred."""
    devices: dict[str, int] = {}
    fields: dict[str, dict[str, int]] = {}
    sections: list[bytes] = []
    for name, column in winners.items():
        fields[name], packed = pack_column(column, devices)
        sections += packed
    meta = orjson.dumps({"devices": list(devices), "fields": fields, "papers": papers,
                         "files": {name: _cursor_doc(c) for name, c in cursors.items()}})
    return framed({"kind": SNAPSHOT_KIND, "version": SNAPSHOT_VERSION, "device": device},
                  b"".join([meta, b"\n", *sections]))


def snapshot_usable(cursors: Mapping[str, Cursor]) -> bool:
    """Whether a view read through these cursors may be kept as a snapshot: every file read
    cleanly and whole up to its position (none refused, failed, to repair, or holding changes)."""
    return all(not (c.refused or c.error or c.repair or c.held) and c.stat is not None for c in cursors.values())


def save_snapshot(path: Path, device: str, winners: Winners, cursors: Mapping[str, Cursor], papers: int) -> str:
    """Write the snapshot atomically (not fsynced: a snapshot lost to a crash is only rebuilt);
    its :func:`snapshot_token`. Raises OSError."""
    data = snapshot_bytes(device, winners, cursors, papers)
    atomic_write_bytes(path, data, durable=False)
    return snapshot_token(memoryview(data)[data.find(b"\n") + 1 :])


def snapshot_limit(folder: Path) -> int:
    """The most a snapshot of the state files in ``folder`` (and a legacy ``state.json``
    beside it) could weigh: a generous multiple of their size, so that a huge or endless
    file in its place is refused, never read whole."""
    total = 0
    for path in (*folder.glob("*.jsonl"), folder.parent / "state.json"):
        try:
            total += path.stat().st_size
        except OSError:
            pass
    return (64 << 20) + 8 * total


def _decode(path: Path, device: str, limit: int) -> tuple[dict[str, Any], memoryview, str] | None:
    """The meta document and the packed fields of the snapshot at ``path`` (at most ``limit``
    bytes) if of this layout and device, and its token; None when missing or stale; raises
    SnapshotDamaged."""
    found = read_framed(path, SNAPSHOT_KIND, "state snapshot", SnapshotDamaged, limit=limit,
                        stale=lambda header: header.get("version") != SNAPSHOT_VERSION
                        or header.get("device") != device)  # another layout or device's view: stale
    if found is None:
        return None
    _, body, crc = found
    try:
        end = bytes(body[:1 << 20]).find(b"\n")
        if end < 0:
            end = body.tobytes().find(b"\n")
        if end < 0:
            raise ValueError("no end to its description")
        doc = orjson.loads(body[:end])
        if type(doc) is not dict or type(doc.get("fields")) is not dict or type(doc.get("files")) is not dict:
            raise ValueError("not a snapshot's body")
        return doc, body[end + 1 :], f"{crc:08x}-{len(body)}"
    except (orjson.JSONDecodeError, ValueError) as exc:
        raise SnapshotDamaged(f"{path} is damaged ({exc})") from None


def _still_there(folder: Path, name: str, cursor: Cursor) -> bool:
    """Whether ``folder/name`` is the file the cursor read, holding the same bytes up to its position."""
    try:
        fd = os.open(folder / name, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        end = cursor.position.end
        if info.st_ino != cursor.inode or info.st_size < end or not os.path.isfile(folder / name):
            return False
        crc, at = 0, 0
        while at < end:
            chunk = os.pread(fd, min(1 << 22, end - at), at)
            if not chunk:
                return False
            crc, at = zlib.crc32(chunk, crc), at + len(chunk)
        return crc == cursor.position.crc
    except OSError:
        return False
    finally:
        os.close(fd)


def load_snapshot(path: Path, folder: Path, device: str) -> Restored | None:
    """The packed fields, cursors, :func:`snapshot_token` and count of read or starred papers of
    the snapshot at ``path``, when it is still true of the files of ``folder``; None when
    missing or stale. Raises SnapshotDamaged."""
    decoded = _decode(path, device, snapshot_limit(folder))
    if decoded is None:
        return None
    doc, packed, token = decoded
    try:
        cursors = {name: _cursor_of(c) for name, c in doc["files"].items()}
        devices: list[str] = doc["devices"]
        papers = doc["papers"]
        if type(devices) is not list or not all(type(d) is str for d in devices) or type(papers) is not int:
            raise ValueError("its devices or count are malformed")
        columns: dict[str, PackedColumn] = {}
        at = 0
        for name, sizes in doc["fields"].items():
            size = sum(sizes.get(section, 0) for section in SECTIONS)
            columns[name] = PackedColumn(sizes, packed[at : at + size], devices)
            columns[name].check()  # (its values: a millisecond for 200,000 flags)
            at += size
        if at != len(packed):
            raise ValueError("its fields do not fill it")
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise SnapshotDamaged(f"{path} is damaged ({type(exc).__name__}: {exc})") from None
    if not all(_still_there(folder, name, cursor) for name, cursor in cursors.items()):
        return None
    return Restored(columns, cursors, token, papers)
