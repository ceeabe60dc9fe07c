"""Clean and take apart the values of a digest paper block's fields.

Decisions about text cleaning (see :mod:`tui.core.digest` for the format):

* control characters (C0 except TAB, DEL, C1) are garbage in the sources and
  are removed from every text field; TABs become spaces;
* the five XML entities and numeric character references (``&gt;``,
  ``&#39;``...) are unescaped in the Summary only, which is where arXiv leaves
  them; titles, comments and journal references are kept exactly as written.
"""

from __future__ import annotations

import re

__all__ = ["clean_text", "optional_value", "pdf_url", "split_categories", "split_dois", "unescape_entities"]

_ARXIV_CATEGORY_RE = re.compile(r"[a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?")
#: Where a DOI starts inside a run of glued DOIs (``..._1610.1007/...``).
_DOI_START_RE = re.compile(r"10\.\d{4,9}/")
_ENTITY_RE = re.compile(r"&(?:amp|lt|gt|quot|apos|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}

# Control characters to drop (TAB becomes a space instead).
_CONTROL_TABLE: dict[int, str | None] = {c: None for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))}
_CONTROL_TABLE[0x09] = " "


def clean_text(text: str) -> str:
    """Drop control characters (the fast path skips strings that have none)."""
    if text.isprintable():
        return text
    return text.translate(_CONTROL_TABLE)


def _unescape_entity(match: re.Match[str]) -> str:
    entity = match.group(0)
    simple = _ENTITIES.get(entity)
    if simple is not None:
        return simple
    body = entity[2:-1]
    try:
        code = int(body[1:], 16) if body[:1] in "xX" else int(body)
    except ValueError:
        return entity
    if not 0 < code < 0x110000 or 0xD800 <= code <= 0xDFFF or code in _CONTROL_TABLE:
        # Not a character that may be stored or shown (a lone surrogate can't
        # even be encoded; a control would reach the terminal): keep the
        # reference as written.
        return entity
    return chr(code)


def unescape_entities(text: str) -> str:
    """Unescape XML entities and numeric references; other ``&`` text stays."""
    if "&" not in text:
        return text
    return _ENTITY_RE.sub(_unescape_entity, text)


def optional_value(value: str) -> str | None:
    """``None`` (or nothing) in the digest means the field is absent."""
    return None if value in ("None", "") else value


def split_dois(value: str) -> list[str]:
    """Split a DOI field into DOIs: on whitespace, and before each glued ``10.``.

    ``10.1007/x_1610.1007/y`` is two DOIs stuck together by a lost line break;
    a ``10.NNNN/`` inside a token starts a new DOI.  Malformed DOIs are kept as
    written.  Duplicates are dropped, order is kept.
    """
    dois: list[str] = []
    for token in value.split():
        if token == "None":
            continue
        starts = [m.start() for m in _DOI_START_RE.finditer(token)]
        if len(starts) > 1 or (starts and starts[0] > 0):
            cuts = [0, *(s for s in starts if s > 0), len(token)]
            pieces = [token[a:b] for a, b in zip(cuts, cuts[1:])]
        else:
            pieces = [token]
        for piece in pieces:
            if piece and piece not in dois:
                dois.append(piece)
    return dois


_CATEGORY_CACHE: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {}


def split_categories(value: str) -> tuple[str, list[str], list[str]]:
    """Split a Categories field into ``(primary, arxiv_categories, classes)``.

    The bold item is the primary category; arXiv categories come primary
    first without duplicates; MSC/ACM classes (``I.2.7``, ``68T05``,
    ``90D20 (Primary) 90D80``) go to ``classes``, ACM lists split on ``;``.
    Without a bold item the first arXiv category is the primary.
    """
    cached = _CATEGORY_CACHE.get(value)
    if cached is None:
        cached = _split_categories_uncached(value)
        if len(_CATEGORY_CACHE) < 100_000:  # bounded: values repeat a lot
            _CATEGORY_CACHE[value] = cached
    primary, categories, classes = cached
    return primary, list(categories), list(classes)


def _split_categories_uncached(value: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    primary = ""
    categories: list[str] = []
    classes: list[str] = []
    for item in value.split(","):
        item = item.strip()
        if item.startswith("**") and item.endswith("**") and len(item) > 4:
            item = item[2:-2].strip()
            if not primary and _ARXIV_CATEGORY_RE.fullmatch(item):
                primary = item
        else:
            item = item.strip("*").strip()
        for piece in item.split(";") if ";" in item else (item,):
            piece = piece.strip()
            if not piece:
                continue
            target = categories if _ARXIV_CATEGORY_RE.fullmatch(piece) else classes
            if piece not in target:
                target.append(piece)
    if not primary and categories:
        primary = categories[0]
    if primary:
        categories.remove(primary)
        categories.insert(0, primary)
    return primary, tuple(categories), tuple(classes)


def pdf_url(value: str) -> str | None:
    """``[PDF](url)`` -> url; a bare URL is accepted too."""
    if value == "None" or not value:
        return None
    start = value.find("](")
    if start >= 0:
        end = value.find(")", start + 2)
        url = value[start + 2 : end if end >= 0 else len(value)].strip()
        return url or None
    return value if value.startswith(("http://", "https://")) else None

