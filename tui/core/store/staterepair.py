"""Compacting this device's state file, and salvaging it when it is damaged.

Called with ``state.lock`` held, so no other process of this machine appends
meanwhile. A damaged file (a bad line, line 1 unreadable, a line cut short,
compacted rows missing) is first copied aside byte for byte
(``<name>.corrupt-<time>``), then rewritten from every change that could be
read; a file from a newer schema is never rewritten. Changes stamped beyond
the horizon (saved while this machine's clock ran ahead) are re-stamped with
the current time, so every act of the user applies again (see :mod:`.stamps`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import atomic_write_bytes
from ..regular import read_regular_file
from ..safetext import escape_controls
from .dbfiles import aside_path
from .stamps import horizon, stamp_after
from .statefile import Change, read_state_file
from .statewrite import fold, write_compacted


@dataclass(slots=True)
class Rewritten:
    """What a compaction wrote."""

    meta: dict[str, Any]
    rows: list[Change]  # the latest change per key and field, as written
    data: bytes  # the whole new file
    restamped: list[Change]  # rows whose far-future stamp was replaced by the current time


def _copy_aside(path: Path, raw: bytes) -> Path:
    target = aside_path(path)
    atomic_write_bytes(target, raw)
    return target


def _damaged(result: Any) -> bool:
    """Whether a read file must be copied aside before it is rewritten (its problems are said already)."""
    return bool(result.head_damaged or result.damaged_lines or result.skipped_entries or result.missing_rows
                or result.torn or (result.position.end == 0 and result.meta is None))


def lacking(changes: list[Change], known: list[Change]) -> list[Change]:
    """Those of ``known`` that ``changes`` lacks (neither it nor a later change of its key and field)."""
    latest = fold(changes)
    return [c for c in known if (old := latest.get((c[1], c[0]))) is None or old[3] < c[3]]


_FIELD_WORDS = {"read": "read flag", "starred": "star", "note": "note"}


def describe_changes(changes: list[Change], most: int = 3) -> str:
    """A few of ``changes`` in the user's words (``saved search @x``, ``tag #y on ID``)."""
    words = []
    for key, name, _value, _ in sorted(changes, key=lambda c: (not c[0].startswith("search:"), c[0], c[1])):
        if key.startswith("search:") and name == "query":
            words.append(f"saved search @{key[len('search:'):]}")
        elif name.startswith("tag:"):
            words.append(f"tag #{name[4:]} on {key}")
        else:
            words.append(f"{_FIELD_WORDS.get(name, name)} of {key}")
    shown = ", ".join(escape_controls(word) for word in words[:most])
    return shown + (f" and {len(words) - most} more" if len(words) > most else "")


def repair_own_file(
    path: Path, meta: dict[str, Any], extra: list[Change], say: Callable[[str], None],
    known: Callable[[], list[Change]] | None = None,
) -> Rewritten:
    """Rewrite ``path`` compacted: its changes plus ``extra``, far-future stamps renewed.

    ``meta`` is laid over the file's own (what it records, such as a migration,
    is kept). ``known``: the changes of this file as the caller read them
    before; when the file is damaged, those its damaged lines no longer give
    are written too, so nothing the caller still shows is dropped from disk.
    Raises OSError when it cannot write, NewerStateFile for a newer file
    (which is left as it is).
    """
    try:
        raw = read_regular_file(path)
    except FileNotFoundError:
        raw = None
    changes: list[Change] = []
    old_meta: dict[str, Any] = {}
    if raw is not None:
        result = read_state_file(path)  # raises NewerStateFile: left alone
        changes = result.all_changes()
        old_meta = dict(result.meta or {})
        if _damaged(result):
            aside = _copy_aside(path, raw)
            kept = lacking(changes, known()) if known is not None else []
            said = f"{path} was rewritten with the {len(changes)} change(s) that could be read"
            if kept:
                said += (f" and {len(kept)} that this reader had read from it before the damage "
                         f"({describe_changes(kept)})")
            elif result.damaged_lines:
                numbers = result.damaged_lines
                lines = ", ".join(map(str, numbers[:5])) + (", ..." if len(numbers) > 5 else "")
                said += f"; what damaged line(s) {lines} held is only in the copy"
            say(f"{said}; a copy of the damaged file was kept as {aside.name}")
            changes += kept
    for name in ("schema", "rows", "generation"):
        old_meta.pop(name, None)
    meta = {**old_meta, **meta}
    rows = list(fold(changes + extra).values())
    limit = horizon()
    ahead = [change for change in rows if change[3] > limit]
    restamped: list[Change] = []
    if ahead:
        now = stamp_after(max((c[3] for c in rows if c[3] <= limit), default=""))
        restamped = [(key, name, value, now) for key, name, value, _ in ahead]
        rows = [change for change in rows if change[3] <= limit] + restamped
        say(f"{len(ahead)} change(s) saved in {path} while this machine's clock ran ahead (stamped up to "
            f"{max(c[3] for c in ahead)}) are now stamped with the current time")
    data = write_compacted(path, meta, rows)
    return Rewritten(meta, rows, data, restamped)
