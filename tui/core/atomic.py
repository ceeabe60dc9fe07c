"""Atomic file writes: a crash at any moment leaves the old file or the new one.

A write goes to a temporary file beside the target, named
``.<name>.<host>.<pid>.<random>.tmp``, which is fsynced and renamed over the
target; then the folder is fsynced so the rename survives a power loss. The
temporary is created with the user's umask (a new file gets the permissions
any other file the user creates would get) or, when replacing a file, with that
file's permissions. A process killed mid-write leaves its temporary behind:
:func:`remove_stale_temporaries` deletes those whose writer is gone.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import time
from pathlib import Path

#: Temporaries of writers on other hosts (a shared home) count as stale after this long.
FOREIGN_TEMPORARY_AGE = 24 * 3600.0
#: Temporaries in the older ``.<name>.<random>.tmp`` form count as stale after this long.
UNTAGGED_TEMPORARY_AGE = 60.0

_HOST = re.sub(r"[^A-Za-z0-9-]+", "-", socket.gethostname())[:32] or "host"
_TAGGED = re.compile(r"^\..+\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")
_UNTAGGED = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def _create_temporary(path: Path) -> tuple[int, Path]:
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        mode = None
    while True:
        tmp = path.with_name(f".{path.name}.{_HOST}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        if mode is not None:
            try:
                os.fchmod(fd, mode)  # keep the permissions the user gave the file
            except OSError:
                pass
        return fd, tmp


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, fsync and rename.

    The temporary file lives in the same directory so the rename is atomic; the
    directory is fsynced too so the rename itself survives a power loss.
    """
    path = Path(path)
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_directory(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8, atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def fsync_directory(directory: Path) -> None:
    """fsync a folder so a rename or a new file in it survives a power loss."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # some platforms can't open directories; the rename still happened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process: alive
        return True
    return True


def is_stale_temporary(entry: os.DirEntry[str] | Path, now: float | None = None) -> bool:
    """Whether ``entry`` is a temporary of :func:`atomic_write_bytes` whose writer is gone."""
    name = entry.name
    if not (name.startswith(".") and name.endswith(".tmp")):
        return False
    now = time.time() if now is None else now
    tagged = _TAGGED.match(name)
    try:
        age = now - entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return False
    if tagged is not None:
        if tagged["host"] == _HOST:
            return int(tagged["pid"]) != os.getpid() and not _pid_alive(int(tagged["pid"]))
        return age > FOREIGN_TEMPORARY_AGE
    return _UNTAGGED.match(name) is not None and age > UNTAGGED_TEMPORARY_AGE


def remove_stale_temporaries(directory: Path) -> list[Path]:
    """Delete the temporaries killed writers left in ``directory``; the ones removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if entry.is_file(follow_symlinks=False) and is_stale_temporary(entry, now):
            try:
                os.unlink(entry.path)
            except OSError:
                continue
            removed.append(Path(entry.path))
    return removed
