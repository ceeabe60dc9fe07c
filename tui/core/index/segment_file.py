"""The segment file: named numpy sections behind a checked header, written atomically, read mapped.

Layout (little-endian)::

    0   8 bytes  magic b"AXRINDEX"
    8   u32      format version (FORMAT)
    12  u32      length H of the header JSON
    16  u32      CRC-32 of the header JSON
    20  u32      reserved (0)
    24  H bytes  header JSON: {"format", "docs", "source", "size", "block",
                 "sections": {name: [offset, nbytes, dtype, [crc32 of each block]]}, ...}
    ...          sections, each starting on a 64-byte boundary

Opening checks the magic, the version, the header's CRC and that the file
has exactly the size the header names (a truncated copy fails here). The
data is checked on its first use in the process, so that no answer is built
from bytes no checksum vouched for: a section handed out whole
(:meth:`SegmentFile.array`, :meth:`SegmentFile.blob`) has all its blocks
checked then; a section read a piece at a time (:meth:`SegmentFile.read`: the
abstracts and details; and the postings, :meth:`SegmentFile.check_part`, of
which a query reads a few runs) has the blocks of each piece checked. Both are
remembered, so each byte is checked once per process; a mismatch raises
:class:`IndexDamaged` (the store rebuilds the index and asks again).
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

from ..regular import open_regular

MAGIC = b"AXRINDEX"
#: Bump on any change of layout or meaning: older files then read as stale.
FORMAT = 4
#: Bytes per checksum block: a paper read from a large section checks one or two blocks.
BLOCK = 1 << 16
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


class SegmentWriter:
    """Writes a segment (the layout above) into an open file one section at a time, so no
    section need be held whole with the others (:mod:`.builder` makes the file atomic).

    The data starts after ``reserve`` bytes kept for the header (written last,
    by :meth:`finish`; when it needs more room, the data is moved up). One
    section at a time may be streamed in pieces (:meth:`begin`, :meth:`append`,
    :meth:`end`); each block's CRC is taken as its bytes go by.
    """

    def __init__(self, handle: BinaryIO, reserve: int = 1 << 16) -> None:
        self._handle = handle
        self._start = _aligned(max(reserve, _PREFIX.size + 1024))
        self._offset = 0  # next section's offset, relative to the data start
        self._table: dict[str, list[Any]] = {}
        self._open: tuple[str, str, list[int]] | None = None
        self._pending = b""  # the open section's bytes not yet in a full block
        self._size = 0  # the open section's bytes so far
        handle.seek(self._start)

    def add(self, name: str, value: np.ndarray | bytes | memoryview) -> None:
        """Write a whole section (an array, or bytes)."""
        if isinstance(value, np.ndarray):
            self.begin(name, value.dtype.str)
            self.append(np.ascontiguousarray(value).reshape(-1).view(np.uint8).data)
        else:
            self.begin(name)
            self.append(value)
        self.end()

    def begin(self, name: str, dtype: str = "|u1") -> None:
        """Start section ``name`` (items of ``dtype``), to be filled by :meth:`append`."""
        assert self._open is None, "one section at a time"
        self._open = (name, dtype, [])
        self._pending, self._size = b"", 0

    def append(self, data: bytes | memoryview) -> None:
        """Add bytes to the open section."""
        assert self._open is not None
        crcs = self._open[2]
        view = memoryview(data).cast("B")
        self._handle.write(view)
        self._size += view.nbytes
        if self._pending:  # finish the block a previous piece started
            need = BLOCK - len(self._pending)
            self._pending += bytes(view[:need])
            view = view[need:]
            if len(self._pending) < BLOCK:
                return
            crcs.append(zlib.crc32(self._pending))
            self._pending = b""
        whole = view.nbytes - view.nbytes % BLOCK
        crcs.extend(zlib.crc32(view[at : at + BLOCK]) for at in range(0, whole, BLOCK))
        self._pending = bytes(view[whole:])

    def end(self) -> None:
        """Close the open section (padded to the next section's alignment)."""
        assert self._open is not None
        name, dtype, crcs = self._open
        if self._pending:
            crcs.append(zlib.crc32(self._pending))
        self._table[name] = [self._offset, self._size, dtype, crcs]
        following = _aligned(self._offset + self._size)
        self._handle.write(b"\0" * (following - self._offset - self._size))
        self._offset = following
        self._open, self._pending = None, b""

    def finish(self, meta: dict[str, Any]) -> int:
        """Write the header before the data; returns the file's size."""
        assert self._open is None
        fields = dict(meta, format=FORMAT, block=BLOCK, sections=self._table)
        widest = dict(fields, data_start=10**20, size=10**20)
        need = _aligned(_PREFIX.size + len(json.dumps(widest, separators=(",", ":")).encode()))
        if need > self._start:  # more room for the header: move the data up
            _shift(self._handle, self._start, self._offset, need - self._start)
            self._start = need
        fields["data_start"] = self._start
        fields["size"] = self._start + self._offset
        header = json.dumps(fields, separators=(",", ":")).encode()
        self._handle.seek(0)
        self._handle.write(_PREFIX.pack(MAGIC, FORMAT, len(header), zlib.crc32(header)) + header)
        self._handle.write(b"\0" * (self._start - _PREFIX.size - len(header)))
        self._handle.seek(self._start + self._offset)
        return self._start + self._offset


def _shift(handle: BinaryIO, start: int, length: int, by: int) -> None:
    """Move ``length`` bytes at ``start`` up by ``by`` bytes, last piece first."""
    handle.flush()
    fd = handle.fileno()
    step = 1 << 22
    end = start + length
    while end > start:
        at = max(start, end - step)
        os.pwrite(fd, os.pread(fd, end - at, at), at + by)
        end = at


class SegmentFile:
    """A segment file mapped read-only; sections come back as numpy views (no copy)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        try:
            fd, _ = open_regular(self.path)  # (a FIFO in its place: never waited on)
            with os.fdopen(fd, "rb") as handle:
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
        self._block = int(self.meta["block"])  # (the writer's BLOCK)
        #: Sections whose every block was checked; blocks checked of the others (by :meth:`read`).
        self._checked: set[str] = set()
        self._checked_blocks: dict[str, set[int]] = {}

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
            block = int(meta["block"])
            for name, (offset, nbytes, _dtype, crcs) in sections.items():
                if start + offset + nbytes > size or block <= 0 or len(crcs) != -(-nbytes // block):
                    raise IndexDamaged(f"{self.path}: section {name} does not fit the file")
        except (ValueError, KeyError, TypeError):
            raise IndexDamaged(f"{self.path}: unreadable header") from None
        if expected != size:
            raise IndexDamaged(f"{self.path}: {size} bytes where the header says {expected} (truncated?)")
        return meta

    def has(self, name: str) -> bool:
        return name in self.meta["sections"]

    def _section(self, name: str) -> tuple[int, int, str, list[int]]:
        try:
            offset, nbytes, dtype, crcs = self.meta["sections"][name]
        except KeyError:
            raise IndexDamaged(f"{self.path}: no section {name}") from None
        return offset, nbytes, dtype, crcs

    def array(self, name: str) -> np.ndarray:
        """Section ``name`` as a read-only numpy array over the mapping (checked on first use)."""
        offset, nbytes, dtype, _crcs = self._section(name)
        self.check(name)
        kind = np.dtype(dtype)
        return np.frombuffer(self._map, kind, nbytes // kind.itemsize, self._start + offset)

    def array_in_parts(self, name: str) -> np.ndarray:
        """Section ``name`` as an array **not checked**: the caller checks what it reads with
        :meth:`check_part` (large postings, of which a query reads a few runs)."""
        offset, nbytes, dtype, _crcs = self._section(name)
        kind = np.dtype(dtype)
        return np.frombuffer(self._map, kind, nbytes // kind.itemsize, self._start + offset)

    def check_part(self, name: str, start: int, stop: int) -> None:
        """Check the blocks holding bytes ``start:stop`` of section ``name`` (once each); raises
        :class:`IndexDamaged`."""
        if name in self._checked or stop <= start:
            return
        offset, nbytes, _dtype, crcs = self._section(name)
        done = self._checked_blocks.setdefault(name, set())
        for k in range(start // self._block, (min(stop, nbytes) - 1) // self._block + 1):
            if k not in done:
                at = self._start + offset + k * self._block
                view = memoryview(self._map)[at : at + min(self._block, nbytes - k * self._block)]
                try:
                    if zlib.crc32(view) != crcs[k]:
                        raise IndexDamaged(f"{self.path}: section {name} is damaged (checksum of block {k})")
                finally:
                    view.release()
                done.add(k)

    def blob(self, name: str) -> memoryview:
        """Section ``name`` as bytes (a memoryview over the mapping; checked on first use)."""
        offset, nbytes, _dtype, _crcs = self._section(name)
        self.check(name)
        return memoryview(self._map)[self._start + offset : self._start + offset + nbytes]

    def check(self, name: str) -> None:
        """Check every block of section ``name`` against its CRC, once per process; raises :class:`IndexDamaged`."""
        if name in self._checked:
            return
        offset, nbytes, _dtype, crcs = self._section(name)
        done = self._checked_blocks.get(name, set())
        view = memoryview(self._map)[self._start + offset : self._start + offset + nbytes]
        try:
            for k, crc in enumerate(crcs):
                if k not in done and zlib.crc32(view[k * self._block : (k + 1) * self._block]) != crc:
                    raise IndexDamaged(f"{self.path}: section {name} is damaged (checksum of block {k})")
        finally:
            view.release()
        self._checked.add(name)

    def read(self, name: str, start: int, stop: int) -> bytes:
        """Bytes ``start:stop`` of section ``name``, read from the file rather than the mapping.

        For what is read one paper at a time (abstracts, details): touching a
        mapped page can make the kernel map a whole large folio of page cache
        (up to 2 MB) into the process, measured at 3.7 MB resident per paper
        read; a pread costs a system call (about a microsecond) and no memory.
        The blocks holding the bytes are checked on their first read.
        """
        offset, nbytes, _dtype, crcs = self._section(name)
        stop = min(stop, nbytes)
        if stop <= start:
            return b""
        if name in self._checked:
            return self._pread(self._start + offset + start, stop - start)
        done = self._checked_blocks.setdefault(name, set())
        first, last = start // self._block, max(start, stop - 1) // self._block
        if all(k in done for k in range(first, last + 1)):
            return self._pread(self._start + offset + start, stop - start)
        block = self._block
        span = self._pread(self._start + offset + first * block, min(nbytes, (last + 1) * block) - first * block)
        pieces = memoryview(span)
        for k in range(first, last + 1):
            if k not in done:
                if zlib.crc32(pieces[(k - first) * block : (k - first + 1) * block]) != crcs[k]:
                    raise IndexDamaged(f"{self.path}: section {name} is damaged (checksum of block {k})")
                done.add(k)
        return span[start - first * block : stop - first * block]

    def _pread(self, at: int, count: int) -> bytes:
        if self._fd is None:
            return self._map[at : at + count]
        return os.pread(self._fd, count, at)

    def verify(self) -> None:
        """Check every section's CRCs (reads the whole file); raises :class:`IndexDamaged`."""
        for name in self.meta["sections"]:
            self.check(name)

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
