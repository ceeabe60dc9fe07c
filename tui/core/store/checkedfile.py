"""The framing of the state's derived files (``state.snapshot``, ``state.positions``).

One header line of JSON naming the file's ``kind`` and describing its body
(``bytes`` and ``crc32`` of it, plus whatever the file keys itself by), then
the body. Reading tells three cases apart: missing or made for something else
(stale: None, computed again quietly), not of its kind or altered (damaged:
the caller's exception, said to the user), or whole. A derived file is only
ever a regular file written here: anything else at its path (a FIFO, a device,
a symbolic link, a directory) or a file larger than it could be is damaged,
and is never waited on nor read whole into memory.
"""

from __future__ import annotations

import errno
import os
import stat
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from ..regular import NotARegularFile, open_regular


def framed(header: dict[str, Any], body: bytes) -> bytes:
    """The file's content: ``header`` with the body's size and CRC-32 added, a newline, ``body``."""
    return orjson.dumps({**header, "bytes": len(body), "crc32": zlib.crc32(body)}) + b"\n" + body


def in_the_way(path: Path) -> bool:
    """Whether a directory stands at ``path``: no atomic write (a rename) can replace it, so
    a derived file there cannot be rebuilt until the user moves it."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def rebuild_notice(path: Path, damage: str, instead: str, rebuilt: str) -> str:
    """What to say of a damaged derived file: ``damage``, what is done ``instead``, and that
    it is ``rebuilt`` (e.g. "rewritten"), unless a directory in its place keeps it from
    being so: then that, and what to do."""
    if in_the_way(path):
        return (f"{damage}: {instead}; it cannot be {rebuilt} while a directory is in its place"
                f" (nothing is written there): move or remove that directory")
    return f"{damage}: {instead}, and it is {rebuilt}"


def _read_regular(path: Path, what: str, limit: int, damaged: Callable[[str], Exception]) -> bytes | None:
    """The bytes of the regular file at ``path`` (None: missing), never following a symbolic
    link, never waiting on a FIFO, never reading more than ``limit`` bytes."""
    try:
        fd, info = open_regular(path, follow=False)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise damaged(f"{path} is a directory, not a {what}") from None
    except NotARegularFile:
        raise damaged(f"{path} is not a regular file (a FIFO, socket or device), not a {what}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise damaged(f"{path} is a symbolic link, not a {what}") from None
        raise damaged(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        if info.st_size > limit:
            raise damaged(f"{path} is too large to be a {what} ({info.st_size:,} bytes)")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(limit + 1)
    except OSError as exc:
        raise damaged(f"cannot read {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_framed(
    path: Path,
    kind: str,
    what: str,
    damaged: Callable[[str], Exception],
    stale: Callable[[dict[str, Any]], bool],
    limit: int,
) -> tuple[dict[str, Any], memoryview, int] | None:
    """The header, body and body's CRC-32 of the file at ``path``; None when it is missing or
    ``stale(header)`` says it was made for something else. Raises ``damaged(message)`` when it
    cannot be read, is not a regular file of at most ``limit`` bytes, is not a ``kind`` file
    (said as "not a ``what``"), or its body does not match its header's size and checksum."""
    data = _read_regular(path, what, limit, damaged)
    if data is None:
        return None
    if len(data) > limit:  # (grew while read)
        raise damaged(f"{path} is too large to be a {what} (over {limit:,} bytes)")
    end = data.find(b"\n")
    try:
        header = orjson.loads(data[:end]) if end > 0 else None
    except orjson.JSONDecodeError:
        header = None
    if type(header) is not dict or header.get("kind") != kind:
        raise damaged(f"{path} is not a {what}")
    if stale(header):
        return None
    body = memoryview(data)[end + 1 :]
    crc = zlib.crc32(body)
    if header.get("bytes") != len(body) or header.get("crc32") != crc:
        raise damaged(f"{path} is damaged (cut short or altered: its checksum does not match)")
    return header, body, crc
