"""Escape and the next key read together: reported so the reader can tell which key followed Escape.

A terminal sends Alt+key as ESC then the key, so when Escape and the next key
arrive in one read (typed fast over SSH, ``tmux send-keys Escape 2``) Textual's
parser sees one key. Textual 8.2 (8.2.8 here) makes of it:

* a letter: ``alt+j`` (``alt+shift+g`` for ``G``), its character the letter
  (:func:`key_after_escape` gives ``G`` for the latter: the capital's own key,
  as it is named when typed alone and bound);
* a digit: the character macOS's Option gives with it (``ESC 2`` is ``™``, a
  table for WezTerm on macOS), the very key a user types for ``™`` -- nothing
  left to tell ``Escape 2`` from a ``£`` typed on a British keyboard;
* anything else (``?``, ``/``, ``[``, space, Enter): the key alone, the Escape
  lost.

:func:`read_escape_apart` (called once by the app) changes the last two, in
Textual's parser, the one private detail the reader depends on here: ``ESC
2`` arrives as ``alt+2``, like a letter, and ``ESC ?`` as Escape then ``?``.
A ``£`` or ``™`` the terminal sends as the character itself (every terminal,
and macOS's Option when it types text) stays that character. What cannot be
told apart: WezTerm on macOS sends ESC 2 for its left Option+2, so there
Option+digit is Escape then the digit (its right Option types the character).
``ESC b``/``ESC f``/``ESC Backspace`` stay word moves (what macOS terminals
send for Option+arrows and Option+Backspace). tests/ui/test_escaped_keys.py
checks the parser still works so.

:func:`key_after_escape` gives the key that followed Escape for ``alt+key``.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events

__all__ = ["key_after_escape", "read_escape_apart"]

#: The characters Textual's parser reads ESC and a digit as (its WezTerm-on-macOS table).
_OPTION_DIGITS = {"\x1b1": "¡", "\x1b2": "™", "\x1b3": "£", "\x1b4": "¢", "\x1b5": "∞", "\x1b6": "§",
                  "\x1b7": "¶", "\x1b8": "•", "\x1b9": "ª", "\x1b0": "º"}


def key_after_escape(event: events.Key) -> str | None:
    """The name of the key that followed Escape when ``event`` is Escape and a key read
    together (``alt+j``, ``alt+2``: see the module's docstring), else None."""
    if not (event.key.startswith("alt+") and event.is_printable):
        return None
    key = event.key.removeprefix("alt+")
    character = event.character
    if key.startswith("shift+") and character and len(character) == 1 and character.isupper():
        # ESC L is alt+shift+l; L typed alone is the key "L", the name the bindings use.
        return character
    return key


def read_escape_apart() -> None:
    """Make Textual's terminal parser report Escape and a digit read together as ``alt+digit``
    and Escape and any other key that is not a letter as Escape then that key (idempotent)."""
    try:
        from textual import _ansi_sequences, _xterm_parser

        table = _ansi_sequences.ANSI_SEQUENCES_KEYS
        parser = _xterm_parser.XTermParser
        original = parser._sequence_to_key_events
    except (ImportError, AttributeError):
        # Another Textual than the one this was written for (8.2): keys are read its way, and
        # Escape + key in one read stays what it reports (the version test says so in CI).
        return
    for sequence, character in _OPTION_DIGITS.items():
        if table.get(sequence) == character:
            del table[sequence]  # type: ignore[attr-defined]  (a dict, typed as Mapping)
    if getattr(original, "_escape_apart", False):
        return

    def sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        keys = list(original(self, sequence, alt))
        if alt and len(keys) == 1 and not keys[0].key.startswith("alt+") and keys[0].key != "escape":
            # ESC then a key Textual has no alt+ name for: the Escape would be lost.
            return [events.Key("escape", "\x1b"), *keys]
        return keys

    sequence_to_key_events._escape_apart = True  # type: ignore[attr-defined]
    parser._sequence_to_key_events = sequence_to_key_events  # type: ignore[method-assign]
