"""Text fields that take the keys of one terminal read in the order they were typed.

Textual 8.2's Input (and TextArea) types a printable key in its own key handler,
but Backspace, the arrows, ctrl+a, ctrl+u, Enter... are bindings, run only once
the key has bubbled up to the app: after the field has typed the letters that
followed in the same read (fast typing over SSH, key repeat, ``tmux
send-keys``). ``abc⌫d`` became ``abcd`` then ``abc``; ``ctrl+u xyz`` wiped the
new text. :class:`KeysInOrder` runs the binding a non-printable key has in the
field's own turn instead (the one the app would run: ``Screen.active_bindings``,
the focused widget's first), so each key acts where the one before it left
the text.

It also gives the rest of the read to the right place:

* a key that reaches the field after an earlier key of the read moved the
  focus away (Enter submitted, Escape closed the dialog) goes on to the widget
  that has the focus now, in order, instead of being typed into a field the
  user has left;
* Escape and a key read together (Textual reports ``alt+j``, see
  :mod:`.escaped_keys`) is Escape (whatever it does there: the dialogs close
  without applying) then the key, never the key typed into the field.

A :class:`TextField` answers Enter through :attr:`TextField.entered`, a
reactive its dialog watches, instead of Input's ``Submitted`` message: the
watcher runs while Enter is handled, so a dialog that closes on it has closed
before the field takes the next key of the read, and ``t foo⏎js`` tags the
paper, then moves down and stars (a message would reach the dialog after the
field had typed ``js`` into itself, lost with the dialog).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding
from textual.reactive import var
from textual.widgets import Input, TextArea

from .escaped_keys import key_after_escape

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

__all__ = ["KeysInOrder", "TextField", "WORD_LEFT", "read_at", "type_left_behind"]

#: Textual 8.2's Input binds ctrl+backspace and alt+backspace (what terminals send for
#: Option/Alt+Backspace) to deleting the word right of the cursor; its TextArea, shells and
#: editors delete the word left. The fields here do that too (put it in their BINDINGS).
WORD_LEFT = Binding("ctrl+backspace,alt+backspace", "delete_left_word", "Delete word left", show=False)


def read_at(key: events.Key, time: float) -> events.Key:
    """``key``, dated ``time`` (``Message.time``: when the key it stands for was read)."""
    key.time = time
    return key


def type_left_behind(focused: object, event: events.Key) -> bool:
    """Type ``event`` into ``focused`` when it is a text field or an editable text area and the
    key types text there (a character; Enter, a new line, in a text area); True when typed.

    For the app's key handler: keys read in one go with the key that focused the field
    (``/query``, ``N`` and the note's text) were queued on the widget that had the focus
    then, and reach the app from there instead of the field. Keys the field binds
    (Backspace, the arrows) need nothing: the app runs the focused field's bindings.
    """
    if isinstance(focused, Input):
        if event.is_printable and event.character:
            focused.insert_text_at_cursor(event.character)
            return True
    elif isinstance(focused, TextArea) and not focused.read_only:
        text = "\n" if event.key == "enter" else event.character if event.is_printable else None
        if text:
            # Where typing it would go: over the selection, the cursor after it.
            focused.replace(text, *focused.selection, maintain_selection_offset=False)
            return True
    return False


class KeysInOrder:
    """Mixin, before Input or TextArea in the bases: see the module's docstring.

    (A plain class, not a Widget: a Widget base would hide Input's component classes.)"""

    app: App
    screen: Screen

    async def _on_key(self, event: events.Key) -> None:
        if self.app.focused is not self:
            # Queued here before an earlier key of the same read moved the focus.
            self._pass_on(event, event.key)
        elif (then := key_after_escape(event)) is not None:
            self._pass_on(event, then)
            await self._run_binding("escape")
        elif not event.is_printable and await self._run_binding(event.key):
            event.stop()
            event.prevent_default()

    def _pass_on(self, event: events.Key, key: str) -> None:
        """Stop ``event`` here and send ``key`` to the app (it goes to the focused widget), with
        the time it was read (a question asked since then must not take it for an answer)."""
        event.stop()
        event.prevent_default()
        self.app.post_message(read_at(events.Key(key, event.character), event.time))

    async def _run_binding(self, key: str) -> bool:
        """Run what ``key`` is bound to for this field now, as the app would once the key
        bubbled up (priority bindings ran before the key got here); False when unbound."""
        active = self.screen.active_bindings.get(key)
        if active is None or active.binding.priority or not active.enabled:
            return False
        return await self.app.run_action(active.binding.action, active.node)


class TextField(KeysInOrder, Input):
    """A one-line Input that takes the keys of one read in order (the dialogs' fields).

    Enter sets :attr:`entered` (watch it, with ``init=False``) rather than
    posting ``Input.Submitted``: see the module's docstring."""

    #: Enter shown in the dialog's footer (Input's own Enter binding is not).
    BINDINGS = [Binding("enter", "submit", "Apply", key_display="⏎"), WORD_LEFT]

    #: The text the field held when Enter was pressed (set on every Enter, even with the same text).
    entered: var[str] = var("", always_update=True, init=False)

    async def action_submit(self) -> None:
        """Enter: answer in this key's turn (the watchers run now, before the next key)."""
        self.entered = self.value
