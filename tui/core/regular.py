"""Reading files that must be regular files, without ever blocking.

``open()`` on a FIFO waits for a writer forever, and a device can be endless:
anything named like a digest or a data file might be either. Files are opened
with ``O_NONBLOCK`` and checked to be regular before a byte is read.
"""

from __future__ import annotations

import errno
import os
import stat


class NotARegularFile(OSError):
    """A path that is not a regular file (a FIFO, socket or device)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(errno.EINVAL, "not a regular file (a FIFO, socket or device)", os.fspath(path))


def open_regular(path: str | os.PathLike[str], follow: bool = True) -> tuple[int, os.stat_result]:
    """A descriptor open for reading on the regular file ``path``, and its stat; OSError
    (IsADirectoryError, NotARegularFile...), never waiting on a FIFO. The caller closes it.

    With ``follow=False`` a symbolic link is refused (OSError ELOOP), not followed.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags if follow else flags | getattr(os, "O_NOFOLLOW", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", os.fspath(path))
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(path)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def read_regular(path: str | os.PathLike[str], follow: bool = True) -> tuple[bytes, os.stat_result]:
    """The bytes of ``path`` and its stat (see :func:`open_regular`)."""
    fd, info = open_regular(path, follow)
    try:
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(), info
    finally:
        os.close(fd)


def read_regular_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of ``path`` (see :func:`read_regular`)."""
    return read_regular(path)[0]

