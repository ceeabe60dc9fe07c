"""The framing of the state's derived files (``state.snapshot``, ``state.positions``).

One header line of JSON naming the file's ``kind`` and describing its body
(``bytes`` and ``crc32`` of it, plus whatever the file keys itself by), then
the body. Reading tells three cases apart: missing or made for something else
(stale: None, computed again quietly), not of its kind or altered (damaged:
the caller's exception, said to the user), or whole.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson


def framed(header: dict[str, Any], body: bytes) -> bytes:
    """The file's content: ``header`` with the body's size and CRC-32 added, a newline, ``body``."""
    return orjson.dumps({**header, "bytes": len(body), "crc32": zlib.crc32(body)}) + b"\n" + body


def read_framed(
    path: Path,
    kind: str,
    what: str,
    damaged: Callable[[str], Exception],
    stale: Callable[[dict[str, Any]], bool],
) -> tuple[dict[str, Any], memoryview, int] | None:
    """The header, body and body's CRC-32 of the file at ``path``; None when it is missing or
    ``stale(header)`` says it was made for something else. Raises ``damaged(message)`` when it
    cannot be read, is not a ``kind`` file (said as "not a ``what``"), or its body does not match
    its header's size and checksum."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise damaged(f"cannot read {path}: {exc.strerror or exc}") from None
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
