"""The reading list kept in the user's state: tags, notes, saved searches, the alerts' mark.

Everything here is user state (see :mod:`.names` for where each lives), so it
is what the state store guarantees: written at once (one fsynced append per
act, a thousand tags in one), merged across devices per key and field, keyed
by arXiv id without version (it survives re-imports and new versions), safe
with two readers and writers open. Reads go through the store's merged view,
which picks up other processes' changes first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..models import bare_id
from .names import (
    ALERTS_FIELD, MUTE, NOTE_FIELD, QUERY_FIELD, SEARCH_PREFIX, TAG_PREFIX, alerts_key, check_note, is_name,
    search_key, search_name, tag_field, tag_name,
)


#: ``@name`` at the start of a word of a query (after space, a parenthesis, ``-`` or ``|``).
_REFERENCE = re.compile(r'(?:^|(?<=[\s(|-]))@([^\s()"|]+)')


def _references(text: str) -> set[str]:
    """The saved-search names a query's text refers to, as kept (folded, NFC)."""
    return {unicodedata.normalize("NFC", found).casefold() for found in _REFERENCE.findall(text)}


class StateAccess(Protocol):
    """What the reading list needs of :class:`tui.core.store.Store`."""

    device_name: str

    def state_values(self, field: str, keys: Iterable[str] | None = None) -> dict[str, Any]: ...

    def state_fields(self, prefix: str = "") -> list[str]: ...

    def change_state(self, items: Iterable[tuple[str, str, Any]]) -> list[tuple[str, str, Any, str]]: ...


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The reading list at one moment: what queries and counts are computed from."""

    #: tag -> ids of the papers that carry it (tags without any paper left out)
    tags: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: paper id -> its note (papers without one left out)
    notes: Mapping[str, str] = field(default_factory=dict)
    #: saved-search name -> its query text, by name
    searches: Mapping[str, str] = field(default_factory=dict)

    @property
    def mute_query(self) -> str:
        """The text of the saved search ``mute`` ("" when there is none)."""
        return self.searches.get(MUTE, "")

    def tags_of(self, paper_id: str) -> list[str]:
        """The tags of one paper, sorted."""
        return sorted(name for name, ids in self.tags.items() if paper_id in ids)


class ReadingList:
    """Tags, notes and saved searches of one store.

    Every change is saved before the method returns and raises
    :class:`~tui.core.store.StoreError` when it cannot be; a bad tag or search
    name raises :class:`~.names.BadName`, a bad note ``ValueError``.
    """

    def __init__(self, store: StateAccess) -> None:
        self.store = store

    def snapshot(self) -> Snapshot:
        """Tags, notes and saved searches as they are now (every device's, merged)."""
        return Snapshot(self.tags(), self.notes(), self.searches())

    # -- tags ------------------------------------------------------------------------
    def tags(self) -> dict[str, frozenset[str]]:
        """Every tag that some paper carries -> the ids of those papers, by name."""
        found: dict[str, frozenset[str]] = {}
        for name in self.store.state_fields(TAG_PREFIX):
            tag = name[len(TAG_PREFIX):]
            if not is_name(tag):
                continue  # not written by this program: no query could name it
            ids = frozenset(key for key, value in self.store.state_values(name).items() if value is True)
            if ids:
                found[tag] = ids
        return found

    def tag_counts(self, known: Iterable[str] | None = None) -> dict[str, int]:
        """Every tag -> how many papers carry it (only papers of ``known``, when given)."""
        tags = self.tags()
        if known is None:
            return {name: len(ids) for name, ids in tags.items()}
        library = known if isinstance(known, (set, frozenset)) else set(known)
        return {name: len(ids & library) for name, ids in tags.items()}

    def tags_of(self, paper_id: str) -> list[str]:
        """The tags of one paper (any version of it), sorted."""
        key = bare_id(paper_id)
        return sorted(
            name[len(TAG_PREFIX):] for name in self.store.state_fields(TAG_PREFIX)
            if self.store.state_values(name).get(key) is True and is_name(name[len(TAG_PREFIX):])
        )

    def change_tags(self, ids: Iterable[str], add: Iterable[str] = (), remove: Iterable[str] = ()) -> int:
        """Add tags ``add`` to and take ``remove`` off every paper of ``ids``, in one write.

        Every pair is written (also one the state already shows: see
        :meth:`~tui.core.store.Store.set_read`); returns how many were.
        """
        adding = [tag_name(name) for name in add]
        removing = [tag_name(name) for name in remove]
        keys = list(dict.fromkeys(bare_id(i) for i in ids))
        items = [(key, tag_field(name), True) for name in adding for key in keys]
        items += [(key, tag_field(name), False) for name in removing if name not in adding for key in keys]
        return len(self.store.change_state(items))

    # -- notes -----------------------------------------------------------------------
    def notes(self) -> dict[str, str]:
        """Every paper with a note -> the note."""
        return {key: text for key, text in self.store.state_values(NOTE_FIELD).items() if text}

    def note(self, paper_id: str) -> str:
        """The note of one paper ("" when it has none)."""
        text = self.store.state_values(NOTE_FIELD).get(bare_id(paper_id), "")
        return text if isinstance(text, str) else ""

    def set_note(self, paper_id: str, text: str) -> str:
        """Set the note of one paper ("" removes it); the note as kept (see :func:`.names.check_note`)."""
        note = check_note(text)
        self.store.change_state([(bare_id(paper_id), NOTE_FIELD, note)])
        return note

    # -- saved searches --------------------------------------------------------------
    def searches(self) -> dict[str, str]:
        """Every saved search -> its query text, by name (``mute`` among them when saved)."""
        found = {}
        for key, text in self.store.state_values(QUERY_FIELD).items():
            name = key[len(SEARCH_PREFIX):]
            if key.startswith(SEARCH_PREFIX) and isinstance(text, str) and text and is_name(name):
                found[name] = text
        return dict(sorted(found.items()))

    def save_search(self, name: str, query: str) -> str:
        """Save ``query`` under ``name`` (replacing what it held); the name as kept."""
        name = search_name(name)
        text = " ".join(query.split())  # one line: it is shown in lists and the sidebar
        if not text:
            raise ValueError("a saved search needs a query")
        self.store.change_state([(search_key(name), QUERY_FIELD, text)])
        return name

    def searches_using(self, name: str) -> list[str]:
        """The other saved searches whose query says ``@name`` (sorted): they would match
        nothing once ``name`` is removed."""
        name = search_name(name)
        users = []
        for other, text in self.searches().items():
            if other != name and name in _references(text):
                users.append(other)
        return sorted(users)

    def remove_search(self, name: str) -> bool:
        """Forget the saved search ``name``; False when there was none (nothing written)."""
        name = search_name(name)
        if name not in self.searches():
            return False
        self.store.change_state([(search_key(name), QUERY_FIELD, "")])
        return True

    # -- alerts ----------------------------------------------------------------------
    def alerts_mark(self) -> str | None:
        """Up to which import the last ``alerts`` run on this device reported (ISO UTC), or None."""
        mark = self.store.state_values(ALERTS_FIELD).get(alerts_key(self.store.device_name))
        return mark if isinstance(mark, str) and mark else None

    def set_alerts_mark(self, mark: str) -> None:
        """Record that alerts were reported up to the import of time ``mark`` on this device."""
        self.store.change_state([(alerts_key(self.store.device_name), ALERTS_FIELD, mark)])
