"""Unread and total counts of every list a sidebar shows, kept current cheaply.

The lists: All, Unread, New, Starred, each saved search (``mute`` as the
papers it hides, shown by ``is:muted``) and each tag. Each list's papers are a boolean mask over the library; its counts
are two population counts against the read and muted masks (tens of
microseconds each at 200,000 papers). What changes what:

* a read or star change (``changed`` ids): the read/starred masks are
  updated at those ids only, and the saved searches whose result depends on
  the state (``is:``, ``tag:``, ``note:``...) are matched again;
* a new snapshot of the reading list (a tag, a note, a saved search
  changed): tags are rebuilt from their ids, and the searches it may affect
  are matched again (every one when the saved searches changed, since
  ``@name`` may use another);
* everything else is reused.

Counts leave out the muted papers, as the lists themselves do (but ``mute``'s, and
a saved search's that says ``is:muted``, which shows them).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from ..library import BaseLibrary
from ..models import PaperState
from ..query import Query
from ..statemap import flagged_keys
from .model import Snapshot
from .muting import Muting, mute_query, muting_applies, paper_ids
from .names import MUTE
from .select import Selector
from .sets import UserSets


@dataclass(frozen=True, slots=True)
class ListCount:
    """One list of the sidebar: what applying it types into the filter, and its counts."""

    #: ``all``, ``unread``, ``new``, ``starred``, ``search:<name>`` or ``tag:<name>``
    key: str
    #: ``All``, ``Unread``, ``New``, ``Starred``, ``@name`` or ``#name``
    label: str
    #: The query that shows the list: "", ``is:unread``, ``is:new``, ``is:starred``, ``@name``, ``tag:name``
    query: str
    unread: int
    total: int


class ListCounts:
    """The sidebar's counts for one :class:`~tui.core.library.Library` (build a new one
    when the library changes). Call :meth:`update` after every change; not thread-safe."""

    def __init__(self, library: BaseLibrary) -> None:
        self.library = library
        n = len(library)
        self._n = n
        self._read = np.zeros(n, bool)
        self._starred = np.zeros(n, bool)
        self._new = np.zeros(n, bool)
        self._new[np.fromiter(library.new_indices, np.int64, len(library.new_indices))] = True
        self._muted = np.zeros(n, bool)
        self._snapshot: Snapshot | None = None
        self._searches: dict[str, tuple[str, Query, np.ndarray]] = {}
        self._tags: dict[str, np.ndarray] = {}
        self._muting: Muting | None = None
        self._mute_uses_state = False

    def update(
        self,
        states: Mapping[str, PaperState],
        snapshot: Snapshot,
        changed: Iterable[str] | None = None,
        touched: Iterable[str] | None = None,
        flags: tuple[Collection[int], Collection[int]] | None = None,
    ) -> list[ListCount]:
        """Every list's counts after a change.

        ``changed``: the ids whose read or starred state changed since the last
        call (``None``: anything may have; everything is rebuilt). ``touched``:
        when ``snapshot`` differs from the last one, the ids whose tags or note
        it changed (``None``: unknown, so lists about tags and notes are matched
        again over the whole library). Lists that depend on the state are then
        matched again on those papers only: a paper's own state decides whether
        a query about the state matches it. ``flags``: with ``changed`` None, the
        positions of the read and of the starred papers of ``states`` when known
        already (the library's :meth:`~..library.BaseLibrary.state_indices`), so
        that their ids need not be looked up again.
        """
        changed_ids = None if changed is None else list(changed)
        state_changed = changed_ids is None or bool(changed_ids)
        self._update_flags(states, changed_ids, flags)
        previous = self._snapshot
        searches_changed = previous is None or previous.searches != snapshot.searches
        lists_changed = (previous is None or searches_changed
                         or previous.tags != snapshot.tags or previous.notes != snapshot.notes)
        # The papers whose state-derived answers may differ (None: any paper).
        if changed_ids is None or (lists_changed and touched is None):
            dirty: list[int] | None = None
        else:
            ids = set(changed_ids) | (set(touched or ()) if lists_changed else set())
            dirty = self._positions(ids)
        remute = self._muting is None or searches_changed
        stale_mute = (state_changed or lists_changed) and self._mute_uses_state
        if remute or (stale_mute and dirty is None):
            selector = Selector(self.library.engine, snapshot, states)
            self._update_muted(selector, snapshot)
        else:
            if stale_mute and dirty:
                self._update_muted_at(snapshot, states, dirty)
            selector = Selector(self.library.engine, snapshot, states, self._muting)
        if lists_changed:
            self._update_tags(previous.tags if previous is not None else {}, snapshot.tags)
        self._update_searches(selector, snapshot, searches_changed, lists_changed or state_changed, dirty)
        self._snapshot = snapshot
        return self.counts()

    @property
    def muting(self) -> Muting | None:
        """The muted papers as of the last :meth:`update` (None before the first)."""
        return self._muting

    def counts(self) -> list[ListCount]:
        """The counts as of the last :meth:`update`."""
        visible = ~self._muted
        unread = visible & ~self._read
        all_unread = int(np.count_nonzero(unread))
        out = [
            ListCount("all", "All", "", all_unread, int(np.count_nonzero(visible))),
            ListCount("unread", "Unread", "is:unread", all_unread, all_unread),
            ListCount("new", "New", "is:new", *self._counts(self._new, visible, unread)),
            ListCount("starred", "Starred", "is:starred", *self._counts(self._starred, visible, unread)),
        ]
        every_unread = ~self._read
        for name, (_text, query, mask) in self._searches.items():
            # A search that says is:muted (either way, or through an @name) shows the muted papers
            # too when applied, as in `search list`: they are counted.
            seen = (mask, visible, unread) if muting_applies(query) else (mask, mask, every_unread)
            out.append(ListCount(f"search:{name}", f"@{name}", f"@{name}", *self._counts(*seen)))
        if self._snapshot is not None and self._snapshot.mute_query:  # what it hides, and the way to see it
            muted_unread = int(np.count_nonzero(self._muted & ~self._read))
            out.append(ListCount(f"search:{MUTE}", f"@{MUTE} (hidden)", "is:muted", muted_unread,
                                 int(np.count_nonzero(self._muted))))
        for name, mask in sorted(self._tags.items()):
            out.append(ListCount(f"tag:{name}", f"#{name}", f"tag:{name}", *self._counts(mask, visible, unread)))
        return out

    @staticmethod
    def _counts(mask: np.ndarray, visible: np.ndarray, unread: np.ndarray) -> tuple[int, int]:
        return int(np.count_nonzero(mask & unread)), int(np.count_nonzero(mask & visible))

    def _positions(self, ids: Iterable[str]) -> list[int]:
        """The positions of those of ``ids`` in the library, ascending (one lookup for all)."""
        return sorted(set(self.library.positions_of_ids(ids)))

    def _at(self, ids: Iterable[str]) -> np.ndarray:
        return np.array(self._positions(ids), np.int64)

    def _mask_of(self, ids: Iterable[str]) -> np.ndarray:
        mask = np.zeros(self._n, bool)
        mask[self._at(ids)] = True
        return mask

    def _update_tags(self, before: Mapping[str, frozenset[str]], now: Mapping[str, frozenset[str]]) -> None:
        """Each tag's mask: kept when its ids are the same, else changed at the ids that
        came or went alone (a tag new to the counts is built from its ids)."""
        old = self._tags
        tags: dict[str, np.ndarray] = {}
        for name, ids in now.items():
            mask, had = old.get(name), before.get(name)
            if mask is None or had is None:
                tags[name] = self._mask_of(ids)
                continue
            if had is not ids:
                gone, came = had - ids, ids - had
                if gone:
                    mask[self._at(gone)] = False
                if came:
                    mask[self._at(came)] = True
            tags[name] = mask
        self._tags = tags

    def _update_flags(self, states: Mapping[str, PaperState], changed: list[str] | None,
                      flags: tuple[Collection[int], Collection[int]] | None = None) -> None:
        if changed is None:
            self._read[:] = False
            self._starred[:] = False
            if flags is None:
                flags = (self._positions(flagged_keys(states, "read")),
                         self._positions(flagged_keys(states, "starred")))
            for mask, positions in zip((self._read, self._starred), flags):
                mask[np.fromiter(positions, np.int64, len(positions))] = True
            return
        if not changed:
            return
        at = self._at(changed)
        self._read[at] = False
        self._starred[at] = False
        now = [states.get(key) for key in changed]
        self._read[self._at([k for k, state in zip(changed, now) if state is not None and state.read])] = True
        self._starred[self._at([k for k, state in zip(changed, now) if state is not None and state.starred])] = True

    def _update_muted(self, selector: Selector, snapshot: Snapshot) -> None:
        muting = self._muting = selector.muting
        self._muted = np.zeros(self._n, bool)
        self._muted[np.array(sorted(muting.indices), np.int64)] = True
        mute = selector.parse(snapshot.mute_query, inside=MUTE) if snapshot.mute_query else None
        self._mute_uses_state = bool(mute and mute.uses_state)

    def _update_muted_at(self, snapshot: Snapshot, states: Mapping[str, PaperState], dirty: list[int]) -> None:
        """The mute search matched again on the papers ``dirty`` only."""
        query = mute_query(snapshot)
        if query is None:
            return
        found = self.library.engine.search(query, states, dirty, sets=UserSets(snapshot))
        at = np.array(dirty, np.int64)
        was = self._muted[at]
        self._muted[at] = False
        self._muted[np.array(found, np.int64)] = True
        now = self._muted[at]
        came, gone = at[now & ~was].tolist(), at[was & ~now].tolist()
        muting = self._muting
        assert muting is not None
        if came or gone:  # (the ids of those papers alone read: the muted may be thousands)
            ids = paper_ids(self.library.papers, came + gone)
            self._muting = Muting((muting.indices - set(gone)) | set(came),
                                  (muting.ids - set(ids[len(came):])) | set(ids[:len(came)]), muting.warnings)

    def _update_searches(
        self, selector: Selector, snapshot: Snapshot, searches_changed: bool, state_moved: bool,
        dirty: list[int] | None,
    ) -> None:
        """Match the saved searches again: all of a changed set of searches, else those
        about the state when it moved (on the ``dirty`` papers only, when known)."""
        kept = {} if searches_changed else self._searches
        searches: dict[str, tuple[str, Query, np.ndarray]] = {}
        for name, text in snapshot.searches.items():
            if name == MUTE:
                continue
            old = kept.get(name)
            if old is not None and old[0] == text and not (old[1].uses_state and state_moved):
                searches[name] = old
                continue
            if old is not None and old[0] == text and dirty is not None:
                if dirty:  # the same query: only the papers whose state moved can change
                    mask = old[2]
                    found = self.library.engine.search(old[1], selector.states, dirty, sets=selector.sets)
                    mask[np.array(dirty, np.int64)] = False
                    mask[np.array(found, np.int64)] = True
                searches[name] = old
                continue
            query = selector.parse(text, inside=name)
            mask = np.zeros(self._n, bool)
            mask[np.array(selector.select(query, mute=False).indices, np.int64)] = True
            searches[name] = (text, query, mask)
        self._searches = searches
