"""The user's state (read, starred; tags, notes, saved searches later), merged across devices.

Files under the data directory::

    state/<device>.jsonl   every change one device made, written only by that
                           device (see :mod:`.statefile`): a compacted TinyDB
                           database on line 1, then one appended line per change
    state.lock             held by a process of this machine while it writes
                           its device's file (kept out of ``state/`` so a sync
                           tool carrying that folder never sees it)

**Changes.** A change is ``(key, field, value, stamp)``. Keys are arXiv ids
without version (``2201.12944``) or, for state that is not about a paper, a
name with a colon (``search:mute``). Fields are ``read`` and ``starred``
(booleans), ``tag:<name>`` (a boolean per tag, so two devices adding different
tags both keep theirs), ``note`` (text) or any other name with a JSON scalar
value. A field never set has its default (false, or "" for a note); an
un-star is a change to false, kept like any other.

**Merge.** Every reader reads every device's file; per key and field the
change with the greatest stamp wins (ties: the greater device name, then the
greater value), so the merge gives the same state whatever the order and
moment files are read in, and re-reading is harmless. Stamps come from
:mod:`.stamps` (wall clock, but always after the change replaced).

**Writes.** A change is one appended line plus an fsync, made while holding
``state.lock`` after reading what other processes of this machine appended, so
two sessions never lose each other's changes. A change that would not alter
the merged value is not written (re-marking a read paper keeps its ``read_at``).
When the journal has grown long (at load, or past a hard limit during a
write), the file is compacted: its latest change per key and field is
rewritten as line 1, atomically.

**Reading again.** :meth:`StateStore.refresh` lists ``state/``, compares each
file's stat with what was read, and reads only the lines appended since (a
whole file only after it was compacted or replaced): cheap enough to poll.

**Damage.** A file from a newer schema is read for nothing and never touched
(and this device's own one is never written: changes are refused). Damaged
lines of another device's file are skipped with a message, the file left as
it is (it is that device's to write). This device's own damaged file is
copied aside (``<name>.corrupt-<time>``), then rewritten with what could be
read. Either way the other files and the readable lines still load.

**Migration.** The single ``state.json`` of earlier versions is read once
into this device's file, and left untouched (see :mod:`.legacy`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ..models import PaperState
from .common import StoreError, bare_id, gc_paused
from .dbfiles import LOCK_TIMEOUT, Stamp, file_stamp
from .legacy import LegacyStateError, read_legacy_state
from .stamps import stamp_after, stamp_now
from .merged import MergedState, default_value, same_value
from .statefile import (
    Change, NewerStateFile, StateFileRead, append_changes, device_file_stem, device_name, read_state_file, value_ok,
    write_compacted,
)
from .staterepair import repair_own_file

#: At load, compact this device's file when its journal has this many lines and
#: at least a quarter as many as line 1 holds; during a write, past the hard limit.
COMPACT_MIN_LINES = 1_000
COMPACT_HARD_LINES = 50_000

@dataclass(slots=True)
class _Cursor:
    """How far this store has read one device's file."""

    stamp: Stamp | None  # the file's stat before the last read
    inode: int = 0
    end: int = 0
    next_line: int = 1
    journal_lines: int = 0
    snapshot_rows: int = 0
    last_stamp: str = ""  # the greatest stamp in the file
    device: str = ""  # the name the file gives (else its stem)
    refused: bool = False  # from a newer schema
    migrated: bool = False  # its line 1 records the migration of state.json
    needs_repair: bool = False  # this device's own file is damaged


class StateStore:
    """The merged state of every device, and this device's changes to it.

    Notices go to ``messages``; writes raise :class:`StoreError` when they
    cannot be saved. Safe to call from several threads.
    """

    def __init__(self, home: Path, messages: list[str], device: str | None = None) -> None:
        self.home = home
        self.folder = home / "state"
        self.device = device or device_name()
        self.path = self.folder / f"{device_file_stem(self.device)}.jsonl"
        self.legacy_path = home / "state.json"
        self.messages = messages
        self._file_lock = FileLock(str(home / "state.lock"), timeout=LOCK_TIMEOUT)
        self._lock = threading.RLock()
        self._view = MergedState()
        self._cursors: dict[str, _Cursor] = {}  # file name -> cursor
        self._loaded = False
        self._said: set[str] = set()
        #: Keys other processes changed, read while answering something else (a
        #: write, ``states()``): the next :meth:`refresh` still reports them.
        self._unreported: set[str] = set()

    # -- reading -------------------------------------------------------------------
    def states(self) -> dict[str, PaperState]:
        """Every paper that is read or starred (re-read from disk where files changed)."""
        with self._lock:
            self._catch_up()
            return dict(self._view.paper_states())

    def get_state(self, paper_id: str) -> PaperState:
        """The state of one paper (a fresh unread, unstarred one when it has none)."""
        key = bare_id(paper_id)
        with self._lock:
            self._catch_up()
            state = self._view.paper_states().get(key)
        return state if state is not None else PaperState(key)

    def values(self, name: str) -> dict[str, Any]:
        """Every key's current value of field ``name`` (keys never set are left out)."""
        with self._lock:
            self._catch_up()
            return self._view.values(name)

    def refresh(self) -> frozenset[str]:
        """Read what changed on disk since the last look; the keys whose values changed.

        Empty (false) when nothing changed. Costs a folder listing and a stat per
        device file, plus reading only the lines appended since.
        """
        with self._lock:
            if not self._loaded:
                self._load()
                self._unreported.clear()
                return frozenset(key for column in self._view.winners.values() for key in column)
            changed = frozenset(self._unreported.union(self._scan()))
            self._unreported.clear()
            return changed

    def _catch_up(self) -> None:
        """Read what changed on disk, keeping the keys for the next :meth:`refresh` to report."""
        if not self._loaded:
            self._load()
        else:
            self._unreported.update(self._scan())

    def devices(self) -> dict[str, str]:
        """Device name -> the stamp of its latest change, for every state file read."""
        with self._lock:
            self._catch_up()
            return {c.device: c.last_stamp for c in self._cursors.values() if not c.refused}

    def _load(self) -> None:
        self._loaded = True
        self._view.track = False
        try:
            with gc_paused():
                self._scan()
        finally:
            self._view.track = True
        own = self._cursors.get(self.path.name)
        if self.legacy_path.exists() and not (own and (own.migrated or own.refused)):
            self._migrate()
        own = self._cursors.get(self.path.name)
        if own is not None and not own.refused and (
            own.needs_repair or own.journal_lines >= max(COMPACT_MIN_LINES, own.snapshot_rows // 4)
        ):
            try:
                with self._file_lock:
                    self._compact_own()
            except (Timeout, OSError):
                pass  # only an optimisation (a damaged file is said already and retried next time)

    def _say(self, message: str) -> None:
        """Add a notice once per store (a file damaged stays so until it changes)."""
        if message not in self._said:
            self._said.add(message)
            self.messages.append(message)

    def _scan(self) -> set[str]:
        changed: set[str] = set()
        try:
            entries = [e for e in os.scandir(self.folder) if e.name.endswith(".jsonl")]
        except FileNotFoundError:
            return changed
        except OSError as exc:
            self._say(f"cannot read the state folder {self.folder}: {exc.strerror or exc}")
            return changed
        for entry in entries:
            try:
                if not entry.is_file():  # never open a FIFO or a folder
                    self._say(f"{entry.path} is not a regular file; ignored")
                    continue
                st = entry.stat()
            except OSError as exc:
                self._say(f"cannot read {entry.path}: {exc.strerror or exc}")
                continue
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
            cursor = self._cursors.get(entry.name)
            if cursor is None or cursor.stamp != stamp:
                changed |= self._read_file(Path(entry.path), stamp, cursor)
        return changed

    def _read_file(self, path: Path, stamp: Stamp, cursor: _Cursor | None) -> set[str]:
        fresh = _Cursor(stamp, device=path.stem)
        try:
            if cursor is None or cursor.refused:
                result = read_state_file(path)
            else:
                result = read_state_file(path, cursor.end, cursor.inode, cursor.next_line)
        except NewerStateFile as exc:
            fresh.refused = True
            self._cursors[path.name] = fresh
            self._say(str(exc))
            return set()
        except OSError as exc:
            self._cursors[path.name] = cursor or fresh
            (cursor or fresh).stamp = stamp
            self._say(f"cannot read {path}: {exc.strerror or exc}")
            return set()
        if result.whole or cursor is None:
            cursor = fresh
            cursor.snapshot_rows = sum(len(column[1]) for column in result.columns)
            if result.meta and isinstance(result.meta.get("device"), str):
                cursor.device = result.meta["device"]
            cursor.migrated = bool(result.meta and result.meta.get("migrated"))
        cursor.stamp, cursor.inode, cursor.end = stamp, result.inode, result.end
        cursor.next_line = (1 if result.whole else cursor.next_line) + result.lines_read
        cursor.journal_lines = (0 if result.whole else cursor.journal_lines) + result.journal_lines
        self._cursors[path.name] = cursor
        self._report_damage(path, cursor, result)
        stamps = [max(column[3]) for column in result.columns if column[3]]
        stamps += [change[3] for change in result.changes]
        cursor.last_stamp = max(cursor.last_stamp, *stamps) if stamps else cursor.last_stamp
        changed: set[str] = set()
        for name, keys, values, stamps in result.columns:
            changed |= self._view.merge_column(path.stem, name, keys, values, stamps)
        return changed | self._view.merge(path.stem, result.changes)

    def _report_damage(self, path: Path, cursor: _Cursor, result: StateFileRead) -> None:
        if not (result.snapshot_damaged or result.damaged_lines):
            return
        what = result.snapshot_damaged or f"{path}: damaged line(s) {_numbers(result.damaged_lines)}"
        if path == self.path:
            cursor.needs_repair = True
            self._say(f"{what}; the readable changes still load")
        else:
            self._say(f"{what}; skipped them (the file is left as it is: it is that device's to write)")

    # -- writing ---------------------------------------------------------------------
    def set_read(self, ids: Iterable[str], read: bool = True) -> None:
        """Mark papers read or unread; persisted before returning."""
        self.change((bare_id(i), "read", bool(read)) for i in ids)

    def set_starred(self, ids: Iterable[str], starred: bool = True) -> None:
        """Star or unstar papers; persisted before returning."""
        self.change((bare_id(i), "starred", bool(starred)) for i in ids)

    def change(self, items: Iterable[tuple[str, str, Any]]) -> list[Change]:
        """Set ``(key, field, value)`` items; the changes written (none where already so).

        Persisted (appended and fsynced) before returning; raises StoreError when
        it cannot be, and ValueError for a value of the wrong type.
        """
        wanted: dict[tuple[str, str], Any] = {}
        for key, name, value in items:
            if not value_ok(name, value):
                raise ValueError(f"{value!r} is not a valid value of {name!r}")
            wanted[(key, name)] = value
        if not wanted:
            return []
        with self._lock:
            try:
                with self._file_lock:
                    return self._change_locked(wanted)
            except Timeout:
                raise StoreError(
                    f"another arxiv-reader holds {self._file_lock.lock_file}; change not saved"
                ) from None
            except OSError as exc:
                raise StoreError(f"cannot save the reading state in {self.folder}: {exc.strerror or exc}") from None

    def _change_locked(self, wanted: dict[tuple[str, str], Any]) -> list[Change]:
        if not self._loaded:
            self._load()
        else:
            self._unreported.update(self._scan())  # what other processes of this machine wrote since
        own = self._cursors.get(self.path.name)
        if own is not None and own.refused:
            raise StoreError(f"{self.path} was written by a newer arxiv-reader: change not saved")
        stamp = file_stamp(self.path)
        if own is not None and stamp is not None and (own.needs_repair or stamp[1] != own.end):
            # Damaged, or it ends in a line cut short (nobody else writes while we hold the lock).
            self._compact_own()
            own = self._cursors.get(self.path.name)
        now = stamp_after(own.last_stamp if own is not None else "")
        changes: list[Change] = []
        for (key, name), value in wanted.items():
            old = self._view.get(name, key)
            if old is None:
                if not same_value(value, default_value(name)):
                    changes.append((key, name, value, now))
            elif not same_value(value, old[0]):
                changes.append((key, name, value, now if old[1] < now else stamp_after(old[1])))
        if not changes:
            return []
        if stamp is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._create_own()
        end = append_changes(self.path, changes)
        own = self._cursors[self.path.name]
        own.stamp, own.end = file_stamp(self.path), end
        own.journal_lines += len(changes)
        own.next_line += len(changes)
        own.last_stamp = max(own.last_stamp, max(change[3] for change in changes))
        self._view.merge(self.path.stem, changes)
        if own.journal_lines >= COMPACT_HARD_LINES:
            self._compact_own()
        return changes

    def _own_meta(self) -> dict[str, Any]:
        return {"device": self.device, "compacted": stamp_now()}

    def _create_own(self) -> None:
        meta = self._own_meta()
        write_compacted(self.path, meta, [])
        self._rewritten(meta, [])

    def _compact_own(self, extra: list[Change] | None = None, meta: dict[str, Any] | None = None) -> None:
        """Rewrite this device's file as one line (under the file lock)."""
        previous = self._cursors.get(self.path.name)
        written, changes = repair_own_file(self.path, {**self._own_meta(), **(meta or {})}, extra or [], self._say)
        if previous is None or previous.end == 0:
            self._view.merge(self.path.stem, changes)  # never read before (else merged already)
        self._rewritten(written, changes, previous.last_stamp if previous is not None else "")

    def _rewritten(self, meta: dict[str, Any], changes: list[Change], last_stamp: str = "") -> None:
        """Point this device's cursor past the file just rewritten (its changes are merged)."""
        stamp = file_stamp(self.path)
        assert stamp is not None
        self._cursors[self.path.name] = _Cursor(
            stamp, inode=stamp[2], end=stamp[1], next_line=2, snapshot_rows=len(changes),
            last_stamp=max([last_stamp, *(change[3] for change in changes)]),
            device=self.device, migrated=bool(meta.get("migrated")),
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
        except (Timeout, OSError) as exc:
            self._say(f"could not save the reading state moved from {self.legacy_path} ({exc}); "
                      "it will be read from there again next time")
            return
        self._say(f"moved the reading state of {self.legacy_path} ({len(changes)} flags) to {self.path}, "
                  f"this device's file in the new format; {self.legacy_path.name} was left as it was "
                  "and is no longer used")


def _numbers(lines: list[int]) -> str:
    shown = ", ".join(map(str, lines[:5]))
    return shown + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
