"""The reading list as the reader holds it: tags, notes, saved searches, muting, the sidebar's counts.

:class:`ReadingListKeeper` is the main screen's one way to the reading list,
as :class:`~.user_state.UserState` is for read and starred: every change is
written by the store at once and only then shown; :meth:`ReadingListKeeper.reload`
picks up what another reader or the command line saved. It also answers the
screen's searches: queries are parsed with the saved searches (``@name``), the
reading list's terms are answered from :attr:`ReadingListKeeper.sets`, and the
papers of the saved search ``mute`` are hidden by :meth:`ReadingListKeeper.hide_muted`.
No Textual here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..core.library import BaseLibrary
from ..core.models import PaperState, bare_id
from ..core.positions import Positions
from ..core.query import Query, parse_query
from ..core.readinglist import BadName, ListCount, ListCounts, Muting, ReadingList, Selector, Snapshot, UserSets
from ..core.readinglist.delta import SnapshotChange, read_change
from ..core.statemap import state_copy

if TYPE_CHECKING:
    from ..core.store import Store

#: Papers whose tags :meth:`ReadingListKeeper.tags_of` keeps at most (the rows seen since the last change).
TAGS_KEPT = 5_000
#: Called with a message for the user and a severity ("information", "warning", "error").
Notify = Callable[[str, str], None]


class ReadingListKeeper:
    """Tags, notes and saved searches of ``store`` for one loaded library."""

    def __init__(self, store: Store, notify: Notify) -> None:
        self.reading = ReadingList(store)
        self._notify = notify
        #: The reading list as last read (replaced, never mutated).
        self.snapshot = Snapshot()
        #: What the reading list's query terms match (``is:muted`` included).
        self.sets = UserSets()
        #: Every list of the sidebar with its counts (see :class:`ListCounts`).
        self.lists: list[ListCount] = []
        #: Bumped whenever the snapshot or the muted papers change.
        self.version = 0
        #: Bumped when the muted papers change, and when the saved searches do.
        self.muted_version = 0
        self.searches_version = 0
        #: Seconds the last count update took (the benchmark reads it).
        self.last_update = 0.0
        self._library: BaseLibrary | None = None
        self._counts: ListCounts | None = None
        self._muted: frozenset[int] = frozenset()
        #: The snapshot's tags by name, and each paper's tags as looked up (see :meth:`tags_of`).
        self._tag_columns: list[tuple[str, frozenset[str]]] = []
        self._tags_by_paper: dict[str, tuple[str, ...]] = {}
        #: (changed, touched) ids while the lists are counted (None: unknown).
        self._pending: tuple[list[str] | None, list[str] | None] = ([], [])
        #: What the poll's thread read of the reading list, for the next :meth:`reload`.
        self._polled: tuple[SnapshotChange, frozenset[str]] | None = None

    # -- loading and refreshing --------------------------------------------------------
    def load(self, library: BaseLibrary, states: Mapping[str, PaperState]) -> Callable[[], ListCounts]:
        """Read the reading list for ``library`` and find its muted papers now (the first
        result hides them). Returns the counting of every list, to run in a worker
        (a second at 200,000 papers); :meth:`counted` takes its result."""
        self._library = library
        self._counts = None
        self.lists = []
        self._pending = ([], [])
        self.snapshot = self._read() or Snapshot()
        self._mute_now(states)
        snapshot, frozen = self.snapshot, state_copy(states)  # the reader changes its states in place
        flags = library.state_indices(states)  # (known already: see Store.states_in)

        def count() -> ListCounts:
            counts = ListCounts(library)
            counts.update(frozen, snapshot, flags=flags)
            return counts

        return count

    @property
    def counting(self) -> bool:
        """The lists are being counted (after :meth:`load`, before :meth:`counted`)."""
        return self._library is not None and self._counts is None

    def counted(self, library: BaseLibrary, counts: ListCounts, states: Mapping[str, PaperState]) -> bool:
        """Take the counts made by :meth:`load`'s job, brought up to date with what
        changed meanwhile; True when the muted papers changed. Ignored when another
        library was loaded since."""
        if library is not self._library or self._counts is not None:
            return False
        self._counts = counts
        changed, touched = self._pending
        return self._recount(states, changed, touched)

    def _mute_now(self, states: Mapping[str, PaperState]) -> bool:
        """While the lists are counted: the muted papers found at once (one search);
        True when they changed."""
        assert self._library is not None
        muting = Selector(self._library.engine, self.snapshot, states).muting if self.snapshot.mute_query else None
        return self._take(muting)

    def _read(self) -> Snapshot | None:
        try:
            return self.reading.snapshot()
        except Exception as error:  # the store reports disk problems by exception
            self._notify(f"Could not read the reading list: {error}", "error")
            return None

    def read_change(self, keys: Iterable[str]) -> SnapshotChange | None:
        """In the poll's thread: the reading list after other processes changed the state
        ``keys``, read for those keys alone (None: it could not be read; :meth:`reload`
        then reads it all and says what is wrong). Hand it to :meth:`take_polled`."""
        try:
            return read_change(self.reading, self.snapshot, keys)
        except Exception:  # the store reports disk problems by exception
            return None

    def take_polled(self, change: SnapshotChange | None, keys: frozenset[str]) -> None:
        """What :meth:`read_change` read for ``keys``, for the next :meth:`reload` with those keys."""
        self._polled = None if change is None else (change, keys)

    def reload(self, states: Mapping[str, PaperState], keys: Iterable[str] | None = None) -> bool:
        """After other processes changed the state (``keys``: the state keys they changed;
        None: unknown): take what the poll read of the reading list (see :meth:`take_polled`),
        else read it all again; recount only the papers that changed. True when the reading
        list or the muted papers changed (searches may need re-running)."""
        polled, self._polled = self._polled, None
        if polled is not None and keys is not None:
            change, read_for = polled
            keys = list(keys)
            if change.base is self.snapshot and read_for == frozenset(keys):
                self.snapshot = change.snapshot
                return self._recount(states, keys, sorted(change.papers)) or change.changed
        snapshot = self._read()
        changed = snapshot is not None and snapshot != self.snapshot
        if changed:
            self.snapshot = snapshot
        touched = None if keys is None else list(keys)
        return self._recount(states, touched, touched) or changed

    def states_changed(self, states: Mapping[str, PaperState], ids: Iterable[str]) -> bool:
        """Read or starred changed for ``ids`` (saved by the reader): update the counts.
        True when the muted papers changed (a mute search about read or starred)."""
        return self._recount(states, list(ids))

    def _recount(
        self, states: Mapping[str, PaperState], changed: list[str] | None, touched: list[str] | None = None
    ) -> bool:
        """Update the counts and the muted papers (``changed``: ids whose read or starred
        state moved; ``touched``: ids whose tags or note did); True when the muted papers changed."""
        if self._counts is None:
            if self._library is None:
                return False
            self._remember(changed, touched)
            if self.sets.snapshot is not self.snapshot:
                return self._mute_now(states)
            return False
        started = time.perf_counter()
        self.lists = self._counts.update(states, self.snapshot, changed, touched)
        moved = self._take(self._counts.muting)
        self.last_update = time.perf_counter() - started
        return moved

    def _remember(self, changed: list[str] | None, touched: list[str] | None) -> None:
        """What moved while the lists are counted, for :meth:`counted` (None: unknown)."""
        was_changed, was_touched = self._pending
        if was_changed is not None:
            was_changed = None if changed is None else was_changed + changed
        if was_touched is not None and self.sets.snapshot is not self.snapshot:
            was_touched = None if touched is None else was_touched + touched
        self._pending = (was_changed, was_touched)

    def _take(self, muting: Muting | None) -> bool:
        """The muted papers and the snapshot's sets as of now; True when the muted papers changed."""
        muted = muting.indices if muting is not None else frozenset()
        moved = muted != self._muted
        if moved:
            self.muted_version += 1
        old = self.sets.snapshot
        if moved or old is not self.snapshot:
            if old is not self.snapshot:
                if old.searches != self.snapshot.searches:
                    self.searches_version += 1
                self._tag_columns = sorted(self.snapshot.tags.items())
                self._tags_by_paper = {}
            self._muted = muted
            self.sets = UserSets(self.snapshot, muting.ids if muting is not None else frozenset())
            self.version += 1
        return moved

    # -- searching ------------------------------------------------------------------------
    def parse(self, text: str) -> Query:
        """The filter's text parsed with the saved searches (``@name``)."""
        return parse_query(text, self.snapshot.searches)

    @property
    def muted_count(self) -> int:
        """How many papers of the library the saved search ``mute`` hides."""
        return len(self._muted)

    def hide_muted(self, query: Query, found: Sequence[int]) -> tuple[list[int], int]:
        """``found`` (the matches of ``query``) without the muted papers, unless the
        query says ``is:muted``; and how many were hidden."""
        if isinstance(found, Positions):  # (through the search index: kept as an array)
            kept = found if query.mentions_muted else found.without(self._muted)
            return kept, len(found) - len(kept)  # type: ignore[return-value]
        if not self._muted or query.mentions_muted:
            return list(found), 0
        muted = self._muted
        kept = [index for index in found if index not in muted]
        return kept, len(found) - len(kept)

    # -- what a paper has -------------------------------------------------------------------
    def tags_of(self, paper_id: str) -> tuple[str, ...]:
        """The tags of one paper, sorted: looked up per painted row (once per tag, then
        kept until the tags change), never for every tagged paper at each change."""
        columns, known = self._tag_columns, self._tags_by_paper  # (a pair: a worker may ask meanwhile)
        found = known.get(paper_id)
        if found is None:
            found = tuple(name for name, ids in columns if paper_id in ids)
            if len(known) >= TAGS_KEPT:
                known.clear()
            known[paper_id] = found
        return found

    def note(self, paper_id: str) -> str:
        """The note of one paper ("" when none)."""
        return self.snapshot.notes.get(paper_id, "")

    @property
    def tag_names(self) -> list[str]:
        """Every tag some paper carries, sorted."""
        return sorted(self.snapshot.tags)

    # -- changes ------------------------------------------------------------------------------
    def change_tags(self, ids: Sequence[str], add: Sequence[str], remove: Sequence[str],
                    states: Mapping[str, PaperState]) -> bool:
        """Add and remove tags on ``ids`` (one write); True when saved."""
        return self._write(lambda: self.reading.change_tags(ids, add=add, remove=remove), states, ids)

    def set_note(self, paper_id: str, text: str, states: Mapping[str, PaperState]) -> bool:
        """Replace the note of a paper ("" removes it); True when saved."""
        return self._write(lambda: self.reading.set_note(paper_id, text), states, [paper_id])

    def save_search(self, name: str, text: str, states: Mapping[str, PaperState]) -> str | None:
        """Save ``text`` under ``name``; the name as kept, None when refused or not saved."""
        saved: list[str] = []
        ok = self._write(lambda: saved.append(self.reading.save_search(name, text)), states)
        return saved[0] if ok and saved else None

    def _write(
        self, change: Callable[[], object], states: Mapping[str, PaperState], touched: Sequence[str] | None = None
    ) -> bool:
        try:
            change()
        except BadName as error:
            self._notify(str(error), "warning")
            return False
        except ValueError as error:  # a note too long, an empty search
            self._notify(f"{error}; nothing changed", "warning")
            return False
        except Exception as error:  # the store reports disk problems by exception
            self._notify(f"Could not save: {error}", "error")
            return False
        keys = None if touched is None else list(dict.fromkeys(bare_id(i) for i in touched))
        snapshot = self._read() if keys is None else self._read_keys(keys)
        if snapshot is not None:
            self.snapshot = snapshot
        self._recount(states, [], keys)
        return True

    def _read_keys(self, keys: list[str]) -> Snapshot | None:
        """The reading list after this reader changed the papers ``keys``: read for those
        alone (the other papers' tags stay the same objects; what other processes
        changed meanwhile comes with the next poll)."""
        try:
            return read_change(self.reading, self.snapshot, keys).snapshot
        except Exception as error:  # the store reports disk problems by exception
            self._notify(f"Could not read the reading list: {error}", "error")
            return None

