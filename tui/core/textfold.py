"""Accent- and case-insensitive text folding for search and highlighting.

``fold("Dünnwald")`` gives ``"dunnwald"``; ``fold("Gödel")`` gives ``"godel"``.
Folding is per character (lower-case, NFKD, drop combining marks, a few Latin
letters that do not decompose spelled out), cached per distinct character so
folding 200,000 titles stays cheap.  Control characters vanish and every run of
white space becomes one space, so the folded text never contains the NUL and
newline characters the query engine uses as separators.

:func:`fold_with_map` also returns, for every folded character, the index of
the original character it came from: highlighting needs spans in the original.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

try:  # Listed in the project dependencies; folding still works without it.
    from unidecode import unidecode as _unidecode
except ImportError:  # pragma: no cover - only without the dependency
    _unidecode = None  # type: ignore[assignment]  # (folding then skips the transliteration)

#: Latin letters that NFKD leaves alone; spelled out so ``ø`` finds ``o``.
_SPECIAL = {
    "ß": "ss",
    "ẞ": "ss",
    "ø": "o",
    "ł": "l",
    "æ": "ae",
    "œ": "oe",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
    "ħ": "h",
    "ŋ": "n",
    "ĸ": "k",
}


class _FoldTable(dict):
    """``str.translate`` table that computes and remembers each character's fold."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


def _fold_char(ch: str) -> str:
    """The folded spelling of one character ('' for control characters)."""
    if ch.isspace():
        return " "
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf"):
        return ""
    out = []
    for part in unicodedata.normalize("NFKD", ch.lower()):
        if unicodedata.combining(part):
            continue
        if part in _SPECIAL:
            out.append(_SPECIAL[part])
        elif not part.isascii() and _unidecode is not None and "LATIN" in unicodedata.name(part, ""):
            # Only Latin letters: transliterating Greek or CJK would make
            # unrelated ASCII queries match them.
            out.append(_unidecode(part).lower())
        else:
            out.append(part)
    return "".join(out)


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case, strip accents and squeeze white space: ``"Dünnwald"`` -> ``"dunnwald"``."""
    if text.isascii():
        folded = text.lower()
        if not folded.isprintable():  # tabs, newlines, DEL...
            folded = folded.translate(_TABLE)
    else:
        folded = text.translate(_TABLE)
    return _squeeze(folded) if "  " in folded else folded


def _squeeze(text: str) -> str:
    """Collapse runs of spaces into one (fold already turned all white space into spaces)."""
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def fold_with_map(text: str) -> tuple[str, Sequence[int]]:
    """Fold ``text`` like :func:`fold` (without trimming) and map folded chars to original indices.

    Returns ``(folded, index)`` where ``index[k]`` is the position in ``text`` of
    the character that produced ``folded[k]``.
    """
    if text.isascii() and text.isprintable() and "  " not in text:
        # Most titles and names: each character folds to itself lower-cased, in place
        # (the highlight of every row drawn after a keystroke: 0.1 ms a title otherwise).
        return text.lower(), range(len(text))
    return _fold_each(text)


def _fold_each(text: str) -> tuple[str, list[int]]:
    """:func:`fold_with_map` one character at a time (any text)."""
    table = _TABLE
    pieces: list[str] = []
    index: list[int] = []
    last_space = False
    for i, ch in enumerate(text):
        code = ord(ch)
        folded = table[code] if code in table else table.__missing__(code)
        if not folded:
            continue
        if folded == " ":
            if last_space:
                continue
            last_space = True
        else:
            last_space = False
        pieces.append(folded)
        index.extend([i] * len(folded))
    return "".join(pieces), index
