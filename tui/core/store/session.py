"""Where the reader was (``session.json``): query, view, sort, day, highlighted paper.

Older versions also recorded ``last_active`` and ``ended_at`` here and measured
"new" from them; that is now the job of :mod:`.readers`, which reads an older
file's end once (:func:`session_end`) until a session of this version has ended.
"""

from __future__ import annotations

from pathlib import Path

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware

from ..storage import AtomicJSONStorage
from .common import StoreError
from .dbfiles import read_db


def session_end(session: dict) -> str | None:
    """When the session ``session`` ended (ISO UTC): on quit, else its last activity; None if unknown."""
    for key in ("ended_at", "last_active"):
        value = session.get(key)
        if isinstance(value, str) and value:
            return value
    return None


class SessionFile:
    """Load and save the session in ``home/session.json``; notices go to ``messages``."""

    def __init__(self, home: Path, messages: list[str]) -> None:
        self.home = home
        self.path = home / "session.json"
        self.messages = messages

    def load(self) -> dict:
        """Where the reader was when it last ran ({} when unknown)."""
        data = read_db(self.path, self.messages)
        if not data:
            return {}
        for doc in data.get("session", {}).values():
            if isinstance(doc, dict):
                return dict(doc)
        return {}

    def save(self, session: dict) -> None:
        """Remember where the reader is (query, view, paper id...): JSON-ready values.

        Raises :class:`StoreError` when it cannot be saved.
        """
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            db = TinyDB(self.path, storage=CachingMiddleware(AtomicJSONStorage))
            try:
                db.drop_tables()
                db.table("session").insert(dict(session))
            finally:
                db.close()
        except (OSError, TypeError) as exc:
            raise StoreError(f"cannot save the session in {self.path}: {exc}") from None
