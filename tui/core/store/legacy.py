"""The single ``state.json`` of earlier versions (schema 2), read once for migration.

Only read, never written, moved or deleted: after the migration the file stays
as it was (an older arxiv-reader may still use it), and the store says so.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from ..regular import read_regular_file
from ..storage import SCHEMA as LEGACY_SCHEMA, meta_schema
from .stamps import STAMP_FORMAT
from .statefile import Change


class LegacyStateError(Exception):
    """``state.json`` could not be migrated; the message says why (for the user)."""


def _stamp(text: Any, fallback: str) -> str:
    """A legacy ISO time (``2026-11-25T10:00:00+00:00``) as a state stamp."""
    if isinstance(text, str):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return fallback
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc).strftime(STAMP_FORMAT)
    return fallback


def read_legacy_state(path: Path, fallback: str) -> list[Change]:
    """The read and starred flags of ``path`` as changes stamped when they were set.

    A flag without a usable time gets ``fallback``; documents that are not
    entries are skipped. Raises LegacyStateError when the file can't be read,
    is not a state database or comes from a newer version.
    """
    what = f"{path} (the reading state of an earlier version)"
    try:
        raw = read_regular_file(path)
    except OSError as exc:
        raise LegacyStateError(f"cannot read {what}: {exc.strerror or exc}") from None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise LegacyStateError(f"{what} is damaged (not valid JSON: {exc})") from None
    table = data.get("state") if isinstance(data, dict) else None
    if not isinstance(table, dict):
        raise LegacyStateError(f"{what} is damaged (no table 'state')")
    schema = meta_schema(data)
    if schema is not None and schema > LEGACY_SCHEMA:
        raise LegacyStateError(f"{what} has schema {schema}, newer than this program knows ({LEGACY_SCHEMA})")
    changes: list[Change] = []
    for doc in table.values():
        key = doc.get("id") if isinstance(doc, dict) else None
        if not isinstance(key, str) or not key.strip():
            continue  # a foreign or damaged entry: ignore it, keep the rest
        for name in ("read", "starred"):
            if doc.get(name) is True:
                changes.append((key.strip(), name, True, _stamp(doc.get(f"{name}_at"), fallback)))
    return changes
