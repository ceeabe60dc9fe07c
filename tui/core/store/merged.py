"""The merged state: per key and field, the winning change among every device's.

A change wins over another of the same key and field when its stamp is
greater; on equal stamps the greater device name wins, then the greater value
(as JSON), so merging gives the same result whatever order and however often
the changes arrive (a last-writer-wins register per key and field).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import repeat
from typing import Any

import orjson

from ..models import PaperState
from ..statemap import state_of
from .common import gc_paused
from .statecolumn import PackedColumn
from .statefile import NO_COLUMNS, Change, Columns

#: A winning change: (value, stamp, device file stem).
Record = tuple[Any, str, str]

_DEFAULTS: dict[str, Any] = {"note": "", "query": ""}
_FLAGS_ORDER = ("read", "starred")
_FLAGS = frozenset(_FLAGS_ORDER)
#: Past this many changed read/starred keys, :attr:`MergedState.flag_keys` gives up listing them.
FLAG_KEYS_MAX = 10_000


def default_value(name: str) -> Any:
    """The value of a field never set: false for flags and tags, "" for a note or a saved query."""
    return _DEFAULTS.get(name, False if name in ("read", "starred") or name.startswith("tag:") else None)


def same_value(a: Any, b: Any) -> bool:
    """Equal and of the same type (``True`` is not ``1``)."""
    return type(a) is type(b) and a == b


class MergedState:
    """The winners of every field; the keys whose read or starred changed are collected in
    :attr:`flag_keys` (see :class:`~..statemap.StateMap`).

    Fields restored from a snapshot stay packed (see :mod:`.statecolumn`: looked up where
    they lie) until something is merged into them or they are read whole."""

    def __init__(self) -> None:
        self._winners: dict[str, dict[str, Record]] = {}  # field -> key -> record
        self._packed: dict[str, PackedColumn] = {}  # field -> its packed winners (not in _winners)
        #: The keys whose ``read`` or ``starred`` winner changed (a new stamp alone too: it is
        #: read_at / starred_at) since the owner last emptied it; None: too many to list (a
        #: whole column merged at once), take the columns again.
        self.flag_keys: set[str] | None = set()
        #: The same since :meth:`restore` (None: none, or too many to list).
        self.flags_since: set[str] | None = None
        #: Whether merges collect the keys they change (not needed while loading).
        self.track = True

    @property
    def winners(self) -> dict[str, dict[str, Record]]:
        """Field -> key -> winning record, every field decoded (see :meth:`restore`)."""
        for name in list(self._packed):
            self._column(name)
        return self._winners

    def restore(self, columns: dict[str, PackedColumn]) -> None:
        """Take these fields (as a snapshot packed them) in place of everything known."""
        self._winners, self._packed = {}, dict(columns)
        self.flag_keys = None  # (every column new)
        self.flags_since = set()

    def untouched(self, *names: str) -> bool:
        """Whether none of these fields was decoded or merged into since :meth:`restore`."""
        return not any(name in self._winners for name in names)

    def _column(self, name: str) -> dict[str, Record] | None:
        """Field ``name``'s winners as a dict (decoded now if still packed); None: never set."""
        packed = self._packed.get(name)
        if packed is not None:
            # Long-lived (as the view): out of the collector's sight.
            with gc_paused(freeze=True):
                self._winners[name] = packed.to_dict()
            del self._packed[name]
        return self._winners.get(name)

    def get(self, name: str, key: str) -> Record | None:
        """The winning change of ``key``'s field ``name`` (``None``: never set)."""
        column: Any = self._packed.get(name) or self._winners.get(name)
        return None if column is None else column.get(key)

    def fields(self, prefix: str = "") -> list[str]:
        """The names of the fields ever set that start with ``prefix`` (``"tag:"``), sorted."""
        return sorted(name for name in (*self._winners, *self._packed) if name.startswith(prefix))

    def values(self, name: str, keys: Iterable[str] | None = None) -> dict[str, Any]:
        """Every key's current value of field ``name`` (of ``keys`` alone, when given)."""
        column: Any = (self._packed.get(name) if keys is not None else None) or self._column(name) or {}
        if keys is not None:
            return {key: record[0] for key in keys if (record := column.get(key)) is not None}
        return {key: record[0] for key, record in column.items()}

    def merge(self, device: str, changes: Iterable[Change]) -> set[str]:
        """Let each change win where it is newer; the keys whose value changed."""
        changed: set[str] = set()
        winners, packed = self._winners, self._packed
        for key, name, value, stamp in changes:
            column = winners.get(name) if name not in packed else self._column(name)
            if column is None:
                column = winners[name] = {}
            old = column.get(key)
            if old is not None:
                if (stamp, device) < (old[1], old[2]):
                    continue
                if (stamp, device) == (old[1], old[2]) and orjson.dumps(value) <= orjson.dumps(old[0]):
                    continue
            column[key] = (value, stamp, device)
            if not same_value(value, old[0] if old is not None else default_value(name)):
                changed.add(key)
            if name in _FLAGS:
                self._flag_changed(key)
        return changed

    def _merge_fresh(self, device: str, name: str, keys: Any, values: Any, stamps: Any) -> set[str] | None:
        """The fast path of a first load: nothing known of field ``name`` yet, keys distinct.

        ``None`` (nothing done) when it does not apply.
        """
        if self._column(name):
            return None
        column = dict(zip(keys, zip(values, stamps, repeat(device))))
        if len(column) != len(keys):
            return None  # a key twice: the slow way picks the newer
        self._winners[name] = column
        if name in _FLAGS:
            self.flag_keys = self.flags_since = None
        if not self.track:
            return set()
        default = default_value(name)
        return {key for key, value in zip(keys, values) if not same_value(value, default)}

    def _flag_changed(self, key: str) -> None:
        """Note that ``key``'s read or starred winner changed (a new stamp alone too: it is
        read_at / starred_at)."""
        for name in ("flag_keys", "flags_since"):
            keys = getattr(self, name)
            if keys is not None:
                keys.add(key)
                if len(keys) > FLAG_KEYS_MAX:
                    setattr(self, name, None)

    def merge_columns(self, device: str, columns: Columns) -> set[str]:
        """:meth:`merge` for a file's compacted rows as columns (grouped by field, as a
        compaction writes them; any other order is merged change by change)."""
        keys, names, values, stamps = columns
        changed: set[str] = set()
        for name in dict.fromkeys(names):
            first, count = names.index(name), names.count(name)
            last = first + count
            if names[first:last].count(name) == count:
                fresh = self._merge_fresh(device, name, keys[first:last], values[first:last], stamps[first:last])
                if fresh is not None:
                    changed |= fresh
                    continue
            changed |= self.merge(device, (c for c in zip(keys, names, values, stamps) if c[1] == name))
        return changed

    def merge_rows(self, device: str, changes: list[Change]) -> set[str]:
        """:meth:`merge_columns` for compacted rows given as changes."""
        return self.merge_columns(device, tuple(zip(*changes)) or NO_COLUMNS)  # type: ignore[arg-type]

    def flag_columns(self) -> tuple[Mapping[str, Record], Mapping[str, Record]]:
        """The ``read`` and ``starred`` columns as they stand, for a :class:`~..statemap.StateBase`:
        never changed afterwards (copies, or the packed columns, which nothing changes)."""
        read, starred = (self._packed.get(name) or dict(self._winners.get(name, {})) for name in _FLAGS_ORDER)
        return read, starred  # type: ignore[return-value]

    def paper_state(self, key: str) -> PaperState | None:
        """The read/starred state of ``key`` as the view holds it (None: neither)."""
        return state_of(key, self.get("read", key), self.get("starred", key))
