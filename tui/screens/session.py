"""Where the reader was, saved as the user moves (debounced) and on quit; and this
reader's session in the store's record of readers (what is new to the next one).

The place reopens the reader where it was (query, view, sort, day, highlighted
paper). The reader session (:mod:`tui.core.store.readers`) is ended on quit;
a reader that dies without quitting is counted as ended by the next one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.timer import Timer

if TYPE_CHECKING:
    from ..core.store import Store
    from ..core.store.readers import ReaderSession
    from .main import MainScreen

#: Seconds between session saves while the user moves around.
SESSION_DEBOUNCE = 0.5


class SessionKeeper:
    """Saves the main screen's session through the store."""

    def __init__(self, screen: MainScreen, store: Store) -> None:
        self.screen = screen
        self.store = store
        #: This reader's session in the store (None until loaded, and once ended).
        self.reading: ReaderSession | None = None
        self._timer: Timer | None = None

    def schedule(self) -> None:
        """Save soon (moves in quick succession make one write)."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.screen.set_timer(SESSION_DEBOUNCE, self.save)

    def restore(self, session: dict[str, Any]) -> None:
        """Reopen where the user was: query, view, sort, day, highlighted paper (nothing is marked read)."""
        from ..core.library import SORTS, VIEWS

        screen = self.screen
        library = screen.library
        assert library is not None
        kind = type(screen)
        view, sort, query, day, paper = (session.get(key) for key in ("view", "sort", "query", "day", "paper"))
        # set_reactive: no watchers, so one search (the query's, below) instead of five.
        screen.set_reactive(kind.highlighted, library.paper(paper) if isinstance(paper, str) else None)
        screen.set_reactive(kind.view, view if view in VIEWS else "all")
        screen.set_reactive(kind.sort, sort if sort in SORTS else "date")
        screen.set_reactive(kind.day, day if isinstance(day, str) and day in library.days else None)
        screen.set_reactive(kind.query_text, query if isinstance(query, str) else "")
        screen.mutate_reactive(kind.query_text)

    def snapshot(self) -> dict[str, Any]:
        """What :meth:`Store.save_session` keeps."""
        screen = self.screen
        paper = screen.highlighted
        return {
            "query": screen.query_text,
            "view": screen.view,
            "sort": screen.sort,
            "day": screen.day,
            "paper": paper.id if paper is not None else None,
        }

    def save(self) -> None:
        """Write the place now."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self.screen.loaded:
            return
        try:
            self.store.save_session(self.snapshot())
        except Exception as error:
            self.screen.notify(f"Could not save the session: {error}", severity="error", markup=False)

    def end(self) -> None:
        """The reader quits: save the place, end the reader session (once)."""
        self.save()
        reading, self.reading = self.reading, None
        if reading is not None:
            self.store.end_reading(reading)
