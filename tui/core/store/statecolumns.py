"""The first layout of state files: every compacted change in line 1, as columns.

Line 1 held table ``columns``, one document per field with the latest change
of each key in three parallel lists::

    {"field": "starred", "keys": ["2201.12944", ...], "values": [true, ...],
     "stamps": ["2026-11-28T09:14:03.120544Z", ...]}

Such files (written by arxiv-reader before the one-change-per-line layout)
are still read, entry by entry: one wrong value costs that entry, not the file.
A device rewrites its own file in the current layout at its next compaction.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import repeat
from typing import Any

COLUMNS_TABLE = "columns"


def columns_changes(
    table: dict[str, Any], change_ok: Callable[[Any], bool], all_ok: Callable[[list[Any]], bool]
) -> tuple[list[tuple[str, str, Any, str]], int, str | None]:
    """The valid changes of a ``columns`` table, how many entries were not, and what was wrong."""
    changes: list[tuple[str, str, Any, str]] = []
    skipped = 0
    problem: str | None = None
    for number, doc in table.items():
        parts: list[Any] | None = (
            [doc.get(k) for k in ("field", "keys", "values", "stamps")] if type(doc) is dict else None
        )
        if (parts is None or type(parts[0]) is not str or not all(type(p) is list for p in parts[1:])
                or not len(parts[1]) == len(parts[2]) == len(parts[3])):
            # Without lists of one length, which value belongs to which key is unknown.
            problem = f"column {number} is malformed; its entries were skipped"
            skipped += len(parts[1]) if parts is not None and type(parts[1]) is list else 1
            continue
        name, keys, values, stamps = parts
        entries = [list(entry) for entry in zip(keys, repeat(name), values, stamps)]
        if all_ok(entries):
            changes.extend(map(tuple, entries))
            continue
        good = [tuple(entry) for entry in entries if change_ok(entry)]
        skipped += len(entries) - len(good)
        problem = problem or f"column {name!r} holds invalid entries; the valid ones were kept"
        changes.extend(good)
    return changes, skipped, problem
