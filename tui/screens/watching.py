"""New digests while the reader runs: the core's watcher in a worker, the library reloaded.

:class:`DigestArrivals` runs :class:`tui.core.watch.DigestWatcher` over the
folders the reader was opened with (its PATHs, else the config's folders) in a
thread worker of the main screen, and posts :class:`DigestArrivals.Arrived` for
each import (and each notice). The screen then says what arrived and swaps in
the reloaded library (:func:`load_library`, in a worker), keeping the query,
view and highlighted paper.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import get_current_worker

from ..core.indexed_library import open_library
from ..core.library import BaseLibrary
from ..core.watch import Arrival, DigestWatcher, Notice, WatchEvent

if TYPE_CHECKING:
    from textual.screen import Screen

    from ..core.store import Store
    from ..core.store.readers import Seen
    from .main import MainScreen

    _Base = MainScreen
else:
    _Base = object


class _Stop:
    """Set when the screen stops the watch, or once the app no longer runs."""

    def __init__(self, app) -> None:
        self.app = app
        self.event = threading.Event()

    def is_set(self) -> bool:
        return self.event.is_set() or not self.app.is_running


class DigestArrivals:
    """Watches ``paths`` for the screen; see the module docstring."""

    class Arrived(Message):
        """A digest file was imported (``event`` an :class:`Arrival`) or something is to be said."""

        def __init__(self, event: WatchEvent) -> None:
            super().__init__()
            self.event = event

        @property
        def imported(self) -> bool:
            """The library changed (imported here, or by another reader first)."""
            return isinstance(self.event, Arrival) or (isinstance(self.event, Notice) and self.event.library_changed)

    def __init__(self, screen: Screen, store: Store, paths: list[Path], settle: float = 1.0) -> None:
        self.screen = screen
        self.store = store
        self.paths = [path for path in paths if path.exists()]
        self.settle = settle
        self._stop: _Stop | None = None
        #: The watch has begun: files changed from now on are seen.
        self.started = threading.Event()

    def start(self) -> None:
        """Begin watching, in a thread of its own (nothing to watch: nothing happens).

        Not a Textual worker: it runs as long as the reader, and waiting for every
        worker to complete must not wait for it."""
        if self.paths:
            self._stop = _Stop(self.screen.app)
            threading.Thread(target=self._watch, args=(self._stop,), name="watch digest folders",
                             daemon=True).start()

    def stop(self) -> None:
        """Stop watching (within a fraction of a second)."""
        if self._stop is not None:
            self._stop.event.set()

    def _watch(self, stop: _Stop) -> None:
        watcher = DigestWatcher(self.store, self.paths, settle=self.settle, stop=stop)  # type: ignore[arg-type]
        try:
            for event in watcher.events():
                if isinstance(event, Notice) and event.started:
                    self.started.set()
                    continue
                self.screen.post_message(self.Arrived(event))
        except Exception as error:  # (a watch that cannot run must not end the reader)
            self.screen.post_message(self.Arrived(Notice(f"stopped watching the digest folders: {error}",
                                                         error=True)))


def load_library(store: Store, baseline: Seen | None) -> tuple[BaseLibrary, Seen]:
    """The library as the loader opens it (in a worker), what is new measured from
    ``baseline`` (None: everything), and the library's mark before it was opened
    (what it shows is at least that)."""
    mark = store.library_mark()
    return open_library(store, baseline)[0], mark


class WatchesDigests(_Base):
    """A mixin of the main screen: new digests shown as they arrive.

    The library is swapped for the reloaded one; the query, view, sort, day and
    highlighted paper stay (the cursor stays on its paper, wherever the new
    papers put its row), and so does a read timer running for it.
    """

    def watch_digests(self) -> None:
        """Start watching the folders the reader was opened with (not the sample)."""
        if not self.sample and getattr(self.app, "watch_folders", False):
            self.digest_arrivals = DigestArrivals(self, self.store, list(self.paths or []))
            self.digest_arrivals.start()

    def on_digest_arrivals_arrived(self, message: DigestArrivals.Arrived) -> None:
        event = message.event
        error = isinstance(event, Notice) and event.error
        self.notify(event.message, title="New digests" if message.imported else "Watching digests",
                    severity="error" if error else "information", markup=False, timeout=8)
        if message.imported:
            self.run_worker(self._reloaded, thread=True, exclusive=True, group="reload",
                            name="reload the library", exit_on_error=False)

    def _reloaded(self) -> None:
        reading = self.session_keeper.reading
        library, mark = load_library(self.store, reading.baseline if reading is not None else None)
        if not get_current_worker().is_cancelled:  # (a later arrival's reload replaces this one)
            self.app.call_from_thread(self.swap_library, library, mark)

    def swap_library(self, library: BaseLibrary, mark: Seen | None = None) -> None:
        """Show ``library`` (loaded at ``mark``) instead of the current one, keeping
        what the user sees; this session has now shown what ``mark`` holds."""
        from .loader import LibraryLoader

        paper = self.highlighted
        timing = self.read_timer.paper_id if self.read_timer.running else None
        self.library = library
        self.reading_list_loaded()  # counts and muting are per library
        self._last_match = None
        self.refilter(keep=paper.id if paper is not None else None)
        current = self.highlighted
        if timing is not None and current is not None and current.id == timing:
            self.read_timer.start(timing)  # the user has not moved: still looking at it
        reading = self.session_keeper.reading
        if reading is not None and mark is not None:
            reading.loaded = mark  # (when it ends, what it showed is no longer new)
        self.call_after_refresh(self.query_one(LibraryLoader).warm, library, lambda: self.last_input)
