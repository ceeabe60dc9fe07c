"""The sidebar: the views, the saved searches and the tags, each with its unread and total counts.

The screen gives it the lists (:class:`~tui.core.readinglist.ListCount`) and the
key of the list shown; Enter or a click posts :class:`Sidebar.Applied`. Rows are
rebuilt only when something they show changed, so a star that changes no count
costs nothing here.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.readinglist import ListCount

#: The views' rows, then the saved searches', then the tags' (separated by a rule).
_VIEW_KEYS = ("all", "unread", "new", "starred")
#: Shown under the views while there is no saved search nor tag.
_HINT = "Tags (t) and saved searches (@) appear here."
#: Columns of a row when the widget has no size yet.
_DEFAULT_WIDTH = 30


def row_text(item: ListCount, width: int, current: bool = False) -> Content:
    """One row: the list's name, then ``unread/total`` at the right edge (``width`` cells).

    Measured in terminal cells, not characters: a CJK character takes two, a combining
    mark none (``#i̇stanbul``), so every row's counts end at the same column."""
    counts = f"{item.unread:,}/{item.total:,}" if item.key != "unread" else f"{item.total:,}"
    mark = "▸ " if current else "  "
    room = max(width - len(counts) - len(mark) - 1, 4)
    label = item.label
    if cell_len(label) > room and label.endswith(")") and " (" in label:
        # "@mute (hidden)" beside 5-digit counts: the name whole rather than "@mute (hi…"
        label = label[:label.rindex(" (")]
    if cell_len(label) > room:
        label = set_cell_size(label, room - 1).rstrip() + "…"  # a wide character cut in two is left out
    gap = " " * max(width - len(mark) - cell_len(label) - len(counts), 1)
    return Content.assemble(
        (mark, "bold"), (label, "bold" if current else ""), gap, (counts, "$text-muted" if not current else "bold"),
    )


class Sidebar(OptionList):
    """The lists to apply: All, Unread, New, Starred, each saved search (``@name``), each tag (``#name``)."""

    # j/k move here as they do in the paper list (the arrows are the option list's own);
    # Enter is the option list's too, named in the footer for what it does here.
    BINDINGS = [
        Binding("enter", "select", "Apply", tooltip="Show the highlighted list's papers.", id="sidebar.apply"),
        Binding("j", "cursor_down", "Next list", show=False, id="sidebar.down"),
        Binding("k", "cursor_up", "Previous list", show=False, id="sidebar.up"),
    ]

    class Applied(Message):
        """The user chose a list (Enter or a click)."""

        def __init__(self, item: ListCount) -> None:
            super().__init__()
            self.item = item

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lists: list[ListCount] = []
        self._current: str | None = None
        self._shown: tuple[tuple[ListCount, ...], str | None, int] | None = None

    @property
    def lists(self) -> list[ListCount]:
        """The lists shown, in order."""
        return list(self._lists)

    def show_lists(self, lists: Sequence[ListCount], current: str | None = None) -> None:
        """Show ``lists``, marking the one of key ``current`` (the list the paper list shows)."""
        self._lists = list(lists)
        self._current = current
        self._render_rows()

    def on_resize(self) -> None:
        self._render_rows()

    def _render_rows(self) -> None:
        width = self.scrollable_content_region.width or _DEFAULT_WIDTH
        key = (tuple(self._lists), self._current, width)
        if key == self._shown:
            return
        self._shown = key
        highlighted = self.highlighted
        options: list[Option | None] = []
        previous_kind = "view"
        for item in self._lists:
            kind = "view" if item.key in _VIEW_KEYS else item.key.split(":", 1)[0]
            if kind != previous_kind:
                options.append(None)
                previous_kind = kind
            options.append(Option(row_text(item, width - 1, item.key == self._current), id=item.key))
        if not self._lists:
            options.append(Option(Content.styled("Counting…", "$text-muted italic"), disabled=True))
        elif all(item.key in _VIEW_KEYS for item in self._lists):
            options += [None, Option(Content.styled(_HINT, "$text-muted italic"), disabled=True)]
        self.set_options(options)
        if self.option_count:
            self.highlighted = min(highlighted if highlighted is not None else 0, self.option_count - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = next((item for item in self._lists if item.key == event.option.id), None)
        if item is not None:
            self.post_message(self.Applied(item))
