"""The paper list: one line per paper (and per day header), drawn with the line API.

:class:`PaperList` never creates a widget per row. It renders only the visible
lines in :meth:`PaperList.render_line` and caches the strips (:mod:`.row_strips`),
so 200,000 rows cost no more than twenty.

Data flows one way. The screen owns the search result, the states, the marks
and the cursor, and binds them to the reactives :attr:`PaperList.results`,
:attr:`PaperList.states`, :attr:`PaperList.marks` and :attr:`PaperList.cursor`;
the list only draws them. A key or a click that asks for another paper sets
:attr:`PaperList.move_request` (by how many papers, or to which one), Enter or
a double click sets :attr:`PaperList.chosen`; the screen watches both and
answers while the key is handled: it moves the cursor and the detail in one
step (one repaint shows both), before the next key of the same read runs.

Why watched reactives and not messages: a message reaches the screen only after
a few hops through the DOM, and the keys that arrived in the same read as the
move (``js`` typed fast over SSH, a paste, key repeat then a letter) are
already on their way: their bindings (star, read, mark, copy) ran on the paper
the cursor was on before the move. A watcher runs inside the key's own
handling, so every key acts on the cursor the keys before it left.

When the result carries day groups (sorted by date), a header row precedes each
day's papers; the cursor steps over headers (it indexes papers, not rows).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np
from textual import events
from rich.style import Style
from textual.binding import Binding
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive, var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.models import Paper, PaperState
from tui.core.positions import DayGroups

from .escaped_keys import key_after_escape
from .move_request import MoveRequest
from .paper_rows import RowStyles, component_style, empty_row
from .row_strips import RowStrips
from .scrolling import set_virtual_size

if TYPE_CHECKING:
    from tui.core.results import Results

__all__ = ["MoveRequest", "PaperList"]

_NO_ROWS = np.zeros(0, np.int64)


class PaperList(ScrollView, can_focus=True):
    """A fast, keyboard-driven list of papers (one row each, day headers between days)."""

    BINDINGS = [
        Binding("enter", "select", "Read", tooltip="Open the highlighted paper in the reading view (it is read then)."),
        Binding("down,j", "cursor_down", "Next paper", show=False, tooltip="Move the cursor down one paper."),
        Binding("up,k", "cursor_up", "Previous paper", show=False, tooltip="Move the cursor up one paper."),
        Binding("home,g", "first", "First paper", show=False, tooltip="Go to the first paper of the list."),
        Binding("end,G", "last", "Last paper", show=False, tooltip="Go to the last paper of the list."),
        Binding("pagedown", "page_down", "Page down", show=False, tooltip="Move the cursor one screen down."),
        Binding("pageup", "page_up", "Page up", show=False, tooltip="Move the cursor one screen up."),
    ]
    #: Inherited keys that do nothing here (rows always fit the width): left out of the help.
    HELP_HIDDEN_ACTIONS = frozenset({"scroll_left", "scroll_right", "page_left", "page_right"})

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--unread",
        "paper-list--read",
        "paper-list--starred",
        "paper-list--marked",
        "paper-list--match",
        "paper-list--meta",
        "paper-list--empty",
        "paper-list--day",
    }

    DEFAULT_CSS = """
    PaperList {
        overflow-x: hidden;
    }
    """

    #: The search result shown (bound to the screen's).
    results: reactive[Results | None] = reactive(None, always_update=True, init=False, repaint=False)
    #: Read and starred per paper id (bound to the screen's).
    states: reactive[Mapping[str, PaperState]] = reactive(dict, always_update=True, init=False, repaint=False)
    #: Ids of the marked papers (bound to the screen's).
    marks: reactive[frozenset[str]] = reactive(frozenset, init=False, repaint=False)
    #: Position of the highlighted paper in the result, -1 when it is empty (bound to the screen's).
    cursor: reactive[int] = reactive(-1, repaint=False, init=False, always_update=True)

    #: The user's last request for another paper (a key or a click); the screen watches it
    #: and moves the cursor at once (see the module's docstring for why not a message).
    move_request: var[MoveRequest | None] = var(None, always_update=True, init=False)
    #: The paper the user last opened (Enter, a double click); the screen watches it.
    chosen: var[Paper | None] = var(None, always_update=True, init=False)

    class Painted(Message):
        """The list drew the lines of a result for the first time (posted once: work that
        must not delay the first rows waits for it)."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._painted = False
        self._strips = RowStrips(lambda: self.app.console)
        self._styles: RowStyles | None = None
        #: Row of each day header (ascending), and the position of each day's first paper
        #: (arrays: a result of 5,000 days makes no 5,000-item lists a keystroke).
        self._header_rows: np.ndarray = _NO_ROWS
        self._group_starts: np.ndarray = _NO_ROWS
        self._header_counts: dict[int, tuple[int, int, int]] = {}
        self._new_rows = False
        #: The line shown when there are no rows.
        self.empty_message = "No papers match"
        #: The user's tags of a paper id, shown after its title (the screen sets it; call
        #: :meth:`refresh` when tags change: rows are cached by the tags they show).
        self.tags_of: Callable[[str], tuple[str, ...]] = lambda paper_id: ()

    # ------------------------------------------------------------------ what is shown

    @property
    def papers(self):
        """The shown papers, in order (a sequence)."""
        return self.results.papers if self.results is not None else ()

    @property
    def highlighted(self) -> Paper | None:
        """The paper under the cursor, or ``None``."""
        papers = self.papers
        return papers[self.cursor] if 0 <= self.cursor < len(papers) else None

    @property
    def row_count(self) -> int:
        """Rows drawn: papers plus day headers."""
        return len(self.papers) + len(self._header_rows)

    def watch_results(self, results: Results | None) -> None:
        """A new result: lay out its rows (the screen sets the cursor right after)."""
        groups = results.groups if results is not None else None
        if isinstance(groups, DayGroups):
            self._group_starts = groups.starts
        elif groups:
            self._group_starts = np.fromiter((position for _, position in groups), np.int64, len(groups))
        else:
            self._group_starts = _NO_ROWS
        self._header_rows = self._group_starts + np.arange(len(self._group_starts), dtype=np.int64)
        self._header_counts.clear()  # (strips are kept: each is cached by all it shows)
        old_height = self.virtual_size.height
        rows = self.row_count
        height = self.scrollable_content_region.height
        set_virtual_size(
            self,
            Size(0, rows),
            scrollbar_may_change=height <= 0 or (rows > height) != (old_height > height),
        )
        self._new_rows = True
        self.refresh()
        if not len(self.papers):
            self.scroll_to(y=0, animate=False)

    def watch_states(self) -> None:
        self._header_counts.clear()
        self.refresh()  # strips are cached per state: unchanged rows are reused

    def watch_marks(self) -> None:
        self.refresh()

    # ------------------------------------------------------------------ rows

    def row_of(self, position: int) -> int:
        """The row that shows the paper at ``position``."""
        if not len(self._group_starts):
            return position
        return position + int(np.searchsorted(self._group_starts, position, "right"))

    def _item_at(self, row: int) -> tuple[bool, int]:
        """``(is_header, group or paper position)`` of ``row``."""
        if not len(self._header_rows):
            return False, row
        group = int(np.searchsorted(self._header_rows, row, "right")) - 1
        if group >= 0 and int(self._header_rows[group]) == row:
            return True, group
        return False, row - (group + 1)

    def index_of(self, paper_id: str) -> int | None:
        """The position of ``paper_id`` in the result, or ``None`` when it is not shown."""
        results = self.results
        return results.position_of(paper_id) if results is not None else None

    # ------------------------------------------------------------------ cursor

    def watch_cursor(self, old: int, new: int) -> None:
        new_rows, self._new_rows = self._new_rows, False
        if new_rows:  # a new result: everything is repainted already
            if new >= 0:
                self._scroll_cursor_into_view(center=True)
            return
        if 0 <= old < len(self.papers):
            self.refresh_line(self.row_of(old))
        if new >= 0:
            self.refresh_line(self.row_of(new))
            self._scroll_cursor_into_view()

    @property
    def page_size(self) -> int:
        """Papers a page key moves by (the visible rows, less one)."""
        return max(1, self.scrollable_content_region.height - 1)

    def _request(self, step: int = 0, position: int | None = None) -> None:
        if self.papers:
            self.move_request = MoveRequest(step, position)

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        cursor = self.cursor
        height = self.scrollable_content_region.height
        if cursor < 0 or height <= 0:
            return
        row = self.row_of(cursor)
        # The first paper of a day shows its header too.
        first = row - 1 if row > 0 and self._item_at(row - 1)[0] else row
        top = round(self.scroll_y)
        # force: a result that just grew past one screen has no vertical scrollbar
        # until the next layout, and Textual ignores a scroll of a widget without one.
        if center and not top <= row < top + height:
            self.scroll_to(y=max(0, row - height // 2), animate=False, force=True)
        elif first < top:
            self.scroll_to(y=first, animate=False, force=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, force=True)

    def action_cursor_down(self) -> None:
        """Ask for the next paper."""
        self._request(step=1)

    def action_cursor_up(self) -> None:
        """Ask for the previous paper."""
        self._request(step=-1)

    def action_first(self) -> None:
        """Ask for the first paper."""
        self._request(position=0)

    def action_last(self) -> None:
        """Ask for the last paper."""
        self._request(position=-1)

    def action_page_down(self) -> None:
        """Scroll the view down one page and ask for the paper a page on."""
        if self.papers:
            self.scroll_to(y=self.scroll_y + self.page_size, animate=False)
            self._request(step=self.page_size)

    def action_page_up(self) -> None:
        """Scroll the view up one page and ask for the paper a page back."""
        if self.papers:
            self.scroll_to(y=max(0, self.scroll_y - self.page_size), animate=False)
            self._request(step=-self.page_size)

    def action_select(self) -> None:
        """Open the highlighted paper (sets :attr:`chosen`)."""
        paper = self.highlighted
        if paper is not None:
            self.chosen = paper

    async def on_key(self, event: events.Key) -> None:
        """Escape and the next key in one read (typed fast over SSH; ``tmux send-keys Escape 2``)
        reach the reader as one key (alt+j, alt+2: see :mod:`.escaped_keys`). Nothing
        here is bound to those, so it is taken for what it most likely was: Escape, then the key,
        both run here through their bindings, in order, before the keys that came after them."""
        then = key_after_escape(event)
        if then is None or event.key in self.screen.active_bindings:
            return
        event.stop()
        event.prevent_default()
        for name in ("escape", then):
            active = self.screen.active_bindings.get(name)  # (again: Escape may change what is enabled)
            if active is not None and active.enabled:
                await self.app.run_action(active.binding.action, active.node)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        is_header, position = self._item_at(round(self.scroll_y) + offset.y)
        if not is_header and 0 <= position < len(self.papers):
            if event.chain >= 2 and position == self.cursor:
                self.action_select()
            else:
                self._request(position=position)

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

    def _get_styles(self) -> RowStyles:
        if self._styles is None:
            background = self.background_colors[1]
            cursor_background = background + self.get_component_styles("paper-list--cursor").background

            def resolve(name: str, on: Color) -> Style:
                return component_style(self.get_component_styles(f"paper-list--{name}"), on)

            names = ("cursor", "unread", "read", "starred", "marked", "match", "meta", "empty", "day")
            self._styles = RowStyles(
                base=self.rich_style,
                **{name: resolve(name, background) for name in names},
                cursor_starred=resolve("starred", cursor_background),
                cursor_marked=resolve("marked", cursor_background),
                cursor_match=resolve("match", cursor_background),
            )
        return self._styles

    def render_line(self, y: int) -> Strip:
        if not self._painted and self.results is not None:
            self._painted = True
            self.post_message(self.Painted())
        width = self.scrollable_content_region.width
        styles = self._get_styles()
        papers = self.papers
        if not papers:
            if y == 0:
                return self._strips.strip(empty_row(self.empty_message, width, styles), width, styles)
            return Strip.blank(width, styles.base)
        row = round(self.scroll_y) + y
        is_header, position = self._item_at(row)
        if is_header:
            return self._header_strip(position, width, styles)
        if not 0 <= position < len(papers):
            return Strip.blank(width, styles.base)
        paper = papers[position]
        state = self.states.get(paper.id)
        return self._strips.paper(
            paper, width, styles, is_cursor=position == self.cursor, unread=state is None or not state.read,
            starred=state is not None and state.starred, marked=paper.id in self.marks, focused=self.has_focus,
            tags=self.tags_of(paper.id), spans=self.results.spans if self.results is not None else None,
        )

    def _header_strip(self, group: int, width: int, styles: RowStyles) -> Strip:
        results = self.results
        assert results is not None and results.groups is not None
        counts = self._header_counts.get(group)
        if counts is None:
            start = int(self._group_starts[group])
            end = int(self._group_starts[group + 1]) if group + 1 < len(self._group_starts) else len(results.papers)
            counts = self._header_counts[group] = results.day_counts(start, end, self.states)
        return self._strips.header(results.day_name(group), counts, width, styles)
