"""Unique citation keys that stay the same in every export.

A paper's key is its template key (:func:`.keys.citation_key`) unless an
*older* paper gives the same key (compared without case, as BibTeX does);
then the paper's own arXiv id is appended: ``wang2024towards-2405.01234``.
"Older" means a lower arXiv id, looked for among the papers exported and, when
given, every paper of the library (``universe``).  So a key depends on the
paper and the library, never on which other papers an export holds: the same
paper gets the same key alone or among all of them, and a paper added to the
library later (a newer id) never changes the keys already given.

``universe`` may also be an object with ``key_candidates(paper, template)``
giving the library's papers that could share the paper's key (the search
index answers that without loading the library: :mod:`tui.core.index.universe`).

Keys already in a file (``taken``, for ``--append``) are avoided the same way:
a clashing paper gets its id appended (then ``a``, ``b``... in the unlikely
case that is taken too).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Sequence

from ..models import Paper
from .keys import DEFAULT_KEY_TEMPLATE, citation_key, first_placeholder, placeholder_value


def id_age(paper_id: str) -> tuple:
    """Sorts arXiv ids oldest first: old-style ids (``hep-th/9901001``, by
    their year and number) before new-style ones (``0704.0001`` on)."""
    if "/" in paper_id:
        archive, number = paper_id.split("/", 1)
        year = int(number[:2]) if number[:2].isdigit() else 0
        return (0, year + (1900 if year >= 91 else 2000), number, archive)
    return (1, paper_id)


def _id_suffix(paper: Paper) -> str:
    return paper.id.replace("/", ".")


def _letters(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa ... (bijective base 26)."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


class _UniverseIndex:
    """The library's papers grouped by their template's first placeholder, so
    only the few that could share a key get a whole key computed."""

    def __init__(self, universe: Sequence[Paper], template: str) -> None:
        self.universe = universe
        self.template = template
        self.size = len(universe)
        first = first_placeholder(template)
        self.groups: dict[str, list[Paper]] = {}
        for paper in universe:
            value = placeholder_value(paper, *first).lower() if first else ""
            self.groups.setdefault(value, []).append(paper)
        self._first = first

    def candidates(self, paper: Paper) -> list[Paper]:
        value = placeholder_value(paper, *self._first).lower() if self._first else ""
        return self.groups.get(value, [])


#: The index of the last library asked about (a session uses one library).
_last_index: _UniverseIndex | None = None


def _index(universe: Sequence[Paper], template: str) -> _UniverseIndex:
    global _last_index
    index = _last_index
    if index is None or index.universe is not universe or index.size != len(universe) or index.template != template:
        index = _last_index = _UniverseIndex(universe, template)
    return index


class _ByAge:
    """Candidate lists sorted oldest first, once each (a library's group of one
    author can hold thousands of papers, asked about for every exported paper)."""

    def __init__(self) -> None:
        # id of a list -> (the list, kept so that its id stays its own; sorted; their ages)
        self._sorted: dict[int, tuple[list[Paper], list[Paper], list[tuple]]] = {}

    def older(self, candidates: list[Paper], age: tuple) -> list[Paper]:
        """The papers of ``candidates`` older than ``age``, oldest first."""
        entry = self._sorted.get(id(candidates))
        if entry is None or entry[0] is not candidates:
            ordered = sorted(candidates, key=lambda p: id_age(p.id))
            entry = self._sorted[id(candidates)] = (candidates, ordered, [id_age(p.id) for p in ordered])
        return entry[1][: bisect_left(entry[2], age)]


def citation_keys(
    papers: Sequence[Paper],
    template: str = DEFAULT_KEY_TEMPLATE,
    taken: Collection[str] = (),
    universe: Sequence[Paper] | None = None,
) -> list[str]:
    """One key per paper (see the module docstring), unique among them and
    against ``taken``; the order of ``papers`` changes nothing."""
    bases = [citation_key(p, template) for p in papers]
    # The oldest paper giving each key, among the papers and the library.
    oldest: dict[str, Paper] = {}
    for paper, base in zip(papers, bases):
        known = oldest.get(base.lower())
        if known is None or id_age(paper.id) < id_age(known.id):
            oldest[base.lower()] = paper
    if universe:
        finder = getattr(universe, "key_candidates", None)
        candidates = (lambda p: finder(p, template)) if finder is not None else _index(universe, template).candidates
        by_age = _ByAge()
        for paper, base in zip(papers, bases):
            # Oldest first: the first candidate with the same key is the oldest one.
            for other in by_age.older(candidates(paper), id_age(oldest[base.lower()].id)):
                if citation_key(other, template).lower() == base.lower():
                    oldest[base.lower()] = other
                    break
    reserved = {k.lower() for k in taken}
    natural = set(oldest)
    used = set(reserved)
    chosen: list[str] = [""] * len(papers)
    for at in sorted(range(len(papers)), key=lambda i: (id_age(papers[i].id), i)):
        paper, base = papers[at], bases[at]
        key = base
        if oldest[base.lower()].id != paper.id or key.lower() in used:
            key = f"{base}-{_id_suffix(paper)}"
            n = 0
            while key.lower() in used or key.lower() in natural:  # the same paper twice, or a file's key
                n += 1
                key = f"{base}-{_id_suffix(paper)}{_letters(n)}"
        used.add(key.lower())
        chosen[at] = key
    return chosen
