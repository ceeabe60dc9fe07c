"""The user's read and starred states as the reader holds them, written through the store.

:class:`UserState` is the screen's only way to change a state: each change is
written by the store at once (a dropped connection loses nothing) and mirrored
in memory only once it was saved, so the reader never shows a change that is
not on disk. :meth:`UserState.poll` picks up what another reader or the command
line wrote; polling happens in this one place so that it can move to a cheaper
store call without touching the screen. The screen reads in a thread
(:meth:`UserState.read_changes`: another device's file may be large) and shows
the result on its own (:meth:`UserState.apply`); the store is used by one
thread at a time (:attr:`UserState.lock`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ..core.models import PaperState

if TYPE_CHECKING:
    from ..core.store import Store

#: Called with a message for the user and a severity ("warning", "error").
Notify = Callable[[str, str], None]


class UserState:
    """Read/starred per paper id, saved through ``store``; problems go to ``notify``."""

    def __init__(self, store: Store, states: dict[str, PaperState], notify: Notify) -> None:
        self.store = store
        #: The states, keyed by id without version (replaced, never mutated, on a poll).
        self.states = states
        #: Bumped on every change (ours or another process's).
        self.version = 0
        self._notify = notify
        self._messages_shown = 0
        #: Held while the store is used (a write here, a read of changes in a thread).
        self.lock = threading.Lock()

    def get(self, paper_id: str) -> PaperState | None:
        return self.states.get(paper_id)

    def is_read(self, paper_id: str) -> bool:
        state = self.states.get(paper_id)
        return state is not None and state.read

    def is_starred(self, paper_id: str) -> bool:
        state = self.states.get(paper_id)
        return state is not None and state.starred

    def set(self, ids: Iterable[str], flag: str, value: bool) -> list[str]:
        """Set ``flag`` ("read" or "starred") to ``value``; the ids that changed (saved)."""
        changed = [paper_id for paper_id in dict.fromkeys(ids) if getattr(self.states.get(paper_id), flag, False) != value]
        if not changed:
            return []
        write = self.store.set_read if flag == "read" else self.store.set_starred
        try:
            with self.lock:
                write(changed, value)
        except Exception as error:  # the store reports disk problems by exception
            self._notify(f"Could not save: {error}", "error")
            return []
        finally:
            self.show_store_messages()
        stamp = {flag: value, f"{flag}_at": _now() if value else None}
        states = self.states
        for paper_id in changed:
            states[paper_id] = replace(states.get(paper_id) or PaperState(paper_id), **stamp)
        self.version += 1
        return changed

    def read_changes(self, full: bool = False) -> tuple[int, dict[str, PaperState] | None | Exception]:
        """In a thread: the version of the states it starts from, and the states
        with what other processes saved since the last look (None: nothing
        changed; an exception: it could not be read). ``full``: read them all again."""
        version = self.version
        try:
            with self.lock:
                if not self.store.refresh_states() and not full:
                    return version, None
                return version, self.store.states()
        except Exception as error:
            return version, error

    def apply(self, version: int, states: dict[str, PaperState] | None | Exception) -> bool | None:
        """On the UI thread: take what :meth:`read_changes` read; True when anything
        changed, None when a change made here since makes it old (read again, ``full``)."""
        try:
            if isinstance(states, Exception):
                self._notify(f"Could not read the reading state: {states}", "error")
                return False
            if states is None:
                return False
            if version != self.version:  # a star made meanwhile may be missing from it
                return None
            self.states = states
            self.version += 1
            return True
        finally:
            self.show_store_messages()

    def poll(self) -> bool:
        """Take what other processes and devices saved since the last look; True when anything changed.

        ``Store.refresh_states`` reads only what was appended since (a stat per
        device file when nothing was): cheap enough for once a second.
        """
        try:
            changed = self.store.refresh_states()
            if not changed:
                return False
            self.states = self.store.states()
        except Exception as error:
            self._notify(f"Could not read the reading state: {error}", "error")
            return False
        finally:
            self.show_store_messages()
        self.version += 1
        return True

    def show_store_messages(self) -> None:
        """Tell the user the store's notices (files moved aside...) not told yet."""
        messages = self.store.messages
        for message in messages[self._messages_shown :]:
            self._notify(message, "warning")
        self._messages_shown = len(messages)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
