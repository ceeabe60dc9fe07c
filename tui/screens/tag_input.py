"""The tag input (``t``): tags to add or, written ``-name``, to take off, with completion.

Tab (or →) completes the word being typed from the tags that exist. Enter
answers a :class:`TagChange`; a name the query language could not carry is
said under the input and nothing is answered until it is fixed; Escape
answers ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Label

from ..core.readinglist import BadName, tag_name
from ..core.safetext import escape_controls
from ..widgets.keys_in_order import TextField
from .dialogs import dialog_footer


@dataclass(frozen=True, slots=True)
class TagChange:
    """What the user typed: tags to add, tags to take off (names as kept)."""

    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.add and not self.remove


def parse_tag_words(text: str) -> TagChange:
    """``"ml -old new"`` -> add ml and new, take old off. Raises :class:`BadName`."""
    add: list[str] = []
    remove: list[str] = []
    for word in text.replace(",", " ").split():
        if word.startswith("-"):
            remove.append(tag_name(word[1:]))
        else:
            add.append(tag_name(word.lstrip("+#")))
    return TagChange(tuple(dict.fromkeys(add)), tuple(dict.fromkeys(r for r in remove if r not in add)))


def _what_it_does(change: TagChange) -> str:
    """``adds #a #b, takes off #c`` (or ``changes nothing``)."""
    parts = []
    if change.add:
        parts.append("adds " + " ".join(f"#{name}" for name in change.add))
    if change.remove:
        parts.append("takes off " + " ".join(f"#{name}" for name in change.remove))
    return ", ".join(parts) or "changes nothing"


class TagSuggester(Suggester):
    """Completes the last word (after an optional ``-``) from the tags that exist."""

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = sorted(names)

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value[-1].isspace():
            return None
        head, _, word = value.rpartition(" ")
        sign = "-" if word.startswith("-") else ""
        stem = word[len(sign):].casefold()
        if not stem:
            return None
        for name in self.names:
            if name.startswith(stem) and name != stem:
                return f"{head} {sign}{name}" if head else f"{sign}{name}"
        return None


def _unsafe(text: str) -> bool:
    """Whether ``text`` holds a character that must not reach a tag, nor the terminal
    (bidi and other format controls, C1 controls, line separators)."""
    return escape_controls(text.replace("\t", " ")) != text.replace("\t", " ")


class TagField(TextField):
    """The input of the tag dialog: Tab accepts the completion and starts the next word.

    A bidi control (or another character no tag name may hold) typed or pasted
    is not put in: the field posts :class:`Refused` with the word it would
    have made, which the dialog refuses with the command line's own message.
    """

    BINDINGS = [Binding("tab", "complete", "Complete the tag", show=False)]

    class Refused(Message):
        """A character no tag may hold was typed or pasted: ``word`` is what it would have made,
        ``left_out`` what was not put in (the character typed, or the whole line pasted)."""

        def __init__(self, word: str, left_out: str) -> None:
            super().__init__()
            self.word = word
            self.left_out = left_out

    def _refuse(self, text: str) -> None:
        head = self.value[: self.cursor_position]
        word = (head.rsplit(" ", 1)[-1] + text).split()
        unsafe = [w for w in word if _unsafe(w)]
        self.post_message(self.Refused(unsafe[0] if unsafe else text, text))

    # ``on_key``/``on_paste`` run before Input's own handlers (a subclass's come first), and
    # prevent_default() keeps those from running: Textual's input would drop the character silently.
    async def on_key(self, event: events.Key) -> None:
        """Refuse a character no tag may hold (typed) instead of dropping it silently."""
        char = event.character
        if char is not None and len(char) == 1 and not event.key.startswith("ctrl+") and _unsafe(char) \
                and char not in "\r\n\x1b\x7f\x08":
            event.stop()
            event.prevent_default()
            self._refuse(char)

    def on_paste(self, event: events.Paste) -> None:
        """Refuse a pasted line holding a character no tag may hold (nothing of it is put in)."""
        line = event.text.splitlines()[0] if event.text else ""
        if _unsafe(line):
            event.stop()
            event.prevent_default()
            self._refuse(line)

    def action_complete(self) -> None:
        before = self.value
        self.cursor_position = len(self.value)
        self.action_cursor_right()  # at the end: takes the suggestion, if any
        if self.value != before:
            self.insert_text_at_cursor(" ")


class TagInput(ModalScreen[TagChange | None]):
    """Asks which tags to add to (or take off) the papers named in ``what``."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="tag_input.cancel")]

    def __init__(self, what: str, current: Sequence[str], existing: Sequence[str]) -> None:
        super().__init__()
        self.what = what
        self.current = list(current)
        self.existing = list(existing)
        self._left_out = []

    def compose(self) -> ComposeResult:
        with Vertical(id="tag-dialog", classes="dialog"):
            yield Label(f"Tag {self.what}", id="tag-title", markup=False)
            now = ", ".join(f"#{name}" for name in self.current) if self.current else "no tags yet"
            yield Label(f"Now: {now}", id="tag-current", markup=False)
            yield TagField(placeholder="tag  -tag to take off  (Tab completes)", id="tag-field",
                           suggester=TagSuggester(self.existing))
            yield Label("", id="tag-error", markup=False)
            yield Label("Enter: apply · Esc: cancel", classes="dialog-hint")
        yield dialog_footer()

    def on_mount(self) -> None:
        field = self.query_one(TagField)
        field.focus()
        # Answered while Enter is handled, so keys typed after it act on the screen beneath.
        self.watch(field, "entered", self._submitted, init=False)

    #: The characters refused since the last Enter, until Enter says them again (a burst of
    #: keys may end in Enter before the error could be read: the first Enter does not apply).
    _left_out: list[str]

    @on(TagField.Refused)
    def _refused(self, event: TagField.Refused) -> None:
        """The command line's message for the name, and nothing typed in."""
        event.stop()
        self._left_out.append(event.left_out)
        try:
            parse_tag_words(event.word)
        except BadName as error:
            self.query_one("#tag-error", Label).update(escape_controls(str(error)))
        else:  # (cannot happen: no tag name holds such a character)
            self.query_one("#tag-error", Label).update(f"{escape_controls(event.word)!r} is not a tag name")

    def _submitted(self, value: str) -> None:
        if self._left_out:
            # Said now, with the field as it is: what was left out, and what the next Enter does.
            try:
                then = f"Enter again {_what_it_does(parse_tag_words(value))}."
            except BadName as error:
                then = f"The field as it is now: {escape_controls(str(error))}"
            left_out = ", ".join(f"'{escape_controls(text)}'" for text in self._left_out)
            self.query_one("#tag-error", Label).update(
                f"Not applied: {left_out} was left out (no tag name may hold it). {then}")
            self._left_out = []
            return
        try:
            change = parse_tag_words(value)
        except BadName as error:
            self.query_one("#tag-error", Label).update(str(error))
            return
        self.dismiss(None if change.empty else change)
