"""The loaded library as the main screen sees it: papers, search, views, sorts.

No Textual here: this is plain data work, run on the UI thread for fast
queries and in a worker thread for queries over the abstracts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter

from ..core.models import Paper, PaperState
from ..core.query import Query, QueryEngine, parse_query

VIEWS = ("all", "unread", "starred")
SORTS = ("date", "title", "category")


class Library:
    """Every paper (newest first, as the store returns them) with a query engine."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        self.papers = list(papers)
        self.engine = QueryEngine(self.papers)
        self.by_id: dict[str, int] = {paper.id: index for index, paper in enumerate(self.papers)}
        self._ranks: dict[str, list[int]] = {}

    def warm_up(self, abstracts: bool = False) -> None:
        """Build the engine's lazy indexes now (in a worker) so the first keystrokes are fast."""
        queries = ("abs:a",) if abstracts else ("a", "cat:a", "id:0", "date:2000")
        for text in queries:
            self.engine.search(parse_query(text), {})
        if abstracts:  # the slow, background part: sort orders too
            for sort in SORTS[1:]:
                self._rank(sort)

    def __len__(self) -> int:
        return len(self.papers)

    def paper(self, paper_id: str) -> Paper | None:
        index = self.by_id.get(paper_id)
        return None if index is None else self.papers[index]

    def in_view(self, view: str, states: Mapping[str, PaperState]) -> list[int] | None:
        """Indices of the papers a view shows (None: all of them)."""
        if view == "unread":
            read = {paper_id for paper_id, state in states.items() if state.read}
            return [i for i, paper in enumerate(self.papers) if paper.id not in read]
        if view == "starred":
            starred = {paper_id for paper_id, state in states.items() if state.starred}
            return [i for i, paper in enumerate(self.papers) if paper.id in starred]
        return None

    def match(
        self,
        query: Query,
        view: str,
        states: Mapping[str, PaperState],
        within: Sequence[int] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[int]:
        """Ascending indices of the papers of ``view`` matching ``query``.

        ``within`` (ascending) limits the search, e.g. to the previous results
        when the new query narrows the old one. ``should_stop`` lets a worker
        give up early (the engine then raises ``SearchCancelled``).
        """
        candidates = self.in_view(view, states) if within is None else list(within)
        if query.is_empty:
            return list(range(len(self.papers))) if candidates is None else candidates
        return self.engine.search(query, states, candidates, should_stop=should_stop)

    def order(self, found: list[int], sort: str) -> list[int]:
        """``found`` (ascending) in ``sort`` order."""
        if sort == "date":
            return found  # the store's order is already newest first
        rank = self._rank(sort)
        return sorted(found, key=rank.__getitem__)

    def search(self, query: Query, view: str, sort: str, states: Mapping[str, PaperState]) -> list[int]:
        """Indices of the papers to show, in ``sort`` order."""
        return self.order(self.match(query, view, states), sort)

    def _rank(self, sort: str) -> list[int]:
        """Position of every paper in ``sort`` order (computed once per sort)."""
        rank = self._ranks.get(sort)
        if rank is None:
            papers = self.papers
            if sort == "title":
                order = sorted(range(len(papers)), key=lambda i: papers[i].title.casefold())
            else:  # category; the sort is stable, so newest first within a category
                order = sorted(range(len(papers)), key=lambda i: papers[i].primary_category)
            rank = [0] * len(papers)
            for position, index in enumerate(order):
                rank[index] = position
            self._ranks[sort] = rank
        return rank

    def counts(self, found: Sequence[int], states: Mapping[str, PaperState]) -> tuple[int, int]:
        """``(unread, starred)`` among the papers at indices ``found`` (unique).

        Works from the states (usually far fewer than the papers) with set
        intersections, so it stays fast on 200,000 shown papers.
        """
        by_id = self.by_id
        read = {by_id[k] for k, state in states.items() if state.read and k in by_id}
        starred = {by_id[k] for k, state in states.items() if state.starred and k in by_id}
        if len(found) != len(self.papers):  # a subset: intersect (else everything counts)
            read = read.intersection(found)
            starred = starred.intersection(found)
        return len(found) - len(read), len(starred)

    def take(self, found: Sequence[int]) -> list[Paper]:
        """The papers at indices ``found``, in that order."""
        if not found:
            return []
        if len(found) == 1:
            return [self.papers[found[0]]]
        return list(itemgetter(*found)(self.papers))

    def starred(self, states: Mapping[str, PaperState]) -> list[Paper]:
        """Every starred paper of the library, in library order."""
        return [paper for paper in self.papers if (state := states.get(paper.id)) and state.starred]
