"""The user's state (read, starred, tags, notes, saved searches), merged across devices.

Files under the data directory::

    state/<device>.jsonl   every change one device made, written only by that
                           device (see :mod:`.statefile`): a TinyDB table of
                           changes, one JSON line each
    state.lock             held by a process of this machine while it writes
                           its device's file (kept out of ``state/`` so a sync
                           tool carrying that folder never sees it)
    state.snapshot         derived: the merged view of the files as last read,
                           so a start-up need not parse them (see :mod:`.statesnap`)

**Changes.** A change is ``(key, field, value, stamp)``. Keys are arXiv ids
without version (``2201.12944``) or, for state that is not about a paper, a
name with a colon (``search:mute``). Fields are ``read`` and ``starred``
(booleans), ``tag:<name>`` (a boolean per tag, so two devices adding different
tags both keep theirs), ``note`` (text), ``query`` (a saved search's text, on
key ``search:<name>``; see :mod:`tui.core.readinglist`) or any other name with
a JSON scalar value. A field never set has its default (false, or "" for a
note or a query); an un-star is a change to false, kept like any other.

**Merge.** Every reader reads every device's file; per key and field the
change with the greatest stamp wins (ties: the greater device file name, then
the greater value), so the merge gives the same state whatever the order and
moment files are read in, and re-reading is harmless. Stamps come from
:mod:`.stamps`; a change stamped more than a day ahead of this machine's clock
is held until its time comes (a broken clock must not take a key hostage).

**Writes.** Every act of the user is one appended change with a fresh stamp,
also when the merged view already shows that value: another device's change
not seen yet may be older, and the act must win over it. It is appended and
fsynced while holding ``state.lock``, after reading what other processes of
this machine appended, so two sessions never lose each other's changes, and
only to the very file this store has read (else it reads again first). When
the file's journal has grown long (at load, or past a hard limit during a
write) it is compacted: rewritten atomically with the latest change per key
and field, under a new generation.

**Reading again.** :meth:`StateStore.refresh` lists ``state/``, compares each
file's stat with what was read, and reads only the lines appended since, after
checking the file is still the one read (see :mod:`.statefile`; else it reads
it whole): cheap enough to poll.

**Damage.** Every problem is said, for this device's file and for others'
(a damaged line, a line cut short, a file shorter than announced or than when
read before), and whatever is valid still loads. A file from a newer schema is
read for nothing and never touched (and this device's own one is never
written: changes are refused). Another device's file is left as it is (it is
that device's to write); this device's own damaged file is copied aside
(``<name>.corrupt-<time>``), then rewritten with what could be read.

**Migration.** The single ``state.json`` of earlier versions is read once
into this device's file, and left untouched (see :mod:`.legacy`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any


from .. import locks
from ..models import PaperState, bare_id
from ..statemap import StateBase, StateMap
from .common import gc_paused
from .dbfiles import LOCK_TIMEOUT
from .merged import FLAG_KEYS_MAX, MergedState
from .statefile import (
    NewerStateFile, device_file_stem, device_name, survey_state_file,
)
from .statenotices import file_notices
from .stateread import DeviceFiles
from .checkedfile import rebuild_notice
from .statesnap import SNAPSHOT_NAME, SnapshotDamaged, load_snapshot, save_snapshot, snapshot_usable
from .statewriter import StateWriter

#: The token of the snapshot restored, and the keys whose read or starred changed since.
Since = tuple[str, frozenset[str]]

#: At load, compact this device's file when its journal has this many lines and
#: at least a quarter as many as its compacted rows (during a write: see :mod:`.statewriter`).
COMPACT_MIN_LINES = 1_000
#: A snapshot of the merged view is kept (see :mod:`.statesnap`) once the files hold this many
#: bytes, and written again when this many bytes were read beyond it.
SNAPSHOT_MIN_BYTES = 512_000
SNAPSHOT_STALE_BYTES = 256_000


class StateStore(StateWriter):
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
        self.snapshot_path = home / SNAPSHOT_NAME
        self.messages = messages
        self._file_lock = locks.LazyFileLock(str(home / "state.lock"), timeout=LOCK_TIMEOUT)
        self._lock = threading.RLock()
        self._view = MergedState()
        self._files = DeviceFiles(self.folder, self.path, self._view, self._say)
        self._cursors = self._files.cursors  # file name -> cursor
        self._loaded = False
        self._said: set[str] = set()
        #: Keys other processes changed, read while answering something else (a
        #: write, ``states()``): the next :meth:`refresh` still reports them.
        self._unreported: set[str] = set()
        #: The token of the snapshot holding exactly the view, and the files' ends it holds for.
        self._token: tuple[str, dict[str, tuple[int, int, int]]] | None = None
        #: What :meth:`states` answers from: the read/starred columns as they stood, and the
        #: state of every key changed since (see :meth:`_state_map`).
        self._base: StateBase | None = None
        self._changed: dict[str, PaperState | None] = {}
        #: How many papers the restored snapshot says are read or starred (see :meth:`_state_map`),
        #: and its token (see :meth:`states_token`).
        self._restored_papers: int | None = None
        self._restored_token: str | None = None
        #: Write the snapshot at :meth:`warm`, not while loading (a reader showing rows first).
        self.defer_snapshot = False
        #: The snapshot found was damaged: one is written to replace it, as the notice says.
        self._bad_snapshot = False
        #: The snapshot to write at :meth:`warm`: what :meth:`_save_snapshot` takes, and the
        #: notices said by then (any more: something went wrong since, none is written).
        self._snapshot_due: tuple[dict[str, int] | None, int] | None = None

    # -- reading -------------------------------------------------------------------
    def states(self) -> StateMap:
        """Every paper that is read or starred (re-read from disk where files changed): a
        :class:`~..statemap.StateMap`, the caller's own to change."""
        with self._lock:
            self._catch_up()
            return self._state_map()

    def states_token(self) -> tuple[StateMap, str | None, dict[str, tuple[int, int, int]], Since | None]:
        """:meth:`states`, the token of the snapshot (see :mod:`.statesnap`) holding exactly
        that view (None when none does: something was read or written since), the files'
        ends the view holds for (see :meth:`ends`), and, when none does, the token of the
        snapshot restored at start-up and the keys whose read or starred changed since (None:
        none restored, or too many changed)."""
        with self._lock:
            self._catch_up()
            token, ends = self._token, self._ends()
            if token is not None and token[1] != ends:
                token = self._token = None
            since = self._view.flags_since
            basis = (self._restored_token, frozenset(since)) if (
                token is None and self._restored_token is not None and since is not None) else None
            return self._state_map(), token[0] if token is not None else None, ends, basis

    def _state_map(self) -> StateMap:
        """The view's read/starred states: over a base of the two columns as they stood (taken
        again when many keys changed since), plus the keys changed since. Nothing per paper."""
        view = self._view
        keys = view.flag_keys
        if self._base is None or keys is None or len(self._changed) + len(keys) > FLAG_KEYS_MAX:
            # (as restored: the snapshot says how many papers; else counted when first asked)
            size = self._restored_papers if view.untouched("read", "starred") else None
            self._base = StateBase(*view.flag_columns(), size=size)
            self._changed = {}
        else:
            for key in keys:
                self._changed[key] = view.paper_state(key)
        view.flag_keys = set()
        return StateMap(self._base, dict(self._changed))

    def warm(self) -> tuple[str, dict[str, tuple[int, int, int]]] | None:
        """Write the snapshot held back by :attr:`defer_snapshot`, then decode every field the
        snapshot left packed (see :mod:`.statecolumn`; a tenth of a second at 200,000 papers),
        so that the first change merged later need not: for a thread, once a start-up has
        shown what it needed. The token of the snapshot holding the view, and the files' ends
        it holds for (see :meth:`ends`), when one does."""
        with self._lock:
            if not self._loaded:
                return None
            due, self._snapshot_due = self._snapshot_due, None
            if due is not None and len(self._said) == due[1]:  # (nothing went wrong since)
                self._save_snapshot(due[0])
            self._view.winners  # noqa: B018 (decodes them)
            token = self._token
            return token if token is not None and token[1] == self._ends() else None

    def ends(self) -> dict[str, tuple[int, int, int]]:
        """What says the view is still the one read: each file's inode, end and CRC-32."""
        with self._lock:
            return self._ends()

    def _ends(self) -> dict[str, tuple[int, int, int]]:
        """What says the files read are still as read: each one's inode, end and CRC-32."""
        return {name: (c.inode, c.position.end, c.position.crc) for name, c in self._cursors.items()}

    def get_state(self, paper_id: str) -> PaperState:
        """The state of one paper (a fresh unread, unstarred one when it has none)."""
        key = bare_id(paper_id)
        with self._lock:
            self._catch_up()
            state = self._view.paper_state(key)
        return state if state is not None else PaperState(key)

    def values(self, name: str, keys: Iterable[str] | None = None) -> dict[str, Any]:
        """Every key's current value of field ``name`` (keys never set are left out; of
        ``keys`` alone when given)."""
        with self._lock:
            self._catch_up()
            return self._view.values(name, keys)

    def fields(self, prefix: str = "") -> list[str]:
        """The fields ever set (by any device) whose names start with ``prefix``, sorted."""
        with self._lock:
            self._catch_up()
            return self._view.fields(prefix)

    def refresh(self) -> frozenset[str]:
        """Read what changed on disk since the last look; the keys whose values changed.

        Empty (false) when nothing changed. Costs a folder listing and a stat per
        device file, plus reading only the lines appended since.
        """
        with self._lock:
            if not self._loaded:
                self._load()
                self._unreported.clear()
                return frozenset().union(*self._view.winners.values())
            changed = frozenset(self._unreported.union(self._files.scan()))
            self._unreported.clear()
            return changed

    def _catch_up(self) -> None:
        """Read what changed on disk, keeping the keys for the next :meth:`refresh` to report."""
        if not self._loaded:
            self._load()
        else:
            self._unreported.update(self._files.scan())

    def devices(self) -> dict[str, str]:
        """Device name -> the stamp of its latest change applied, for every state file read."""
        with self._lock:
            self._catch_up()
            return self._files.devices()

    def check(self) -> None:
        """Say what is wrong with any device's file, cheaply (nothing is read into the view):
        for commands that do not read the state, so none is silent about it."""
        try:
            paths = sorted(Path(e.path) for e in os.scandir(self.folder) if e.name.endswith(".jsonl"))
        except OSError:
            paths = []
        with self._lock:
            self._check(paths)

    def _check(self, paths: list[Path]) -> None:
        for path in paths:
            try:
                notices = file_notices(path, survey_state_file(path), path == self.path)
            except NewerStateFile as exc:
                notices = [str(exc)]
            except OSError as exc:
                notices = [f"cannot read {path}: {exc.strerror or exc}"]
            for notice in notices:
                self._say(notice)

    def _load(self) -> None:
        self._loaded = True
        restored = self._restore_snapshot()
        said = len(self._said)
        self._view.track = False
        try:
            with gc_paused():
                self._files.scan()
        finally:
            self._view.track = True
        own = self._cursors.get(self.path.name)
        if self.legacy_path.exists() and not (own and (own.migrated or own.refused)):
            self._migrate()
        own = self._cursors.get(self.path.name)
        if own is not None and not own.refused and not own.error and (
            own.repair or own.held or own.journal_lines >= max(COMPACT_MIN_LINES, own.rows // 4)
        ):
            try:
                with self._file_lock.acquire(timeout=1):
                    self._unreported.update(self._files.scan())  # what another process appended meanwhile
                    self._compact_own()
            except (locks.Timeout, OSError):
                pass  # done at the next change (a damaged file is said already)
        if len(self._said) == said:  # every file read cleanly: the view may be kept
            if self.defer_snapshot:
                self._snapshot_due = (restored, len(self._said))
            else:
                self._save_snapshot(restored)
        else:
            self._token = None  # (the view may hold what no file does, e.g. a migration not saved)

    def _restore_snapshot(self) -> dict[str, int] | None:
        """The view and cursors from the snapshot, when it is still true of the files (see
        :mod:`.statesnap`); the files' ends it gave (None: not used)."""
        try:
            with gc_paused(freeze=True):  # (the view lives as long as the store: out of the collector's sight)
                loaded = load_snapshot(self.snapshot_path, self.folder, self.device)
        except SnapshotDamaged as exc:
            self._bad_snapshot = True  # (replaced even when the state is small: as said)
            self._say(rebuild_notice(self.snapshot_path, str(exc), "the state files were read instead",
                                     "rebuilt from them once they all read cleanly"))
            return None
        if loaded is None:
            return None
        columns, cursors, token, self._restored_papers = loaded
        self._restored_token = token
        self._view.restore(columns)
        self._cursors.update(cursors)
        self._token = (token, self._ends())  # (dropped by states_token() once anything more is read)
        return {name: cursor.position.end for name, cursor in cursors.items()}

    def _save_snapshot(self, restored: dict[str, int] | None) -> None:
        """Write the snapshot of what was read, when none was used or much was read since."""
        cursors = self._cursors
        if restored is not None and set(cursors) == set(restored) and sum(
                abs(cursor.position.end - restored[name]) for name, cursor in cursors.items()) < SNAPSHOT_STALE_BYTES:
            return
        if sum(cursor.position.end for cursor in cursors.values()) < SNAPSHOT_MIN_BYTES and not self._bad_snapshot:
            return  # read fast enough without one
        if snapshot_usable(cursors):
            try:
                papers = len(self._state_map())
                self._token = (save_snapshot(self.snapshot_path, self.device, self._view.winners, cursors, papers),
                               self._ends())
            except OSError:
                pass  # only slower next time: the files are the record

    def _say(self, message: str) -> None:
        """Add a notice once per store (a file damaged stays so until it changes)."""
        if message not in self._said:
            self._said.add(message)
            self.messages.append(message)
