"""The TinyDB-backed library of parsed digests and the user's reading state.

Only this module writes to disk. Layout under the data directory (``home``)::

    library/            the parsed digests (one shard per digest file + an index)
    state.json          read / starred per paper id (without version), small
    session.json        where the reader was (query, view, paper)

Every write is atomic (temporary file, fsync, rename). A database that cannot be
read is moved aside with a message in :attr:`Store.messages`, never replaced silently.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .models import Paper, PaperState, Problem

#: Called as ``progress(done, total)`` during long operations.
Progress = Callable[[int, int], None]


def default_home() -> Path:
    """``$ARXIV_READER_HOME`` or platformdirs' user data dir for arxiv-reader."""
    env = os.environ.get("ARXIV_READER_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("arxiv-reader", appauthor=False)


@dataclass(slots=True)
class ImportReport:
    """What an import did."""

    files_read: int = 0  # parsed because new or changed
    files_unchanged: int = 0  # skipped: same size and mtime as last time
    papers_new: int = 0
    papers_updated: int = 0
    papers_unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


class Store:
    """The library and the state, both TinyDB databases under ``home``."""

    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        #: Human-readable notices (e.g. "state.json was corrupt; moved to ...").
        self.messages: list[str] = []
        raise NotImplementedError

    # -- library -------------------------------------------------------------
    def import_paths(self, paths: Sequence[Path], progress: Progress | None = None) -> ImportReport:
        """Parse new or changed digest files under ``paths`` into the library."""
        raise NotImplementedError

    def load_papers(self, progress: Progress | None = None) -> list[Paper]:
        """Every paper of the library, merged, newest digest date first."""
        raise NotImplementedError

    def digest_count(self) -> int:
        """How many digest files the library holds."""
        raise NotImplementedError

    # -- state ---------------------------------------------------------------
    def states(self) -> dict[str, PaperState]:
        """The user's state for every paper that has any (read from disk if changed)."""
        raise NotImplementedError

    def set_read(self, ids: Iterable[str], read: bool = True) -> None:
        """Mark papers read or unread; persisted before returning."""
        raise NotImplementedError

    def set_starred(self, ids: Iterable[str], starred: bool = True) -> None:
        """Star or unstar papers; persisted before returning."""
        raise NotImplementedError

    # -- session -------------------------------------------------------------
    def load_session(self) -> dict:
        """Where the reader was when it last ran ({} when unknown)."""
        raise NotImplementedError

    def save_session(self, session: dict) -> None:
        raise NotImplementedError
