"""Opening the reader's library: through the search index, or loaded whole while it is built.

Kept apart from :mod:`.indexed_library` (how the index answers) since this is the
choice of which library to show, made once at start-up and after a reload.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

from .index import IndexDamaged
from .indexed_library import IndexedLibrary
from .library import BaseLibrary
from .models import PaperState


#: Up to this many papers the reader builds a missing search index before showing rows
#: (a second or two); a larger library is loaded whole meanwhile and the index built aside.
BUILD_BEFORE_SHOWING = 20_000


def open_library(
    store: Any, baseline: Any, progress: Callable[[int, int], None] | None = None
) -> tuple[BaseLibrary, bool]:
    """The library the reader shows, what is new measured from ``baseline`` (None: everything),
    and whether its search index is still to be built.

    Read through the search index when it is current, or when it can be built
    at once (a small library); else every paper loaded (:class:`Library`) and
    True: the caller builds the index aside (:func:`indexed_library`) and swaps.
    """
    index = store.current_index()
    if index is None and store.paper_count() <= BUILD_BEFORE_SHOWING:
        index = store.open_index()
    if index is not None:
        return IndexedLibrary(index, None if baseline is None else store.new_bits_since(index, baseline)), False
    return loaded_library(store, baseline, progress), True


def loaded_library(store: Any, baseline: Any, progress: Callable[[int, int], None] | None = None) -> BaseLibrary:
    """Every paper loaded into memory (:class:`Library`): while the search index is built."""
    from .library import Library

    papers = store.load_papers(progress)
    return Library(papers, new_ids=store.new_paper_ids(baseline) if baseline is not None else None)


def indexed_library(store: Any, baseline: Any) -> IndexedLibrary:
    """The library through the search index, built first when it must be (seconds to a minute)."""
    index = store.open_index()
    return IndexedLibrary(index, None if baseline is None else store.new_bits_since(index, baseline))


def library_states(store: Any, library: BaseLibrary) -> MutableMapping[str, PaperState]:
    """The user's state (``store.states()``), with where its read and starred papers are in
    ``library`` told to a library read through the index (kept beside the state snapshot:
    see :meth:`.Store.states_in`), so its first counts need not look up every key."""
    if not isinstance(library, IndexedLibrary):
        return store.states()
    try:
        states, read, starred = store.states_in(library.index)
    except IndexDamaged:
        return store.states()  # (the library finds the damage itself when it reads there)
    library.seed_states(states, read, starred)
    return states
