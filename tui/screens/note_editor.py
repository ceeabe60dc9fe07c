"""The note editor inside the reader (``N`` without ``$EDITOR``): a text area in a dialog.

The note is saved only by an explicit save (ctrl+s); Escape closes, asking
first when the text was changed, so a stray key never loses what was typed nor
saves what was not meant. A note too long to keep is refused with a message
and the dialog stays open with the text. The dialog answers the new text, or
``None``.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from ..core.readinglist.names import MAX_NOTE, check_note
from ..core.safetext import escape_controls
from ..widgets.keys_in_order import KeysInOrder
from .dialogs import ConfirmDialog, dialog_footer


class NoteArea(KeysInOrder, TextArea):
    """The note's text area: Escape closes the dialog (a plain text area would move the focus
    on). Handled here, in the area's own queue, so keys typed just before it land first."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            event.prevent_default()
            self.screen.action_close()  # type: ignore[attr-defined]
            return
        await super()._on_key(event)


class NoteEditor(ModalScreen[str | None]):
    """Edits the note of one paper (``title`` names it); answers the text to save or None."""

    BINDINGS = [
        # Not priority: it then reaches the dialog after the keys typed before it (a burst).
        Binding("ctrl+s", "save", "Save note", id="note.save"),
        # The text area hands Escape to this action itself (see NoteArea), in order after the keys before it.
        Binding("escape", "close", "Close (asks when changed)", id="note.close"),
    ]

    def __init__(self, title: str, text: str, draft: str | None = None, message: str = "") -> None:
        """``text`` is the note as saved; ``draft`` (when given) the text to start from instead,
        e.g. what an editor that failed left; ``message`` is shown above the hint."""
        super().__init__()
        self.title_text = title
        self.original = text
        self.draft = text if draft is None else draft
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield Label(escape_controls(self.title_text), id="note-title", classes="dialog-title", markup=False)
            yield NoteArea(self.draft, id="note-text", soft_wrap=True, tab_behavior="indent")
            yield Label(self.message, id="note-error", markup=False)
            yield Label("Markdown · ctrl+s: save · Esc: close (asks first when changed)", classes="dialog-hint")
        yield dialog_footer()

    def on_mount(self) -> None:
        area = self.text_area
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text_area(self) -> TextArea:
        return self.query_one("#note-text", TextArea)

    @property
    def changed(self) -> bool:
        """Whether the text differs from the note as it was (trailing white space aside)."""
        return self.text_area.text.rstrip() != self.original.rstrip()

    def action_save(self) -> None:
        text = self.text_area.text
        try:
            check_note(text)
        except ValueError:
            length = len(text.rstrip())
            self.query_one("#note-error", Label).update(
                f"Not saved: a note is at most {MAX_NOTE:,} characters and this one has {length:,}. "
                f"Shorten it (or copy it elsewhere) and save again.")
            return
        self.dismiss(text if self.changed else None)

    def action_close(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog("Discard the changes to this note?", yes="Discard", no="Keep editing",
                                           destructive=True),
                             answered)
