"""The reading list after other processes changed some state keys: read for those keys only.

A running reader polls the state every second; what another reader or the
command line saved comes back as the state keys that changed (paper ids,
``search:<name>``...). :func:`read_change` builds the new :class:`~.model.Snapshot`
from the one the reader holds by looking at those keys alone, so the poll's
thread does the reading and the interface recounts only the papers named in
the :class:`SnapshotChange`. Tags and notes that did not change stay the very
same objects, which keeps later comparisons cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .model import ReadingList, Snapshot
from .names import ALERTS_PREFIX, NOTE_FIELD, SEARCH_PREFIX, TAG_PREFIX, is_name


@dataclass(frozen=True, slots=True)
class SnapshotChange:
    """The reading list read again after a change of some state keys."""

    #: The snapshot the change was read against (apply it only onto that one).
    base: Snapshot
    #: The reading list now (``base`` itself when nothing of it changed).
    snapshot: Snapshot
    #: Ids of the papers whose tags or note changed.
    papers: frozenset[str]
    #: Whether the saved searches changed.
    searches: bool

    @property
    def changed(self) -> bool:
        """Whether anything of the reading list changed."""
        return self.snapshot is not self.base


def read_change(reading: ReadingList, base: Snapshot, keys: Iterable[str]) -> SnapshotChange:
    """``base`` brought up to date for the state ``keys`` that changed (the others are
    taken as they are in ``base``). Reads the store: run it where blocking is fine."""
    keys = set(keys)
    papers = {key for key in keys if not key.startswith((SEARCH_PREFIX, ALERTS_PREFIX))}
    searches_moved = any(key.startswith(SEARCH_PREFIX) for key in keys)
    store = reading.store
    touched: set[str] = set()
    tags = dict(base.tags)
    if papers:
        for field in store.state_fields(TAG_PREFIX):
            name = field[len(TAG_PREFIX):]
            if not is_name(name):
                continue  # as ReadingList.tags: no query could name it
            values = store.state_values(field, papers)
            had = base.tags.get(name, frozenset())
            now_on = {key for key in papers if values.get(key) is True}
            now_off = {key for key in papers if key in had} - now_on
            added = now_on - had
            if added or now_off:
                touched |= added | now_off
                ids = (had | added) - now_off
                if ids:
                    tags[name] = frozenset(ids)
                else:
                    tags.pop(name, None)
    notes = base.notes
    if papers:
        values = store.state_values(NOTE_FIELD, papers)
        moved = {key for key in papers if (values.get(key) or "") != base.notes.get(key, "")}
        if moved:
            touched |= moved
            notes = dict(base.notes)
            for key in moved:
                text = values.get(key)
                if isinstance(text, str) and text:
                    notes[key] = text
                else:
                    notes.pop(key, None)
    searches = base.searches
    if searches_moved:
        now = reading.searches()
        if now != base.searches:
            searches = now
    searches_changed = searches is not base.searches
    if not touched and not searches_changed:
        return SnapshotChange(base, base, frozenset(), False)
    tags_now = dict(sorted(tags.items())) if touched else base.tags
    return SnapshotChange(base, Snapshot(tags_now, notes, searches), frozenset(touched), searches_changed)
