"""Reading every device's state file into the merged view, and again cheaply.

:class:`DeviceFiles` keeps a cursor per file of ``state/``: the stat seen at
the last read and where that read stopped (:class:`~.statefile.FilePosition`).
:meth:`DeviceFiles.scan` lists the folder, stats each file, and reads a file
again only when its stat changed: only what was appended, when the bytes read
before are still where they were, else the whole file (see :mod:`.statefile`).
Every problem found is said (see :mod:`.statenotices`); changes stamped beyond
the horizon are held until their time comes (see :mod:`.stamps`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from .merged import MergedState
from .stamps import horizon
from .statefile import NO_COLUMNS, Change, FilePosition, NewerStateFile, StateFileRead, read_state_file
from .statenotices import file_notices
from .staterepair import describe_changes, lacking

#: How long to wait before reading again a file that ends in a line cut short
#: (another process may be writing it this very moment).
TORN_RETRY_SECONDS = 0.02

#: What a stat tells of a file's identity and version: (mtime_ns, ctime_ns, size, inode).
#: The ctime changes with every write, rename or copy over it, and no tool can set it.
Stat = tuple[int, int, int, int]
stamp_of = itemgetter(3)


def stat_of(info: os.stat_result) -> Stat:
    """The :data:`Stat` of a file's ``os.stat`` result."""
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)


@dataclass(slots=True)
class Cursor:
    """How far the store has read one device's file."""

    stat: Stat | None  # the file's stat before the last read
    position: FilePosition = FilePosition()
    inode: int = 0  # of the file the last read opened
    journal_lines: int = 0
    rows: int = 0
    last_stamp: str = ""  # the greatest stamp applied from the file
    device: str = ""  # the name the file gives (else its stem)
    refused: bool = False  # from a newer schema
    error: str | None = None  # the last read failed
    migrated: bool = False  # it records the migration of state.json
    repair: bool = False  # this device's own file is damaged or in the old layout
    held: list[Change] = field(default_factory=list)  # stamped beyond the horizon
    headed: bool = False  # its first line is a state file's header (else: garbage, or an old layout)


class DeviceFiles:
    """Every device's file of ``folder``, read into ``view``; ``own`` is this device's."""

    def __init__(self, folder: Path, own: Path, view: MergedState, say: Callable[[str], None]) -> None:
        self.folder = folder
        self.own = own
        self.view = view
        self.say = say
        self.cursors: dict[str, Cursor] = {}  # file name -> cursor

    def scan(self) -> set[str]:
        """Read what changed since the last scan; the keys whose values changed."""
        changed: set[str] = set()
        try:
            entries = [e for e in os.scandir(self.folder) if e.name.endswith(".jsonl")]
        except FileNotFoundError:
            return changed
        except OSError as exc:
            self.say(f"cannot read the state folder {self.folder}: {exc.strerror or exc}")
            return changed
        for entry in entries:
            try:
                if not entry.is_file():  # never open a FIFO or a folder
                    self.say(f"{entry.path} is not a regular file; ignored")
                    continue
                stat = stat_of(entry.stat())
            except OSError as exc:
                self.say(f"cannot read {entry.path}: {exc.strerror or exc}")
                continue
            cursor = self.cursors.get(entry.name)
            if cursor is None or cursor.stat != stat:
                changed |= self._read_file(Path(entry.path), stat, cursor)
        if any(cursor.held for cursor in self.cursors.values()):
            changed |= self._release_held()
        return changed

    def _read(self, path: Path, stat: Stat, cursor: Cursor | None) -> tuple[StateFileRead, Stat]:
        previous = None if cursor is None or cursor.refused else cursor.position
        result = read_state_file(path, previous)
        if result.torn:  # maybe a line being written this very moment: look again once
            time.sleep(TORN_RETRY_SECONDS)
            stat = stat_of(os.stat(path))
            result = read_state_file(path, previous)
        return result, stat

    def _read_file(self, path: Path, stat: Stat, cursor: Cursor | None) -> set[str]:
        try:
            result, stat = self._read(path, stat, cursor)
        except NewerStateFile as exc:
            self.cursors[path.name] = Cursor(stat, device=path.stem, refused=True)
            self.say(str(exc))
            return set()
        except OSError as exc:
            failed = self.cursors[path.name] = cursor or Cursor(None, device=path.stem)
            failed.stat, failed.error = stat, f"cannot read {path}: {exc.strerror or exc}"
            self.say(failed.error)
            return set()
        own = path == self.own
        before = cursor
        if result.whole or cursor is None:
            meta = result.meta or {}
            cursor = Cursor(stat, rows=result.rows, migrated=bool(meta.get("migrated")),
                            device=meta["device"] if isinstance(meta.get("device"), str) else path.stem)
            cursor.repair = own and type(meta.get("rows")) is not int  # the old layout, or no line 1
            cursor.headed = isinstance(result.meta, dict)
        cursor.stat, cursor.position, cursor.inode, cursor.error = stat, result.position, result.inode, None
        cursor.journal_lines = (0 if result.whole else cursor.journal_lines) + result.journal_lines
        self.cursors[path.name] = cursor
        replaced = own and result.whole and before is not None and before.position.end > 0
        cursor.repair |= own and result.shrank
        for notice in file_notices(path, result, own, shrank=not replaced):  # (a replaced own file: said below)
            cursor.repair |= own
            self.say(notice)
        columns, changes, snapshot = result.rows_columns, result.changes, result.snapshot
        limit = horizon()
        latest = max(max(columns[3], default=""), max(map(stamp_of, changes), default=""))
        if latest > limit:  # (rare: the slow way)
            changes, snapshot, columns = result.all_changes(), snapshot + len(columns[0]), NO_COLUMNS
            held = [change for change in changes if change[3] > limit]
            cursor.held = held if result.whole else cursor.held + held
            snapshot = sum(1 for change in changes[:snapshot] if change[3] <= limit)
            changes = [change for change in changes if change[3] <= limit]
            latest = max(map(stamp_of, changes), default="")
            if not own:  # (this device's own ones are re-stamped at load)
                self.say(f"{path}: {len(cursor.held)} change(s) stamped up to {max(map(stamp_of, held))}, "
                         "more than a day ahead of this machine's clock, are not applied until then "
                         f"(is the clock of the device {cursor.device!r} wrong?)")
        elif result.whole:
            cursor.held = []
        cursor.last_stamp = max(cursor.last_stamp, latest)
        stem, view = path.stem, self.view
        merged = (view.merge_columns(stem, columns) | view.merge_rows(stem, changes[:snapshot])
                  | view.merge(stem, changes[snapshot:]))
        if replaced:  # since last read
            self._say_lost(path, result)
        return merged

    def _say_lost(self, path: Path, result: StateFileRead) -> None:
        """Say which of this device's changes, read from ``path`` before, its new version lacks
        (another process rewrote it, e.g. repairing a damaged line this reader had read whole,
        or an older copy was put in its place): one notice, saying that no file holds them and
        that they are shown only until the reader restarts. Nothing is written back: the user
        may have removed them elsewhere on purpose."""
        stem = path.stem
        known = [(key, name, value, stamp) for name, column in self.view.winners.items()
                 for key, (value, stamp, device) in column.items() if device == stem]
        lost = lacking(result.all_changes(), known)
        if lost:
            how = "is shorter than when this reader read it (an older copy, or cut short)" if result.shrank else (
                "was rewritten by another process")
            self.say(f"{path} {how} without {len(lost)} change(s) this reader had read from it "
                     f"({describe_changes(lost)}): no file holds them; they are shown here until the reader "
                     "restarts, then gone; make them again to keep them (a damaged file's lines are kept in its "
                     ".corrupt copy)")

    def _release_held(self) -> set[str]:
        """Apply the held changes whose time has come."""
        changed: set[str] = set()
        limit = horizon()
        for name, cursor in self.cursors.items():
            due = [change for change in cursor.held if change[3] <= limit]
            if due:
                cursor.held = [change for change in cursor.held if change[3] > limit]
                cursor.last_stamp = max(cursor.last_stamp, max(map(stamp_of, due)))
                changed |= self.view.merge(Path(name).stem, due)
        return changed

    def devices(self) -> dict[str, str]:
        """Device name -> the stamp of its latest change applied, for every file read
        that is a state file (a header, or changes: not a file of random bytes)."""
        return {c.device: c.last_stamp for c in self.cursors.values()
                if not c.refused and not c.error and (c.headed or c.last_stamp)}
