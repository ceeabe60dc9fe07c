"""Naming the current query as a saved search (``@`` or the palette).

Enter answers the name typed (checked as the store will keep it; a bad one is
said under the input). A name already saved for another query is said as it is
typed, and replaced only when the user says yes to a question that shows the
old query (no has the focus). Escape answers ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from ..core.readinglist import MUTE, BadName, search_name
from ..widgets.keys_in_order import TextField
from .dialogs import ConfirmDialog, dialog_footer


class SaveSearchDialog(ModalScreen[str | None]):
    """Asks for the name to save ``query`` under; ``saved`` are the searches saved already."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="save_search.cancel")]

    def __init__(self, query: str, saved: Mapping[str, str]) -> None:
        super().__init__()
        self.query_text = query
        self.saved = dict(saved)

    def compose(self) -> ComposeResult:
        with Vertical(id="save-search-dialog", classes="dialog"):
            yield Label("Save this query as a search", classes="dialog-title")
            yield Label(self.query_text, id="save-search-query", classes="dialog-text", markup=False)
            yield TextField(placeholder="name (then @name in any query)", id="save-search-name")
            yield Label("", id="save-search-note", markup=False)
            yield Label(f"Enter: save · Esc: cancel · '{MUTE}' hides its matches", classes="dialog-hint",
                        markup=False)
        yield dialog_footer()

    def on_mount(self) -> None:
        field = self.query_one(TextField)
        field.focus()
        # Answered while Enter is handled, so keys typed after it act on the screen beneath.
        self.watch(field, "entered", self._submitted, init=False)

    @on(Input.Changed, "#save-search-name")
    def _changed(self, event: Input.Changed) -> None:
        note = ""
        try:
            name = search_name(event.value) if event.value.strip() else ""
        except BadName as error:
            note = str(error)
        else:
            if name in self.saved:
                note = f"replaces @{name}: {self.saved[name]}"
        self.query_one("#save-search-note", Label).update(note)

    def _submitted(self, value: str) -> None:
        try:
            name = search_name(value)
        except BadName as error:
            self.query_one("#save-search-note", Label).update(str(error))
            return
        old = self.saved.get(name)
        if old is None or old == " ".join(self.query_text.split()):
            self.dismiss(name)
            return

        def answered(replace: bool | None) -> None:
            if replace:
                self.dismiss(name)
            else:
                self.query_one("#save-search-note", Label).update(f"@{name} kept as it was; type another name")

        what = "hides its matches everywhere" if name == MUTE else "is saved"
        self.app.push_screen(ConfirmDialog(
            f"@{name} {what} as: {old}\nReplace it with: {self.query_text}?", yes="Replace", no="Keep it",
            destructive=True), answered)
