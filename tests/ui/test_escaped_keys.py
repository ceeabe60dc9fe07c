"""Escape and the next key read together: what Textual makes of them, and which key followed.

The first test reads Textual's own parser (a private module) on purpose: the list's
handling (:mod:`tui.widgets.escaped_keys`) relies on how Textual 8.2 (8.2.8) parses these
reads, and must be looked at again if an upgrade parses them otherwise.
"""

from __future__ import annotations

import pytest
import textual
from textual import events

from tui.widgets.escaped_keys import ESCAPED_DIGITS, key_after_escape


def parsed(data: str) -> list[tuple[str, str | None]]:
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    return [(e.key, e.character) for e in [*parser.feed(data), *parser.feed("")] if isinstance(e, events.Key)]


@pytest.mark.parametrize(
    ("read", "key", "after"),
    [("\x1bj", "alt+j", "j"), ("\x1bG", "alt+shift+g", "shift+g"), ("\x1b2", "trade_mark_sign", "2"),
     ("\x1b1", "inverted_exclamation_mark", "1"), ("\x1b4", "cent_sign", "4")],
)
def test_textual_parses_escape_and_a_key_as_one_key(read: str, key: str, after: str) -> None:
    assert textual.__version__.startswith("8."), "look at tui/widgets/escaped_keys.py again"
    ((name, character),) = parsed(read)
    assert name == key
    assert key_after_escape(events.Key(name, character)) == after


def test_every_digit_is_mapped_back() -> None:
    for digit in "0123456789":
        ((_, character),) = parsed("\x1b" + digit)
        assert ESCAPED_DIGITS[character] == digit


def test_a_key_alone_is_not_taken_for_escape_and_a_key() -> None:
    assert key_after_escape(events.Key("j", "j")) is None
    assert key_after_escape(events.Key("escape", "\x1b")) is None
    assert key_after_escape(events.Key("alt+up", None)) is None  # (not printable: a real alt binding's)
    assert key_after_escape(events.Key("trade_mark_sign", "™"), digits=False) is None  # typed as text
