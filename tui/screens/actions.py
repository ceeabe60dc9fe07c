"""What the main screen's keys do (:data:`tui.commands.MAIN_COMMANDS`).

A mixin of :class:`~tui.screens.main.MainScreen`: every action reads the
screen's state and changes it through the screen's one path for that change
(the reactives, :meth:`MainScreen.mark_read`, :meth:`MainScreen.move_to`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..browser import browser_reachable, open_url
from ..web import in_browser
from ..core.library import SORTS, VIEWS
from ..core.models import Paper
from .copying import (
    APPEND_BIBTEX, append_papers, copy_in_thread, copy_papers, copy_targets, copy_text, format_labels,
)
from .dialogs import BibFileDialog, ConfirmDialog, CopyMenu
from .reading import ReadingScreen

if TYPE_CHECKING:
    from .main import MainScreen

    _Base = MainScreen
else:
    _Base = object


class PaperActions(_Base):
    """The main screen's actions."""

    def _highlighted_paper(self) -> Paper | None:
        if self.library is None:
            return None
        paper = self.highlighted
        if paper is None:
            self.notify("No paper is highlighted.", severity="warning")
        return paper

    # -- focus and leaving ---------------------------------------------------------
    def action_focus_filter(self) -> None:
        self.filter_bar.focus_input()

    def action_back(self) -> None:
        """Escape: back to the list; on the list, leave the day, then clear the query."""
        papers_list = self.paper_list
        if self.focused is not papers_list:
            self._edit_anchor = None  # (leaving the filter ends its edit)
            self.set_focus(papers_list)  # at once: the next key is a list key
        elif self.day is not None:
            self.day = None
        elif self.query_text:
            self.query_text = ""

    # -- state -----------------------------------------------------------------------
    def action_toggle_star(self) -> None:
        paper = self._highlighted_paper()
        if paper is not None and self.user is not None:
            self.set_starred([paper.id], not self.user.is_starred(paper.id))

    def action_toggle_read(self) -> None:
        paper = self._highlighted_paper()
        if paper is not None and self.user is not None:
            self.mark_read([paper.id], not self.user.is_read(paper.id))

    def action_mark_all_read(self) -> None:
        """Mark every paper of the shown, settled result read, after asking.

        Refused while a search runs (the list would change under the question);
        when the result changed anyway before the answer, nothing is marked.
        """
        results = self.results
        if results is None or self.user is None:
            return
        if self.searching:
            self.notify("Still searching: press A again once the result is shown.", severity="warning", timeout=3)
            return
        if not len(results):
            self.notify("No papers are shown: nothing to mark read.", timeout=3)
            return
        is_read = self.user.is_read
        ids = [paper_id for paper_id in results.paper_ids() if not is_read(paper_id)]
        if not ids:
            self.notify("Every shown paper is already read.", timeout=3)
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            if self.results is not results:
                self.notify("The list changed while asking: nothing marked. Press A again.", severity="warning")
                return
            self.mark_read(ids, True)
            self.notify(f"Marked {len(ids):,} papers as read.")

        # Destructive (no undo): No has the focus and a y or Enter typed with A does not answer.
        self.app.push_screen(ConfirmDialog(f"Mark {len(ids):,} shown papers as read?", yes="Mark read",
                                           no="Cancel", destructive=True), answered)

    # -- marks -------------------------------------------------------------------------
    def action_toggle_mark(self) -> None:
        """Mark or unmark the highlighted paper, then move down (as mutt and ranger do)."""
        paper = self._highlighted_paper()
        if paper is None:
            return
        self.marks = self.marks - {paper.id} if paper.id in self.marks else self.marks | {paper.id}
        # Marking is not reading: the paper moved onto is not read by the timer.
        self.read_timer.cancel()
        self.move_to(self.cursor + 1, timer=False)  # none past the last paper

    def action_clear_marks(self) -> None:
        if self.marks:
            count = len(self.marks)
            self.marks = frozenset()
            self.notify(f"Unmarked {count:,} paper" + ("" if count == 1 else "s") + ".")

    # -- moving --------------------------------------------------------------------------
    def _jump_unread(self, step: int) -> None:
        if self.results is None or self.user is None:
            return
        results = self.results
        is_read = self.user.is_read
        index = self.cursor + step
        while 0 <= index < len(results):
            if not is_read(results.paper_id(index)):
                self.move_to(index)
                return
            index += step
        self.notify("No more unread papers " + ("below." if step > 0 else "above."))

    def action_next_unread(self) -> None:
        self._jump_unread(1)

    def action_previous_unread(self) -> None:
        self._jump_unread(-1)

    def action_step_day(self, older: bool) -> None:
        """Show one digest day: the highlighted paper's first, then older or newer days.

        Only days with papers under the current query and view are visited
        (two bisections of the result: instant at any size).
        """
        if self.library is None or self.results is None:
            return
        days = self.library.days
        matches = self.results.matches
        if not matches:
            self.notify("No papers under this query and view.")
            return
        if self.day is None:
            paper = self.highlighted
            index = self.library.by_id[paper.id] if paper is not None else matches[0]
            self.day = days.days[days.day_of(index)]
            return
        found = days.step(matches, self.day, older)
        if found is None:
            self.notify(f"No {'older' if older else 'newer'} day with papers under this query and view.", timeout=3)
        else:
            self.day = found

    # -- views and sorts ---------------------------------------------------------------------
    def action_view(self, view: str) -> None:
        if view in VIEWS:
            self.view = view

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.notify(f"Sorted by {self.sort}.", timeout=2)

    # -- the detail panel ------------------------------------------------------------------------
    def action_scroll_detail(self, lines: int) -> None:
        self.detail.scroll_lines(lines)

    def action_scroll_detail_page(self, direction: int) -> None:
        self.detail.scroll_lines(direction * max(1, self.detail.scrollable_content_region.height // 2))

    # -- reading and opening ----------------------------------------------------------------------
    def action_open_reading(self) -> None:
        """The palette's "Read" (Enter on the list)."""
        self.open_reading_view()

    def open_reading_view(self) -> None:
        """Open the highlighted paper in the reading view: that is reading it."""
        paper = self._highlighted_paper()
        if paper is None:
            return
        self.mark_read([paper.id], True)
        self.app.push_screen(ReadingScreen(self))

    def read_step(self, step: int) -> None:
        """In the reading view: read the next (1) or previous (-1) paper of the list."""
        position = self.cursor + step
        if self.results is None or not 0 <= position < len(self.results.papers):
            self.notify(f"This is the {'last' if step > 0 else 'first'} paper of the list.", timeout=3)
            return
        # Read first, then moved onto (no timer: it is opened): the reading view then lays
        # out the next paper once, already read, instead of once unread and again read.
        self.mark_read([self.results.paper_id(position)], True)
        self.move_to(position, timer=False)

    def action_open_url(self, which: str) -> None:
        """Open the abs page or the PDF in a browser; over SSH (or when the browser
        fails) copy the URL instead. Said once the opener answered (see :mod:`tui.browser`)."""
        paper = self._highlighted_paper()
        if paper is None:
            return
        url = (paper.pdf_url or f"https://arxiv.org/pdf/{paper.id}") if which == "pdf" else paper.abs_url
        what = f"the {'PDF' if which == 'pdf' else 'arXiv page'} of {paper.id}"
        if in_browser(self.app):  # (served: the user's browser is the page's)
            self.app.open_url(url, new_tab=True)
            self.notify(f"Opening {what} in a new tab: {url}", markup=False)
            return
        if not browser_reachable():
            copy_text(self.app, url, f"No browser reachable from here (no display): {url}")
            return
        app = self.app

        def opening() -> None:
            opened = open_url(url)
            if opened.ok:
                app.call_from_thread(app.notify, opened.message(what, url), markup=False)
            else:
                copy_in_thread(app, url, f"Could not open {what} ({opened.detail}); the URL {url}")

        self.app.run_worker(opening, name="open in a browser", group="open", thread=True, exit_on_error=False)

    # -- copying -----------------------------------------------------------------------------------
    def action_copy_bibtex(self) -> None:
        paper = self._highlighted_paper()
        if paper is not None:
            copy_papers(self.app, [paper], "bibtex")

    def action_copy_menu(self) -> None:
        if self.library is None or self.user is None:
            return
        papers, what = copy_targets(self.library, self.marks, self.user.states, self.highlighted, self.results)
        if not papers:
            self.notify("Nothing to copy.", severity="warning")
            return

        def chosen(key: str | None) -> None:
            if key == APPEND_BIBTEX:
                self.app.push_screen(BibFileDialog(what, self.bib_path), appended)
            elif key:
                copy_papers(self.app, papers, key)

        def appended(path: str | None) -> None:
            if path:
                append_papers(self.app, papers, path, on_added=lambda: setattr(self, "bib_path", path))

        self.app.push_screen(CopyMenu(what, format_labels()), chosen)
