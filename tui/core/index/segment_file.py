"""The segment file: named numpy sections behind a checked header, written atomically, read mapped.

Layout (little-endian)::

    0   8 bytes  magic b"AXRINDEX"
    8   u32      format version (FORMAT)
    12  u32      length H of the header JSON
    16  u32      CRC-32 of the header JSON
    20  u32      reserved (0)
    24  H bytes  header JSON: {"format", "docs", "source", "size",
                 "sections": {name: [offset, nbytes, dtype, crc32]}, ...}
    ...          sections, each starting on a 64-byte boundary

Opening checks the magic, the version, the header's CRC and that the file
has exactly the size the header names (a truncated copy fails here); the
sections' CRCs are checked only by :meth:`SegmentFile.verify` (reading the
whole file), which a caller may run in the background.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import zlib
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ..atomic import write_through_temporary

MAGIC = b"AXRINDEX"
#: Bump on any change of layout or meaning: older files then read as stale.
FORMAT = 3
_PREFIX = struct.Struct("<8sIII4x")
_ALIGN = 64


class IndexUnavailable(Exception):
    """The index cannot be used as it is; rebuild it. ``reason``: missing, stale or damaged."""

    reason = "damaged"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IndexMissing(IndexUnavailable):
    reason = "missing"


class IndexStale(IndexUnavailable):
    """Written by another format version, or from other data than the caller's."""

    reason = "stale"


class IndexDamaged(IndexUnavailable):
    reason = "damaged"


def write_segment(path: Path, sections: dict[str, np.ndarray | bytes], meta: dict[str, Any]) -> int:
    """Write ``sections`` (arrays or bytes) with ``meta`` into ``path`` atomically; returns its size.

    Streams to a temporary file in the same directory, fsyncs it, renames it
    over ``path`` and fsyncs the directory (:func:`tui.core.atomic.write_through_temporary`,
    without first joining hundreds of megabytes into one bytes object).
    """
    table: dict[str, list[Any]] = {}
    views: list[tuple[int, memoryview]] = []
    offset = 0
    for name, value in sections.items():
        if isinstance(value, np.ndarray):
            data = np.ascontiguousarray(value).reshape(-1).view(np.uint8).data  # (a memoryview of its bytes)
            dtype = value.dtype.str
        else:
            data = memoryview(value).cast("B")
            dtype = "|u1"
        views.append((offset, data))
        table[name] = [offset, data.nbytes, dtype, zlib.crc32(data)]
        offset = _aligned(offset + data.nbytes)
    header_fields = dict(meta, format=FORMAT, sections=table)
    # The data offsets are relative to the data start, which depends on the header's own size.
    # Sized with the widest numbers the two fields can take, so the real ones always fit.
    widest = dict(header_fields, data_start=10**20, size=10**20)
    start = _aligned(_PREFIX.size + len(json.dumps(widest, separators=(",", ":")).encode()))
    header_fields["data_start"] = start
    header_fields["size"] = start + offset
    header = json.dumps(header_fields, separators=(",", ":")).encode()
    prefix = _PREFIX.pack(MAGIC, FORMAT, len(header), zlib.crc32(header))

    def fill(handle: BinaryIO) -> None:
        handle.write(prefix + header + b"\0" * (start - _PREFIX.size - len(header)))
        position = 0
        for rel, data in views:
            if rel > position:
                handle.write(b"\0" * (rel - position))
            handle.write(data)
            position = rel + data.nbytes
        if offset > position:
            handle.write(b"\0" * (offset - position))

    write_through_temporary(path, fill)  # the user's umask, cleaned up after a kill
    return start + offset


class SegmentFile:
    """A segment file mapped read-only; sections come back as numpy views (no copy)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        try:
            with open(self.path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < _PREFIX.size:
                    raise IndexDamaged(f"{self.path}: truncated ({size} bytes)")
                self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                # Kept for read(): details are read with pread, not through the mapping.
                self._fd = os.dup(handle.fileno()) if hasattr(os, "pread") else None
        except FileNotFoundError:
            raise IndexMissing(f"{self.path}: missing") from None
        except (OSError, ValueError) as exc:
            raise IndexDamaged(f"{self.path}: cannot be read ({exc})") from None
        try:
            self.meta = self._read_header(size)
        except IndexUnavailable:
            self.close()
            raise
        self._start = int(self.meta["data_start"])

    def _read_header(self, size: int) -> dict[str, Any]:
        magic, version, length, crc = _PREFIX.unpack_from(self._map, 0)
        if magic != MAGIC:
            raise IndexDamaged(f"{self.path}: not an index segment")
        if version != FORMAT:
            raise IndexStale(f"{self.path}: index format {version}, this version reads {FORMAT}")
        header = bytes(self._map[_PREFIX.size : _PREFIX.size + length])
        if len(header) != length or zlib.crc32(header) != crc:
            raise IndexDamaged(f"{self.path}: damaged header")
        try:
            meta = json.loads(header)
            sections = meta["sections"]
            expected = int(meta["size"])
            start = int(meta["data_start"])
        except (ValueError, KeyError, TypeError):
            raise IndexDamaged(f"{self.path}: unreadable header") from None
        if expected != size:
            raise IndexDamaged(f"{self.path}: {size} bytes where the header says {expected} (truncated?)")
        for name, (offset, nbytes, _dtype, _crc) in sections.items():
            if start + offset + nbytes > size:
                raise IndexDamaged(f"{self.path}: section {name} beyond the end of the file")
        return meta

    def has(self, name: str) -> bool:
        return name in self.meta["sections"]

    def array(self, name: str) -> np.ndarray:
        """Section ``name`` as a read-only numpy array over the mapping."""
        try:
            offset, nbytes, dtype, _crc = self.meta["sections"][name]
        except KeyError:
            raise IndexDamaged(f"{self.path}: no section {name}") from None
        kind = np.dtype(dtype)
        return np.frombuffer(self._map, kind, nbytes // kind.itemsize, self._start + offset)

    def blob(self, name: str) -> memoryview:
        """Section ``name`` as bytes (a memoryview over the mapping)."""
        offset, nbytes, _dtype, _crc = self.meta["sections"][name]
        return memoryview(self._map)[self._start + offset : self._start + offset + nbytes]

    def read(self, name: str, start: int, stop: int) -> bytes:
        """Bytes ``start:stop`` of section ``name``, read from the file rather than the mapping.

        For what is read one paper at a time (abstracts, details): touching a
        mapped page can make the kernel map a whole large folio of page cache
        (up to 2 MB) into the process, measured at 3.7 MB resident per paper
        read; a pread costs a system call (about a microsecond) and no memory.
        """
        offset = self._start + self.meta["sections"][name][0]
        if self._fd is None:
            return self._map[offset + start : offset + stop]
        return os.pread(self._fd, stop - start, offset + start)

    def verify(self) -> None:
        """Check every section's CRC (reads the whole file); raises :class:`IndexDamaged`."""
        for name, (offset, nbytes, _dtype, crc) in self.meta["sections"].items():
            view = memoryview(self._map)[self._start + offset : self._start + offset + nbytes]
            try:
                if zlib.crc32(view) != crc:
                    raise IndexDamaged(f"{self.path}: section {name} is damaged (checksum)")
            finally:
                view.release()

    def close(self) -> None:
        """Drop the mapping (views made from it must be gone; else the mapping stays until they are)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        try:
            self._map.close()
        except BufferError:
            pass


def _aligned(value: int) -> int:
    return (value + _ALIGN - 1) // _ALIGN * _ALIGN
