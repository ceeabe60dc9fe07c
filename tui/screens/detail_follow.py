"""The detail follows the highlighted paper (a mixin of :class:`~tui.screens.main.MainScreen`).

A move by the user renders the paper's detail in the same frame as the list;
a new result's paper waits until the rows are painted, and while the user types
in the filter until the keys pause (:data:`DETAIL_WHILE_TYPING`) or the user
leaves the filter.
Once a move is painted, the papers next to the cursor are rendered ahead in a
thread (:meth:`~tui.widgets.markdown_view.MarkdownView.prepare`), so the next
``j`` or ``k`` only swaps in lines already drawn; not while the user types in
the filter (each key would start a render competing with the next key's
search), but once they leave it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.timer import Timer

from ..core.models import Paper, PaperState
from ..core.query import SpanCache
from ..widgets.paper_detail import paper_markdown

if TYPE_CHECKING:
    from .main import MainScreen

    _Base = MainScreen
else:
    _Base = object

#: Where the papers rendered ahead are, from the cursor (the likeliest next first).
NEIGHBOURS = (1, -1, 2)
#: Seconds the detail waits for the keys typed in the filter to pause before showing the new
#: highlighted paper (or the same one's new highlights).
DETAIL_WHILE_TYPING = 0.12


def _id(paper: Paper | None) -> str | None:
    """A paper's id (papers read from the index are equal by id, not always the same object)."""
    return paper.id if paper is not None else None


class FollowsDetail(_Base):
    """Show the highlighted paper in the detail; render its neighbours ahead."""

    _prepare_pending = False
    #: The detail's update waiting for the keys typed in the filter to pause.
    _detail_timer: Timer | None = None

    def watch_highlighted(self, old: Paper | None, paper: Paper | None) -> None:
        if _id(paper) != _id(old):
            self.read_timer.cancel()
        self._update_detail(defer_same=True)

    def _update_detail(self, defer_same: bool = False) -> None:
        """Show the highlighted paper in the detail.

        With ``defer_same``, when the detail shows that paper already (a
        keystroke that kept it highlighted), or a new result put another one
        under the cursor, rendering it waits until the new rows are painted:
        the key's frame doesn't pay for it (the user moving the cursor does).
        """
        paper = self.highlighted
        if defer_same and paper is not None and (self.arranging or _id(self.detail.paper) == paper.id):
            if self._edit_anchor is not None:
                # Typing in the filter: once the keys pause (each key's render, 5-10 ms at
                # 200,000 papers, would otherwise hold up the next key's search and paint).
                if self._detail_timer is not None:
                    self._detail_timer.stop()
                self._detail_pending = True
                self._detail_timer = self.set_timer(DETAIL_WHILE_TYPING, self._deferred_detail)
            elif not self._detail_pending:
                self._detail_pending = True
                self.call_after_refresh(self._deferred_detail)
            return
        if paper is None:
            self.detail.show_paper(None)
        else:
            self.detail.show_paper(*self._detail_of(paper))
            if not self._prepare_pending:
                self._prepare_pending = True
                self.call_after_refresh(self._prepare_neighbours)

    def _detail_of(self, paper: Paper) -> tuple[Paper, PaperState | None, SpanCache | None, tuple[str, ...], str]:
        """What the detail shows of ``paper``: its state, the query's spans, its tags and note."""
        state = self.user.get(paper.id) if self.user is not None else None
        spans = self.results.spans if self.results is not None else None
        keeper = self.reading_list
        return paper, state, spans, keeper.tags_of(paper.id), keeper.note(paper.id)

    def _prepare_neighbours(self) -> None:
        """Render the papers next to the cursor ahead, in a thread, once the move is painted:
        the next ``j`` or ``k`` shows its paper without rendering it."""
        self._prepare_pending = False
        results = self.results
        if results is None or self._edit_anchor is not None:
            # (typing in the filter: rendering them in a thread would take the GIL from the next
            # key's search and paint; done when the user leaves the filter)
            return
        sources = []
        for step in NEIGHBOURS:
            paper = results.paper(self.cursor + step) if self.cursor + step >= 0 else None
            if paper is not None:
                paper, state, spans, tags, note = self._detail_of(paper)
                sources.append(paper_markdown(paper, state, spans or None, tags, note))  # as show_paper does
        self.detail.prepare(sources)

    def _deferred_detail(self) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        if self._detail_pending:
            self._detail_pending = False
            self._update_detail()

    def show_pending_detail(self) -> None:
        """The detail waiting for the keys to pause, now (the user left the filter)."""
        if self._detail_timer is not None:
            self._deferred_detail()
