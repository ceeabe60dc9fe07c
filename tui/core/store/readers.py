"""Which imports the user has seen: the reader sessions behind "what's new".

Every import that brings papers the library did not have is one *generation*
of the library index (its position in the index's import list; see
:mod:`.index`), and each paper records the generation that first brought it.
A reader session records the generation it loaded (the papers it shows). The
rule, the same for every reader process and for the command line:

    A paper is new when it was first imported after what the last ended reader
    session loaded; before any session has ended, every paper is new.

So papers imported while a reader is open are new to the next session (the
open one never showed them), a second reader opened beside a running one sees
the same new papers (the running one has not ended), and no clock is ever
compared: a clock set wrong changes nothing.

Files under the data folder:

* ``readers.json``: ``seen``, the highest generation an ended session loaded
  (with the index's *epoch*: an index rebuilt from its shards starts a new
  import history, and generations of another history mean nothing), and
  ``open``, one record per running reader. Every change holds
  ``readers.json.lock``.
* ``readers/<id>.lock``: locked (``flock``) by the running reader for as long as
  it runs. The operating system drops the lock when the process dies, however it
  dies, so a reader killed mid-session is told from a running one: the next
  reader or command folds what it had loaded into ``seen``, as a quit would.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware

from .. import locks
from ..storage import AtomicJSONStorage
from .common import StoreError
from .dbfiles import lock_for, read_db

#: What a damaged readers.json moved aside means to the user.
_AFRESH = ("started afresh: what earlier sessions had seen was recorded there, so every paper counts as new "
           "again until a reader session ends")

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: liveness by process id
    fcntl = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Seen:
    """How far into the library's import history a reader had loaded."""

    #: The import history (see :attr:`LibraryIndex.epoch`).
    epoch: str
    #: Papers first imported by a generation below this one were loaded.
    generation: int
    #: How many removals the library had seen (not kept in ``readers.json``: only a running
    #: reader compares it, to follow a removal another process made).
    removals: int = 0


@dataclass(slots=True)
class ReaderSession:
    """A running reader, registered by :meth:`Readers.begin`."""

    id: str
    #: What this reader loads (the library's mark when it began).
    loaded: Seen
    #: What "new" means for this reader: the ended sessions' mark, None when none ended.
    baseline: Seen | None
    _fd: int | None = None


class Readers:
    """The reader sessions of one data folder (see the module docstring)."""

    def __init__(self, home: Path, messages: list[str]) -> None:
        self.home = home
        self.path = home / "readers.json"
        self.locks = home / "readers"
        self.messages = messages

    # -- what is new ---------------------------------------------------------------
    def baseline(self, epoch: str, legacy: Seen | None = None) -> Seen | None:
        """What the ended sessions loaded of import history ``epoch`` (None: no session
        has ended), for a reader or command starting now. Sessions whose process
        died without quitting count as ended.

        ``legacy``: the mark of an older version's session file, used while no
        session of this version has ended.
        """
        try:
            with lock_for(self.path):
                data = self._read()
                if self._fold_dead(data):
                    self._write(data)
        except (locks.Timeout, OSError, StoreError):
            data = self._read()  # a read-only folder, or a long-held lock: what is there
        return _baseline(data["seen"], epoch, legacy)

    def begin(self, loaded: Seen, legacy: Seen | None = None) -> ReaderSession:
        """Register a reader that is about to load the library at mark ``loaded``."""
        session = ReaderSession(uuid.uuid4().hex, loaded, None)
        try:
            self.locks.mkdir(parents=True, exist_ok=True)
            session._fd = _hold(self.locks / f"{session.id}.lock")
            with lock_for(self.path):
                data = self._read()
                self._fold_dead(data)
                if not data["seen"] and legacy is not None:
                    _add(data["seen"], legacy)  # an older version's end, taken over once
                session.baseline = _baseline(data["seen"], loaded.epoch, legacy)
                data["open"][session.id] = {
                    "epoch": loaded.epoch, "generation": loaded.generation,
                    "host": socket.gethostname(), "pid": os.getpid(),
                }
                self._write(data)
        except (locks.Timeout, OSError, StoreError) as exc:
            # A read-only data folder: new is measured as the ended sessions left it.
            self.messages.append(f"cannot record this reader session in {self.path}: {exc}")
            self._release(session)
            session.baseline = self.baseline(loaded.epoch, legacy)
        return session

    def end(self, session: ReaderSession) -> None:
        """The reader quits: what it loaded is no longer new."""
        if session._fd is None:
            return
        try:
            with lock_for(self.path):
                data = self._read()
                data["open"].pop(session.id, None)
                _add(data["seen"], session.loaded)
                self._fold_dead(data)
                self._write(data)
        except (locks.Timeout, OSError, StoreError) as exc:
            # The record stays; its released lock tells the next reader it ended.
            self.messages.append(f"cannot record the end of this reader session in {self.path}: {exc}")
        self._release(session)
        try:
            (self.locks / f"{session.id}.lock").unlink()
        except OSError:
            pass

    # -- the file ----------------------------------------------------------------------
    def _read(self) -> dict[str, Any]:
        """``{"seen": {epoch: generation}, "open": {id: record}}`` (empty when missing)."""
        raw = read_db(self.path, self.messages, _AFRESH) or {}
        data: dict[str, Any] = {"seen": {}, "open": {}}
        for doc in raw.get("readers", {}).values():
            if not isinstance(doc, dict):
                continue
            seen, records = doc.get("seen"), doc.get("open")
            if isinstance(seen, dict):
                data["seen"] = {k: v for k, v in seen.items() if isinstance(k, str) and type(v) is int}
            if isinstance(records, dict):
                data["open"] = {k: v for k, v in records.items() if isinstance(v, dict)}
        return data

    def _write(self, data: dict[str, Any]) -> None:
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            db = TinyDB(self.path, storage=CachingMiddleware(AtomicJSONStorage))
            try:
                db.drop_tables()
                db.table("readers").insert({"seen": data["seen"], "open": data["open"]})
            finally:
                db.close()
        except (OSError, TypeError) as exc:
            raise StoreError(f"cannot save {self.path}: {exc}") from None

    def _fold_dead(self, data: dict[str, Any]) -> bool:
        """Count the sessions whose process is gone as ended; whether any was."""
        records = data["open"]
        dead = [key for key, record in records.items() if not self._alive(key, record)]
        for key in dead:
            record = records.pop(key)
            if isinstance(record.get("epoch"), str) and type(record.get("generation")) is int:
                _add(data["seen"], Seen(record["epoch"], record["generation"]))
            if _safe_name(key):
                try:
                    (self.locks / f"{key}.lock").unlink()
                except OSError:
                    pass
        return bool(dead)

    def _alive(self, key: str, record: dict[str, Any]) -> bool:
        if not _safe_name(key):
            return False
        if fcntl is None:  # pragma: no cover - not POSIX
            return record.get("host") == socket.gethostname() and _pid_alive(record.get("pid"))
        try:
            fd = os.open(self.locks / f"{key}.lock", os.O_RDWR)
        except FileNotFoundError:
            return False
        except OSError:
            return True  # can't tell: leave it be
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True  # its reader holds it (or no flock here: leave it be)
        finally:
            os.close(fd)  # (also drops the lock just taken)
        return False

    @staticmethod
    def _release(session: ReaderSession) -> None:
        if session._fd is not None:
            try:
                os.close(session._fd)
            except OSError:
                pass
            session._fd = None


def _safe_name(key: str) -> bool:
    """A record id as this module writes them (hex): never a path."""
    return 0 < len(key) <= 64 and all(c in "0123456789abcdef" for c in key)


def _hold(path: Path) -> int:
    """Open and lock ``path`` for as long as this reader runs; the descriptor."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # a file system without flock: the record reads as ended at the next start
    return fd


def _pid_alive(pid: Any) -> bool:  # pragma: no cover - not POSIX
    if type(pid) is not int:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _add(seen: dict[str, int], mark: Seen) -> None:
    """A session that loaded ``mark`` ended."""
    seen[mark.epoch] = max(seen.get(mark.epoch, 0), mark.generation)


def _baseline(seen: dict[str, int], epoch: str, legacy: Seen | None) -> Seen | None:
    """New is measured from here in history ``epoch``. A session that ended on another
    history (before the index was rebuilt) saw none of this one's imports: 0."""
    if not seen:
        return legacy
    return Seen(epoch, seen.get(epoch, 0))
