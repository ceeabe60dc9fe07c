"""Watching digest folders: new and changed day files imported once they are finished.

Headless (no Textual): ``arxiv-reader import --watch`` prints what
:class:`DigestWatcher` yields, and a reader can run the same loop in a worker.

A day file usually arrives whole (``git pull``, a sync tool's rename), but a
script writing it in place leaves it half-written for a while. A changed file
is therefore imported only when

* it has *settled*: the same size and modification time for ``settle`` seconds,
  and
* it *looks finished* (:func:`.finished.unfinished`): it ends with a line end and its last
  paper block has its Summary line.

A file that settles unfinished is said once (:class:`Notice`) and waits for its
next change; nothing of it enters the library before it is finished. Folders
created under a watched one (a new month) are scanned, since files written
into them before the watch reached them give no event; only the files in them
that the library doesn't hold as they are now are taken (a ``touch`` of a
folder brings nothing). Files that can't be imported because another
arxiv-reader holds the library's lock stay waiting and are tried again, ever
later, until they are in. A watched folder that is removed or moved is said,
and watched again once it is back.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .digest_files import find_digest_files
from .finished import unfinished
from .models import Problem
from .store import DigestOutcome, ImportReport, Store, StoreError

#: Seconds a changed file must keep its size and time before it is read.
SETTLE_SECONDS = 1.0
#: Seconds before files that met a busy library are tried again (doubled each time, up to the last).
RETRY_SECONDS = (1.0, 2.0, 4.0, 8.0, 15.0)


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
    #: How many day files the notice is about (files another reader imported: one notice for a burst).
    files: int = 0


WatchEvent = Arrival | Notice


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


def _identities(paths: Sequence[Path]) -> dict[str, tuple[int, int] | None]:
    """Each folder's (device, inode), or None when it is not there: a folder
    removed and made again, or moved away, is not the folder watched."""
    found: dict[str, tuple[int, int] | None] = {}
    for path in paths:
        try:
            st = os.stat(path)
            found[str(path)] = (st.st_dev, st.st_ino)
        except OSError:
            found[str(path)] = None
    return found


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
    #: Also say when another process changed the library (a reader's list must follow it).
    library_changes: bool = False
    #: Files already said to be unfinished (by the import before the watch): not said again
    #: until they change.
    told: frozenset[str] = frozenset()
    _pending: dict[str, _Pending] = field(default_factory=dict, init=False)
    #: Files that met a busy library, the clock time they are tried again, and how many tries failed.
    _retry: list[str] = field(default_factory=list, init=False)
    _retry_at: float = field(default=0.0, init=False)
    _retries: int = field(default=0, init=False)
    _mark: object = field(default=None, init=False)
    _mark_checked: float = field(default=0.0, init=False)
    _seen: object = field(default=None, init=False)

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
            self._pending[file] = _Pending(signature, since, said=file in self.told)
        yield from self.check_pending()

    def events(self) -> Iterator[WatchEvent]:
        """Catch up, then yield what arrives until :attr:`stop` is set.

        The watch runs over the folders there now; when one goes (removed, moved,
        replaced) or comes back, that is said and the watch starts again."""
        yield from self.catch_up()
        present = _identities(self.paths)
        first = True
        while not self.stop.is_set():
            watched = [path for path in self.paths if present.get(str(path)) is not None]
            if watched:
                now = yield from self._watch(watched, present, started=first)
            else:  # nothing there to watch (or no folder at all): look again now and then
                time.sleep(self.poll)
                yield from self.check_library()
                now = _identities(self.paths)
            if first and not watched:
                yield Notice("watching " + ", ".join(map(str, self.paths)), started=True)
            first = False
            for path in self.paths:
                before, after = present.get(str(path)), now.get(str(path))
                if before is not None and after != before:
                    yield Notice(f"{path} was removed (or moved): watching for it to come back", str(path),
                                 error=True)
                elif before is None and after is not None:
                    yield Notice(f"{path} is back: watching it again", str(path))
                    yield from self.catch_up()
            present = now

    def _watch(self, paths: list[Path], present: dict[str, tuple[int, int] | None], started: bool
               ) -> Generator[WatchEvent, None, dict[str, tuple[int, int] | None]]:
        """Watch ``paths`` until :attr:`stop` or until a watched folder comes or goes;
        returns the folders' identities then."""
        from watchfiles import watch

        for changes in watch(
            *paths, watch_filter=self._wanted, stop_event=self.stop, debounce=400, step=50,
            rust_timeout=max(1, int(self.poll * 1000)), yield_on_timeout=True, raise_interrupt=False,
        ):
            if started:  # the watch runs from here: what came before it is caught up now
                started = False
                yield from self.catch_up()
                yield Notice("watching " + ", ".join(map(str, self.paths)), started=True)
            self.note_changes(path for _, path in changes)
            yield from self.check_pending()
            yield from self.check_library()
            now = _identities(self.paths)
            if self.stop.is_set() or now != present:
                return now
        return _identities(self.paths)

    def note_changes(self, paths: Iterable[str]) -> None:
        """Files (or new folders) that changed: each file the library doesn't hold as
        it is now waits to settle from now (a folder's new time, a link to a folder
        already watched, a file's new mode bring nothing)."""
        now = self.clock()
        candidates: dict[str, None] = {}
        for path in paths:
            if os.path.isdir(path):  # a new folder: what was written in it before its watch began
                found, _ = find_digest_files([Path(path)])
                candidates.update(dict.fromkeys(map(str, found)))
            else:
                candidates[path] = None
        known = [file for file in candidates if file not in self._pending and _signature(file) is not None]
        unchanged = set(known) - set(map(str, self.store.changed_files([Path(file) for file in known])))
        for file in candidates:
            if file in unchanged:
                continue
            signature = _signature(file)
            if signature is None:  # gone again: its papers stay in the library
                self._pending.pop(file, None)
                continue
            pending = self._pending.get(file)
            if pending is None or pending.signature != signature:
                self._pending[file] = _Pending(signature, now, said=pending.said if pending else False)

    def check_pending(self) -> Iterator[WatchEvent]:
        """Import the waiting files that settled finished; say once which settled unfinished."""
        now = self.clock()
        ready = []
        for file, pending in list(self._pending.items()):
            signature = _signature(file)
            if signature is None:
                del self._pending[file]
            elif signature != pending.signature:  # still being written
                self._pending[file] = _Pending(signature, now, said=pending.said)
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
        if self._retry and now >= self._retry_at:
            ready.extend(file for file in self._retry if file not in self._pending and file not in ready)
            self._retry = []
        yield from self._import(ready)

    def check_library(self) -> Iterator[WatchEvent]:
        """With :attr:`library_changes`: a notice when the library moved on by another
        process's import or removal, once it is the same at two looks (a second apart
        at least): one notice for an import, however many checkpoints it saves."""
        if not self.library_changes or self.clock() - self._mark_checked < 1.0:
            return
        self._mark_checked = self.clock()
        try:
            mark = self.store.library_mark()
        except Exception:  # (an index being replaced: looked at again next time)
            return
        if self._mark is None:
            self._mark = mark
        elif mark != self._mark and mark == self._seen:  # (settled for a look: not in the middle of an import)
            yield Notice("the library changed (another arxiv-reader imported or removed digests)",
                         library_changed=True)
            self._mark = mark
        self._seen = mark

    @property
    def waiting(self) -> list[str]:
        """The files changed but not imported yet (settling, unfinished, or the library busy)."""
        return sorted({*self._pending, *self._retry})

    # -- helpers -----------------------------------------------------------------------
    def _import(self, files: list[str]) -> Iterator[WatchEvent]:
        if not files:
            return
        # Each was changed when it was noted: one the library now holds as it is, another reader imported.
        changed = set(map(str, self.store.changed_files([Path(file) for file in files])))
        others = [file for file in files if file not in changed and os.path.exists(file)]
        files = [file for file in files if file in changed]
        if files:
            try:
                report = self.store.import_paths([Path(file) for file in files])
            except StoreError as error:
                yield from self._busy(files, error)
                report = None
            if report is not None:
                self._retries = 0
                yield from self._said(report, files, others)
        if others:
            what = f"{others[0]} arrived" if len(others) == 1 else f"{len(others):,} day files arrived"
            yield Notice(f"{what} (imported by another arxiv-reader)", others[0], library_changed=True,
                         files=len(others))

    def _busy(self, files: list[str], error: StoreError) -> Iterator[WatchEvent]:
        """The library's lock was not had: the files wait, and are tried again ever later."""
        delay = RETRY_SECONDS[min(self._retries, len(RETRY_SECONDS) - 1)]
        self._retries += 1
        self._retry = sorted({*self._retry, *files})
        self._retry_at = self.clock() + delay
        if self._retries == 1:  # said once; the tries go on until they succeed
            yield Notice(f"{len(files):,} day file(s) not imported yet: {error}; trying again every few "
                         "seconds until they are in", error=True)

    def _said(self, report: ImportReport, files: list[str], others: list[str]) -> Iterator[WatchEvent]:
        """What an import brought, file by file; the files it found imported already
        (another reader had the lock first) go to ``others``."""
        by_file: dict[str, list[Problem]] = {}
        for problem in report.problems:
            by_file.setdefault(os.path.realpath(problem.path), []).append(problem)
        if self.library_changes:
            self._mark = self._seen = self.store.library_mark()  # (said by the arrivals and ``others``)
        for path, outcome in report.digests.items():
            yield Arrival(path, outcome, tuple(by_file.pop(path, ())))
        for file in files:
            real = os.path.realpath(file)
            if real not in report.digests and real not in by_file and os.path.exists(file):
                others.append(file)
        for path, problems in by_file.items():  # files that could not be read at all
            for problem in problems:
                yield Notice(str(problem), path, error=True)

    def _wanted(self, change: object, path: str) -> bool:
        """The watch filter: digest files and folders, nothing hidden."""
        if _hidden(path, self.roots):
            return False
        return path.endswith(".md") or os.path.isdir(path)
