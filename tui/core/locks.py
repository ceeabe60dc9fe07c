"""``filelock``'s ``FileLock`` and ``Timeout``, imported only when first used.

Importing filelock costs about 30 ms (it pulls in ``secrets``, ``hmac`` and
``random``), a tenth of a read-only command's budget, and such a command never
takes a lock. Use ``locks.FileLock(...)`` and ``except locks.Timeout`` (the name
is looked up only once an exception is being matched).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from filelock import FileLock, Timeout

__all__ = ["FileLock", "LazyFileLock", "Timeout"]


def __getattr__(name: str) -> Any:
    if name in ("FileLock", "Timeout"):
        import filelock

        return getattr(filelock, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class LazyFileLock:
    """A ``FileLock`` made (and filelock imported) when first used, the same object after
    (so it stays re-entrant in a thread). ``with`` it, or call any of FileLock's methods."""

    def __init__(self, path: str, timeout: float = -1) -> None:
        self._path, self._timeout = path, timeout
        self._lock: FileLock | None = None
        self._making = threading.Lock()

    def get(self) -> FileLock:
        """The lock itself."""
        if self._lock is None:
            with self._making:
                if self._lock is None:
                    from filelock import FileLock

                    self._lock = FileLock(self._path, timeout=self._timeout)
        return self._lock

    def __enter__(self) -> FileLock:
        return self.get().__enter__()

    def __exit__(self, *exc: Any) -> None:
        self.get().__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)
