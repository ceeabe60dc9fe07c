"""Reading and writing a file the user named (an export), without ever losing
what it held.

* Only regular files are read or replaced, and at most :data:`MAX_READ_BYTES`
  of them.  A FIFO, a character device (``/dev/null``, a terminal) or an open
  descriptor (``/dev/stdout``, ``/dev/fd/63`` from ``>(cmd)``) is written
  straight to, never read and never replaced (:func:`write_stream`).
* A file without any write permission bit is refused, even to root.
* Every read-modify-write happens under :func:`locked`, an exclusive lock on
  the file's folder (:mod:`tui.core.folder_lock`), so two exports to one file
  (or an export and the reader's copy menu) take turns instead of losing one
  another's entries.
* :func:`replace_file` writes a new file beside the old and renames it over
  (a crash leaves the old file or the new one), keeping mode and owner; its
  temporary is named ``.NAME.<host>.<pid>.<random>.tmp`` (:mod:`tui.core.atomic`)
  and one a killed export left behind is removed by the next write to NAME.
* :func:`append_to_file` adds bytes at the end of the file in place (hard links,
  owner, ACLs stay); if the write fails the file is cut back to its old length.
* Text is UTF-8: a byte-order mark is kept, the file's line endings (LF or
  CRLF) are used for what is added, and UTF-16 files are refused rather than
  corrupted.

Every error is a :class:`UserFileError` whose message names the user's file.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .atomic import is_stale_temporary, write_through_temporary
from .folder_lock import LockTimeout
from .folder_lock import locked as _folder_locked

#: The largest file read (a .bib of a whole research group is a few megabytes).
MAX_READ_BYTES = 64 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"


class UserFileError(Exception):
    """The file can't be read or written as asked; nothing was changed."""


@dataclass(slots=True)
class FileText:
    """A regular file's contents (or the absence of one)."""

    path: Path  # the real path (symbolic links resolved)
    exists: bool
    data: bytes = b""
    text: str = ""  # decoded, without the byte-order mark
    bom: bool = False
    newline: str = "\n"
    utf8: bool = True
    info: os.stat_result | None = None

    def encode(self, text: str) -> bytes:
        """``text`` (written with ``\\n``) in this file's line endings, as UTF-8."""
        if self.newline != "\n":
            text = text.replace("\r\n", "\n").replace("\n", self.newline)
        return text.encode("utf-8")


def real_path(path: Path) -> Path:
    """``path`` with symbolic links resolved (a link stays a link; its target is written)."""
    return Path(os.path.realpath(os.path.expanduser(path)))


def stream_descriptor(path: Path) -> int | None:
    """The descriptor ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N`` or
    ``/proc/self/fd/N`` stand for, else None."""
    text = str(path)
    named = {"/dev/stdout": 1, "/dev/stderr": 2}
    if text in named:
        return named[text]
    for prefix in ("/dev/fd/", "/proc/self/fd/"):
        if text.startswith(prefix) and text[len(prefix) :].isdigit():
            return int(text[len(prefix) :])
    return None


def kind_of(path: Path) -> str:
    """``"missing"``, ``"regular"``, ``"stream"`` (FIFO, character device or an
    open descriptor: written straight to) or what else it is, in words."""
    if stream_descriptor(path) is not None:
        return "stream"
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except NotADirectoryError:
        return "missing"
    if stat.S_ISREG(mode):
        return "regular"
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return "stream"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def describe_kind(path: Path) -> str:
    """What a non-regular file is, for messages ("a FIFO", "a character device")."""
    if stream_descriptor(path) is not None:
        return "an open descriptor"
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "missing"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    return kind_of(path)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """:func:`tui.core.folder_lock.locked`, its timeout a :class:`UserFileError`."""
    try:
        with _folder_locked(path):
            yield
    except LockTimeout as error:
        raise UserFileError(str(error)) from None


# -- reading -------------------------------------------------------------------------------


def read_file(path: Path, shown: Path | str | None = None) -> FileText:
    """Read the regular file at ``path`` (or note that there is none).

    Refuses (:class:`UserFileError`) a folder, anything but a regular file, a
    file over :data:`MAX_READ_BYTES` and UTF-16/UTF-32 text.  ``shown`` is the
    name used in messages (default: ``path``).
    """
    shown = shown if shown is not None else path
    real = real_path(path)
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return FileText(path=real, exists=False)
    except IsADirectoryError:
        raise UserFileError(f"{shown} is a folder; nothing written") from None
    except OSError as error:
        raise UserFileError(f"can't read {shown}: {error.strerror}; nothing written") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UserFileError(f"{shown} is {describe_kind(real)}, not a regular file; nothing written")
        if info.st_size > MAX_READ_BYTES:
            raise UserFileError(
                f"{shown} is {info.st_size / 2**20:,.0f} MiB, more than the {MAX_READ_BYTES // 2**20} MiB "
                "this tool reads; nothing written"
            )
        chunks = []
        size = 0
        while size <= MAX_READ_BYTES:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_READ_BYTES:
            raise UserFileError(f"{shown} grew past {MAX_READ_BYTES // 2**20} MiB while being read; nothing written")
        data = b"".join(chunks)
    except OSError as error:
        raise UserFileError(f"can't read {shown}: {error.strerror}; nothing written") from None
    finally:
        os.close(fd)
    return _decoded(real, data, info, shown)


def _decoded(real: Path, data: bytes, info: os.stat_result, shown: Path | str) -> FileText:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise UserFileError(
            f"{shown} looks like UTF-16 (or binary) text; this tool writes UTF-8 and would corrupt it. "
            "Convert it to UTF-8 first; nothing written"
        )
    bom = data.startswith(_BOM)
    body = data[len(_BOM) :] if bom else data
    try:
        text, utf8 = body.decode("utf-8"), True
    except UnicodeDecodeError:
        text, utf8 = body.decode("utf-8", errors="surrogateescape"), False
    crlf = body.count(b"\r\n")
    newline = "\r\n" if crlf and crlf * 2 >= body.count(b"\n") else "\n"
    return FileText(path=real, exists=True, data=data, text=text, bom=bom, newline=newline, utf8=utf8, info=info)


def check_writable(existing: FileText, shown: Path | str) -> None:
    """Refuse a file that has no write permission for us, or no write bit at
    all (root could write it, but the user made it read-only)."""
    if not existing.exists or existing.info is None:
        return
    mode = existing.info.st_mode
    if not mode & 0o222 or not os.access(existing.path, os.W_OK):
        raise UserFileError(
            f"{shown} is read-only (mode {stat.S_IMODE(mode):04o}); nothing written. "
            f"Make it writable (chmod u+w) to let this export change it"
        )


# -- writing -------------------------------------------------------------------------------


def replace_file(existing: FileText, data: bytes, shown: Path | str) -> None:
    """Replace the file (or create it) with ``data``, atomically.

    An existing file keeps its mode and owner; when that can't be done through
    a new file (another user's file, a folder we may not write), it is
    rewritten in place instead.  A new file gets 0666 less the umask.
    """
    path = existing.path
    _remove_stale_temporaries(path)
    try:
        write_through_temporary(path, lambda handle: handle.write(data), existing.info, keep_owner=True)
    except PermissionError:
        if existing.info is None:
            raise UserFileError(f"can't create {shown}: permission denied; nothing written") from None
        _rewrite_in_place(path, data, shown)
    except OSError as error:
        if existing.info is None:
            raise UserFileError(f"can't create {shown}: {error.strerror or error}; nothing written") from None
        raise UserFileError(f"can't write {shown}: {error.strerror or error}; the file is unchanged") from None


def _rewrite_in_place(path: Path, data: bytes, shown: Path | str) -> None:
    try:
        with open(path, "r+b") as handle:
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        raise UserFileError(f"can't write {shown}: {error.strerror or error}") from None


def _remove_stale_temporaries(path: Path) -> None:
    """Temporaries a killed export of this file left beside it (their writer is
    gone: :func:`tui.core.atomic.is_stale_temporary`); nothing else is touched."""
    prefix = f".{path.name}."
    try:
        entries = [entry for entry in os.scandir(path.parent) if entry.name.startswith(prefix)]
    except OSError:
        return
    for entry in entries:
        if entry.is_file(follow_symlinks=False) and is_stale_temporary(entry):
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def append_to_file(existing: FileText, data: bytes, shown: Path | str) -> None:
    """Add ``data`` at the end of the file, in place (or create the file).

    Every byte already there stays where it is; if the write fails part way the
    file is cut back to its old length, so it is as it was.
    """
    if not existing.exists:
        _create(existing.path, data, shown)
        return
    try:
        fd = os.open(existing.path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise UserFileError(f"can't write {shown}: {error.strerror}; nothing written") from None
    try:
        info = os.fstat(fd)
        if existing.info is None or (info.st_dev, info.st_ino) != (existing.info.st_dev, existing.info.st_ino):
            raise UserFileError(f"{shown} was replaced while being read; nothing written, try again")
        if info.st_size != len(existing.data):
            raise UserFileError(f"{shown} changed while being read; nothing written, try again")
        try:
            os.lseek(fd, len(existing.data), os.SEEK_SET)
            _write_all(fd, data)
            os.fsync(fd)
        except OSError as error:
            try:
                os.ftruncate(fd, len(existing.data))
            except OSError:  # pragma: no cover - the device vanished
                pass
            raise UserFileError(f"can't write {shown}: {error.strerror}; the file is as it was") from None
    finally:
        os.close(fd)


def _create(path: Path, data: bytes, shown: Path | str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise UserFileError(f"{shown} appeared while being written; nothing written, try again") from None
    except OSError as error:
        raise UserFileError(f"can't create {shown}: {error.strerror}; nothing written") from None
    try:
        _write_all(fd, data)
        os.fsync(fd)
    except OSError as error:
        os.close(fd)
        os.unlink(path)
        raise UserFileError(f"can't write {shown}: {error.strerror}; nothing written") from None
    os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_stream(path: Path, data: bytes, shown: Path | str) -> None:
    """Write ``data`` straight to a FIFO, a character device or an open
    descriptor: nothing is read, nothing is replaced.

    A FIFO that nothing reads is refused at once rather than waited on forever.
    """
    descriptor = stream_descriptor(path)
    if descriptor is not None:
        try:
            fd = os.dup(descriptor)
        except OSError:
            raise UserFileError(f"can't write {shown}: descriptor {descriptor} is not open") from None
    else:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        except OSError as error:
            if error.errno == errno.ENXIO:
                raise UserFileError(f"{shown} is a FIFO that nothing is reading; nothing written") from None
            raise UserFileError(f"can't write {shown}: {error.strerror}") from None
        info = os.fstat(fd)
        if not (stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode)):
            os.close(fd)
            raise UserFileError(f"{shown} changed while being opened; nothing written")
        os.set_blocking(fd, True)
    try:
        _write_all(fd, data)
    except BrokenPipeError:
        raise
    except OSError as error:
        raise UserFileError(f"can't write {shown}: {error.strerror}") from None
    finally:
        os.close(fd)
