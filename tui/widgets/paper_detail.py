"""The detail panel: everything about the highlighted paper, as Markdown.

The screen calls :meth:`PaperDetail.show_paper` with the paper, its state and
the query's spans; the document comes from :func:`paper_markdown`. Showing the
same paper again (its state changed, or the query's highlights) keeps the
scroll position, so a paper becoming read never moves what the user is reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tui.core.models import Paper, PaperState
from tui.core.query import SpanCache

from .markdown_view import MarkdownView
from .paper_document import HIGHLIGHT_MARK, MAX_AUTHORS, PLACEHOLDER, paper_markdown

__all__ = ["PaperDetail", "paper_markdown", "PLACEHOLDER", "MAX_AUTHORS", "HIGHLIGHT_MARK"]


class PaperDetail(MarkdownView):
    """Scrollable Markdown view of one paper (see :class:`MarkdownView`)."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(PLACEHOLDER, name=name, id=id, classes=classes)
        self._shown_key: tuple[Any, ...] | None = None
        self._paper: Paper | None = None

    @property
    def paper(self) -> Paper | None:
        """The paper shown (``None``: the placeholder)."""
        return self._paper

    def show_paper(
        self,
        paper: Paper | None,
        state: PaperState | None = None,
        spans: SpanCache | None = None,
        tags: Sequence[str] = (),
        note: str = "",
    ) -> None:
        """Show ``paper`` (or the placeholder) with the user's ``tags`` and ``note``. Cheap when nothing changed."""
        spans = spans or None  # an empty query highlights nothing: the same as none
        key = (paper, None if state is None else (state.read, state.starred), spans, tuple(tags), note)
        if self._shown_key is not None and all(a is b or a == b for a, b in zip(key, self._shown_key)):
            return
        same_paper = paper is not None and self._paper is not None and paper.id == self._paper.id
        self._shown_key = key
        self._paper = paper
        self.show_source(paper_markdown(paper, state, spans, tags, note), keep_scroll=same_paper)
