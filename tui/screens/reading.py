"""The reading view: one paper on the whole screen, the abstract first.

Enter on the list opens it on the highlighted paper. It shows what the main
screen holds (:attr:`MainScreen.highlighted`, :attr:`MainScreen.states`, the
result's highlight spans), watching those reactives, and asks the main screen
to act (next paper, star, read, open, copy): the list stays where it was, its
cursor on the paper read last, for when Escape goes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..commands import READING_COMMANDS, bindings
from ..core.query import SpanCache
from ..core.safetext import escape_controls
from ..widgets.markdown_view import MarkdownView
from ..widgets.paper_document import SUMMARY_AUTHORS, reading_is_cut, reading_markdown, status_text

if TYPE_CHECKING:
    from .main import MainScreen


class ReadingView(MarkdownView):
    """The paper's document (j/k, space, PageDown... scroll it)."""


class ReadingScreen(Screen[None]):
    """One paper, full screen; n/p step through the list, Escape goes back."""

    BINDINGS = bindings(READING_COMMANDS)

    def __init__(self, main: MainScreen) -> None:
        super().__init__()
        self.main = main
        self.all_authors = False
        #: Long fields shown whole (``x``), built and rendered in a thread when long.
        self.full = False

    def compose(self) -> ComposeResult:
        yield Static(id="reading-head")
        yield ReadingView(id="reading-body")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.main, "highlighted", self._paper_changed, init=False)
        self.watch(self.main, "states", self._refresh, init=False)
        self._refresh()
        self.query_one(ReadingView).focus()

    def _paper_changed(self) -> None:
        self.all_authors = False
        self.full = False
        self._refresh(top=True)

    def _refresh(self, top: bool = False) -> None:
        main = self.main
        paper = main.highlighted
        if paper is None:  # the list emptied under us (another reader's change)
            self.dismiss(None)
            return
        state = main.user.get(paper.id) if main.user is not None else None
        spans = main.results.spans if main.results is not None else None
        view = self.query_one(ReadingView)
        if self.full:
            # Perhaps megabytes: built and rendered off this thread, with spans of its own.
            own_spans = SpanCache(spans.query) if spans else None
            all_authors = self.all_authors
            key = (paper.id, status_text(state), own_spans and own_spans.query, all_authors)
            view.show_built(key, lambda: reading_markdown(paper, state, own_spans, all_authors, full=True),
                            keep_scroll=not top)
        else:
            view.show_source(reading_markdown(paper, state, spans, self.all_authors), keep_scroll=not top)
        count = len(main.results.papers) if main.results is not None else 0
        head = f"Paper {main.cursor + 1:,} of {count:,}"  # (the screen's cursor: the list's may lag)
        if main.day:
            head += f" on {main.day}"
        head += " · n/p: next/previous · Esc: back to the list"
        self.query_one("#reading-head", Static).update(Content(escape_controls(head)))

    def action_close(self) -> None:
        """Back to the list, where it was."""
        self.dismiss(None)

    def action_step(self, step: int) -> None:
        self.main.read_step(step)

    def action_toggle_authors(self) -> None:
        paper = self.main.highlighted
        if paper is not None and len(paper.authors) <= SUMMARY_AUTHORS + 1 and not self.all_authors:
            count = len(paper.authors)
            self.notify("No authors listed." if not count else "The one author is shown." if count == 1
                        else f"All {count} authors are shown.", timeout=3, markup=False)
            return
        self.all_authors = not self.all_authors
        self._refresh()

    def action_show_all(self) -> None:
        """Show long fields whole (a 1 MB abstract too), or cut again; says so when nothing is cut."""
        paper = self.main.highlighted
        if not self.full and paper is not None and not reading_is_cut(paper):
            self.notify("Nothing of this paper is cut: it is shown whole.", timeout=3, markup=False)
            return
        self.full = not self.full
        self._refresh()

    def action_star(self) -> None:
        self.main.action_toggle_star()

    def action_read(self) -> None:
        self.main.action_toggle_read()

    def action_open_url(self, which: str) -> None:
        self.main.action_open_url(which)

    def action_copy_bibtex(self) -> None:
        self.main.action_copy_bibtex()
