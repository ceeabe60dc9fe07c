"""Watching digest folders: new and changed day files imported once they are finished.

Headless (no Textual): ``arxiv-reader import --watch`` prints what
:class:`DigestWatcher` yields, and a reader can run the same loop in a worker.

A day file usually arrives whole (``git pull``, a sync tool's rename), but a
script writing it in place leaves it half-written for a while. A changed file
is therefore imported only when

* it has *settled*: the same size and modification time for ``settle`` seconds,
  and
* it *looks finished* (:func:`unfinished`): it ends with a line end and its last
  paper block has its Summary line.

A file that settles unfinished is said once (:class:`Notice`) and waits for its
next change; nothing of it enters the library before it is finished. Folders
created under a watched one (a new month) are scanned, since files written
into them before the watch reached them give no event.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .digest_files import find_digest_files
from .models import Problem
from .store import DigestOutcome, ImportReport, Store, StoreError

#: Seconds a changed file must keep its size and time before it is read.
SETTLE_SECONDS = 1.0
#: How much of a file's end is read to see whether its last block is finished
#: (the longest real block, a 942-author paper, is about 17 KB).
TAIL_BYTES = 256 * 1024
#: The line every finished paper block has (the last field of a block).
_SUMMARY = b"\n- **Summary**:"


@dataclass(frozen=True)
class Arrival:
    """One digest file imported: what it brought (``outcome``) and its problems."""

    path: str
    outcome: DigestOutcome
    problems: tuple[Problem, ...] = ()

    @property
    def message(self) -> str:
        """E.g. ``37 new papers in cs.CV, 2026-11-28``."""
        out = self.outcome
        where = f"{out.category or 'an unknown category'}, {out.date or 'an unknown date'}"
        noun = "paper" if out.papers_new == 1 else "papers"
        text = f"{out.papers_new} new {noun} in {where}"
        extra = []
        if out.papers_updated:
            extra.append(f"{out.papers_updated} updated")
        known = out.papers_listed - out.papers_new - out.papers_updated
        if known > 0:
            extra.append(f"{known} already in the library")
        if self.problems:
            extra.append(f"{len(self.problems)} problem{'s' if len(self.problems) > 1 else ''}")
        return text + (f" ({', '.join(extra)})" if extra else "")


@dataclass(frozen=True)
class Notice:
    """Something to tell the user that is not an import: a file waiting, an error."""

    message: str
    path: str | None = None
    error: bool = False
    #: The watch has begun (everything before it is imported or waiting).
    started: bool = False
    #: The library changed all the same: another arxiv-reader imported the file first.
    library_changed: bool = False


WatchEvent = Arrival | Notice


def unfinished(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` looks half-written (``None``: it looks finished).

    Finished: it ends with a line end and its last ``###`` block has a Summary.
    A file of no block at all (a header alone) is unfinished too.
    """
    try:
        with open(path, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - TAIL_BYTES))
            tail = handle.read()
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if not tail.strip(b"\x00 \t\r\n"):
        return "is empty"
    if not tail.endswith(b"\n"):
        return "ends in the middle of a line"
    tail = tail.replace(b"\r\n", b"\n")
    block = tail.rfind(b"\n### ")
    if block < 0 and not tail.startswith(b"### "):
        return "holds no paper yet" if size <= TAIL_BYTES else None  # (a block longer than the tail: taken as is)
    if _SUMMARY not in tail[block:]:
        return "its last paper has no Summary yet"
    return None


def import_finished(store: Store, paths: Sequence[Path], progress=None) -> ImportReport:
    """``store.import_paths(paths)`` leaving out the changed files that look unfinished
    (each named in the report's problems): what the reader imports as it opens."""
    files, _ = find_digest_files(paths)
    waiting = {str(file): why for file in store.changed_files(files) if (why := unfinished(file))}
    if not waiting:
        return store.import_paths(paths, progress)
    report = store.import_paths([file for file in files if str(file) not in waiting], progress)
    report.problems.extend(
        Problem(file, 0, f"{why}: not imported until it is finished") for file, why in waiting.items()
    )
    return report


@dataclass
class _Pending:
    """A changed file waiting to settle: its last (size, mtime_ns) and since when."""

    signature: tuple[int, int]
    since: float
    said: bool = False  # its "unfinished" notice was given for this signature


def _signature(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _hidden(path: str, roots: Sequence[str]) -> bool:
    """Whether a path has a hidden part below its watched root (``.git``, a sync tool's temporary)."""
    for root in roots:
        if path == root or path.startswith(root + os.sep):
            return any(part.startswith(".") for part in path[len(root):].split(os.sep) if part)
    return os.path.basename(path).startswith(".")


@dataclass
class DigestWatcher:
    """Import new and changed digest files under ``paths`` into ``store`` as they arrive.

    Iterate :meth:`events` (blocking) to get :class:`Arrival` and :class:`Notice`
    objects; set ``stop`` to end it (checked at least every ``poll`` seconds).
    """

    store: Store
    paths: Sequence[Path]
    settle: float = SETTLE_SECONDS
    stop: threading.Event = field(default_factory=threading.Event)
    #: Seconds between two looks at the files waiting to settle.
    poll: float = 0.25
    #: The clock (tests may pass their own).
    clock: Callable[[], float] = time.monotonic
    _pending: dict[str, _Pending] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        # As given and resolved: events name paths under the one the watch was given.
        self.roots = sorted({os.path.abspath(p) for p in self.paths} | {os.path.realpath(p) for p in self.paths})

    # -- the loop ----------------------------------------------------------------------
    def catch_up(self) -> Iterator[WatchEvent]:
        """Import what changed under ``paths`` since the last import: the changed files
        that look finished; one modified in the last ``settle`` seconds waits to settle
        like a changed one, one that looks unfinished waits for its next change (said)."""
        files, problems = find_digest_files(self.paths)
        for problem in problems:
            yield Notice(str(problem), problem.path, error=True)
        now = time.time()
        for file in map(str, self.store.changed_files(files)):
            signature = _signature(file)
            if file in self._pending or signature is None:
                continue
            # Recent: settles from now. Else it is checked at once (settled long ago).
            since = self.clock() if now - signature[1] / 1e9 < self.settle else self.clock() - self.settle
            self._pending[file] = _Pending(signature, since)
        yield from self.check_pending()

    def events(self) -> Iterator[WatchEvent]:
        """Catch up, then yield what arrives until :attr:`stop` is set."""
        from watchfiles import watch

        yield from self.catch_up()
        started = False
        for changes in watch(
            *self.paths, watch_filter=self._wanted, stop_event=self.stop, debounce=400, step=50,
            rust_timeout=max(1, int(self.poll * 1000)), yield_on_timeout=True, raise_interrupt=False,
        ):
            if not started:  # the watch runs from here: what came before it is caught up now
                started = True
                yield from self.catch_up()
                yield Notice("watching " + ", ".join(map(str, self.paths)), started=True)
            self.note_changes(path for _, path in changes)
            yield from self.check_pending()
            if self.stop.is_set():
                return

    def note_changes(self, paths: Iterable[str]) -> None:
        """Files (or new folders) that changed: each file waits to settle from now."""
        now = self.clock()
        for path in paths:
            if os.path.isdir(path):  # a new folder: what was written in it before its watch began
                found, _ = find_digest_files([Path(path)])
                candidates = [str(file) for file in found]
            else:
                candidates = [path]
            for file in candidates:
                signature = _signature(file)
                if signature is None:  # gone again: its papers stay in the library
                    self._pending.pop(file, None)
                    continue
                pending = self._pending.get(file)
                if pending is None or pending.signature != signature:
                    self._pending[file] = _Pending(signature, now)

    def check_pending(self) -> Iterator[WatchEvent]:
        """Import the waiting files that settled finished; say once which settled unfinished."""
        now = self.clock()
        ready = []
        for file, pending in list(self._pending.items()):
            signature = _signature(file)
            if signature is None:
                del self._pending[file]
            elif signature != pending.signature:  # still being written
                self._pending[file] = _Pending(signature, now)
            elif now - pending.since >= self.settle:
                why = unfinished(file)
                if why is None:
                    ready.append(file)
                    del self._pending[file]
                elif not pending.said:
                    pending.said = True
                    yield Notice(
                        f"{file} {why}: waiting for it to be finished "
                        f"(to take it as it is: arxiv-reader import {file})", file,
                    )
        yield from self._import(ready)

    @property
    def waiting(self) -> list[str]:
        """The files changed but not imported yet."""
        return sorted(self._pending)

    # -- helpers -----------------------------------------------------------------------
    def _import(self, files: list[str]) -> Iterator[WatchEvent]:
        if not files:
            return
        try:
            report = self.store.import_paths([Path(file) for file in files])
        except StoreError as error:
            yield Notice(f"cannot import {len(files)} file(s): {error}; tried again at their next change",
                         error=True)
            return
        by_file: dict[str, list[Problem]] = {}
        for problem in report.problems:
            by_file.setdefault(os.path.realpath(problem.path), []).append(problem)
        for path, outcome in report.digests.items():
            yield Arrival(path, outcome, tuple(by_file.pop(path, ())))
        for file in files:  # read by no one here: another reader (a tab, a terminal) was first
            real = os.path.realpath(file)
            if real not in report.digests and real not in by_file:
                yield Notice(f"{file} arrived (imported by another arxiv-reader)", file, library_changed=True)
        for path, problems in by_file.items():  # files that could not be read at all
            for problem in problems:
                yield Notice(str(problem), path, error=True)

    def _wanted(self, change: object, path: str) -> bool:
        """The watch filter: digest files and folders, nothing hidden."""
        if _hidden(path, self.roots):
            return False
        return path.endswith(".md") or os.path.isdir(path)
