"""Show the simple LaTeX of arXiv titles and abstracts readably, as Markdown.

:func:`latex_to_markdown` turns ``$\\alpha$`` into ``α``, ``\\mathbf{E}`` into
bold, ``_0`` into ``₀`` and so on, and escapes everything else so that ``*``,
``_``, ``[``, ``<``, ``|``, ``#`` and backticks from the data show literally.
What it does not understand is kept as written: content is never dropped, and
the ``$`` delimiters of a formula stay whenever something inside it could not
be converted.  Headless: no Textual import here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from .latex_converter import LatexConverter
from .latex_pieces import Piece as _Piece
from .latex_pieces import looks_like_math as _looks_like_math
from .latex_pieces import plain_text as _plain
from .mathspans import math_spans

__all__ = [
    "latex_to_markdown",
    "latex_to_text",
    "title_text",
    "latex_to_markdown_highlighted",
    "escape_markdown",
    "escape_inline",
    "escape_highlighted",
]


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&$])")
_BLOCK_START = re.compile(r"^(\s*)(?:([-+=])|(\d{1,9})([.)]))")
_ENTITY = re.compile(r"&(gt|lt|amp|quot|apos|nbsp|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
_ENTITY_CHARS = {"gt": ">", "lt": "<", "amp": "&", "quot": '"', "apos": "'", "nbsp": " "}
#: Control characters (C0 but tab and newline, DEL, C1): dropped. Bidirectional controls
#: (U+202A-U+202E, U+2066-U+2069, U+200E/U+200F/U+061C) are kept, so whoever shows the text
#: shows them as escapes (``safetext``: ``\u202e``) instead of hiding that the file holds one.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")



# --------------------------------------------------------------------------- helpers


def escape_markdown(text: str) -> str:
    """Escape ``text`` so Markdown shows every character of it literally."""
    return _escape_block_start(escape_inline(text))


def escape_inline(text: str) -> str:
    """Escape Markdown's inline syntax in ``text`` (for text placed mid-line)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _escape_block_start(markdown: str) -> str:
    """A paragraph starting with "- ", "+ ", "1. " would become a list: escape it."""
    match = _BLOCK_START.match(markdown)
    if match is None:
        return markdown
    indent, sign, number, closer = match.groups()
    marker = "\\" + sign if sign else number + "\\" + closer
    return indent + marker + markdown[match.end():]


def _decode_entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _ENTITY_CHARS:
        return _ENTITY_CHARS[name]
    try:
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        return chr(code) if 0 < code < 0x110000 else match.group(0)
    except ValueError:
        return match.group(0)


def _render(pieces: list[_Piece]) -> str:
    return "".join(escape_inline(text) if kind == "t" else text for kind, text in pieces)


def _split_math(text: str) -> list[tuple[bool, str, str]]:
    """Split into (is_math, delimiter, content) segments; ``\\$`` is not a
    delimiter.  (The converter finds formulas itself; the highlighter uses
    this to keep highlights out of them.)"""
    segments: list[tuple[bool, str, str]] = []
    for is_math, start, end in math_spans(text, accept=_looks_like_math):
        if not is_math:
            segments.append((False, "", text[start:end]))
            continue
        delimiter = text[start:start + 2] if text.startswith(("$$", "\\(", "\\["), start) else "$"
        segments.append((True, delimiter, text[start + len(delimiter):end - len(delimiter)]))
    return segments


# --------------------------------------------------------------------------- API


def _convert(text: str, render: Callable[[list[_Piece]], str]) -> str:
    """Shared body of :func:`latex_to_markdown` and :func:`latex_to_text`."""
    text = _ENTITY.sub(_decode_entity, text)
    text = _CONTROL.sub("", text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
    return re.sub(r" {2,}", " ", render(LatexConverter(text).convert(False))).strip()


def latex_to_markdown(text: str) -> str:
    """Convert the simple LaTeX in ``text`` to readable, escaped Markdown.

    Formulas (``$...$``) lose their delimiters; what has no Unicode form shows
    plainly (``AP_BEV``, an unknown ``\\DWT`` as ``DWT``).  Only a formula that
    is broken (an unbalanced brace, a missing argument) keeps its ``$`` and
    the rest as written.  HTML entities (``&gt;``) are decoded, control
    characters dropped and line breaks joined, so the result is one Markdown
    paragraph; bidi controls are kept for the caller to show escaped
    (:func:`.safetext.inert_markdown`).  Never raises.
    """
    if not text:
        return ""
    try:
        return _escape_block_start(_convert(text, _render))
    except Exception:  # pragma: no cover - last resort: bad input never raises
        return escape_markdown(text)


#: What latex_to_text would change in a title: formulas, commands, entities,
#: dash and quote ligatures.
_NEEDS_CONVERTING = re.compile(r"[$\\&]|--|``|''")


@lru_cache(maxsize=16384)
def title_text(title: str) -> str:
    """A title as one line of plain text with its LaTeX rendered
    (``$\\text{Log}_\\text{b}$Quant`` -> ``Log_bQuant``), for list rows and the
    command line.  Titles without ``$`` or ``\\`` (nearly all) are only
    cleaned; the rest are converted once and remembered."""
    if not _NEEDS_CONVERTING.search(title):
        return _CONTROL.sub("", " ".join(title.split()))
    return latex_to_text(" ".join(title.split()))


def latex_to_text(text: str) -> str:
    """Like :func:`latex_to_markdown`, as plain Unicode text (no Markdown):
    ``S$^2$FPR`` -> ``S²FPR``.  Never raises."""
    if not text:
        return ""
    try:
        return _convert(text, _plain)
    except Exception:  # pragma: no cover - last resort: bad input never raises
        return text


# The highlighted variant lives in its own module; re-exported here.
from .latex_highlight import escape_highlighted, latex_to_markdown_highlighted  # noqa: E402
