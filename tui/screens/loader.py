"""Loading the library: import, load, then build the search indexes in the background.

:class:`LibraryLoader` is the loading state of the main screen (a label and a
progress bar). It runs the import and the load in a thread worker, shows their
progress, and posts :class:`LibraryLoader.Loaded` (or reports the failure in
place). After the first rows are painted the screen asks it to warm the
indexes (:meth:`LibraryLoader.warm`), pausing whenever the user is busy.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, ProgressBar
from textual.worker import Worker, WorkerState, get_current_worker

from ..core.library_open import indexed_library, library_states, loaded_library, open_library
from ..core.library import BaseLibrary
from ..core.safetext import escape_controls
from ..core.models import PaperState
from ..core.finished import import_finished

if TYPE_CHECKING:
    from ..core.store import ImportReport, Store
    from ..core.store.readers import ReaderSession

#: Seconds between two loading-progress updates.
PROGRESS_INTERVAL = 0.05
#: The background index build waits until the user left keys alone this long
#: (some builds hold the GIL for hundreds of ms at 200,000 papers).
WARM_IDLE = 0.3
#: GIL switch interval while the index build runs: the UI thread gets the GIL
#: back within 1 ms instead of Python's default 5 ms after each event-loop wait.
WARM_SWITCH_INTERVAL = 0.001


@dataclass(slots=True)
class Loaded:
    """What loading produced."""

    library: BaseLibrary
    states: MutableMapping[str, PaperState]
    session: dict[str, Any]
    report: ImportReport | None = None
    #: This reader's session (what is new to it; ended on quit).
    reading: ReaderSession | None = None
    #: The search index is to be built (the library was loaded whole meanwhile).
    index_pending: bool = False


class LibraryLoader(Vertical):
    """Shows loading progress; runs the load and the index warm-up workers."""

    class Progress(Message):
        """Posted from the loading thread: a stage with ``done`` of ``total``."""

        def __init__(self, stage: str, done: int, total: int) -> None:
            super().__init__()
            self.stage = stage
            self.done = done
            self.total = total

    class Finished(Message):
        """The library is loaded (``loaded``)."""

        def __init__(self, loaded: Loaded) -> None:
            super().__init__()
            self.loaded = loaded

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._last_progress = 0.0

    def compose(self) -> ComposeResult:
        yield Label("Loading the library…", id="loading-label")
        yield ProgressBar(id="loading-bar", show_eta=False)

    def start(self, store: Store, paths: list[Path] | None) -> None:
        """Import ``paths`` (if any) and load every paper, in a worker."""
        self._load(store, paths)

    @work(thread=True, exclusive=True, group="load", name="load", exit_on_error=False)
    def _load(self, store: Store, paths: list[Path] | None) -> Loaded:
        session = store.load_session() or {}
        store.defer_state_files()  # (written once the rows are shown: see UserState.warm)
        # (changed files that look half-written are left for the watcher: said, never half-imported)
        report = import_finished(store, paths, self._progress("Importing digests")) if paths else None
        # Registered before loading: what it loads is at least what it records as loaded.
        reading = store.begin_reading(store.current_index())
        self.post_message(self.Progress("Opening the library", 0, 0))
        # Through the search index (built first when small or missing); else loaded whole.
        # No session ended before this one (baseline None): every paper is new.
        library, pending = open_library(store, reading.baseline, self._progress("Loading papers"))
        return Loaded(library, library_states(store, library), session, report, reading, pending)

    def _progress(self, stage: str) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            now = time.monotonic()
            if done < total and now - self._last_progress < PROGRESS_INTERVAL:
                return
            self._last_progress = now
            self.post_message(self.Progress(stage, done, total))

        return report

    def on_library_loader_progress(self, event: Progress) -> None:
        label = f"{event.stage}…" if not event.total else f"{event.stage}… {event.done:,} of {event.total:,}"
        self.query_one("#loading-label", Label).update(Content(escape_controls(label)))
        self.query_one("#loading-bar", ProgressBar).update(total=event.total or None, progress=event.done)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR:
            error = worker.error
            message = f"{worker.name or 'Background task'} failed: {type(error).__name__}: {error}"
            self.notify(message, title="Error", severity="error", markup=False, timeout=10)
            if worker.name == "load":
                self.query_one("#loading-label", Label).update(Content(escape_controls(message)))
        elif event.state == WorkerState.SUCCESS and worker.name == "load":
            self.post_message(self.Finished(worker.result))

    @work(thread=True, exclusive=True, group="index", name="build the search index", exit_on_error=False)
    def build_index(self, store: Store, reading: ReaderSession | None, damage: str | None = None) -> None:
        """Build the library's search index aside (the reader shows the loaded library
        meanwhile), then post :class:`IndexReady` with the library read through it.
        ``damage``: the index was found damaged while read; rebuilt whatever it looks like."""
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, WARM_SWITCH_INTERVAL))  # the interface keeps the GIL close
        try:
            mark = store.library_mark()
            if damage is not None:
                store.rebuild_index(damage)
            library = indexed_library(store, reading.baseline if reading is not None else None)
        finally:
            sys.setswitchinterval(interval)
        if not get_current_worker().is_cancelled:
            self.post_message(self.IndexReady(library, mark))

    @work(thread=True, exclusive=True, group="index", name="load the whole library", exit_on_error=False)
    def load_whole(self, store: Store, reading: ReaderSession | None) -> None:
        """Load every paper into memory (the search index given up for this session: it kept
        being damaged), then post :class:`IndexReady` with that library (``whole``)."""
        mark = store.library_mark()
        library = loaded_library(store, reading.baseline if reading is not None else None)
        if not get_current_worker().is_cancelled:
            self.post_message(self.IndexReady(library, mark, whole=True))

    class IndexReady(Message):
        """The search index was built aside: ``library`` reads through it (loaded at ``mark``);
        ``whole``: the index given up, ``library`` holds every paper in memory."""

        def __init__(self, library: BaseLibrary, mark: object, whole: bool = False) -> None:
            super().__init__()
            self.library = library
            self.mark = mark
            self.whole = whole

    @work(thread=True, exclusive=True, group="warm", name="index papers", exit_on_error=False)
    def warm(self, library: BaseLibrary, last_input: Callable[[], float]) -> None:
        """Build the search indexes and sort orders in the background, one at a time.

        A search that needs an index first waits for its build (the engine
        builds each index once). Between builds the worker waits while the
        user is moving or typing (``last_input()``: the monotonic time of the
        last key), so the interface keeps answering keys.
        """
        worker = get_current_worker()
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, WARM_SWITCH_INTERVAL))
        try:
            for step in library.warm_steps(abstracts=True):
                while not worker.is_cancelled and time.monotonic() - last_input() < WARM_IDLE:
                    time.sleep(0.05)
                if worker.is_cancelled:
                    return
                step()
                # The indexes live as long as the library: out of the collector's
                # sight, a full collection no longer walks their millions of items
                # (35-40 ms pauses every ~20 cursor moves at 200,000 papers).
                gc.freeze()
                time.sleep(0.005)
        finally:
            sys.setswitchinterval(interval)
