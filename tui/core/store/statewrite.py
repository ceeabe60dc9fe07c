"""Writing one device's state file: appending changes, compacting it (see :mod:`.statefile`)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import orjson

from ..atomic import atomic_write_bytes, fsync_directory
from ..regular import NotARegularFile
from ..storage import META_TABLE
from .statefile import STATE_SCHEMA, Change, encode_change


class FileChanged(Exception):
    """The file to append to is not the one expected (replaced or changed behind our back)."""


def append_changes(
    path: Path, changes: list[Change], expect: tuple[int, int] | None = None
) -> tuple[int, bytes, os.stat_result]:
    """Append ``changes`` to an existing state file and fsync it: its new size, the bytes
    written and its stat after them.

    ``expect`` is the ``(inode, size)`` the file must have (else FileChanged,
    nothing written). One ``write`` call, so a killed process leaves all of it
    or none; when the write fails part way (full disk) the file is cut back.
    """
    data = b"".join(encode_change(change) for change in changes)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(path)
        if expect is not None and (info.st_ino, info.st_size) != expect:
            raise FileChanged(path)
        start = info.st_size
        try:
            written = os.write(fd, data)
            while written < len(data):  # only on odd file systems; still one record stream
                written += os.write(fd, data[written:])
            os.fsync(fd)
            after = os.fstat(fd)
        except BaseException:
            try:
                os.ftruncate(fd, start)
            except OSError:
                pass
            raise
        return start + len(data), data, after
    finally:
        os.close(fd)


def _order(value: Any) -> bytes:
    return orjson.dumps(value)


def fold(changes: list[Change]) -> dict[tuple[str, str], Change]:
    """(field, key) -> the latest change (greatest stamp; on a tie the greater value as JSON)."""
    latest: dict[tuple[str, str], Change] = {}
    for change in changes:
        slot = (change[1], change[0])
        old = latest.get(slot)
        if old is None or change[3] > old[3] or (change[3] == old[3] and _order(change[2]) > _order(old[2])):
            latest[slot] = change
    return latest


def compacted_bytes(meta: dict[str, Any], changes: list[Change]) -> bytes:
    """A whole compacted file: a new generation, and the latest change per key and field."""
    rows = [change for _, change in sorted(fold(changes).items())]
    meta = {"generation": os.urandom(16).hex(), **{k: v for k, v in meta.items() if k != "generation"},
            "schema": STATE_SCHEMA, "kind": "state", "rows": len(rows)}
    return orjson.dumps({META_TABLE: {"1": meta}}) + b"\n" + b"".join(map(encode_change, rows))


def write_compacted(path: Path, meta: dict[str, Any], changes: list[Change]) -> bytes:
    """Replace the state file at ``path`` by its compacted form, atomically; the bytes written."""
    created = not path.exists()
    data = compacted_bytes(meta, changes)
    atomic_write_bytes(path, data)
    if created:
        fsync_directory(path.parent)
    return data


