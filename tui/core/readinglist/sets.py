"""The sets of paper ids that answer the reading list's query terms.

``tag:ml``, ``has:tag``, ``has:note``, ``note:word`` and ``is:muted`` are
about the user's state, not the papers: every evaluator (the
:class:`~tui.core.query.QueryEngine`, the search index) asks the caller for
the ids of key :func:`~tui.core.query.nodes.user_set_key` of the term.
:class:`UserSets` answers from a :class:`~.model.Snapshot` (and the muted
ids, see :mod:`.muting`); :func:`bitset_states` turns it into the index's
``states`` mapping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from ..textfold import fold
from .model import Snapshot

_EMPTY: frozenset[str] = frozenset()


class UserSets:
    """Ids per state-derived term, computed on first use and kept (a snapshot never changes).

    Safe to share between threads.
    """

    def __init__(self, snapshot: Snapshot | None = None, muted: AbstractSet[str] = _EMPTY) -> None:
        self.snapshot = snapshot or Snapshot()
        #: The ids the mute search hides (``is:muted``).
        self.muted = muted
        self._cache: dict[str, AbstractSet[str]] = {}
        self._folded: dict[str, str] | None = None
        self._lock = threading.Lock()

    def with_muted(self, muted: AbstractSet[str]) -> UserSets:
        """The same sets, with ``muted`` as what ``is:muted`` matches."""
        other = UserSets(self.snapshot, muted)
        other._cache = {k: v for k, v in self._cache.items() if k != "muted"}
        other._folded = self._folded
        return other

    def get(self, key: str) -> AbstractSet[str]:
        """The ids of key ``key`` (``tag:<name>``, ``has:tag``, ``has:note``, ``note:<folded>``, ``muted``)."""
        if key == "muted":
            return self.muted
        found = self._cache.get(key)
        if found is None:
            found = self._compute(key)
            with self._lock:
                self._cache[key] = found
        return found

    def _compute(self, key: str) -> AbstractSet[str]:
        kind, _, value = key.partition(":")
        tags, notes = self.snapshot.tags, self.snapshot.notes
        if kind == "tag":
            return tags.get(value, _EMPTY)
        if key == "has:tag":
            return frozenset().union(*tags.values())
        if key == "has:note":
            return frozenset(notes)
        if kind == "note":
            return frozenset(paper for paper, text in self._folded_notes().items() if value in text)
        return _EMPTY

    def _folded_notes(self) -> dict[str, str]:
        folded = self._folded
        if folded is None:
            folded = self._folded = {paper: fold(text) for paper, text in self.snapshot.notes.items()}
        return folded


class _GivenSets(UserSets):
    """Any object with ``get(key)`` (or none: the terms match nothing) as :class:`UserSets`."""

    def __init__(self, sets: Any) -> None:
        super().__init__()
        self._given = sets

    def get(self, key: str) -> AbstractSet[str]:
        found = self._given.get(key) if self._given is not None else None
        return found if found is not None else _EMPTY


def as_user_sets(sets: Any) -> UserSets:
    """``sets`` as :class:`UserSets`: itself, or any ``sets.get(key)`` object (None: empty sets)."""
    return sets if isinstance(sets, UserSets) else _GivenSets(sets)


class _LazyStates(Mapping[str, Any]):
    """The index's ``states``: given ones as they are, the reading list's made on first use."""

    def __init__(self, given: Mapping[str, Any], sets: UserSets, to_bits: Callable[[Iterable[str]], Any]) -> None:
        self._given = given
        self._sets = sets
        self._to_bits = to_bits
        self._made: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key in self._given:
            return self._given[key]
        found = self._made.get(key)
        if found is None:
            if key != "muted" and ":" not in key:
                raise KeyError(key)
            found = self._made[key] = self._to_bits(self._sets.get(key))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._given)

    def __len__(self) -> int:
        return len(self._given)


def bitset_states(
    given: Mapping[str, Any], sets: UserSets, to_bits: Callable[[Iterable[str]], Any]
) -> Mapping[str, Any]:
    """The ``states`` of :meth:`tui.core.index.SearchIndex.search`: ``given`` (``read``,
    ``starred``, ``new``) plus the reading list's sets, each turned into a bitset by
    ``to_bits`` (``index.bits_of_ids``) only when a query asks for it."""
    return _LazyStates(given, sets, to_bits)
