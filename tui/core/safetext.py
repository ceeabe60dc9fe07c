"""Text from files made safe to show: no byte of it can drive the terminal.

File names and digest contents may hold escape sequences (an OSC 52 sequence
in a file name writes to the clipboard when printed), other control
characters, bidi overrides that reorder what follows, or undecodable bytes
(kept by Python as lone surrogates, which cannot even be printed). Everything a
message, a path or a field printed by the command line shows goes through
:func:`escape_controls` first (JSON output through :func:`inert_json`); the UI
uses the same helpers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable

# C0 and C1 controls, DEL, bidi embeddings/overrides/isolates and marks, line and
# paragraph separators, and lone surrogates.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


#: Unicode's line and paragraph separators: a break between words, shown as the space a
#: one-line field (a title, an author, a path in a message) makes of it, as list rows, the
#: command line, citations and search always have; unlike a bidi control, nothing is hidden
#: or reordered by them, so an escape would only be noise in the middle of a title.
_SEPARATORS = "\u2028\u2029"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SEPARATORS:
        return " "
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with every control, bidi and undecodable character shown as an escape.

    ``"a\\x1b]52;c;..."`` becomes ``"a\\\\x1b]52;c;..."``: visible, inert and
    always encodable. Printable text (accents, CJK, emoji) is left alone;
    a line or paragraph separator (U+2028, U+2029) becomes a space.
    """
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)


def inert_text(text: str) -> str:
    """:func:`escape_controls` for text of many lines: newlines and tabs are kept."""
    if _UNSAFE.search(text) is None:
        return text
    return "\n".join("\t".join(map(escape_controls, line.split("\t"))) for line in text.split("\n"))


#: What a terminal may act on inside a JSON string (JSON itself escapes C0 controls).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def inert_json(text: str) -> str:
    """JSON text with DEL, C1 controls, bidi controls and line separators as ``\\uXXXX``
    escapes: the same data once parsed, and nothing in it can drive a terminal."""
    if _JSON_UNSAFE.search(text) is None:
        return text
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def show_path(path: str | os.PathLike[str]) -> str:
    """A path as it may be shown: :func:`escape_controls` of its text."""
    return escape_controls(os.fspath(path) if not isinstance(path, bytes) else os.fsdecode(path))


class Notices(list[str]):
    """A list of messages for the user that escapes each message as it is added.

    Subscribers (:meth:`subscribe`) are called with each message as it comes,
    so a command line can print a notice raised at any moment.
    """

    def __init__(self, *args: Iterable[str]) -> None:
        super().__init__(*args)
        self._subscribers: list[Callable[[str], object]] = []

    def subscribe(self, callback: Callable[[str], object]) -> None:
        """Call ``callback(message)`` for every message added from now on."""
        self._subscribers.append(callback)

    def append(self, message: str) -> None:
        message = escape_controls(str(message))
        super().append(message)
        for callback in self._subscribers:
            callback(message)

    def extend(self, messages: Iterable[str]) -> None:
        for message in messages:
            self.append(message)


def _markdown_escape(match: re.Match[str]) -> str:
    shown = _escape(match)
    return shown if shown == " " else "\\" + shown


def inert_markdown(source: str) -> str:
    """Markdown whose text shows every control, bidi and undecodable character as an
    escape, as :func:`escape_controls` does; newlines and tabs are kept.

    The escape's backslash is itself escaped (``\\\\x1b``), so Markdown shows
    ``\\x1b`` rather than taking the backslash as its own.
    """
    if _UNSAFE.search(source) is None:
        return source
    return "\n".join(
        "\t".join(_UNSAFE.sub(_markdown_escape, part) for part in line.split("\t"))
        for line in source.split("\n")
    )


def blank_controls(text: str) -> str:
    """``text`` with every control, bidi and undecodable character replaced by a space
    (for what the user types or pastes: same length, so a cursor position still fits)."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(" ", text)
