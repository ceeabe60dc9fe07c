"""What every part of the store shares: its error, report and small helpers."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..models import Problem

#: Called as ``progress(done, total)`` during long operations.
Progress = Callable[[int, int], None]


class StoreError(Exception):
    """A change could not be saved (read-only home, lock timeout, full disk...).

    The message is meant for the user, e.g. shown by the UI as a notification.
    """


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
    #: Each file read (its resolved path) -> what it brought.
    digests: dict[str, DigestOutcome] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DigestOutcome:
    """What one digest file read by an import brought: its category and date (from
    its header, else its path; ``None`` when unknown) and how many papers were new
    to the library or a newer version (a paper is counted in the first file of
    the import that lists it)."""

    category: str | None
    date: str | None
    papers_new: int
    papers_updated: int
    #: How many distinct papers (ids) the file lists.
    papers_listed: int = 0


@contextmanager
def gc_paused(freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects.

    Loading 200,000 papers creates millions of lists and dicts; every few
    hundred allocations the collector would walk all of them again, which more
    than doubles the load time. Nothing built here forms cycles.

    With ``freeze``, every object alive on exit is moved to the collector's
    permanent generation (``gc.freeze()``): the papers live as long as the
    program, and otherwise the first collection after the load (on whatever
    thread allocates next, e.g. the one painting the first rows) would walk
    all of them once more, about a second at 200,000 papers.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


def utc_now() -> str:
    """The current time as an ISO timestamp in UTC, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
