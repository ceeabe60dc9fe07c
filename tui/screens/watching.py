"""New digests while the reader runs: the core's watcher in a worker, the library reloaded.

:class:`DigestArrivals` runs :class:`tui.core.watch.DigestWatcher` over the
folders the reader was opened with (its PATHs, else the config's folders; with
none, the library alone: another process's imports and removals are followed)
in a thread of the main screen, and posts :class:`DigestArrivals.Arrived` for
each import (and each notice). The screen gathers what arrives for
:data:`BURST_SECONDS` from the first event of a burst, then says it in one
notice (one file: what it brought; more: how many files and new papers) and
swaps in the reloaded library (:func:`load_library`, in a worker; one at a
time, and not at all when the library is still what the screen shows),
keeping the query, view and highlighted paper.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from ..core.library_open import loaded_library, open_library
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

#: A burst ends when nothing arrived for this many seconds: then it is said and the library reloaded.
BURST_SECONDS = 1.0
#: ...or when it has lasted this long (another reader importing thousands of files for a minute).
BURST_LONGEST = 15.0
#: Watch messages (not arrivals) said one by one in a burst; more are counted.
SAID_PER_BURST = 3
#: Rebuilds of a damaged search index in one session; damaged once more, the reader loads the
#: whole library into memory instead (a disk that keeps damaging it must not cost a rebuild a minute).
MAX_INDEX_REBUILDS = 2


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

    def __init__(self, screen: Screen, store: Store, paths: list[Path], settle: float = 1.0,
                 told: frozenset[str] = frozenset()) -> None:
        self.screen = screen
        self.store = store
        self.paths = [path for path in paths if path.exists()]
        self.settle = settle
        #: Files the import before the watch said were unfinished: not said twice.
        self.told = told
        self._stop: _Stop | None = None
        #: The watch has begun: files changed from now on are seen.
        self.started = threading.Event()

    def start(self) -> None:
        """Begin watching, in a thread of its own. With no folder to watch it still looks at
        the library once a second: another process's import or removal is followed.

        Not a Textual worker: it runs as long as the reader, and waiting for every
        worker to complete must not wait for it."""
        self._stop = _Stop(self.screen.app)
        threading.Thread(target=self._watch, args=(self._stop,), name="watch digest folders",
                         daemon=True).start()

    def stop(self) -> None:
        """Stop watching (within a fraction of a second)."""
        if self._stop is not None:
            self._stop.event.set()

    def _watch(self, stop: _Stop) -> None:
        watcher = DigestWatcher(self.store, self.paths, settle=self.settle, stop=stop,  # type: ignore[arg-type]
                                library_changes=True, told=self.told)
        try:
            for event in watcher.events():
                if isinstance(event, Notice) and event.started:
                    self.started.set()
                    continue
                self.screen.post_message(self.Arrived(event))
        except Exception as error:  # (a watch that cannot run must not end the reader)
            self.screen.post_message(self.Arrived(Notice(f"stopped watching the digest folders: {error}",
                                                         error=True)))


def load_library(store: Store, baseline: Seen | None, whole: bool = False) -> tuple[BaseLibrary, Seen]:
    """The library as the loader opens it (in a worker), what is new measured from
    ``baseline`` (None: everything), and the library's mark before it was opened
    (what it shows is at least that). ``whole``: every paper loaded, the index not used."""
    mark = store.library_mark()
    if whole:
        return loaded_library(store, baseline), mark
    return open_library(store, baseline)[0], mark


class WatchesDigests(_Base):
    """A mixin of the main screen: new digests shown as they arrive.

    The library is swapped for the reloaded one; the query, view, sort, day and
    highlighted paper stay (the cursor stays on its paper, wherever the new
    papers put its row), and so does a read timer running for it.
    """

    def watch_digests(self, told: frozenset[str] = frozenset()) -> None:
        """Start watching the folders the reader was opened with (not the sample); ``told``:
        the files the opening import said it left out as unfinished (not said again)."""
        self._burst: list[WatchEvent] = []
        self._reloading = False
        self._reload_again = False
        self._summary: str | None = None  # said once the burst's reload shows how many papers came
        if not self.sample and getattr(self.app, "watch_folders", False):
            self.digest_arrivals = DigestArrivals(self, self.store, list(self.paths or []), told=told)
            self.digest_arrivals.start()

    def on_digest_arrivals_arrived(self, message: DigestArrivals.Arrived) -> None:
        now = time.monotonic()
        if not self._burst:
            self._burst_began = now
            self.set_timer(BURST_SECONDS, self._end_burst, name="arrivals of a burst")
        self._burst_last = now
        self._burst.append(message.event)

    def _end_burst(self) -> None:
        """Say what a burst brought (one notice for its arrivals) and reload once."""
        now = time.monotonic()
        quiet_for = now - self._burst_last
        if quiet_for < BURST_SECONDS and now - self._burst_began < BURST_LONGEST:  # still coming
            self.set_timer(BURST_SECONDS - quiet_for, self._end_burst, name="arrivals of a burst")
            return
        events, self._burst = self._burst, []
        said = [e for e in events if isinstance(e, Notice) and not e.library_changed]
        for notice in said[:SAID_PER_BURST]:
            self.notify(notice.message, title="Watching digests", markup=False, timeout=8,
                        severity="error" if notice.error else "information")
        if len(said) > SAID_PER_BURST:
            self.notify(f"and {len(said) - SAID_PER_BURST:,} more messages from the watch "
                        "(arxiv-reader import --watch prints each)", title="Watching digests", markup=False)
        arrivals = [e for e in events if isinstance(e, Arrival)]
        others = [e for e in events if isinstance(e, Notice) and e.library_changed]
        if not arrivals and not others:
            return
        files = len(arrivals) + sum(e.files for e in others)
        if self._summary is None:
            self._summary_from = len(self.library)
        if files == 1 and len(arrivals) == 1:
            self.notify(arrivals[0].message, title="New digests", markup=False, timeout=8)
        elif files == 1:
            self._summary = next(e.message for e in others if e.files)
        elif files:
            self._summary = f"{files:,} day files arrived"
        elif self._summary is None:
            self._summary = "The library changed (another arxiv-reader imported or removed digests)"
        self._request_reload()

    def _request_reload(self) -> None:
        """Reload in a worker; while one runs, once more after it (never two at once)."""
        if self._reloading:
            self._reload_again = True
            return
        self._reloading = True
        self.run_worker(self._reloaded, thread=True, group="reload", name="reload the library",
                        exit_on_error=False)

    def _reloaded(self) -> None:
        reading = self.session_keeper.reading
        try:
            shown = reading.loaded if reading is not None else None
            if shown is not None and self.store.library_mark() == shown:
                library, mark = None, None  # (a file touched, its papers the same: nothing to load)
            else:
                library, mark = load_library(self.store, reading.baseline if reading is not None else None,
                                             whole=self.index_given_up)
        except Exception as error:  # (said, and the next arrival tries again)
            self.app.call_from_thread(self._reload_done, None, None, f"cannot reload the library: {error}")
            return
        self.app.call_from_thread(self._reload_done, library, mark)

    def _reload_done(self, library: BaseLibrary | None, mark: Seen | None, error: str | None = None) -> None:
        if library is not None:
            self.swap_library(library, mark)
        if error is not None:
            self.notify(error, title="Watching digests", severity="error", markup=False)
        self._reloading = False
        if self._reload_again:
            self._reload_again = False
            self._request_reload()
            return  # (the summary waits for the last reload of the burst)
        if self._summary is not None:
            grew = len(self.library) - self._summary_from
            noun = "paper" if grew == 1 else "papers"
            what = f"{grew:,} new {noun}" if grew >= 0 else f"{-grew:,} {noun} fewer"
            self.notify(f"{self._summary}: {what}", title="New digests", markup=False, timeout=8)
            self._summary = None

    def check_index_damage(self) -> None:
        """When reading the search index found it damaged (the library answered safe values
        meanwhile): say so once and rebuild it aside; the rebuilt library is swapped in as a
        missing index's is (the query and highlighted paper kept). After
        :data:`MAX_INDEX_REBUILDS` rebuilds in a session the whole library is loaded instead,
        and stays so until the reader ends."""
        from .loader import LibraryLoader

        library = self.library
        damage = getattr(library, "damage", None)
        if damage is None or getattr(library, "repairing", True):
            return
        library.repairing = True  # type: ignore[union-attr]  # (once per library)
        loader = self.query_one(LibraryLoader)
        if self.index_rebuilds >= MAX_INDEX_REBUILDS:
            self.index_given_up = True
            self.notify(
                f"the search index is damaged again ({damage}) after {self.index_rebuilds} rebuilds in this "
                "session: the reader stops rebuilding it and loads the whole library into memory instead "
                "(searches are slower); the list comes back when it is loaded. A disk that keeps damaging "
                "files is worth checking.",
                title="Library", severity="error", markup=False, timeout=20,
            )
            loader.load_whole(self.store, self.session_keeper.reading)
            return
        self.index_rebuilds += 1
        self.notify(
            f"the search index is damaged ({damage}): rebuilding it from the library; "
            "the list comes back when it is done",
            title="Library", severity="warning", markup=False, timeout=10,
        )
        loader.build_index(self.store, self.session_keeper.reading, damage)

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
