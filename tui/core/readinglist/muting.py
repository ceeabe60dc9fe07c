"""Muting: the saved search ``mute`` hides its matches everywhere, unless a query says ``is:muted``.

Muting is a filter the callers apply after matching (the library's views,
the command line, alerts), never a change to the query: a query that says
``is:muted`` (or ``-is:muted``) is answered as typed, and every other one
loses the muted papers, counted so the caller can say how many it hid.

The muted papers are the matches of the ``mute`` query, evaluated without
muting (``is:muted`` inside it matches nothing, and says so).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np

from ..index import bitsets
from ..models import Paper, PaperState
from ..query import Query, QueryEngine, parse_query
from .model import Snapshot
from .names import MUTE
from .sets import UserSets


def mute_query(snapshot: Snapshot) -> Query | None:
    """The parsed ``mute`` search (``None``: nothing is muted); its warnings say what it ignored."""
    text = snapshot.mute_query
    if not text:
        return None
    query = parse_query(text, snapshot.searches, inside=MUTE)
    if query.mentions_muted:
        query.warnings.append("is:muted matches nothing inside the mute search itself")
    return query if query.root is not None else None


def muting_applies(query: Query) -> bool:
    """Whether muting hides anything from ``query``'s results (not when it says ``is:muted``)."""
    return not query.mentions_muted


def hide_muted(found: Sequence[int], muted: AbstractSet[int]) -> tuple[list[int], int]:
    """``found`` without the ``muted`` indices (order kept), and how many were hidden."""
    if not muted:
        return list(found), 0
    kept = [i for i in found if i not in muted]
    return kept, len(found) - len(kept)


def hide_muted_bits(found: np.ndarray, muted: np.ndarray) -> tuple[np.ndarray, int]:
    """:func:`hide_muted` for the search index's packed bitsets."""
    return found & ~muted, bitsets.count(found & muted)


@dataclass(slots=True)
class Muting:
    """The muted papers of one library: indices into its list, ids, and what the mute query ignored."""

    indices: frozenset[int] = frozenset()
    ids: frozenset[str] = frozenset()
    warnings: list[str] = field(default_factory=list)

    def apply(self, query: Query, found: Sequence[int]) -> tuple[list[int], int]:
        """``found`` (the matches of ``query``) without the muted papers unless ``query`` says
        ``is:muted``, and how many were hidden."""
        if not muting_applies(query):
            return list(found), 0
        return hide_muted(found, self.indices)


def muting_in(
    engine: QueryEngine, snapshot: Snapshot, states: Mapping[str, PaperState], sets: UserSets | None = None
) -> Muting:
    """The papers of ``engine`` that the ``mute`` search of ``snapshot`` hides."""
    query = mute_query(snapshot)
    if query is None:
        return Muting(warnings=[])
    found = engine.search(query, states, sets=(sets or UserSets(snapshot)).with_muted(frozenset()))
    return Muting(frozenset(found), frozenset(paper_ids(engine.papers, found)), list(query.warnings))


def paper_ids(papers: Sequence[Paper], found: Iterable[int]) -> list[str]:
    """The ids of ``papers`` at ``found``: from the id column alone when ``papers`` can
    (:class:`tui.core.indexed_library.LazyPapers`), else from the papers."""
    ids = getattr(papers, "ids", None)
    return ids(found) if ids is not None else [papers[i].id for i in found]
