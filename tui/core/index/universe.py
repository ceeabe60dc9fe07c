"""The library as the universe of citation keys, answered from the index (``export``).

:func:`~tui.core.cite.unique_keys.citation_keys` needs, for each exported
paper, the library's papers that could give the same key. With the default
template (and any starting with ``{auth}`` or ``{Auth}``) those are the papers
whose first author gives the same ``{auth}`` value: one exact lookup in the
index's ``auth`` field. Other templates need every paper (``load_all``).

Damage found while reading the index (:class:`~.segment_file.IndexDamaged`)
is handed to ``on_damage`` (the reader rebuilds the index) and raised: a key
made from a damaged index could be wrong, so none is made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np

from ..cite.keys import first_placeholder, placeholder_value
from ..models import Paper
from .search import SearchIndex
from .segment_file import IndexDamaged


class IndexUniverse:
    """Every paper of ``index`` as a key universe (truthy when the library has any)."""

    def __init__(
        self,
        index: SearchIndex,
        load_all: Callable[[], Sequence[Paper]],
        on_damage: Callable[[IndexDamaged], None] | None = None,
    ) -> None:
        self.index = index
        self._load_all = load_all
        self._on_damage = on_damage
        self._all: Sequence[Paper] | None = None
        self._groups: dict[tuple[str, str], list[_Candidate]] = {}
        self._template_groups: dict[str, dict[str, list[Paper]]] = {}

    def __len__(self) -> int:
        return len(self.index)

    def key_candidates(self, paper: Paper, template: str) -> list[Paper]:
        """The library's papers whose key under ``template`` could be ``paper``'s (raises
        :class:`IndexDamaged`, after telling ``on_damage``, when the index is found damaged)."""
        try:
            return self._key_candidates(paper, template)
        except IndexDamaged as exc:
            self.damaged(exc)
            raise

    def damaged(self, exc: IndexDamaged) -> None:
        """Tell ``on_damage`` of damage found while reading the index."""
        if self._on_damage is not None:
            self._on_damage(exc)

    def _key_candidates(self, paper: Paper, template: str) -> list[Paper]:
        first = first_placeholder(template)
        if first is None or first[0] not in ("auth", "Auth"):
            return self._by_value(paper, template, first)
        value = placeholder_value(paper, "auth").lower()
        found = self._groups.get(("auth", value))
        if found is None:
            docs = self.index.search_bits(self.index.term_bits("auth", value))
            found = self._groups[("auth", value)] = [
                _Candidate(self, d, i) for d, i in zip(docs.tolist(), _ids_of(self.index, docs))]
        return cast("list[Paper]", found)  # each candidate reads as a Paper

    def _by_value(self, paper: Paper, template: str, first: tuple[str, str | None] | None) -> list[Paper]:
        """Any other template: every paper grouped once by its first placeholder's value."""
        groups = self._template_groups.get(template)
        if groups is None:
            if self._all is None:
                self._all = self._load_all()
            groups = self._template_groups[template] = {}
            for other in self._all:
                value = placeholder_value(other, *first).lower() if first else ""
                groups.setdefault(value, []).append(other)
        return groups.get(placeholder_value(paper, *first).lower() if first else "", [])


class _Candidate:
    """A library paper as a key candidate: its id read at once, the rest of the paper only when
    a key needs it (most candidates are ruled out by their id's age alone)."""

    __slots__ = ("id", "_universe", "_doc", "_paper")

    def __init__(self, universe: IndexUniverse, doc: int, paper_id: str) -> None:
        self.id = paper_id
        self._universe = universe
        self._doc = doc
        self._paper: Paper | None = None

    def __getattr__(self, name: str) -> Any:
        # Only called for what the slots do not hold: a field of the paper.
        if self._paper is None:
            try:
                self._paper = self._universe.index.paper(self._doc)
            except IndexDamaged as exc:
                self._universe.damaged(exc)
                raise
        return getattr(self._paper, name)


def _ids_of(index: SearchIndex, docs: np.ndarray) -> list[str]:
    """The ids of documents ``docs`` (thousands for a common first author), read per segment
    in one pass rather than one row at a time."""
    docs = np.asarray(docs, np.int64)
    at = np.searchsorted(np.asarray(index.bases, np.int64), docs, side="right") - 1
    ids: list[str] = [""] * len(docs)
    for k in sorted(set(at.tolist())):  # (np.unique would import numpy.ma: 8 ms)
        where = np.flatnonzero(at == k)
        segment = index.segments[k]
        try:
            found = segment.paper_ids(docs[where] - index.bases[k])
        except (ValueError, UnicodeDecodeError, IndexError) as exc:
            raise IndexDamaged(f"{segment.file.path}: a row is unreadable ({exc})") from None
        for position, paper_id in zip(where.tolist(), found):
            ids[position] = paper_id
    return ids
