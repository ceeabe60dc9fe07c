"""Escape and the next key read together, as Textual reports them: which key followed Escape.

A terminal sends Alt+key as ESC then the key, so when Escape and the next key
arrive in one read (typed fast over SSH, ``tmux send-keys Escape 2``) Textual
8.2 (8.2.8 here) reports one key:

* a letter: ``alt+j`` (``alt+shift+g`` for ``G``), its character the letter;
* a digit: the character macOS's Option gives with it (``ESC 2`` is ``™``: a
  table in Textual's parser for WezTerm on macOS);
* anything else (``/``, ``?``, ``[``, space, Enter): the key alone, the Escape
  lost; nothing in the event tells it apart from the key pressed alone, so
  nothing can be done about it here.

:func:`key_after_escape` gives the key that followed Escape for the first two
(tests/ui/test_escaped_keys.py checks Textual still parses them so).
"""

from __future__ import annotations

from textual import events

__all__ = ["key_after_escape"]

#: Textual's characters for ESC then a digit (its WezTerm-on-macOS table) -> the digit.
#: (``§`` is also ESC ``§``: taken for 6, the likelier key on a reader's list.)
ESCAPED_DIGITS = {"¡": "1", "™": "2", "£": "3", "¢": "4", "∞": "5", "§": "6", "¶": "7", "•": "8", "ª": "9", "º": "0"}


def key_after_escape(event: events.Key, digits: bool = True) -> str | None:
    """The name of the key that followed Escape when ``event`` is Escape and a key read
    together, else None. ``digits``: also a digit's character (not where those characters
    may be typed as text: ``£`` is a key of its own on a British keyboard)."""
    if event.key.startswith("alt+") and event.is_printable:
        return event.key.removeprefix("alt+")
    if digits and event.character is not None:
        return ESCAPED_DIGITS.get(event.character)
    return None
