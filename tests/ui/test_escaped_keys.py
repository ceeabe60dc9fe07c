"""Escape and the next key read together: what Textual's parser makes of them once the reader
has adjusted it (:func:`read_escape_apart`), and which key followed.

These tests read Textual's own parser (a private module) on purpose: the reader changes it
(tui/widgets/escaped_keys.py) and relies on how Textual 8.2 (8.2.8) parses these reads; they
must be looked at again if an upgrade parses them otherwise.
"""

from __future__ import annotations

import pytest
import textual
from textual import events

from tui.widgets.escaped_keys import key_after_escape, read_escape_apart


def parsed(data: str) -> list[tuple[str, str | None]]:
    from textual._xterm_parser import XTermParser

    read_escape_apart()
    parser = XTermParser()
    return [(e.key, e.character) for e in [*parser.feed(data), *parser.feed("")] if isinstance(e, events.Key)]


def test_textual_is_the_version_the_parser_changes_were_made_for() -> None:
    assert textual.__version__.startswith("8.2."), "look at tui/widgets/escaped_keys.py again"


@pytest.mark.parametrize(
    ("read", "key", "after"),
    [("\x1bj", "alt+j", "j"), ("\x1bG", "alt+shift+g", "G"), ("\x1bL", "alt+shift+l", "L"), ("\x1b2", "alt+2", "2"),
     ("\x1b1", "alt+1", "1"), ("\x1b4", "alt+4", "4"), ("\x1b0", "alt+0", "0")],
)
def test_escape_and_a_letter_or_digit_is_one_alt_key(read: str, key: str, after: str) -> None:
    ((name, character),) = parsed(read)
    assert name == key
    assert key_after_escape(events.Key(name, character)) == after


@pytest.mark.parametrize(
    ("read", "keys"),
    [("\x1b?", ["escape", "question_mark"]), ("\x1b/", ["escape", "slash"]),
     ("\x1b[", ["escape", "left_square_bracket"]), ("\x1b ", ["escape", "space"]),
     ("\x1b\r", ["escape", "enter"]), ("\x1b?js", ["escape", "question_mark", "j", "s"]),
     ("\x1b2js", ["alt+2", "j", "s"])],
)
def test_escape_and_any_other_key_are_both_reported(read: str, keys: list[str]) -> None:
    """Textual alone reports ``?`` for ESC ?: the Escape was lost."""
    assert [name for name, _ in parsed(read)] == keys


@pytest.mark.parametrize(
    ("read", "keys"),
    [("£", [("pound_sign", "£")]), ("™", [("trade_mark_sign", "™")]), ("x£y", [("x", "x"), ("pound_sign", "£"),
                                                                             ("y", "y")]),
     ("\x1bb", [("ctrl+left", None)]), ("\x1bf", [("ctrl+right", None)]), ("\x1b\x7f", [("ctrl+w", None)]),
     ("\x1b", [("escape", "\x1b")]), ("\x1b[A", [("up", None)]), ("\x1b\x1b", [("escape", "\x1b")] * 2)],
)
def test_typed_characters_and_other_sequences_are_unchanged(read: str, keys: list) -> None:
    """A £ or ™ the terminal sends as the character stays text; Option+arrows, Option+Backspace,
    the arrows and Escape itself parse as before."""
    assert parsed(read) == keys


def test_a_key_alone_is_not_taken_for_escape_and_a_key() -> None:
    assert key_after_escape(events.Key("j", "j")) is None
    assert key_after_escape(events.Key("escape", "\x1b")) is None
    assert key_after_escape(events.Key("alt+up", None)) is None  # (not printable: a real alt binding's)
    assert key_after_escape(events.Key("trade_mark_sign", "™")) is None  # typed as text
    assert key_after_escape(events.Key("pound_sign", "£")) is None
