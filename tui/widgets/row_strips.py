"""The paper list's rows as strips, cached by everything each row shows.

:class:`RowStrips` keys a paper row by the paper, its text and highlights (as
laid out for the width), the width, and whether it is the cursor, unread,
starred, marked, the list focused, and its tags; a day header by its day,
width and counts. The rows the next keystroke's result shows alike are then
not rendered again, and nothing has to be invalidated when a state changes: a
changed row simply has another key. Only a change of styles (theme, CSS)
clears the cache.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.cache import LRUCache
from textual.strip import Strip

from tui.core.models import Paper

from .paper_rows import RowStyles, header_row, paper_row, row_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

__all__ = ["RowStrips"]


class RowStrips:
    """A cache of row strips (``maxsize`` of them), rendered with the console ``console()`` gives."""

    def __init__(self, console: Callable[[], Console], maxsize: int = 1024) -> None:
        self._console = console
        self._strips: LRUCache[tuple[Any, ...], Strip] = LRUCache(maxsize=maxsize)

    def clear(self) -> None:
        """Forget every strip (the styles they were drawn with changed)."""
        self._strips.clear()

    def paper(self, paper: Paper, width: int, styles: RowStyles, *, is_cursor: bool, unread: bool, starred: bool,
              marked: bool, focused: bool, tags: tuple[str, ...], spans: Any) -> Strip:
        """The row of ``paper`` (``spans``: the result's highlights, or None)."""
        text = row_text(paper, width, spans)
        key = (paper.id, text, width, is_cursor, unread, starred, marked, focused, tags)
        strip = self._strips.get(key)
        if strip is None:
            row_line = paper_row(
                paper, width, styles, is_cursor=is_cursor, unread=unread, starred=starred, marked=marked, spans=spans,
                tags=tags, text=text,
            )
            strip = self._strips[key] = self.strip(row_line, width, styles)
        return strip

    def header(self, day: str, counts: tuple[int, int, int], width: int, styles: RowStyles) -> Strip:
        """The header row of ``day`` with its ``counts`` (papers, unread, new)."""
        key = ("day", day, width, counts)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self.strip(header_row(day, *counts, width, styles), width, styles)
        return strip

    def strip(self, text: Text, width: int, styles: RowStyles) -> Strip:
        """``text`` as a strip of exactly ``width`` cells (not cached)."""
        # Text.render ignores the Text's own style when it has no spans: make it one,
        # so that no segment is left without a style (Textual's filters need one).
        if text.style:
            text.stylize_before(text.style)
        segments = [s for s in text.render(self._console()) if s.text != "\n"]
        return Strip(segments).adjust_cell_length(width, styles.base)
