"""Modal dialogs: confirm, choose a copy format, name a .bib file, copy text by hand."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from ..clipboard import tmux_held_back
from ..widgets.keys_in_order import TextField
from ..core.safetext import escape_controls, inert_text


def dialog_footer() -> Footer:
    """The bottom line of a dialog: its own keys (Esc, Enter, y/n...). Without it the footer
    of the screen beneath stayed in sight, naming list keys (``q Quit``) that type text or do
    nothing while the dialog is up."""
    return Footer(show_command_palette=False, classes="dialog-footer")


class ConfirmDialog(ModalScreen[bool]):
    """Asks a yes/no question; dismisses with True (yes) or False. When yes would throw
    something away (``destructive``), the no button has the focus, so that a stray Enter keeps it,
    and no key read from the terminal before the question was put on the screen (typed ahead,
    in the same read as the key that asked: ``Esc y`` in a changed note, ``@name⏎y``) answers it."""

    #: When the question was put on the screen, on the clock of ``Message.time`` (a key keeps
    #: the time it was read, also when a text field passes it on: see keys_in_order.py).
    _asked_at: float | None = None

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No", destructive: bool = False) -> None:
        super().__init__()
        self.question = question
        self.yes_label = yes
        self.no_label = no
        self.destructive = destructive

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(inert_text(self.question)), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes_label, variant="primary", id="yes")
                yield Button(self.no_label, id="no")
            yield Label(Content(inert_text(f"y: {self.yes_label} · n or Esc: {self.no_label}")),
                        classes="dialog-hint")
        yield dialog_footer()

    def on_mount(self, event: events.Mount) -> None:
        self._asked_at = event.time
        self.query_one("#no" if self.destructive else "#yes", Button).focus()

    def typed_ahead(self, event: events.Key) -> bool:
        """Whether this question must not take ``event``: it is destructive and the key was read
        before the question was on the screen (see the class docstring).

        The app asks this too (``ArxivReaderApp.on_key``): a key read in one go with the key
        that asked may have been queued on a widget of the screen beneath, and reach the app
        from there, where Textual runs the bindings of this screen, on top by then."""
        return self.destructive and (self._asked_at is None or event.time < self._asked_at)

    def on_key(self, event: events.Key) -> None:
        """A key typed before a destructive question was shown answers nothing (y, Enter, n alike):
        the question stays until a key typed after it appeared answers it."""
        if self.typed_ahead(event):
            event.stop()
            event.prevent_default()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class CopyMenu(ModalScreen[str | None]):
    """Chooses a citation format; dismisses with its key in ``cite.FORMATS`` or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="copy_menu.cancel")]

    def __init__(self, what: str, formats: dict[str, str]) -> None:
        """``what`` says which papers ("2 marked papers"); ``formats`` maps key -> label."""
        super().__init__()
        self.what = what
        self.formats = formats

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(escape_controls(f"Copy {self.what} as…")), classes="dialog-title")
            yield OptionList(
                *(Option(Content(label), id=key) for key, label in self.formats.items()),
                id="copy-formats",
            )
            yield Label("Enter: copy · Esc: cancel", classes="dialog-hint")
        yield dialog_footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class BibFileDialog(ModalScreen[str | None]):
    """Asks for the .bib file to add papers to; dismisses with the path typed or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="bib_file.cancel")]

    def __init__(self, what: str, suggestion: str) -> None:
        super().__init__()
        self.what = what
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Content(escape_controls(f"Add {self.what} to a .bib file")), classes="dialog-title")
            yield Label(
                "Only papers the file doesn't have yet (same arXiv id or DOI) are added; "
                "nothing else in it changes. A missing file is created.",
                classes="dialog-text",
            )
            yield TextField(self.suggestion, placeholder="path/to/refs.bib", id="bib-path")
            yield Label("Enter: add · Esc: cancel", classes="dialog-hint")
        yield dialog_footer()

    def on_mount(self) -> None:
        field = self.query_one(TextField)
        field.focus()
        # Answered while Enter is handled, so keys typed after it act on the screen beneath.
        self.watch(field, "entered", self._submitted, init=False)

    def _submitted(self, value: str) -> None:
        path = value.strip()
        if path:
            self.dismiss(path)


class CopyFallbackDialog(Screen[None]):
    """Shows text that could not be copied, to select with the terminal and copy by hand.

    A whole screen with the text in a plain, borderless, wrapped text area from
    the first column, without cursor or scrollbar: a selection made with the
    terminal's mouse picks up the text and nothing else. The text is also in a
    file (``path``), named above it, for a text too long to select in one go;
    the file lasts until the reader quits (see :class:`tui.clipboard.HandCopyFile`).
    """

    BINDINGS = [Binding("escape,q", "dismiss(None)", "Close", id="copy_fallback.close")]

    def __init__(self, title: str, text: str, tmux: str | None = None, path: str | None = None) -> None:
        """``tmux``: tmux's set-clipboard value when tmux held the copy back."""
        super().__init__()
        self.title_text = title
        self.text = text
        self.tmux = tmux
        self.path = path

    def compose(self) -> ComposeResult:
        yield Label(Content(escape_controls(f"{self.title_text}: could not be copied")), id="copy-title")
        hint = "Select the text below with your terminal (often shift+drag) and copy it. Esc closes."
        if self.path:
            hint = f"The whole text is in {self.path} until you quit (the next copy shown here replaces it). " + hint
        if self.tmux:
            hint = f"{tmux_held_back(self.tmux)}. " + hint
        yield Label(Content(escape_controls(hint)), id="copy-hint")
        yield TextArea(
            inert_text(self.text), read_only=True, soft_wrap=True, show_line_numbers=False, show_cursor=False,
            highlight_cursor_line=False, compact=True, id="copy-text",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
