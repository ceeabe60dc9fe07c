"""The Store: one data directory (``home``) with its library, state and session.

Only the store writes to disk. Layout under ``home``::

    library/index.json          the library index (see :mod:`.index`)
    library/shards/<cat>/<YYYYMMDD>-<hash>.json
                                the parsed papers of one digest file (see :mod:`.shards`)
    library/search/             the search index, derived from the shards (see :mod:`.search`
                                and :mod:`tui.core.index`); rebuilt, with a message, when
                                missing, stale, damaged or of an older format
    state/<device>.jsonl        the user's state, one file per device (see :mod:`.state`)
    state.snapshot              derived: the merged state as last read (see :mod:`.statesnap`)
    state.positions             derived: where that state's read and starred papers are in the
                                search index (see :mod:`.statepositions`)
    session.json                where the reader was (see :mod:`.session`)
    readers.json, readers/      the reader sessions: what "new" is measured from (see :mod:`.readers`)

Every write is atomic (temporary file, fsync, rename) or an fsynced append. A
database that cannot be read is set aside with a message in
:attr:`Store.messages`, never replaced silently; temporaries left by a killed
write are removed when a store opens.

Reading through the search index (what the command line does, and the API the
reader is meant to use; no call loads the library)::

    store = Store(home)
    index = store.open_index()               # mapped; the same object until an import or
                                             # removal changes it (then a new one; the old
                                             # one keeps working until closed)
    query = parse_query("abs:diffusion -is:read")
    states = store.index_states(index, {t.needle for t in query.terms() if t.field == "is"})
    result = index.search(query, states, limit=50)   # count, first 50 documents, bitset
    rows = index.rows(result.first)          # list columns: id, version, title, first author,
                                             # author count, category, first and latest date
    paper = index.paper(result.first[0])     # the whole Paper (abstract read from the file)
    more = result.after(result.first[-1], 50)   # scrolling on
    order = index.sort_order("title")        # every live document in the reader's title
                                             # order ("category" too); newest first is ascending ids
    days = index.day_runs()                  # (date, first doc, end doc) per latest-digest day
    index.stats(); index.doc_of("2201.12944"); index.all_docs()
    rows = store.answer(lambda index: index.rows(index.search(query).first))
                                             # the same, asked again of a rebuilt index when
                                             # reading finds the index damaged (with a message)

Documents are ids in newest-first order (latest digest date, then id,
descending), the order :meth:`Store.load_papers` returns. ``index_states``
turns the user's state (re-read when another process changed it) and the
import times into bitsets for ``is:read``, ``is:starred``, ``is:unread`` and
``is:new``; pass a fresh one after a state change. Text matches by word
prefix (:mod:`tui.core.query.words`), exactly as the :class:`QueryEngine`
does on loaded papers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ..atomic import remove_stale_temporaries
from ..models import Paper, PaperState
from ..safetext import Notices
from ..statemap import StateMap, flagged_keys
from ..index import SearchIndex
from .common import ImportReport, Progress
from .dbfiles import file_stamp
from .index import changed_files, first_imported_from, generation_at
from .library import LibraryStore
from .readers import Readers, ReaderSession, Seen
from .removal import RemoveReport, remove_digests
from .session import SessionFile, session_end
from .state import StateStore
from .statepositions import POSITIONS_NAME, StatePositions

T = TypeVar("T")


class Store:
    """The library and the state, both TinyDB databases under ``home``.

    Never raises when opening: problems (unreadable or read-only files) become
    :attr:`messages`. Methods that must save something raise :class:`StoreError`
    when they cannot.
    """

    def __init__(self, home: Path, device: str | None = None) -> None:
        self.home = Path(home)
        #: Human-readable notices (e.g. "index.json was damaged; moved it to ..."),
        #: appended to as they happen (a caller remembers how many it has shown),
        #: with control characters escaped so they are safe to print.
        self.messages: list[str] = Notices()
        self.library = self.home / "library"
        self.library_files = LibraryStore(self.library, self.messages)
        self.index_path = self.library_files.index_path
        self._state = StateStore(self.home, self.messages, device)
        self._positions = StatePositions(self.home / POSITIONS_NAME, self.messages)
        #: This device's state file (every device's are read: see :meth:`state_devices`).
        self.state_path = self._state.path
        #: The name of this device (``$ARXIV_READER_DEVICE``, else the host name).
        self.device_name = self._state.device
        self._index: SearchIndex | None = None
        self._index_stamp: tuple[int, int, int] | None = None
        self._session = SessionFile(self.home, self.messages)
        self.session_path = self._session.path
        self._readers = Readers(self.home, self.messages)
        #: Why the data folder cannot be used at all (``None``: it can), e.g. a path that is a file.
        self.unusable: str | None = None
        try:
            self.library.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.unusable = f"cannot use the data folder {self.home}: {exc.strerror or exc}"
            if exc.filename is not None and os.fspath(exc.filename) != os.fspath(self.home):
                self.unusable += f" ({os.fsdecode(exc.filename)})"
            self.messages.append(self.unusable)
        if self.home.is_dir() and not os.access(self.home, os.W_OK):
            self.messages.append(f"the data folder {self.home} is read-only: changes cannot be saved")
        for folder in (self.home, self.library, self._state.folder):
            remove_stale_temporaries(folder)

    # -- library -----------------------------------------------------------------
    def import_paths(self, paths: Sequence[Path], progress: Progress | None = None) -> ImportReport:
        """Parse new or changed digest files under ``paths`` into the library.

        Unchanged files (same size and mtime_ns as recorded) are not read.
        Problems in the input (missing paths, bad blocks) are reported, never
        raised. Raises :class:`StoreError` when the library cannot be written.
        """
        return self.library_files.import_paths(paths, progress)

    def load_papers(self, progress: Progress | None = None) -> list[Paper]:
        """Every paper of the library, merged, newest digest date first (then id descending).

        Missing or damaged shards are rebuilt from their digest files (see
        :attr:`messages`). ``progress(done, total)`` is called per digest file.
        """
        return self.library_files.load_papers(progress)

    def changed_files(self, files: Sequence[Path]) -> list[Path]:
        """The files among ``files`` new to the library or changed since imported (a stat each)."""
        return changed_files(self.library_files.load_index(), files)

    def digest_count(self) -> int:
        """How many digest files the library holds."""
        return self.library_files.digest_count()

    def paper_count(self) -> int:
        """How many distinct papers (ids) the library holds, without loading them."""
        return self.library_files.paper_count()

    def known_ids(self) -> set[str]:
        """The ids (without version) of every paper in the library, from the index alone."""
        return self.library_files.known_ids()

    # -- what's new (see :mod:`.readers`) ---------------------------------------------
    def library_mark(self) -> Seen:
        """How far the library's import history goes now (what a reader loading now shows),
        with how many removals it has seen: it changes with every import and every removal."""
        index = self.library_files.load_index()
        return Seen(index.epoch, len(index.imports), index.removals)

    def new_baseline(self) -> Seen | None:
        """What the reader sessions that ended had loaded (None: none has ended): the
        papers first imported after it are new, for a reader starting now and the CLI."""
        return self._readers.baseline(self.library_mark().epoch, self._legacy_mark())

    def new_paper_ids(self, baseline: Seen | None) -> set[str]:
        """Ids of the papers first imported after ``baseline``; every id when None."""
        if baseline is None:
            return self.library_files.new_paper_ids(None)
        return self.library_files.new_paper_ids(baseline.generation, baseline.epoch)

    def begin_reading(self, index: SearchIndex | None = None) -> ReaderSession:
        """Register a reader about to load the library; its ``baseline`` says what is new to it.

        With a current ``index`` (:meth:`current_index`) the library's import history is
        read from its manifest: the library index itself (megabytes) is not read.
        """
        history = _import_history(index)
        if history is None:
            return self._readers.begin(self.library_mark(), self._legacy_mark())
        epoch, imports, removals = history
        end = session_end(self._session.load())
        legacy = Seen(epoch, sum(1 for stamp in imports if stamp <= end)) if end is not None else None
        return self._readers.begin(Seen(epoch, len(imports), removals), legacy)

    def end_reading(self, session: ReaderSession) -> None:
        """The reader quits: the papers it loaded are no longer new to the next one."""
        self._readers.end(session)

    def _legacy_mark(self) -> Seen | None:
        """The end of the last session of an older version (``session.json``), as a mark."""
        end = session_end(self._session.load())
        if end is None:
            return None
        index = self.library_files.load_index()
        return Seen(index.epoch, generation_at(index, end))

    def remove_paths(self, paths: Sequence[Path], dry_run: bool = False) -> RemoveReport:
        """Take the digests under ``paths`` (files or folders) out of the library
        (with ``dry_run``: only say which would go).

        The files themselves are not touched, nor the reading state. Raises
        :class:`StoreError` when the library cannot be written.
        """
        return remove_digests(self.library_files, paths, dry_run)

    def library_stats(self) -> dict[str, Any]:
        """Cheap library figures from the index (see :meth:`LibraryStore.library_stats`)."""
        return self.library_files.library_stats()

    # -- search index (see :mod:`.search`) ---------------------------------------------
    def open_index(self) -> SearchIndex:
        """The library's search index, mapped (rebuilt first, with a message, when missing, stale
        or damaged). The same object while the index on disk is unchanged; a new one after an
        import or removal changed it (the old one keeps working on the files it mapped)."""
        stamp = file_stamp(self.library_files.search.directory / "index.json")
        if self._index is not None and stamp is not None and stamp == self._index_stamp:
            return self._index
        self._index = self.library_files.search.open()
        self._index_stamp = file_stamp(self.library_files.search.directory / "index.json")
        return self._index

    def current_index(self) -> SearchIndex | None:
        """:meth:`open_index` when the index on disk is current; None (nothing built) when it
        is missing, pending, stale or damaged (the reader then says so and builds it aside)."""
        stamp = file_stamp(self.library_files.search.directory / "index.json")
        if self._index is not None and stamp is not None and stamp == self._index_stamp:
            return self._index
        index = self.library_files.search.open_current()
        if index is not None:
            self._index = index
            self._index_stamp = stamp
        return index

    def rebuild_index(self, damage: str) -> None:
        """Rebuild the search index from the library (with the message) after ``damage`` was found
        while reading it outside :meth:`answer` (the reader); :class:`StoreError` when it cannot."""
        from ..index import IndexDamaged

        self.library_files.search.repair(IndexDamaged(damage))

    def answer(self, question: Callable[[SearchIndex], T]) -> T:
        """``question(self.open_index())``, asked once more of a rebuilt index (with a message) when it
        finds the index damaged while reading it: how every reader of the index should ask
        (see :meth:`.search.SearchFiles.answer`). ``question`` may run twice: no writes before reading."""
        return self.library_files.search.answer(self.open_index, question)

    def index_states(self, index: SearchIndex, names: Iterable[str] = ("read", "starred", "new")) -> dict[str, Any]:
        """Bitsets over ``index``'s documents for ``is:`` terms: ``read``, ``starred`` (the state,
        re-read when changed on disk) and ``new`` (:meth:`new_bits`), for ``index.search(states=...)``."""
        names = set(names)
        out: dict[str, Any] = {}
        if names & {"read", "starred", "unread"}:
            states = self._state.states()
            if names & {"read", "unread"}:
                out["read"] = index.bits_of_ids(flagged_keys(states, "read"))
            if "starred" in names:
                out["starred"] = index.bits_of_ids(flagged_keys(states, "starred"))
        if "new" in names:
            out["new"] = self.new_bits(index)
        return out

    def new_bits(self, index: SearchIndex) -> Any:
        """Bitset of ``is:new`` by the reader's rule (:meth:`new_baseline`, :meth:`new_paper_ids`):
        the papers first imported after what the ended reader sessions loaded, every paper when
        none has ended; from the import history the index's manifest keeps (the library index is
        read only for an index that does not keep it)."""
        history = _import_history(index)
        if history is None:
            return index.bits_of_ids(self.new_paper_ids(self.new_baseline()))
        epoch, imports, _ = history
        end = session_end(self._session.load())
        legacy = Seen(epoch, sum(1 for stamp in imports if stamp <= end)) if end is not None else None
        return self.new_bits_since(index, self._readers.baseline(epoch, legacy))

    def new_bits_since(self, index: SearchIndex, baseline: Seen | None) -> Any:
        """Bitset of the papers first imported after ``baseline`` (a reader's: see
        :meth:`begin_reading`); every paper when None."""
        epoch, imports = index.manifest.get("epoch"), index.manifest.get("imports")
        if not isinstance(epoch, str) or not isinstance(imports, list):
            return index.live.copy() if baseline is None else index.bits_of_ids(self.new_paper_ids(baseline))
        if baseline is None:
            return index.live.copy()
        generation = baseline.generation if baseline.epoch == epoch else 0  # another history: all known
        return index.imported_after(range(generation, len(imports)))

    # -- state -------------------------------------------------------------------
    def states(self) -> StateMap:
        """The user's state for every paper that has any (re-read from disk if changed): a
        mapping of paper key to PaperState, the caller's own (see :mod:`..statemap`)."""
        return self._state.states()

    def states_in(self, index: SearchIndex) -> tuple[StateMap, Any, Any]:
        """:meth:`states`, and ``index``'s documents of the read and of the starred papers
        (ascending arrays), kept in ``state.positions`` for the next start-up while neither the
        state nor the index changes (see :mod:`.statepositions`). Raises IndexDamaged."""
        states, token, ends, since = self._state.states_token()
        read, starred = self._positions.find(index, states, token, ends, since)
        return states, read, starred

    def get_state(self, paper_id: str) -> PaperState:
        """The state of one paper (a fresh unread, unstarred one when it has none)."""
        return self._state.get_state(paper_id)

    def defer_state_files(self) -> None:
        """Write the state's derived files (``state.snapshot``, ``state.positions``) only at
        :meth:`warm_states`, not while the state is first read: for a reader that shows its
        rows first (a command writes them at once)."""
        self._state.defer_snapshot = True

    def warm_states(self) -> None:
        """Write the derived files held back (see :meth:`defer_state_files`) and decode what
        the state snapshot left packed (see :meth:`.StateStore.warm`): for a thread, once
        the first rows are shown."""
        self._positions.write_due(self._state.warm())

    def refresh_states(self) -> frozenset[str]:
        """Pick up state changes other processes and devices saved since the last look.

        Returns the keys whose values changed (empty, so false, when none did).
        Cheap: a folder listing and a stat per device file, plus the lines
        appended since; cheap enough to poll every second.
        """
        return self._state.refresh()

    def state_values(self, field: str, keys: Iterable[str] | None = None) -> dict[str, Any]:
        """Every key's current value of a state field (``"starred"``, ``"tag:ml"``, ``"note"``...);
        with ``keys``, of those keys alone (a few looked up, not the whole field copied)."""
        return self._state.values(field, keys)

    def state_fields(self, prefix: str = "") -> list[str]:
        """The state fields ever set whose names start with ``prefix`` (``"tag:"``: every tag), sorted."""
        return self._state.fields(prefix)

    def import_times(self) -> list[str]:
        """When each import that brought new papers ran (ISO UTC, oldest first); alerts count from them."""
        return list(self.library_files.load_index().imports)

    def imported_between(self, since: str | None, upto: str) -> set[str]:
        """Ids of the papers first imported after the time ``since`` (ISO UTC; None: every
        paper so far) and up to ``upto``: what arrived between two alerts runs."""
        index = self.library_files.load_index()
        after = first_imported_from(index, None if since is None else generation_at(index, since))
        return after - first_imported_from(index, generation_at(index, upto))

    def change_state(self, items: Iterable[tuple[str, str, Any]]) -> list[tuple[str, str, Any, str]]:
        """Set ``(key, field, value)`` items (see :mod:`.state`); the changes written, stamped.

        Persisted before returning; raises :class:`StoreError` when it cannot be.
        """
        return self._state.change(items)

    def check_state(self) -> None:
        """Say in :attr:`messages` what is wrong with any state file, without reading the
        state (cheap: for commands that do not otherwise read it)."""
        self._state.check()

    def state_devices(self) -> dict[str, str]:
        """Every device whose state file was read -> the time of its latest change."""
        return self._state.devices()

    def set_read(self, ids: Iterable[str], read: bool = True) -> None:
        """Mark papers read or unread; persisted before returning.

        ``ids`` may carry versions (they are dropped). Every call is an act of
        the user, saved with a fresh stamp even when the paper already shows
        that state (``read_at`` is the latest act's time): another device's
        older change not seen yet must not win over it. Raises
        :class:`StoreError` if it cannot save.
        """
        self._state.set_read(ids, read)

    def set_starred(self, ids: Iterable[str], starred: bool = True) -> None:
        """Star or unstar papers; persisted before returning (see :meth:`set_read`)."""
        self._state.set_starred(ids, starred)

    # -- session -----------------------------------------------------------------
    def load_session(self) -> dict:
        """Where the reader was when it last ran ({} when unknown)."""
        return self._session.load()

    def save_session(self, session: dict) -> None:
        """Remember where the reader is (query, view, paper id...): JSON-ready values.

        Raises :class:`StoreError` when it cannot be saved.
        """
        self._session.save(session)


def _import_history(index: SearchIndex | None) -> tuple[str, list[str], int] | None:
    """``(epoch, import times, removals)`` of the library as ``index``'s manifest keeps them
    (None: it does not)."""
    if index is None:
        return None
    epoch, imports = index.manifest.get("epoch"), index.manifest.get("imports")
    removals = index.manifest.get("removals", 0)
    if not isinstance(epoch, str) or not isinstance(imports, list) or type(removals) is not int:
        return None
    return epoch, imports, removals
