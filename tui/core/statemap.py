"""The read and starred papers as a mapping that builds nothing per paper until asked.

The merged state keeps, per field, the winning change of every key (see
:mod:`.store.merged`). At 200,000 read papers, turning that into 200,000
:class:`~.models.PaperState` objects (and copying them for every reader of the
states) costs more than the rest of a start-up's state handling together, and
the first painted rows look up some thirty of them. :class:`StateMap` answers
from the two winners columns instead:

* a :class:`StateBase` holds the ``read`` and ``starred`` columns as they stood
  when it was made (copies: never changed afterwards, so every map sharing it,
  on any thread, sees the same thing) and how many papers they flag;
* a map adds the keys changed since (its own dict of PaperStates, ``None`` for
  a key gone), so copying one copies only those;
* a paper's state is built when it is looked up (and kept for the next look);
  iterating builds every one (rare: use :func:`flagged_keys` for the keys of
  read or starred papers alone).

It answers exactly as the dict of PaperStates it stands for: the same keys,
the same values (``read_at``/``starred_at``: the winning change's stamp), and
it can be changed in place like that dict (the reader mirrors its saved acts).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

from .models import PaperState

#: A winning change as the merged state keeps it: (value, stamp, device file stem).
Record = tuple[Any, str, str]

_EMPTY: dict[str, Record] = {}


def _truthy(column: Any) -> int:
    """How many records of ``column`` have a true value."""
    if hasattr(column, "truthy"):  # (packed: see ..store.statecolumn)
        return column.truthy()
    return sum(1 for record in column.values() if record[0])


def state_of(key: str, read: Record | None, starred: Record | None) -> PaperState | None:
    """The state that a key's winning ``read`` and ``starred`` changes make (None: neither set)."""
    is_read = read is not None and bool(read[0])
    is_starred = starred is not None and bool(starred[0])
    if not (is_read or is_starred):
        return None
    return PaperState(key, is_read, read[1] if is_read else None,  # type: ignore[index]
                      is_starred, starred[1] if is_starred else None)  # type: ignore[index]


class StateBase:
    """The ``read`` and ``starred`` winners columns at one moment (never changed after)."""

    __slots__ = ("read", "starred", "_size")

    def __init__(self, read: Mapping[str, Record] | None = None, starred: Mapping[str, Record] | None = None,
                 size: int | None = None) -> None:
        self.read = read if read is not None else _EMPTY
        self.starred = starred if starred is not None else _EMPTY
        self._size = size

    def get(self, key: str) -> PaperState | None:
        """The state of ``key`` (None: neither read nor starred)."""
        return state_of(key, self.read.get(key), self.starred.get(key))

    def __len__(self) -> int:
        """How many keys are read or starred (counted once)."""
        if self._size is None:
            starred, read = self.flagged("starred"), self.read
            if len(starred) > 1_000:  # (many: one set, not a lookup each)
                self._size = len(set(self.flagged("read")).union(starred))
            else:
                self._size = _truthy(read) + sum(
                    1 for key in starred if not ((found := read.get(key)) is not None and found[0]))
        return self._size

    def keys(self) -> Iterator[str]:
        """Every key read or starred: the read ones first, then the others."""
        read = self.read
        yield from self.flagged("read")
        for key in self.flagged("starred"):
            if not ((found := read.get(key)) is not None and found[0]):
                yield key

    def flagged(self, flag: str) -> list[str]:
        """The keys whose ``flag`` (``read`` or ``starred``) is set."""
        column: Any = self.read if flag == "read" else self.starred
        if hasattr(column, "truthy_keys"):  # (packed: see ..store.statecolumn)
            return column.truthy_keys()
        return [key for key, record in column.items() if record[0]]


class StateMap(MutableMapping[str, PaperState]):
    """Paper key -> :class:`PaperState` of every read or starred paper, built on demand
    from ``base`` and ``changed`` (the keys changed since: their state, None when gone)."""

    __slots__ = ("_base", "_changed", "_made", "_size")

    def __init__(self, base: StateBase | None = None, changed: dict[str, PaperState | None] | None = None) -> None:
        self._base = base if base is not None else StateBase()
        self._changed: dict[str, PaperState | None] = changed if changed is not None else {}
        self._made: dict[str, PaperState] = {}
        self._size: int | None = None

    @classmethod
    def of(cls, states: Mapping[str, PaperState]) -> StateMap:
        """A map holding exactly ``states`` (for tests and small uses)."""
        return cls(None, dict(states))

    def _lookup(self, key: str) -> PaperState | None:
        changed = self._changed
        if key in changed:
            return changed[key]
        made = self._made.get(key)
        if made is None:
            made = self._base.get(key)
            if made is not None:
                self._made[key] = made
        return made

    def get(self, key: str, default: Any = None) -> Any:
        found = self._lookup(key) if type(key) is str else None
        return default if found is None else found

    def __getitem__(self, key: str) -> PaperState:
        found = self._lookup(key) if type(key) is str else None
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return type(key) is str and self._lookup(key) is not None

    def __len__(self) -> int:
        if self._size is None:
            base = self._base
            self._size = len(base) + sum(
                (state is not None) - (base.get(key) is not None) for key, state in self._changed.items())
        return self._size

    def __iter__(self) -> Iterator[str]:
        changed = self._changed
        for key in self._base.keys():
            if key not in changed:
                yield key
        for key, state in changed.items():
            if state is not None:
                yield key

    def __setitem__(self, key: str, state: PaperState) -> None:
        if self._size is not None and key not in self:
            self._size += 1
        self._changed[key] = state
        self._made.pop(key, None)

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        if self._size is not None:
            self._size -= 1
        self._changed[key] = None
        self._made.pop(key, None)

    def copy(self) -> StateMap:
        """An independent map of the same states (shares the base; copies the changed keys)."""
        other = StateMap(self._base, dict(self._changed))
        other._size = self._size
        return other

    def flagged(self, flag: str) -> list[str]:
        """The keys whose state has ``flag`` (``read`` or ``starred``) set."""
        changed = self._changed
        keys = [key for key in self._base.flagged(flag) if key not in changed]
        keys += [key for key, state in changed.items() if state is not None and getattr(state, flag)]
        return keys

    def __repr__(self) -> str:
        return f"StateMap({len(self):,} papers, {len(self._changed):,} changed since its base)"


def flagged_keys(states: Mapping[str, PaperState], flag: str) -> list[str]:
    """The keys of ``states`` whose ``flag`` (``read`` or ``starred``) is set, without
    building every state of a :class:`StateMap`."""
    if isinstance(states, StateMap):
        return states.flagged(flag)
    return [key for key, state in states.items() if getattr(state, flag, False)]


def state_copy(states: Mapping[str, PaperState]) -> Mapping[str, PaperState]:
    """A copy of ``states`` that later changes to ``states`` leave alone (cheap for a StateMap)."""
    return states.copy() if isinstance(states, StateMap) else dict(states)

