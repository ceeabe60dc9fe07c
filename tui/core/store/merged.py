"""The merged state: per key and field, the winning change among every device's.

A change wins over another of the same key and field when its stamp is
greater; on equal stamps the greater device name wins, then the greater value
(as JSON), so merging gives the same result whatever order and however often
the changes arrive (a last-writer-wins register per key and field).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import repeat
from typing import Any

import orjson

from ..models import PaperState
from ..statemap import state_of
from .statefile import NO_COLUMNS, Change, Columns

#: A winning change: (value, stamp, device file stem).
Record = tuple[Any, str, str]

_DEFAULTS: dict[str, Any] = {"note": "", "query": ""}
_FLAGS = frozenset(("read", "starred"))
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
    :attr:`flag_keys` (see :class:`~..statemap.StateMap`)."""

    def __init__(self) -> None:
        self.winners: dict[str, dict[str, Record]] = {}  # field -> key -> record
        #: The keys whose ``read`` or ``starred`` winner changed (a new stamp alone too: it is
        #: read_at / starred_at) since the owner last emptied it; None: too many to list (a
        #: whole column merged at once), take the columns again.
        self.flag_keys: set[str] | None = set()
        #: Whether merges collect the keys they change (not needed while loading).
        self.track = True

    def get(self, name: str, key: str) -> Record | None:
        """The winning change of ``key``'s field ``name`` (``None``: never set)."""
        column = self.winners.get(name)
        return None if column is None else column.get(key)

    def fields(self, prefix: str = "") -> list[str]:
        """The names of the fields ever set that start with ``prefix`` (``"tag:"``), sorted."""
        return sorted(name for name in self.winners if name.startswith(prefix))

    def values(self, name: str, keys: Iterable[str] | None = None) -> dict[str, Any]:
        """Every key's current value of field ``name`` (of ``keys`` alone, when given)."""
        column = self.winners.get(name, {})
        if keys is not None:
            return {key: record[0] for key in keys if (record := column.get(key)) is not None}
        return {key: record[0] for key, record in column.items()}

    def merge(self, device: str, changes: Iterable[Change]) -> set[str]:
        """Let each change win where it is newer; the keys whose value changed."""
        changed: set[str] = set()
        winners = self.winners
        for key, name, value, stamp in changes:
            column = winners.get(name)
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
            if name in _FLAGS and self.flag_keys is not None:
                self.flag_keys.add(key)  # also for a new stamp alone: it is read_at / starred_at
                if len(self.flag_keys) > FLAG_KEYS_MAX:
                    self.flag_keys = None
        return changed

    def _merge_fresh(self, device: str, name: str, keys: Any, values: Any, stamps: Any) -> set[str] | None:
        """The fast path of a first load: nothing known of field ``name`` yet, keys distinct.

        ``None`` (nothing done) when it does not apply.
        """
        if self.winners.get(name):
            return None
        column = dict(zip(keys, zip(values, stamps, repeat(device))))
        if len(column) != len(keys):
            return None  # a key twice: the slow way picks the newer
        self.winners[name] = column
        if name in _FLAGS:
            self.flag_keys = None
        if not self.track:
            return set()
        default = default_value(name)
        return {key for key, value in zip(keys, values) if not same_value(value, default)}

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

    def flag_columns(self) -> tuple[dict[str, Record], dict[str, Record]]:
        """Copies of the ``read`` and ``starred`` columns (for a :class:`~..statemap.StateBase`)."""
        return dict(self.winners.get("read", {})), dict(self.winners.get("starred", {}))

    def paper_state(self, key: str) -> PaperState | None:
        """The read/starred state of ``key`` as the view holds it (None: neither)."""
        return state_of(key, self.get("read", key), self.get("starred", key))
