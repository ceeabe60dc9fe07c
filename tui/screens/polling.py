"""What other readers and devices saved, shown in the running reader: read in a thread.

Another device's state file may be large (one that never compacted, or a whole
file again after a sync tool replaced it), so the main screen reads the changes
in a worker thread (:meth:`UserState.read_changes`) and shows them on its own
thread (:meth:`UserState.apply`), once a second at most and one read at a time.
The reading list (tags, notes, saved searches) is read in the same thread for
the changed keys alone (:meth:`ReadingListKeeper.read_change`): the interface
recounts only the papers that changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.readinglist.delta import SnapshotChange
    from .main import MainScreen

    _Base = MainScreen
else:
    _Base = object


class PollsState(_Base):
    """A mixin of the main screen: the reading state other processes saved, followed."""

    _polling = False  # a read of the reading state is running in a thread

    def _poll_store(self, full: bool = False) -> None:
        """Show what another reader (or the command line) changed since the last look:
        read in a thread (another device's file may be large), shown here."""
        self.check_index_damage()  # (found while drawing rows: a cheap look)
        if self.user is None or self._polling:
            return
        self._polling = True
        user, keeper = self.user, self.reading_list

        def read() -> None:
            version, changed, states = user.read_changes(full)
            # The reading list too, for the changed keys alone (a full read: all of it, on the UI's side).
            readable = changed and not full and states is not None and not isinstance(states, Exception)
            change = keeper.read_change(changed) if readable else None
            self.app.call_from_thread(self._polled, version, changed, states, change)

        self.run_worker(read, thread=True, group="poll state", name="read the reading state",
                        exit_on_error=False)

    def _polled(self, version: int, changed: frozenset[str], states, change: SnapshotChange | None = None) -> None:
        self._polling = False
        if self.user is None:
            return
        keys = self.user.apply(version, changed, states)
        if keys is None:  # a change made here meanwhile: read them all again
            self._poll_store(full=True)
        elif keys:
            if change is not None and keys == changed:  # (keys missed before: the reading list read whole)
                self.reading_list.take_polled(change, keys)
            self.set_reactive(type(self).states, self.user.states)
            self._states_changed(keys, elsewhere=True)
            if self.view in ("starred", "unread") and self.library is not None:
                # (another device's change: the view's papers and counts follow; the cursor stays)
                paper = self.highlighted
                self.refilter(keep=paper.id if paper is not None else None)
