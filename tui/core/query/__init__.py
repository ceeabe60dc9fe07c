"""The filter language: parse a query (:mod:`.syntax`, on :mod:`.tokens` and :mod:`.terms`),
match papers (:mod:`.engine`, on :mod:`.lazy_indexes`), find the spans to highlight
(:mod:`.highlight`). The syntax is documented in :mod:`.syntax`.
"""

from ..textfold import fold
from .cost import search_cost
from .engine import QueryEngine, filter_papers
from .haystack import SearchCancelled
from .highlight import SpanCache, highlight_spans
from .nodes import And, Not, Or, Query, Term
from .syntax import parse_query

__all__ = [
    "And",
    "Not",
    "Or",
    "Query",
    "QueryEngine",
    "SearchCancelled",
    "SpanCache",
    "Term",
    "filter_papers",
    "fold",
    "highlight_spans",
    "parse_query",
    "search_cost",
]
