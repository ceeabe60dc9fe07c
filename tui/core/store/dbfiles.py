"""Reading database files carefully: change stamps, locks, moving a bad file aside.

A database that cannot be read is never replaced silently: it is moved aside
(``<name>.corrupt-<time>``) and the move is said in the store's messages.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any


from ..locks import LazyFileLock
from ..storage import AtomicJSONStorage, CorruptDatabase

#: How long a writer waits for another process's lock before giving up (seconds).
LOCK_TIMEOUT = 15.0

#: A file's identity and version as far as a stat can tell: (mtime_ns, size, inode).
Stamp = tuple[int, int, int]


def file_stamp(path: Path) -> Stamp | None:
    """``(mtime_ns, size, inode)`` of ``path``; ``None`` when it can't be stat'ed."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def lock_for(path: Path) -> LazyFileLock:
    """The inter-process lock guarding writes to ``path`` (``<path>.lock``)."""
    return LazyFileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT)


def aside_path(path: Path) -> Path:
    """A free name beside ``path`` for a damaged copy: ``<name>.corrupt-<time>[-n]``."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    return target


def quarantine(path: Path, reason: str, messages: list[str], afresh: str = "started afresh") -> None:
    """Move an unreadable database aside (never delete it) and say so (``afresh``: what
    starting without it means to the user)."""
    target = aside_path(path)
    try:
        os.replace(path, target)
    except OSError as exc:
        messages.append(f"{reason}; could not move it aside ({exc.strerror or exc}); ignoring it")
        return
    messages.append(f"{reason}; moved it to {target.name} and {afresh}")


def read_db(path: Path, messages: list[str], afresh: str = "started afresh") -> dict[str, Any] | None:
    """Raw, validated contents of a database (``None`` when missing or unreadable; ``afresh``:
    what starting without a damaged one means, for the notice)."""
    try:
        return AtomicJSONStorage(path).read()
    except CorruptDatabase as exc:
        quarantine(path, str(exc), messages, afresh)
    except OSError as exc:
        messages.append(f"cannot read {path}: {exc.strerror or exc}")
    return None
