"""A state file opened as any TinyDB database: ``TinyDB(path, storage=StateLogStorage)``.

Meant for tools and tests (the store itself reads with
:func:`~.statefile.read_state_file` and appends with
:func:`~.statewrite.append_changes`).
"""

from __future__ import annotations

import os
from typing import Any

import orjson

from ..atomic import atomic_write_bytes
from ..regular import read_regular_file
from ..storage import META_TABLE, AtomicJSONStorage, CorruptDatabase
from .statecolumns import COLUMNS_TABLE
from .statefile import (
    JOURNAL_TABLE, STATE_SCHEMA, Change, FilePosition, StateFileRead, change_ok, decode_meta, encode_change,
)


class StateLogStorage(AtomicJSONStorage):
    """TinyDB storage for a state file: table ``_meta`` on line 1, table ``journal``
    as the lines after it (documents ``{key, field, value, stamp}``).

    Reads are strict (a damaged or newer file raises); :meth:`write` rewrites the
    file atomically. Meant for tools and tests; the store appends with
    :func:`append_changes` instead of rewriting.
    """

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = read_regular_file(self.path)
        except FileNotFoundError:
            return None
        lines = raw.split(b"\n")
        data: dict[str, dict[str, Any]] = {}
        journal: list[Change] = []
        if lines[0].strip() and not lines[0].lstrip().startswith(b"["):
            probe = StateFileRead(FilePosition(), whole=True)
            decode_meta(lines[0], self.path, probe)  # validates; raises when newer
            if probe.head_damaged or probe.skipped_entries:
                raise CorruptDatabase(probe.head_damaged or f"{self.path}: line 1 holds invalid changes")
            data = {name: table for name, table in orjson.loads(lines[0]).items() if name != COLUMNS_TABLE}
            journal, lines[0] = probe.changes, b""
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    item = orjson.loads(line)
                except orjson.JSONDecodeError:
                    item = None
                if not change_ok(item):
                    raise CorruptDatabase(f"{self.path}: line {number} is not a change")
                journal.append(tuple(item))
        names = ("key", "field", "value", "stamp")
        data[JOURNAL_TABLE] = {str(n): dict(zip(names, c)) for n, c in enumerate(journal, 1)}
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        journal = data.get(JOURNAL_TABLE, {})
        head = {name: table for name, table in data.items() if name != JOURNAL_TABLE}
        # The journal as given may not be sorted and folded: no line is announced as a compacted row.
        head[META_TABLE] = {n: {k: v for k, v in d.items() if k != "rows"} if isinstance(d, dict) else d
                            for n, d in head.get(META_TABLE, {}).items()} or {}
        if not head[META_TABLE]:
            del head[META_TABLE]
        head.setdefault(META_TABLE, {"1": {"generation": os.urandom(16).hex(), "schema": STATE_SCHEMA,
                                            "kind": "state"}})
        lines = [orjson.dumps(head) + b"\n"]
        lines += [encode_change((d["key"], d["field"], d["value"], d["stamp"])) for d in journal.values()]
        atomic_write_bytes(self.path, b"".join(lines))
