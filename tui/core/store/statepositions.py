"""A derived cache of where the read and the starred papers are in the search index.

Turning 200,000 state keys into the index's documents costs over 0.1 s at
every start-up; ``state.positions`` (beside ``state.snapshot``) keeps the
answer: the documents of the read papers and of the starred ones, for one
snapshot of the state (its token, see :mod:`.statesnap`) and one search index
(a key over its manifest: generation, segments, deletions, source). It is used
only when both are exactly those it was made for, so a start-up after an import,
a removal, or any state change computes the documents again and rewrites it;
it can never show a paper read that is not, or miss one that is.

Layout: one header line of JSON (``kind``, ``version``, ``snapshot``,
``index``, the two counts, ``bytes`` and ``crc32`` of the body), then the body:
the read documents then the starred ones, little-endian int64, ascending.
Written atomically (two readers writing it leave one whole file); a damaged one
is said to the user and rebuilt; nothing else is written here.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from ..atomic import atomic_write_bytes
from ..models import PaperState
from ..statemap import flagged_keys
from .checkedfile import framed, read_framed, rebuild_notice

POSITIONS_NAME = "state.positions"
POSITIONS_KIND = "arxiv-reader state positions"
#: Bump when the layout or what a document number means changes (older files are stale).
POSITIONS_VERSION = 1
_DTYPE = np.dtype("<i8")
#: The most a positions file could hold: two documents of 8 bytes for each of 16 million
#: papers (real archives reach 200,000), so an endless or huge file is never read whole.
POSITIONS_LIMIT = 16 << 24


class PositionsDamaged(Exception):
    """The positions file is damaged (said to the user; the documents are computed instead)."""


def index_key(manifest: dict[str, Any]) -> str:
    """What names one search index's documents: a CRC-32 over its whole manifest."""
    data = orjson.dumps(manifest, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return f"{zlib.crc32(data):08x}-{len(data)}"


def positions_bytes(snapshot: str, index: str, read: np.ndarray, starred: np.ndarray) -> bytes:
    """The file's content for these documents."""
    body = np.ascontiguousarray(read, _DTYPE).tobytes() + np.ascontiguousarray(starred, _DTYPE).tobytes()
    return framed({"kind": POSITIONS_KIND, "version": POSITIONS_VERSION, "snapshot": snapshot,
                   "index": index, "read": len(read), "starred": len(starred)}, body)


def save_positions(path: Path, snapshot: str, index: str, read: np.ndarray, starred: np.ndarray) -> None:
    """Write the file atomically (not fsynced: one lost to a crash is only computed again).
    Raises OSError."""
    atomic_write_bytes(path, positions_bytes(snapshot, index, read, starred), durable=False)


def load_positions(path: Path, snapshot: str, index: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The read and the starred documents kept for this snapshot and index; None when the
    file is missing or made for another snapshot, index or version. Raises PositionsDamaged."""
    found = read_framed(path, POSITIONS_KIND, "state positions file", PositionsDamaged, limit=POSITIONS_LIMIT,
                        stale=lambda header: (header.get("version") != POSITIONS_VERSION
                                              or header.get("snapshot") != snapshot or header.get("index") != index))
    if found is None:
        return None
    header, body, _ = found
    read, starred = header.get("read"), header.get("starred")
    if (type(read) is not int or type(starred) is not int or read < 0 or starred < 0
            or (read + starred) * _DTYPE.itemsize != len(body)):
        raise PositionsDamaged(f"{path} is damaged (cut short or altered: its checksum does not match)")
    docs = np.frombuffer(body, _DTYPE)
    return docs[:read].astype(np.int64), docs[read:].astype(np.int64)


#: The files' ends a view of the state holds for (see :meth:`.StateStore.ends`).
Ends = dict[str, tuple[int, int, int]]


class StatePositions:
    """``state.positions`` at ``path`` for a store (notices go to ``messages``)."""

    def __init__(self, path: Path, messages: list[str]) -> None:
        self.path = path
        self.messages = messages
        self._said: set[str] = set()
        #: What to write with the snapshot held back (see :meth:`write_due`): the ends of the
        #: view the documents are of, the index's key, the read and the starred documents.
        self._due: tuple[Ends, str, np.ndarray, np.ndarray] | None = None

    def _load(self, token: str, key: str) -> tuple[np.ndarray, np.ndarray] | None:
        try:
            return load_positions(self.path, token, key)
        except PositionsDamaged as exc:
            notice = rebuild_notice(self.path, str(exc), "its documents were computed again", "rewritten")
            if notice not in self._said:  # (once: it is looked at again at each refresh)
                self._said.add(notice)
                self.messages.append(notice)
            return None

    def find(self, index: Any, states: Mapping[str, PaperState], token: str | None, ends: Ends,
             since: tuple[str, frozenset[str]] | None) -> tuple[np.ndarray, np.ndarray]:
        """``index``'s documents of the read and of the starred papers of ``states`` (ascending).

        ``token``: the snapshot holding exactly that view (then the file's documents, when
        made for it and this index, else computed and written). Else ``since``: the snapshot
        restored and the keys whose read or starred changed since; the file's documents for
        that snapshot, moved at those keys alone. Else every key is looked up, and the
        documents are kept for :meth:`write_due`. Raises IndexDamaged."""
        key = index_key(index.manifest)
        if token is not None:
            kept = self._load(token, key)
            if kept is not None:
                return kept
        elif since is not None and len(since[1]) <= len(states) // 4 + 100:
            kept = self._load(since[0], key)
            if kept is not None:
                moved = (_moved(docs, index, since[1], states, flag) for docs, flag in zip(kept, ("read", "starred")))
                read, starred = moved
                self._due = (ends, key, read, starred)
                return read, starred
        read = index.docs_of_ids(flagged_keys(states, "read"))
        starred = index.docs_of_ids(flagged_keys(states, "starred"))
        if token is not None:
            try:
                save_positions(self.path, token, key, read, starred)
            except OSError:
                pass  # only slower next time
        else:  # (no snapshot of this view yet: kept for the one the store may write)
            self._due = (ends, key, read, starred)
        return read, starred

    def write_due(self, kept: tuple[str, Ends] | None) -> None:
        """Write the documents kept by :meth:`find`, when ``kept`` (the token of the snapshot
        now written, and the files' ends it holds for) is of the view they were computed for."""
        due, self._due = self._due, None
        if kept is not None and due is not None and due[0] == kept[1]:
            try:
                save_positions(self.path, kept[0], *due[1:])
            except OSError:
                pass  # only slower next time


def _moved(docs: np.ndarray, index: Any, keys: frozenset[str], states: Mapping[str, PaperState],
           flag: str) -> np.ndarray:
    """``docs`` (of a flag as a snapshot had it) with the documents of ``keys`` set as ``states``
    says now (an id is one document: moving a key moves nothing else)."""
    now = [key for key in keys if getattr(states.get(key), flag, False)]
    gone = index.docs_of_ids(keys.difference(now))
    came = index.docs_of_ids(now)
    kept = docs[~np.isin(docs, gone)] if len(gone) else docs  # (a few against many: no sort of them all)
    at = np.searchsorted(kept, came)
    new = came[(at == len(kept)) | (kept[np.minimum(at, len(kept) - 1)] != came)] if len(kept) else came
    return np.insert(kept, np.searchsorted(kept, new), new).astype(np.int64)
