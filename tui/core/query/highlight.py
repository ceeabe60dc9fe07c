"""Which spans of a displayed field a query matched (for highlighting)."""

from __future__ import annotations

from collections.abc import Sequence

from .words import needle_pattern
from ..textfold import fold_with_map
from .nodes import Query, _terms, cat_matches
from .syntax import _CATEGORY_TOKEN


#: Which term fields highlight in which displayed field.
_HIGHLIGHT_FIELDS: dict[str, frozenset[str]] = {
    "default": frozenset({"title", "authors", "id", "categories"}),
    "any": frozenset({"title", "authors", "id", "categories", "summary", "comment", "journal", "doi"}),
    "title": frozenset({"title"}),
    "authors": frozenset({"authors"}),
    "summary": frozenset({"summary"}),
    "comment": frozenset({"comment"}),
    "journal": frozenset({"journal"}),
    "doi": frozenset({"doi"}),
    "id": frozenset({"id"}),
    "cat": frozenset({"categories"}),
}


def highlight_spans(query: Query, text: str, field_name: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of ``text`` that ``query`` matched in field ``field_name``.

    ``field_name`` is one of ``"title"``, ``"authors"``, ``"summary"``, ``"comment"``,
    ``"journal"``, ``"id"``, ``"categories"`` (also ``"doi"``). Spans index the
    original ``text`` (accents and all), are sorted and non-overlapping.  Only
    positive terms highlight; excluded ones never do.
    """
    if query.root is None or not text:
        return []
    spans: list[tuple[int, int]] = []
    folded: str | None = None
    index: Sequence[int] = ()
    for term, positive in _terms(query.root, True):
        if not positive or field_name not in _HIGHLIGHT_FIELDS.get(term.field, ()):
            continue
        if term.field == "cat":
            for match in _CATEGORY_TOKEN.finditer(text):
                if cat_matches(match.group(), term.needle):
                    spans.append(match.span())
            continue
        if term.field == "id":
            stripped = text.lower()
            start = stripped.find(term.needle)
            if start != -1 and (start == 0 or not stripped[start - 1].isalnum()):
                spans.append((start, start + len(term.needle)))
            continue
        if folded is None:
            folded, index = fold_with_map(text)
        for match in needle_pattern(term.needle).finditer(folded):  # word starts only, as the search
            if match.end() > match.start():
                spans.append((index[match.start()], index[match.end() - 1] + 1))
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged



class SpanCache:
    """The spans of one query, computed once per (paper, field) and shared.

    The paper list (titles, first authors) and the detail (title, authors,
    abstract) ask for the same spans of the highlighted paper; the screen makes
    one cache per query and hands it to both. Bounded, so scrolling through
    200,000 rows keeps only recent entries.
    """

    __slots__ = ("query", "_spans", "_limit")

    def __init__(self, query: Query | None, limit: int = 4096) -> None:
        #: The query (``None``: nothing to highlight).
        self.query = query if query is not None and query.root is not None else None
        self._spans: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
        self._limit = limit

    def __bool__(self) -> bool:
        return self.query is not None

    def get(self, key: str, text: str, field_name: str) -> list[tuple[int, int]]:
        """Spans of ``text`` (field ``field_name`` of the paper ``key``); [] without a query.

        A failure to highlight is no highlight, never an error.
        """
        if self.query is None or not text:
            return []
        cache_key = (key, field_name, text)
        spans = self._spans.get(cache_key)
        if spans is None:
            try:
                spans = highlight_spans(self.query, text, field_name)
            except Exception:  # a highlight is a nicety: never let it break a view
                spans = []
            if len(self._spans) >= self._limit:
                self._spans.clear()
            self._spans[cache_key] = spans
        return spans
