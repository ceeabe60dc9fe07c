"""The filter bar: a one-line query input with the query's warnings under it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input, Static

PLACEHOLDER = "Filter (/): words, au:name, ti:title, cat:cs.CV, id:2201.12944…"


class QueryInput(Input):
    """The filter's input: a keystroke repaints it without laying out the screen.

    Input sets its ``virtual_size`` (the text's width, for horizontal scrolling)
    on every change, and that reactive normally lays out the whole screen: 13 ms
    per keystroke at 120x35. A one-line input without scrollbars and of fixed
    size (styles/app.tcss) does not need it; Input itself asks for a layout
    when its size is automatic.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


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

    #: True while :meth:`set_text` replaces the text (a watcher of the input's
    #: value can tell a program change from typing).
    setting_text = False
    _warnings: list[str] | None = None

    def compose(self) -> ComposeResult:
        yield QueryInput(placeholder=PLACEHOLDER, id="filter-input", select_on_focus=False)
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
        self.setting_text = True
        try:
            with self.input.prevent(Input.Changed):
                self.input.value = text
                self.input.cursor_position = len(text)
        finally:
            self.setting_text = False

    def set_warnings(self, warnings: list[str]) -> None:
        """Show what the query parser could not understand (hidden when empty)."""
        if warnings == self._warnings:
            return  # unchanged (most keystrokes): no update, no layout
        self._warnings = list(warnings)
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
