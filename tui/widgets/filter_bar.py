"""The filter bar: a one-line query input with the query's warnings under it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

PLACEHOLDER = "Filter (/): words, au:name, ti:title, cat:cs.CV, id:2201.12944…"


class FilterBar(Vertical):
    """Wraps an :class:`Input`; posts :class:`Changed` on every keystroke."""

    class Changed(Message):
        """The query text changed (every keystroke)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Submitted(Message):
        """Enter was pressed in the filter."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        yield Input(placeholder=PLACEHOLDER, id="filter-input", select_on_focus=False)
        yield Static(id="filter-warnings")

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    @property
    def text(self) -> str:
        """The query as typed."""
        return self.input.value

    def set_text(self, text: str, *, notify: bool = False) -> None:
        """Replace the query; posts :class:`Changed` only when ``notify``."""
        if notify:
            self.input.value = text
            return
        with self.input.prevent(Input.Changed):
            self.input.value = text
            self.input.cursor_position = len(text)

    def set_warnings(self, warnings: list[str]) -> None:
        """Show what the query parser could not understand (hidden when empty)."""
        label = self.query_one("#filter-warnings", Static)
        # Content, not markup: warnings quote what the user typed.
        label.update(Content("⚠ " + " · ".join(warnings)) if warnings else Content(""))
        label.set_class(bool(warnings), "-visible")

    def focus_input(self) -> None:
        # Screen.set_focus is immediate, unlike Widget.focus (deferred): keys that
        # arrive in the same read as "/" (a paste, fast typing over SSH) then land
        # in the filter instead of the list.
        self.screen.set_focus(self.input)

    @on(Input.Changed, "#filter-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(event.value))
