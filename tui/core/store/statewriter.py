"""This device's changes to the state: the writing half of :class:`~.state.StateStore`.

Every act of the user is one appended change with a fresh stamp (see
:mod:`.state` for why, and for the locking); this device's file is created,
compacted and repaired here, and the earlier versions' ``state.json`` is moved
into it once (see :mod:`.legacy`).
"""

from __future__ import annotations

import os
import threading
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .. import locks
from ..models import bare_id
from .common import StoreError
from .legacy import LegacyStateError, read_legacy_state
from .merged import MergedState
from .stamps import stamp_after, stamp_now
from .statefile import TAIL_BYTES, Change, FilePosition, position_after, value_ok
from .stateread import Cursor, DeviceFiles, stamp_of, stat_of
from .staterepair import Rewritten, repair_own_file
from .statewrite import FileChanged, append_changes, write_compacted

#: During a write, compact this device's file once its journal has this many lines.
COMPACT_HARD_LINES = 50_000


class StateWriter:
    """The writing methods of :class:`~.state.StateStore` (which sets every attribute below)."""

    device: str
    path: Path
    folder: Path
    legacy_path: Path
    _lock: threading.RLock
    _file_lock: locks.LazyFileLock
    _view: MergedState
    _files: DeviceFiles
    _cursors: dict[str, Cursor]
    _loaded: bool
    _unreported: set[str]
    _say: Callable[[str], None]
    _load: Callable[[], None]

    # -- writing ---------------------------------------------------------------------
    def set_read(self, ids: Iterable[str], read: bool = True) -> None:
        """Mark papers read or unread; persisted before returning."""
        self.change((bare_id(i), "read", bool(read)) for i in ids)

    def set_starred(self, ids: Iterable[str], starred: bool = True) -> None:
        """Star or unstar papers; persisted before returning."""
        self.change((bare_id(i), "starred", bool(starred)) for i in ids)

    def change(self, items: Iterable[tuple[str, str, Any]]) -> list[Change]:
        """Set ``(key, field, value)`` items; the changes written, one per item, freshly stamped.

        Every item is written, also one the merged view already shows: a change
        of another device not seen yet may be older, and this act must win
        over it. Persisted (appended and fsynced) before returning; raises
        StoreError when it cannot be, and ValueError for a value of the wrong type.
        """
        wanted: dict[tuple[str, str], Any] = {}
        for key, name, value in items:
            if not value_ok(name, value) or type(key) is not str or not key:
                raise ValueError(f"{value!r} is not a valid value of {name!r} (key {key!r})")
            wanted[(key, name)] = value
        if not wanted:
            return []
        with self._lock:
            try:
                with self._file_lock:
                    return self._change_locked(wanted)
            except locks.Timeout:
                raise StoreError(
                    f"another arxiv-reader holds {self._file_lock.lock_file}; change not saved"
                ) from None
            except OSError as exc:
                raise StoreError(f"cannot save the reading state in {self.folder}: {exc.strerror or exc}") from None

    def _change_locked(self, wanted: dict[tuple[str, str], Any]) -> list[Change]:
        if not self._loaded:
            self._load()
        for _attempt in range(3):
            self._unreported.update(self._files.scan())  # what other processes of this machine wrote since
            own = self._cursors.get(self.path.name)
            if own is not None and own.refused:
                raise StoreError(f"{self.path} was written by a newer arxiv-reader: change not saved")
            if own is not None and own.error:
                raise StoreError(f"{own.error}; change not saved")
            if own is None or not self.path.exists():
                self.folder.mkdir(parents=True, exist_ok=True)
                own = self._compacted(self._create_own())
            elif own.repair or own.held:
                own = self._compacted(self._compact_own())
            changes = self._stamped(wanted, own)
            try:
                end, data, info = append_changes(self.path, changes, expect=(own.inode, own.position.end))
            except (FileChanged, FileNotFoundError):
                continue  # replaced behind our back (a sync tool, a restore): read it again
            break
        else:
            raise StoreError(f"{self.path} keeps changing while being written; change not saved")
        old = own.position
        own.position = FilePosition(end, old.head, (old.tail + data)[-TAIL_BYTES:], old.next_line + len(changes),
                                    zlib.crc32(data, old.crc))
        own.stat, own.inode = stat_of(info), info.st_ino
        own.journal_lines += len(changes)
        own.last_stamp = max(own.last_stamp, max(map(stamp_of, changes)))
        self._view.merge(self.path.stem, changes)
        if own.journal_lines >= COMPACT_HARD_LINES:
            self._compact_own()
        return changes

    def _stamped(self, wanted: dict[tuple[str, str], Any], own: Cursor) -> list[Change]:
        """One change per item, stamped after this device's last one and after the one it replaces."""
        now = stamp_after(own.last_stamp)
        changes: list[Change] = []
        for (key, name), value in wanted.items():
            old = self._view.get(name, key)
            changes.append((key, name, value, now if old is None or old[1] < now else stamp_after(old[1])))
        return changes

    def _compacted(self, _: Rewritten) -> Cursor:
        return self._cursors[self.path.name]

    def _own_meta(self) -> dict[str, Any]:
        return {"device": self.device, "compacted": stamp_now()}

    def _create_own(self) -> Rewritten:
        meta = self._own_meta()
        data = write_compacted(self.path, meta, [])
        rewritten = Rewritten(meta, [], data, [])
        self._rewritten(rewritten)
        return rewritten

    def _compact_own(self, extra: list[Change] | None = None, meta: dict[str, Any] | None = None) -> Rewritten:
        """Rewrite this device's file compacted (under the file lock)."""
        previous = self._cursors.get(self.path.name)
        rewritten = repair_own_file(self.path, {**self._own_meta(), **(meta or {})}, extra or [], self._say,
                                    known=self._own_known)
        if previous is None or previous.position.end == 0:
            self._view.merge(self.path.stem, rewritten.rows)  # never read before (else merged already)
        self._view.merge(self.path.stem, rewritten.restamped)
        self._rewritten(rewritten, previous.last_stamp if previous is not None else "")
        return rewritten

    def _own_known(self) -> list[Change]:
        """The changes of this device's file that win in the view (as read before: kept by a repair)."""
        stem = self.path.stem
        return [(key, name, value, stamp) for name, column in self._view.winners.items()
                for key, (value, stamp, device) in column.items() if device == stem]

    def _rewritten(self, rewritten: Rewritten, last_stamp: str = "") -> None:
        """Point this device's cursor past the file just rewritten (its changes are merged)."""
        info = os.stat(self.path)
        self._cursors[self.path.name] = Cursor(
            stat_of(info), position_after(rewritten.data), inode=info.st_ino, rows=len(rewritten.rows),
            last_stamp=max([last_stamp, *map(stamp_of, rewritten.rows)]),
            device=self.device, migrated=bool(rewritten.meta.get("migrated")),
        )

    def _migrate(self) -> None:
        """Read the earlier versions' state.json into this device's file, once."""
        try:
            changes = read_legacy_state(self.legacy_path, stamp_now())
        except LegacyStateError as exc:
            self._say(f"{exc}: not migrated; it is left as it was")
            return
        self._view.merge(self.path.stem, changes)  # shown even if it can't be saved
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with self._file_lock:
                self._compact_own(changes, {"migrated": {"from": str(self.legacy_path), "at": stamp_now(),
                                                        "changes": len(changes)}})
        except (locks.Timeout, OSError) as exc:
            self._say(f"could not save the reading state moved from {self.legacy_path} ({exc}); "
                      "it will be read from there again next time")
            return
        self._say(f"moved the reading state of {self.legacy_path} ({len(changes)} flags) to {self.path}, "
                  f"this device's file in the new format; {self.legacy_path.name} was left as it was "
                  "and is no longer used")
