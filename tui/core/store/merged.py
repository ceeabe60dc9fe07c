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
from .statefile import Change

#: A winning change: (value, stamp, device file stem).
Record = tuple[Any, str, str]

_DEFAULTS: dict[str, Any] = {"note": ""}


def default_value(name: str) -> Any:
    """The value of a field never set: false for flags and tags, "" for a note."""
    return _DEFAULTS.get(name, False if name in ("read", "starred") or name.startswith("tag:") else None)


def same_value(a: Any, b: Any) -> bool:
    """Equal and of the same type (``True`` is not ``1``)."""
    return type(a) is type(b) and a == b


class MergedState:
    """The winners of every field, and the read/starred flags as PaperStates (built on first use)."""

    def __init__(self) -> None:
        self.winners: dict[str, dict[str, Record]] = {}  # field -> key -> record
        self._papers: dict[str, PaperState] | None = None
        #: Whether merges collect the keys they change (not needed while loading).
        self.track = True

    def get(self, name: str, key: str) -> Record | None:
        """The winning change of ``key``'s field ``name`` (``None``: never set)."""
        column = self.winners.get(name)
        return None if column is None else column.get(key)

    def values(self, name: str) -> dict[str, Any]:
        """Every key's current value of field ``name``."""
        return {key: record[0] for key, record in self.winners.get(name, {}).items()}

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
                if self._papers is not None and name in ("read", "starred"):
                    self._update_paper(key)
        return changed

    def merge_column(self, device: str, name: str, keys: list[str], values: list[Any], stamps: list[str]) -> set[str]:
        """:meth:`merge` for a compacted column of one field (its keys are distinct)."""
        column = self.winners.get(name)
        if column:
            return self.merge(device, zip(keys, repeat(name), values, stamps))
        # Nothing known of this field yet: every change wins (a fast path for the first load).
        self.winners[name] = dict(zip(keys, zip(values, stamps, repeat(device))))
        if not self.track:
            return set()
        default = default_value(name)
        changed = {key for key, value in zip(keys, values) if not same_value(value, default)}
        if self._papers is not None and name in ("read", "starred"):
            for key in changed:
                self._update_paper(key)
        return changed

    def paper_states(self) -> dict[str, PaperState]:
        """Every paper read or starred (the same dict, kept current by later merges)."""
        if self._papers is None:
            papers: dict[str, PaperState] = {}
            for key, (value, stamp, _) in self.winners.get("read", {}).items():
                if value:
                    papers[key] = PaperState(key, True, stamp)
            for key, (value, stamp, _) in self.winners.get("starred", {}).items():
                if value:
                    state = papers.get(key)
                    if state is None:
                        papers[key] = PaperState(key, False, None, True, stamp)
                    else:
                        state.starred, state.starred_at = True, stamp
            self._papers = papers
        return self._papers

    def _update_paper(self, key: str) -> None:
        assert self._papers is not None
        read, starred = self.get("read", key), self.get("starred", key)
        is_read, is_starred = bool(read and read[0]), bool(starred and starred[0])
        if is_read or is_starred:
            self._papers[key] = PaperState(
                key, is_read, read[1] if is_read else None, is_starred, starred[1] if is_starred else None
            )
        else:
            self._papers.pop(key, None)
