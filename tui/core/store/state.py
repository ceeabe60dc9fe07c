"""The user's reading state (``state.json``): read / starred per paper id.

A TinyDB database with table ``state``, keyed by arXiv id without version so it
survives new versions and re-imports. State changes hold ``state.json.lock``
and re-read the file inside the lock before applying just their change, so two
processes (two SSH sessions, the CLI beside the app) never lose each other's
updates.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from filelock import Timeout
from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware

from ..models import PaperState
from ..storage import AtomicJSONStorage, CorruptDatabase
from .common import StoreError, bare_id, utc_now
from .dbfiles import Stamp, file_stamp, lock_for, quarantine, read_db


class StateStore:
    """Read and change the state in ``home/state.json``; notices go to ``messages``."""

    def __init__(self, home: Path, messages: list[str]) -> None:
        self.home = home
        self.path = home / "state.json"
        self.messages = messages
        self._states: dict[str, PaperState] = {}
        self._state_stamp: Stamp | None = None
        #: (stamp, decoded content) of state.json as this store last wrote it, so the
        #: next toggle can skip re-reading a file nobody else has touched since.
        self._state_written: tuple[Stamp, dict[str, Any]] | None = None

    @staticmethod
    def _states_from_raw(data: dict[str, Any] | None) -> dict[str, PaperState]:
        states: dict[str, PaperState] = {}
        if not data:
            return states
        for doc in data.get("state", {}).values():
            if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
                continue  # a foreign or damaged entry: ignore it, keep the rest
            states[doc["id"]] = StateStore._state_from_doc(doc)
        return states

    @staticmethod
    def _state_from_doc(doc: dict[str, Any]) -> PaperState:
        return PaperState(
            doc["id"],
            read=bool(doc.get("read")),
            read_at=doc.get("read_at"),
            starred=bool(doc.get("starred")),
            starred_at=doc.get("starred_at"),
        )

    def states(self) -> dict[str, PaperState]:
        """The user's state for every paper that has any (read from disk if changed).

        The check is a stat of state.json, so calling this often is cheap and
        changes made by another process show up.
        """
        stamp = file_stamp(self.path)
        if stamp != self._state_stamp:
            self._states = self._states_from_raw(read_db(self.path, self.messages))
            self._state_stamp = file_stamp(self.path)
        return dict(self._states)

    def get_state(self, paper_id: str) -> PaperState:
        """The state of one paper (a fresh unread, unstarred one when it has none)."""
        key = bare_id(paper_id)
        state = self.states().get(key)
        return state if state is not None else PaperState(key)

    def set_read(self, ids: Iterable[str], read: bool = True) -> None:
        """Mark papers read or unread; persisted before returning.

        ``ids`` may carry versions (they are dropped). Re-marking a read paper
        keeps its original ``read_at``. Raises :class:`StoreError` if it cannot save.
        """
        self._change_state(ids, "read", read)

    def set_starred(self, ids: Iterable[str], starred: bool = True) -> None:
        """Star or unstar papers; persisted before returning (see :meth:`set_read`)."""
        self._change_state(ids, "starred", starred)

    def _change_state(self, ids: Iterable[str], flag: str, value: bool) -> None:
        keys = list(dict.fromkeys(bare_id(i) for i in ids))
        if not keys:
            return
        stamp_field = f"{flag}_at"
        try:
            with lock_for(self.path):
                # Re-read inside the lock: another process may have written since.
                on_disk = file_stamp(self.path)
                in_sync = self._state_stamp is not None and on_disk == self._state_stamp
                written, self._state_written = self._state_written, None  # stale until saved
                db = TinyDB(self.path, storage=CachingMiddleware(AtomicJSONStorage))
                if written is not None and written[0] == on_disk:
                    # The file is exactly what we wrote last: reuse it rather than decode it.
                    db.storage.cache = written[1]
                try:
                    try:
                        db.storage.read()
                    except CorruptDatabase as exc:
                        quarantine(self.path, str(exc), self.messages)
                    table = db.table("state")
                    raw = db.storage.read() or {}
                    by_id = {
                        doc["id"]: int(doc_id)
                        for doc_id, doc in raw.get("state", {}).items()
                        if isinstance(doc, dict) and isinstance(doc.get("id"), str)
                    }
                    docs = raw.get("state", {})
                    fields = {flag: value, stamp_field: utc_now() if value else None}
                    to_update: list[int] = []
                    to_remove: list[int] = []
                    to_insert: list[dict[str, Any]] = []
                    for key in keys:
                        doc_id = by_id.get(key)
                        if doc_id is None:
                            if value:
                                doc = {"id": key, "read": False, "read_at": None,
                                       "starred": False, "starred_at": None}
                                doc.update(fields)
                                to_insert.append(doc)
                            continue
                        doc = docs[str(doc_id)]
                        if bool(doc.get(flag)) == value:
                            continue  # already so: keep the original timestamp
                        other = "starred" if flag == "read" else "read"
                        if not value and not doc.get(other):
                            to_remove.append(doc_id)  # nothing left to remember
                        else:
                            to_update.append(doc_id)
                    if to_update:
                        table.update(fields, doc_ids=to_update)
                    if to_remove:
                        table.remove(doc_ids=to_remove)
                    if to_insert:
                        table.insert_multiple(to_insert)
                    final = db.storage.read()
                finally:
                    db.close()  # the one atomic write (if anything changed)
                if in_sync and final is not None:
                    # Our cache matched the file we changed: patch just these ids.
                    latest = final.get("state", {})
                    for key in keys:
                        self._states.pop(key, None)
                    for doc_id in to_update:
                        doc = latest[str(doc_id)]
                        self._states[doc["id"]] = self._state_from_doc(doc)
                    for doc in to_insert:
                        self._states[doc["id"]] = self._state_from_doc(doc)
                    for key in keys:
                        if key not in self._states and key in by_id and by_id[key] not in to_remove:
                            self._states[key] = self._state_from_doc(docs[str(by_id[key])])
                else:
                    self._states = self._states_from_raw(final)
                self._state_stamp = file_stamp(self.path)
                if final is not None and self._state_stamp is not None:
                    self._state_written = (self._state_stamp, final)
        except Timeout:
            raise StoreError("another arxiv-reader holds the state lock; change not saved") from None
        except OSError as exc:
            raise StoreError(f"cannot save the reading state in {self.home}: {exc.strerror or exc}") from None

