"""The filter bar: a one-line query input with the query's warnings under it.

The screen owns the query: it binds :attr:`FilterBar.query_text` to its own, and
the bar shows it. What the user types is :attr:`FilterBar.text`, a reactive the
screen watches: the search then runs while the key is handled, so the typed
character and the new rows are painted in the same frame (a message arrived
after the input had repainted, and the rows a frame later: 12 -> 38 ms per key
at 20,000 papers). A query set by the screen shows up in ``text`` too, with the
same value as the screen's, which ends the round trip: nothing searches twice.

Enter and Escape leave the filter: :attr:`FilterBar.finished` says so, and the
screen (watching it) moves the focus to the list while that key is handled.
Keys of the same read (``Esc j j s`` typed fast over SSH) were sent to the
input before the focus moved; the input hands them on, in order, to where the
focus is now instead of typing them into the query. (Escape and a letter or
digit in one read arrive as alt+key: taken as both; see escaped_keys.py.)

A warning that appears while the user types (``au:`` before the name) waits
:attr:`FilterBar.WARNING_DELAY` seconds: the next key usually completes the
term, and showing then hiding the warning's line lays out the whole screen
twice (20-30 ms each at 200,000 papers, the slowest keys of all). It shows at
once when the user pauses, leaves the filter, or pastes; it goes away at once.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.reactive import Reactive, reactive, var
from textual.timer import Timer
from textual.widgets import Input, Static

from tui.core.safetext import blank_controls, escape_controls

from .escaped_keys import key_after_escape
from .keys_in_order import WORD_LEFT, KeysInOrder, read_at

PLACEHOLDER = "/ filters: words, au:name, cat:cs.CV, is:new, date:latest… (? for help)"
#: While the filter has the focus "?" is text (the search-everywhere prefix): help is a key away.
FOCUSED_PLACEHOLDER = "words, au:name, cat:cs.CV, is:new, date:latest… (Esc, then ? for help)"


class QueryInput(KeysInOrder, Input):
    """The filter's input: a keystroke repaints it without laying out the screen.

    Input sets its ``virtual_size`` (the text's width, for horizontal scrolling)
    on every change, and that reactive normally lays out the whole screen: 13 ms
    per keystroke at 120x35. A one-line input without scrollbars and of fixed
    size (styles/app.tcss) does not need it; Input itself asks for a layout
    when its size is automatic.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    #: Enter (and Escape, handled in ``_on_key``) leave the filter: said in the footer while typing.
    BINDINGS = [Binding("enter", "submit", "List", key_display="⏎ esc", tooltip="Back to the list; the query stays."),
                WORD_LEFT]

    def validate_value(self, value: str) -> str:
        """Typed, pasted or restored: control and bidi characters become spaces (they mean
        nothing in a query, and must never reach the terminal)."""
        return blank_controls(value)
    #: Inherited scrolling keys that mean nothing in a one-line filter (left out of the help).
    HELP_HIDDEN_ACTIONS = frozenset({
        "scroll_up", "scroll_down", "scroll_left", "scroll_right", "scroll_home", "scroll_end",
        "page_up", "page_down", "page_left", "page_right",
    })

    #: The key that last left the filter, "enter" or "escape" (the bar mirrors it).
    finished: var[str] = var("", always_update=True, init=False)

    async def _on_key(self, event: events.Key) -> None:
        # Handled here, in the input's own turn, not by a binding: a binding runs only
        # once the key has bubbled up to the app, after the input has typed the keys
        # that followed it in the same read.
        if self.screen.focused is not self:
            # Sent here before Enter/Escape moved the focus away: pass it on (a key the
            # app posts goes to the focused widget), in the order it came.
            event.stop()
            event.prevent_default()
            self.app.post_message(read_at(events.Key(event.key, event.character), event.time))
        elif event.key in ("enter", "escape"):
            event.stop()
            event.prevent_default()
            self.finished = event.key
        elif (then := key_after_escape(event)) is not None:
            # Escape and the next key in one read (over SSH, typed fast) reach the reader as
            # alt+key: a terminal sends Alt as a leading ESC. No alt+key means anything in
            # the filter, so take it for what it most likely was: Escape, then the key.
            event.stop()
            event.prevent_default()
            self.finished = "escape"
            self.app.post_message(read_at(events.Key(then, event.character), event.time))

    def on_focus(self) -> None:
        self.placeholder = FOCUSED_PLACEHOLDER

    def on_blur(self) -> None:
        self.placeholder = PLACEHOLDER

    async def action_submit(self) -> None:
        """Enter that reached the input's binding: typed ahead of the focus (``/x⏎`` in one
        read went to the list first and bubbled up); leaves the filter as above."""
        self.finished = "enter"


class FilterBar(Vertical):
    """Wraps an :class:`Input`: shows the screen's query, reports what is typed."""

    #: The query shown (bound to the screen's).
    query_text: reactive[str] = reactive("", init=False, repaint=False)
    #: The text in the bar, as typed (watched by the screen).
    text: var[str] = var("", init=False)
    #: The key that last left the filter, "enter" or "escape" (watched by the screen).
    finished: var[str] = var("", always_update=True, init=False)

    #: Seconds a warning that appears while the user types waits (see the module's docstring).
    WARNING_DELAY = 0.6

    _warnings: list[str] | None = None
    #: The warnings waiting for :attr:`WARNING_DELAY`, and their timer.
    _pending: list[str] | None = None
    _pending_timer: Timer | None = None
    #: The last change of the text was one key typed or erased (not a paste, not the screen's).
    _typing = False

    def compose(self) -> ComposeResult:
        yield QueryInput(placeholder=PLACEHOLDER, id="filter-input", select_on_focus=False)
        yield Static(id="filter-warnings")

    @property
    def input(self) -> QueryInput:
        return self.query_one("#filter-input", QueryInput)

    def on_mount(self) -> None:
        self.watch(self.input, "value", self._input_changed, init=False)
        self.watch(self.input, "finished", self._finished, init=False)

    def _input_changed(self, value: str) -> None:
        self._typing = abs(len(value) - len(self.text)) == 1
        self.text = value

    def _finished(self, key: str) -> None:
        self.finished = key

    def watch_query_text(self, text: str) -> None:
        """Show the screen's query (typing already shows it: then nothing to do)."""
        field = self.input
        if field.value != text:
            with field.prevent(Input.Changed):
                field.value = text
                field.cursor_position = len(text)

    def set_warnings(self, warnings: list[str]) -> None:
        """Show what the query parser could not understand (hidden when empty); a warning
        that appears while the user types waits a moment (see the module's docstring)."""
        typing, self._typing = self._typing, False
        if self._pending_timer is not None:
            self._pending_timer.stop()
            self._pending_timer = self._pending = None
        if warnings == self._warnings:
            return  # unchanged (most keystrokes): no update, no layout
        if warnings and not self._warnings and typing and self.screen.focused is self.input:
            self._pending = list(warnings)
            self._pending_timer = self.set_timer(self.WARNING_DELAY, self.show_pending_warnings)
            return
        self._show_warnings(warnings)

    def show_pending_warnings(self) -> None:
        """Show the warnings waiting for the user to pause, now."""
        pending = self._pending
        if self._pending_timer is not None:
            self._pending_timer.stop()
        self._pending_timer = self._pending = None
        if pending is not None:
            self._show_warnings(pending)

    @on(events.DescendantBlur, "#filter-input")
    def _left(self) -> None:
        self.show_pending_warnings()  # the user is done typing

    def _show_warnings(self, warnings: list[str]) -> None:
        self._warnings = list(warnings)
        label = self.query_one("#filter-warnings", Static)
        # Content, not markup: warnings quote what the user typed.
        label.update(Content(escape_controls("⚠ " + " · ".join(warnings))) if warnings else Content(""))
        label.set_class(bool(warnings), "-visible")

    def focus_input(self) -> None:
        # Screen.set_focus is immediate, unlike Widget.focus (deferred): keys that
        # arrive in the same read as "/" (a paste, fast typing over SSH) then land
        # in the filter instead of the list.
        self.screen.set_focus(self.input)

    @on(Input.Changed, "#filter-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()  # reported through ``text`` already
