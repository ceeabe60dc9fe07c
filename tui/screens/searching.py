"""The main screen's searches: the query and view matched, then arranged for the list.

A mixin of :class:`~tui.screens.main.MainScreen`. A quick search (every query
the search index answers, a cheap one on the loaded library) runs with the key
that typed it, its rows painted in the same frame; a dear one (a phrase checked
against the text, the abstracts of a library loaded whole) runs in a worker
that the next key cancels. A result is shown only when no newer search has
started since (:attr:`Searching.searching`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from ..core.models import PaperState
from ..core.query import Query, SearchCancelled
from ..core.readinglist import UserSets
from ..core.results import arrange
from ..core.statemap import state_copy
from ..widgets.status_line import StatusLine

if TYPE_CHECKING:
    from .main import MainScreen

    _Base = MainScreen
else:
    _Base = object


class Searching(_Base):
    """Search, show and arrange results for the main screen."""

    def refilter(self, keep: str | None = None) -> None:
        """Search again with the current query and view, keeping ``keep``, else the paper
        the filter edit began on, else the highlighted paper, when it is in the result."""
        if self.library is None or self.user is None:
            return
        if keep is None:
            if self._edit_anchor is not None:
                keep = self._edit_anchor[0]
            elif self.highlighted is not None:
                keep = self.highlighted.id
        query = self.reading_list.parse(self.query_text)  # @name: the saved searches
        warnings = list(query.warnings)
        if warnings and query.root is None and self.query_text.strip():  # ("au:", a lone '"' or '-')
            warnings.append("nothing left to search for, so nothing is filtered")
        self.filter_bar.set_warnings(warnings)
        self._generation += 1
        self._search_basis = (self.view, self.user.version)
        self.workers.cancel_group(self, "search")
        within = self._narrowing(query)
        if not self.library.is_quick(query, len(within) if within is not None else None):
            # The abstracts scanned, a phrase, a pasted list of ids, an index not built yet:
            # never on this thread.
            self.query_one(StatusLine).show_message(
                "Searching the abstracts…" if query.uses_abstract else "Searching…"
            )
            # A snapshot of the states only when the search reads them (a view, is:):
            # copying 200,000 of them costs ~10 ms per keystroke.
            needs_states = self.view != "all" or any(term.field == "is" for term in query.terms())
            states = state_copy(self.user.states) if needs_states else {}
            self._search_thread(_SearchJob(query, self.view, within, states, keep, self._generation,
                                           self.reading_list.sets))
        else:
            matches = self.library.match(query, self.view, self.user.states, within, sets=self.reading_list.sets)
            self._show(self._generation, matches, query, keep)

    def _narrowing(self, query: Query) -> list[int] | None:
        """The previous matches when ``query`` can only match fewer papers (typing on)."""
        if self._last_match is None or self.user is None or self.library is None or not self.library.narrows:
            return None
        previous, view, version, matches = self._last_match
        if view != self.view or version != self.user.version or not query.narrows(previous):
            return None
        return matches

    @work(thread=True, exclusive=True, group="search", name="search", exit_on_error=False)
    def _search_thread(self, job: _SearchJob) -> None:
        # One argument with a short repr: Textual's @work writes the repr of every
        # argument into the worker's description, 440 ms for 200,000 states.
        assert self.library is not None
        worker = get_current_worker()
        try:
            matches = self.library.match(
                job.query, job.view, job.states, job.within, should_stop=lambda: worker.is_cancelled, sets=job.sets
            )
        except SearchCancelled:
            return  # a newer query replaced this one
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, job.generation, matches, job.query, job.keep)

    def _show(self, generation: int, matches: list[int], query: Query, keep: str | None) -> None:
        """Show a search result (ascending matches) unless a newer search has started since."""
        if generation != self._generation or self.library is None:
            return
        view, version = self._search_basis  # what the matches were computed on
        self._last_match = (query, view, version, matches)  # with the muted: narrowing counts them again
        matches, self.muted_hidden = self.reading_list.hide_muted(query, matches)
        self.muted_shown = query.mentions_muted
        self._shown_generation = generation
        self._arrange(matches, None if query.is_empty else query, keep)

    @property
    def searching(self) -> bool:
        """Whether a search runs whose result will replace the one shown."""
        return self._shown_generation != self._generation

    def _rearrange(self) -> None:
        """The same matches in another order or day (``[`` ``]``, sort): no search."""
        if self.results is not None:
            keep = self.highlighted.id if self.highlighted is not None else None
            self._arrange(self.results.matches, self.results.query, keep)

    def _arrange(self, matches: list[int], query: Query | None, keep: str | None) -> None:
        assert self.library is not None
        previous = self.results
        spans = previous.spans if previous is not None and previous.query is query else None
        results = arrange(self.library, matches, query=query, view=self.view, sort=self.sort,
                          day=self.day, keep=keep, spans=spans)
        self.read_timer.cancel()  # never read because of a new result, whatever lands under the cursor
        self.arranging = True
        try:
            self.results = results
            self.cursor = results.cursor  # after the list has the new rows
        finally:
            self.arranging = False



@dataclass(frozen=True, slots=True)
class _SearchJob:
    """What a search in the worker needs (its repr stays short, whatever the sizes)."""

    query: Query
    view: str
    within: list[int] | None
    states: Mapping[str, PaperState]
    keep: str | None
    generation: int
    sets: UserSets | None = None

    def __repr__(self) -> str:
        return f"SearchJob({self.query.text!r}, {self.view})"
