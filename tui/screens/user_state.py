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
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ..core.models import PaperState

if TYPE_CHECKING:
    from ..core.store import Store

#: What :meth:`UserState.read_changes` read: (version, keys changed, states or None or the error).
Changes = tuple[int, frozenset[str], "MutableMapping[str, PaperState] | None | Exception"]
#: Called with a message for the user and a severity ("warning", "error").
Notify = Callable[[str, str], None]


class UserState:
    """Read/starred per paper id, saved through ``store``; problems go to ``notify``."""

    def __init__(self, store: Store, states: MutableMapping[str, PaperState], notify: Notify) -> None:
        self.store = store
        #: The states, keyed by id without version: a :class:`~tui.core.statemap.StateMap` as the
        #: store gives it (each paper's state built when looked up); replaced on a poll, changed in
        #: place only by this reader's saved acts.
        self.states = states
        #: Bumped on every change (ours or another process's).
        self.version = 0
        self._notify = notify
        self._messages_shown = 0
        #: Held while the store is used (a write here, a read of changes in a thread).
        self.lock = threading.Lock()
        self._missed: frozenset[str] = frozenset()  # keys read but not applied (a change here came between)

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
        changed = [
            paper_id for paper_id in dict.fromkeys(ids) if getattr(self.states.get(paper_id), flag, False) != value
        ]
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

    def read_changes(self, full: bool = False) -> Changes:
        """In a thread: the version of the states it starts from, the state keys that
        other processes changed since the last look, and the states with them (None:
        nothing changed; an exception: it could not be read). ``full``: read the
        states again even when nothing changed."""
        version = self.version
        try:
            with self.lock:
                changed = frozenset(self.store.refresh_states())
                if not changed and not full:
                    return version, changed, None
                return version, changed, self.store.states()
        except Exception as error:
            return version, frozenset(), error

    def apply(self, version: int, changed: frozenset[str], states: MutableMapping[str, PaperState] | None | Exception
              ) -> frozenset[str] | None:
        """On the UI thread: take what :meth:`read_changes` read; the keys that changed
        (empty: none), None when a change made here since makes it old (read again, ``full``)."""
        try:
            if isinstance(states, Exception):
                self._notify(f"Could not read the reading state: {states}", "error")
                return frozenset()
            if states is None:
                return frozenset()
            if version != self.version:  # a star made meanwhile may be missing from it
                self._missed |= changed  # (consumed by this read: given with the next one)
                return None
            changed, self._missed = changed | self._missed, frozenset()
            self.states = states
            self.version += 1
            return changed
        finally:
            self.show_store_messages()

    def poll(self) -> frozenset[str]:
        """Take what other processes and devices saved since the last look: the state keys
        that changed (empty, so false, when none did; tags and notes included).

        ``Store.refresh_states`` reads only what was appended since (a stat per
        device file when nothing was): cheap enough for once a second.
        """
        try:
            changed = self.store.refresh_states()
            if not changed:
                return frozenset()
            self.states = self.store.states()
        except Exception as error:
            self._notify(f"Could not read the reading state: {error}", "error")
            return frozenset()
        finally:
            self.show_store_messages()
        self.version += 1
        return frozenset(changed)

    def warm(self) -> None:
        """In a thread, once the first rows are shown: let the store decode what it left
        packed at start-up, so the first change saved later does not wait for it."""
        try:
            with self.lock:
                self.store.warm_states()
        except Exception as error:  # a bug, not the user's doing: said (notify is thread-safe)
            self._notify(f"Could not read the reading state: {error}", "error")

    def show_store_messages(self) -> None:
        """Tell the user the store's notices (files moved aside...) not told yet."""
        messages = self.store.messages
        for message in messages[self._messages_shown :]:
            self._notify(message, "warning")
        self._messages_shown = len(messages)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
