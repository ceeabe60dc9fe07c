"""Find the formulas (``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]``) in a piece of text.

Both the citation escaper and the readable-LaTeX converter must agree on what is
math, so they share this one scanner.
"""

from __future__ import annotations

from collections.abc import Callable

#: ``accept(text, opening, closing)``: may reject a single-dollar pair whose
#: delimiters sit at ``opening`` and ``closing`` (e.g. prices: ``$5 and $10``).
MathFilter = Callable[[str, int, int], bool]


def math_spans(text: str, accept: MathFilter | None = None) -> list[tuple[bool, int, int]]:
    """Split ``text`` into ``(is_math, start, end)`` spans that cover it in order.

    Math spans include their delimiters: ``$...$``, ``$$...$$``, ``\\(...\\)``
    and ``\\[...\\]``.  ``\\$`` is never a delimiter; a ``$`` with no partner,
    or an empty pair, stays in the text around it.
    """
    spans: list[tuple[bool, int, int]] = []
    index = start = 0
    length = len(text)
    missing: set[str] = set()  # closing delimiters absent from here on: never searched again
    while index < length:
        char = text[index]
        if char == "\\":
            opener = text[index + 1 : index + 2]
            if opener in ("(", "[") and opener not in missing:
                end = text.find("\\)" if opener == "(" else "\\]", index + 2)
                if end < 0:
                    missing.add(opener)
                if end > index + 2:
                    if start < index:
                        spans.append((False, start, index))
                    spans.append((True, index, end + 2))
                    index = start = end + 2
                    continue
            index += 2
            continue
        if char != "$":
            index += 1
            continue
        delimiter = "$$" if text.startswith("$$", index) else "$"
        close = find_closing(text, index + len(delimiter), delimiter)
        if close is not None and delimiter == "$" and accept is not None and not accept(text, index, close):
            close = None
        if close is None:
            index += len(delimiter)
            continue
        if start < index:
            spans.append((False, start, index))
        end = close + len(delimiter)
        spans.append((True, index, end))
        index = start = end
    if start < length:
        spans.append((False, start, length))
    return spans


def find_closing(text: str, start: int, delimiter: str) -> int | None:
    """Where ``delimiter`` closes a formula opened just before ``start`` (None: nowhere, or empty)."""
    index = start
    length = len(text)
    while index < length:
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(delimiter, index):
            return index if index > start else None
        index += 1
    return None
