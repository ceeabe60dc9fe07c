"""The filter language: parse a query, match papers, find spans to highlight.

See the README's "Query language" section for the syntax. Parsing never raises:
what can't be understood is ignored and described in :attr:`Query.warnings`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .models import Paper, PaperState


@dataclass(slots=True)
class Query:
    """A parsed query."""

    text: str
    warnings: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        raise NotImplementedError

    @property
    def uses_abstract(self) -> bool:
        """True when matching needs the abstracts (slow path: run in a worker)."""
        raise NotImplementedError


def parse_query(text: str) -> Query:
    """Parse the text typed into the filter bar. Never raises."""
    raise NotImplementedError


def fold(text: str) -> str:
    """Lower-case and strip accents (``Dünnwald`` -> ``dunnwald``) for matching."""
    raise NotImplementedError


class QueryEngine:
    """Filters a fixed list of papers fast (precomputed folded text per paper)."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        raise NotImplementedError

    def search(
        self,
        query: Query,
        states: Mapping[str, PaperState],
        candidates: Sequence[int] | None = None,
    ) -> list[int]:
        """Indices (into ``papers``, ascending) of the papers matching ``query``."""
        raise NotImplementedError


def highlight_spans(query: Query, text: str, field_name: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of ``text`` that ``query`` matched in field ``field_name``.

    ``field_name`` is one of ``"title"``, ``"authors"``, ``"summary"``, ``"comment"``,
    ``"journal"``, ``"id"``, ``"categories"``. Spans are sorted and non-overlapping.
    """
    raise NotImplementedError
