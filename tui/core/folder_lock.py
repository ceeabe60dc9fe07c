"""An exclusive lock around a read-modify-write of one of the user's files.

The lock is taken on the file's folder (``flock``), which every export and the
reader's copy menu take before touching a file in it: no lock file is left in
the user's folder, and a file that does not exist yet is covered too.  Where
``flock`` can't be had, a lock file in the temporary folder stands in.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: How long to wait for another export to the same folder to finish.
LOCK_TIMEOUT = 30.0


class LockTimeout(Exception):
    """Another program held the folder's lock for longer than the timeout."""


@contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock for a read-modify-write of ``path`` (see the
    module docstring); :class:`LockTimeout` after ``timeout`` seconds."""
    folder = Path(os.path.realpath(os.path.expanduser(path))).parent
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield from _file_lock(folder, timeout)
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except (FileNotFoundError, NotADirectoryError):
        yield  # no folder, so no file to protect (writing will say so)
        return
    except OSError:
        yield from _file_lock(folder, timeout)
        return
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(
                        f"another program is still writing to {folder} after {timeout:.0f} s; nothing written"
                    ) from None
                time.sleep(0.02)
            except OSError:  # a file system without flock: best effort
                break
        yield
    finally:
        os.close(fd)


def _file_lock(folder: Path, timeout: float) -> Iterator[None]:  # pragma: no cover - fallback
    import hashlib

    from filelock import FileLock, Timeout

    name = hashlib.sha256(str(folder).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    lock_dir = Path(tempfile.gettempdir()) / "arxiv-reader-locks"
    lock_dir.mkdir(exist_ok=True)
    try:
        with FileLock(str(lock_dir / f"{name}.lock"), timeout=timeout):
            yield
    except Timeout:
        raise LockTimeout(f"another program is still writing to {folder}; nothing written") from None
