"""Query highlights in converted LaTeX: :func:`latex_to_markdown_highlighted`.

Split from :mod:`tui.core.latex` (which re-exports both functions).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .latex import _ENTITY, _split_math, escape_inline, latex_to_markdown

# Sentinels marking highlight boundaries while the text goes through the
# converter (private-use characters: never special to LaTeX nor Markdown).
_HL_OPEN = "\ue000"
_HL_CLOSE = "\ue001"
_HL_SENTINELS = re.compile("[\ue000\ue001]")
_MACRO_NAME = re.compile(r"\\(?:[A-Za-z]+|.)")


def _clean_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans clipped to ``text``, shrunk to start and end on a letter or digit
    (emphasis-like Markdown delimiters must touch a word on their inner side),
    sorted, with overlapping or touching spans joined."""
    cleaned: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        start, end = max(0, start), min(len(text), end)
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not text[end - 1].isalnum():
            end -= 1
        if start >= end:
            continue
        if cleaned and start <= cleaned[-1][1]:
            cleaned[-1] = (cleaned[-1][0], max(end, cleaned[-1][1]))
        else:
            cleaned.append((start, end))
    return cleaned


def escape_highlighted(text: str, spans: Iterable[tuple[int, int]], marker: str = "~~") -> str:
    """Escape plain ``text`` like :func:`escape_inline`, wrapping each span in ``marker``.

    The spans index the raw text; each piece is escaped on its own, so the
    markers stay the only Markdown syntax in the result.
    """
    out: list[str] = []
    position = 0
    for start, end in _clean_spans(text, spans):
        out += [escape_inline(text[position:start]), marker, escape_inline(text[start:end]), marker]
        position = end
    out.append(escape_inline(text[position:]))
    return "".join(out)


def _forbidden_positions(text: str) -> list[tuple[int, int]]:
    """Open intervals of ``text`` where a highlight boundary can't go: inside
    formulas (delimiters included), macro names and HTML entities."""
    zones: list[tuple[int, int]] = []
    position = 0
    for is_math, delimiter, content in _split_math(text):
        length = len(content) + 2 * len(delimiter)
        if is_math:
            zones.append((position - 1, position + length))
        position += length
    zones += [(m.start(), m.end()) for m in _MACRO_NAME.finditer(text)]
    zones += [(m.start(), m.end()) for m in _ENTITY.finditer(text)]
    return zones


def latex_to_markdown_highlighted(text: str, spans: Iterable[tuple[int, int]], marker: str = "~~") -> str:
    """:func:`latex_to_markdown` of ``text`` with the raw-text ``spans`` wrapped in ``marker``.

    Spans reaching into a formula, a macro name or an entity are dropped (the
    conversion rewrites those); if the conversion loses a boundary anyway, the
    text comes back without highlights rather than with a stray marker.
    """
    text = _HL_SENTINELS.sub("", text or "")
    spans = _clean_spans(text, spans)
    if not spans:
        return latex_to_markdown(text)
    zones = _forbidden_positions(text)
    marked: list[str] = []
    position = 0
    for start, end in spans:
        if any(low < start <= high or low < end <= high for low, high in zones):
            continue
        marked += [text[position:start], _HL_OPEN, text[start:end], _HL_CLOSE]
        position = end
    marked.append(text[position:])
    converted = latex_to_markdown("".join(marked))
    expected = _HL_OPEN
    for sentinel in _HL_SENTINELS.findall(converted):
        if sentinel != expected:
            return _HL_SENTINELS.sub("", converted)
        expected = _HL_CLOSE if expected == _HL_OPEN else _HL_OPEN
    if expected != _HL_OPEN:
        return _HL_SENTINELS.sub("", converted)
    return converted.replace(_HL_OPEN, marker).replace(_HL_CLOSE, marker)
