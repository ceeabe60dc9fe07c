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
import socket
import time
from pathlib import Path
from typing import BinaryIO, Callable

#: Temporaries of writers on other hosts (a shared home) count as stale after this long.
FOREIGN_TEMPORARY_AGE = 24 * 3600.0
#: Temporaries in the older ``.<name>.<random>.tmp`` form count as stale after this long.
UNTAGGED_TEMPORARY_AGE = 60.0

_HOST = re.sub(r"[^A-Za-z0-9-]+", "-", socket.gethostname())[:32] or "host"
_TAGGED = re.compile(r"^\..+\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")
_UNTAGGED = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def create_temporary(path: Path, mode: int | None = None, readable: bool = False) -> tuple[int, Path]:
    """A new temporary file beside ``path`` for an atomic replace: ``(fd, its path)``.

    Named ``.<name>.<host>.<pid>.<random>.tmp`` (so a later start can tell a
    dead writer's leftover from a live one's file) and created with the user's
    umask, or with permission bits ``mode``; opened write-only, or with ``readable`` for reading too.
    """
    access = os.O_RDWR if readable else os.O_WRONLY
    while True:
        tmp = path.with_name(f".{path.name}.{_HOST}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        try:
            fd = os.open(tmp, access | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:  # (a read-only folder...): name the file meant, not our temporary
            exc.filename, exc.filename2 = str(path), None
            raise
        if mode is not None:
            try:
                os.fchmod(fd, mode)
            except OSError:
                pass
        return fd, tmp


def write_through_temporary(
    path: Path,
    fill: Callable[[BinaryIO], object],
    info: os.stat_result | None = None,
    keep_owner: bool = False,
    durable: bool = True,
    readable: bool = False,
) -> None:
    """Replace ``path`` atomically with what ``fill`` writes into the open temporary.

    The temporary sits beside ``path`` (so the rename is atomic), takes the
    permission bits of ``info`` (the replaced file's stat) or the user's umask,
    and with ``keep_owner`` the replaced file's owner; it is fsynced before the
    rename and the folder after it, and removed when anything fails. Without
    ``durable`` nothing is fsynced: the caller makes a batch of writes durable
    at once (:func:`flush_file_system`) before anything refers to them. With ``readable``,
    ``fill`` may read back what it wrote.
    """
    fd, tmp = create_temporary(path, None if info is None else info.st_mode & 0o7777, readable)
    try:
        with os.fdopen(fd, "w+b" if readable else "wb") as handle:
            fill(handle)
            handle.flush()
            if keep_owner and info is not None and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
                os.fchown(handle.fileno(), info.st_uid, info.st_gid)
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and exc.filename is not None and os.fspath(exc.filename) == str(tmp):
            # Say which file could not be written, not our temporary's name.
            exc.filename, exc.filename2 = str(path), None
        raise
    if durable:
        fsync_directory(path.parent)


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file, fsync and rename.

    The temporary file lives in the same directory so the rename is atomic; the
    directory is fsynced too so the rename itself survives a power loss. A
    file replaced keeps its permission bits. ``durable``: see :func:`write_through_temporary`.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError:
        info = None
    write_through_temporary(path, lambda handle: handle.write(data), info, durable=durable)


def replace_user_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a file the user owns (an export), atomically, keeping
    what the user set on it.

    A symbolic link is followed (the link stays a link).  An existing file keeps
    its permission bits and owner; when that can't be done through a new file
    (another user's file, or a folder we may not write), the file is rewritten
    in place instead, so it stays theirs.  A new file gets the usual permissions
    (0666 less the umask), not the 0600 of a temporary file.
    """
    path = Path(os.path.realpath(path))
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    try:
        write_through_temporary(path, lambda handle: handle.write(data), info, keep_owner=True)
    except PermissionError:
        if info is None:
            raise
        with open(path, "r+b") as handle:
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8, atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def flush_file_system(folder: Path) -> None:
    """Make every write so far on the file system holding ``folder`` durable, at once.

    One ``syncfs(2)`` where the C library has it (Linux), else ``sync(2)``: what
    thousands of writes made without fsync (``durable=False``) need before a
    file that refers to them is written, at the cost of one flush instead of
    two per file.
    """
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        os.sync()
        return
    try:
        if _syncfs is None or _syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def _find_syncfs() -> Callable[[int], int] | None:
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None


_syncfs = _find_syncfs()


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
