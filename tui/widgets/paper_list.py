"""The paper list: one line per paper, drawn with Textual's line API.

:class:`PaperList` never creates a widget per row. It keeps a reference to the
shown papers and renders only the visible lines in :meth:`PaperList.render_line`,
caching the rendered strips in an LRU cache, so 200,000 rows cost no more than
twenty. Moving the cursor repaints two lines and posts a
:class:`PaperList.Highlighted` message (replaceable, so key repeats collapse).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from tui.core.latex import title_text
from tui.core.models import Paper, PaperState

if TYPE_CHECKING:
    from tui.core.query import Query

__all__ = ["PaperList"]

#: Control characters would corrupt the terminal (U+007F occurs in real titles).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

_MARKER_WIDTH = 4  # mark, unread, starred, space
_DATE_WIDTH = 10
_CATEGORY_WIDTH = 9
_GAP = 2
_MIN_TITLE = 12
_ET_AL = " et al."


def _clean(text: str) -> str:
    """One line of printable text (newlines and tabs become spaces)."""
    return _CONTROL.sub("", text.replace("\n", " ").replace("\t", " "))


def _spans(query: Query | None, text: str, field_name: str) -> list[tuple[int, int]]:
    """Highlight spans from the query engine; none when it is absent or fails."""
    if query is None or not text:
        return []
    try:
        from tui.core.query import highlight_spans

        return list(highlight_spans(query, text, field_name))
    except Exception:  # NotImplementedError while the engine lands, or bad input
        return []


class PaperList(ScrollView, can_focus=True):
    """A fast, keyboard-driven list of papers (one row each)."""

    BINDINGS = [
        Binding("enter", "select", "Open", tooltip="Select the highlighted paper"),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("home,g", "first", "First paper", show=False),
        Binding("end,G,shift+g", "last", "Last paper", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
    ]

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--unread",
        "paper-list--read",
        "paper-list--starred",
        "paper-list--marked",
        "paper-list--match",
        "paper-list--meta",
        "paper-list--empty",
    }

    DEFAULT_CSS = """
    PaperList {
        overflow-x: hidden;
    }
    """

    #: Index of the highlighted row in :attr:`papers`; -1 when the list is empty.
    cursor: reactive[int] = reactive(-1, repaint=False, always_update=True, init=False)

    class Highlighted(Message):
        """The cursor moved to ``paper`` (``None`` when the list is empty)."""

        def __init__(self, paper: Paper | None, paper_list: PaperList | None = None) -> None:
            super().__init__()
            self.paper = paper
            self.paper_list = paper_list

        @property
        def control(self) -> PaperList | None:
            return self.paper_list

        def can_replace(self, message: Message) -> bool:
            # Only the latest highlight matters: a burst of cursor moves collapses.
            return isinstance(message, PaperList.Highlighted)

    class Selected(Message):
        """Enter (or a double click) on ``paper``."""

        def __init__(self, paper: Paper, paper_list: PaperList | None = None) -> None:
            super().__init__()
            self.paper = paper
            self.paper_list = paper_list

        @property
        def control(self) -> PaperList | None:
            return self.paper_list

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._papers: Sequence[Paper] = ()
        self._states: Mapping[str, PaperState] = {}
        self._query: Query | None = None
        self._id_index: dict[str, int] | None = None
        self._strips: LRUCache[tuple[Any, ...], Strip] = LRUCache(maxsize=1024)
        self._styles: dict[str, Style] | None = None
        #: Ids marked by the screen (space / x); shown with a marker.
        self.marked: set[str] = set()
        #: The line shown when there are no rows.
        self.empty_message = "No papers match"

    # ------------------------------------------------------------------ public API

    @property
    def papers(self) -> Sequence[Paper]:
        """The shown rows."""
        return self._papers

    @property
    def highlighted(self) -> Paper | None:
        """The paper under the cursor, or ``None``."""
        if 0 <= self.cursor < len(self._papers):
            return self._papers[self.cursor]
        return None

    def set_papers(
        self,
        papers: Sequence[Paper],
        states: Mapping[str, PaperState],
        query: Query | None = None,
        keep_paper_id: str | None = None,
    ) -> None:
        """Replace the shown rows.

        The cursor moves to ``keep_paper_id`` when that paper is still shown,
        else it stays at the same index, clamped. Always posts ``Highlighted``.
        """
        old_cursor = self.cursor
        self._papers = papers
        self._states = states
        self._query = query
        self._id_index = None
        self._strips.clear()
        new_cursor = -1
        if papers:
            new_cursor = min(max(old_cursor, 0), len(papers) - 1)
            if keep_paper_id is not None:
                # A scan is cheaper than building the id index for one lookup.
                for index, paper in enumerate(papers):
                    if paper.id == keep_paper_id:
                        new_cursor = index
                        break
        self._set_rows(len(papers))
        self.refresh()
        self.cursor = new_cursor
        if new_cursor >= 0:
            self._scroll_cursor_into_view(center=new_cursor != old_cursor)
        else:
            self.scroll_to(y=0, animate=False)

    def _set_rows(self, rows: int) -> None:
        """Size the scrollable area to ``rows`` lines, without a screen layout when possible.

        The ``virtual_size`` setter lays out the whole screen (~13 ms at 120x35,
        on every filter keystroke); that is only needed when the scrollbar
        appears or disappears, which changes the list's width.
        """
        size = Size(0, rows)
        old = self.virtual_size
        if size == old:
            return
        height = self.container_size.height
        if self.is_mounted and height > 0 and (rows > height) == (old.height > height):
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size

    def update_states(self, states: Mapping[str, PaperState]) -> None:
        """Use new read/starred states and repaint the markers."""
        self._states = states
        self.refresh()  # strips are cached per state, so stale ones are not reused

    def refresh_paper(self, paper_id: str) -> None:
        """Repaint the row of ``paper_id`` (after its state or mark changed)."""
        index = self.index_of(paper_id)
        if index is not None:
            self.refresh_line(index)

    def move_cursor_to(self, index: int) -> None:
        """Highlight row ``index`` (clamped to the shown rows)."""
        self.cursor = index

    def index_of(self, paper_id: str) -> int | None:
        """The row showing ``paper_id``, or ``None`` when it is not shown."""
        if self._id_index is None:
            self._id_index = {paper.id: index for index, paper in enumerate(self._papers)}
        return self._id_index.get(paper_id)

    # ------------------------------------------------------------------ cursor

    def validate_cursor(self, cursor: int) -> int:
        if not self._papers:
            return -1
        return min(max(cursor, 0), len(self._papers) - 1)

    def watch_cursor(self, old: int, new: int) -> None:
        if old != new:
            if 0 <= old < len(self._papers):
                self.refresh_line(old)
            if new >= 0:
                self.refresh_line(new)
                self._scroll_cursor_into_view()
        self.post_message(self.Highlighted(self.highlighted, self))

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        cursor = self.cursor
        height = self.scrollable_content_region.height
        if cursor < 0 or height <= 0:
            return
        top = round(self.scroll_y)
        if center and not top <= cursor < top + height:
            self.scroll_to(y=max(0, cursor - height // 2), animate=False)
        elif cursor < top:
            self.scroll_to(y=cursor, animate=False)
        elif cursor >= top + height:
            self.scroll_to(y=cursor - height + 1, animate=False)

    def action_cursor_down(self) -> None:
        """Highlight the next paper."""
        self.cursor += 1

    def action_cursor_up(self) -> None:
        """Highlight the previous paper."""
        if self.cursor > 0:
            self.cursor -= 1

    def action_first(self) -> None:
        """Highlight the first paper."""
        self.cursor = 0

    def action_last(self) -> None:
        """Highlight the last paper."""
        self.cursor = len(self._papers) - 1

    def action_page_down(self) -> None:
        """Move the cursor and the view down one page."""
        page = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_y + page, animate=False)
        self.cursor += page

    def action_page_up(self) -> None:
        """Move the cursor and the view up one page."""
        page = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=max(0, self.scroll_y - page), animate=False)
        self.cursor = max(0, self.cursor - page)

    def action_select(self) -> None:
        """Post ``Selected`` for the highlighted paper."""
        paper = self.highlighted
        if paper is not None:
            self.post_message(self.Selected(paper, self))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = round(self.scroll_y) + offset.y
        if 0 <= index < len(self._papers):
            self.cursor = index
            if event.chain >= 2:
                self.action_select()

    # ------------------------------------------------------------------ rendering

    def notify_style_update(self) -> None:
        self._styles = None
        self._strips.clear()
        super().notify_style_update()

    def on_focus(self, event: events.Focus) -> None:
        self._styles = None
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        self._styles = None
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_cursor_into_view()

    def _get_styles(self) -> dict[str, Style]:
        if self._styles is None:
            styles = {"base": self.rich_style}
            for name in self.COMPONENT_CLASSES:
                key = name.removeprefix("paper-list--")
                styles[key] = self.get_component_rich_style(name, partial=True)
            self._styles = styles
        return self._styles

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        styles = self._get_styles()
        index = round(self.scroll_y) + y
        if not self._papers:
            if y == 0:
                text = Text(f" {self.empty_message}", style=styles["base"] + styles["empty"], end="")
                return self._to_strip(text, width, styles["base"])
            return Strip.blank(width, styles["base"])
        if not 0 <= index < len(self._papers):
            return Strip.blank(width, styles["base"])
        paper = self._papers[index]
        state = self._states.get(paper.id)
        unread = state is None or not state.read
        starred = state is not None and state.starred
        marked = paper.id in self.marked
        is_cursor = index == self.cursor
        key = (index, paper.id, width, is_cursor, unread, starred, marked, self.has_focus)
        strip = self._strips.get(key)
        if strip is None:
            text = self._row_text(paper, width, is_cursor, unread, starred, marked, styles)
            strip = self._to_strip(text, width, styles["base"])
            self._strips[key] = strip
        return strip

    def _to_strip(self, text: Text, width: int, base: Style) -> Strip:
        segments = [s for s in text.render(self.app.console) if s.text != "\n"]
        return Strip(segments).adjust_cell_length(width, base)

    def _row_text(
        self,
        paper: Paper,
        width: int,
        is_cursor: bool,
        unread: bool,
        starred: bool,
        marked: bool,
        styles: dict[str, Style],
    ) -> Text:
        """Build one row as rich Text (data never goes through markup)."""
        base = styles["base"]
        if is_cursor:
            base += styles["cursor"]
        row = Text(style=base, no_wrap=True, end="")
        row.append("▸" if marked else " ", styles["marked"] if marked else None)
        row.append("●" if unread else " ", styles["unread"] if unread else None)
        row.append("★" if starred else " ", styles["starred"] if starred else None)
        row.append(" ")

        author = _clean(paper.authors[0]) if paper.authors else ""
        author_width = max(12, min(24, width // 5))
        suffix = len(_ET_AL) if len(paper.authors) > 1 else 0
        if cell_len(author) + suffix > author_width and " " in author.strip():
            author = author.split()[-1]  # the surname reads better than a cut name
        columns: list[tuple[str, int, str]] = [
            (author, author_width, "authors"),
            (_clean(paper.primary_category), _CATEGORY_WIDTH, ""),
            (paper.first_digest_date, _DATE_WIDTH, ""),
        ]
        # Narrow terminals drop the author first, then the category, then the date:
        # the title is what people scan, so it keeps at least 40% of the row.
        available = width - _MARKER_WIDTH
        min_title = max(_MIN_TITLE, available * 2 // 5)
        while columns and available - sum(w + _GAP for _, w, _ in columns) < min_title:
            columns.pop(0)
        title_width = max(0, available - sum(w + _GAP for _, w, _ in columns))

        title = Text(title_text(paper.title), style=styles["unread"] if unread else styles["read"])
        for start, end in _spans(self._query, title.plain, "title"):
            title.stylize(styles["match"], start, end)
        title.truncate(title_width, overflow="ellipsis", pad=True)
        row.append_text(title)

        for value, column_width, field_name in columns:
            cell = Text(value, style=styles["meta"])
            if field_name:
                for start, end in _spans(self._query, value, field_name):
                    cell.stylize(styles["match"], start, end)
                if len(paper.authors) > 1:
                    # Shorten the name, never the " et al." that says there are more.
                    cell.truncate(column_width - len(_ET_AL), overflow="ellipsis")
                    cell.append(_ET_AL)
            cell.truncate(column_width, overflow="ellipsis", pad=True)
            row.append(" " * _GAP)
            row.append_text(cell)
        row.truncate(width, overflow="ellipsis", pad=True)
        return row
