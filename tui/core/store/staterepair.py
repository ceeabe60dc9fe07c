"""Compacting this device's state file, and salvaging it when it is damaged.

Called with ``state.lock`` held, so no other process of this machine appends
meanwhile. A damaged file is first copied aside byte for byte
(``<name>.corrupt-<time>``), then rewritten from what could be read; a file
from a newer schema is never rewritten.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..atomic import atomic_write_bytes
from ..regular import read_regular_file
from .dbfiles import aside_path
from .statefile import Change, all_changes, read_state_file, write_compacted


def _copy_aside(path: Path, raw: bytes) -> Path:
    target = aside_path(path)
    atomic_write_bytes(target, raw)
    return target


def repair_own_file(
    path: Path, meta: dict[str, Any], extra: list[Change], say: Callable[[str], None]
) -> tuple[dict[str, Any], list[Change]]:
    """Rewrite ``path`` as one compacted line holding its changes plus ``extra``.

    ``meta`` is laid over the file's own (what it records, such as a migration,
    is kept). Returns the meta and the changes written. Raises OSError when it
    cannot write, NewerStateFile for a newer file (which is left as it is).
    """
    try:
        raw = read_regular_file(path)
    except FileNotFoundError:
        raw = None
    changes: list[Change] = []
    old_meta: dict[str, Any] = {}
    if raw is not None:
        result = read_state_file(path)  # raises NewerStateFile: left alone
        changes = all_changes(result)
        old_meta = dict(result.meta or {})
        if result.snapshot_damaged or result.damaged_lines:
            aside = _copy_aside(path, raw)
            say(f"{path} was damaged; kept a copy as {aside.name} and saved the {len(changes)} "
                "changes that could be read")
        elif result.torn_tail:
            aside = _copy_aside(path, raw)
            say(f"{path} ended in a line cut short (a crash or a full disk while saving); "
                f"dropped that line and kept a copy of the file as {aside.name}")
    old_meta.pop("schema", None)
    meta = {**old_meta, **meta}
    changes += extra
    write_compacted(path, meta, changes)
    return meta, changes

