"""Where the reader was, saved as the user moves (debounced) and on quit.

The session is what reopens the reader where it was (query, view, sort, day,
highlighted paper) and what tells the next session which papers are new: it
records ``last_active`` on every save and ``ended_at`` on quit, so after a
crash the last activity stands in for the end.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from textual.timer import Timer

if TYPE_CHECKING:
    from ..core.store import Store
    from .main import MainScreen

#: Seconds between session saves while the user moves around.
SESSION_DEBOUNCE = 0.5


class SessionKeeper:
    """Saves the main screen's session through the store."""

    def __init__(self, screen: MainScreen, store: Store) -> None:
        self.screen = screen
        self.store = store
        #: When the previous session ended (what "new" is measured from); None: there was none.
        self.previous_end: str | None = None
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

    def snapshot(self, ended: bool = False) -> dict[str, Any]:
        """What :meth:`Store.save_session` keeps."""
        screen = self.screen
        paper = screen.highlighted
        now = utc_now()
        session: dict[str, Any] = {
            "query": screen.query_text,
            "view": screen.view,
            "sort": screen.sort,
            "day": screen.day,
            "paper": paper.id if paper is not None else None,
            "last_active": now,
            "new_since": self.previous_end,
        }
        if ended:
            session["ended_at"] = now
        return session

    def save(self, ended: bool = False) -> None:
        """Write the session now; ``ended`` on quit."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self.screen.loaded:
            return
        try:
            self.store.save_session(self.snapshot(ended))
        except Exception as error:
            self.screen.notify(f"Could not save the session: {error}", severity="error", markup=False)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
