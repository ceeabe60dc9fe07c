"""The command line's questions to the search index: which papers a query selects, the list
table from the index's rows, and the figures of ``stats`` (no command loads the library)."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .core.latex import title_text
from .core.models import PaperState
from .core.safetext import escape_controls
from .core.statemap import flagged_keys

if TYPE_CHECKING:
    from .core.index.segment import Row


def uses_reading_list(text: str, reading) -> bool:
    """Whether the reading list takes part in the query ``text``: a saved search ``mute``
    hides papers, or the query says ``@name``, ``tag:``, ``note:``, ``has:`` or ``is:muted``.

    The search index holds no reading list yet, so such queries are answered by the
    loaded library (:func:`tui.cli.filter_with_query`), exactly as before the index.
    """
    if reading.mute_query:
        return True
    if not text.strip():
        return False
    if "@" in text:
        return True
    from .core.query import parse_query
    from .core.query.nodes import user_set_key

    return any(user_set_key(term) is not None for term in parse_query(text).terms())


def paper_rows(papers: Sequence) -> list[Row]:
    """Loaded papers as the index's list rows (for :func:`table_lines`)."""
    from .core.index.segment import Row

    return [
        Row(i, p.id, p.version, p.title, p.authors[0] if p.authors else "", len(p.authors), p.primary_category,
            p.first_digest_date, p.digests[-1].date if p.digests else "")
        for i, p in enumerate(papers)
    ]


class QueryRefused(Exception):
    """A strict query (``export``) had to ignore parts of itself: the message says which."""


def query_docs(store, index, text: str, *, strict: bool = False) -> list[int]:
    """The documents of ``index`` matching the query ``text``, newest first (all for a blank one).

    Warnings about ignored parts go to stderr; with ``strict`` they refuse the
    query (:class:`QueryRefused`). ``is:`` terms get their papers from the store's
    state and import times, looked up only when the query has them.
    """
    if not text.strip():
        return index.all_docs().tolist()
    from .core.query import parse_query

    query = parse_query(text)
    if query.warnings and strict:
        raise QueryRefused("; ".join(query.warnings))
    for warning in query.warnings:
        print(f"arxiv-reader: query: {warning}", file=sys.stderr)
    names = {term.needle for term in query.terms() if term.field == "is"}
    states = store.index_states(index, names) if names else {}
    return index.search(query, states, limit=0).docs().tolist()


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def table_lines(rows: Sequence, states: Mapping[str, PaperState]) -> str:
    """The ``list`` table from index rows: flags, versioned id, first digest date, primary
    category, title (its LaTeX rendered, as in the reader's list)."""
    lines = []
    for row in rows:
        state = states.get(row.id)
        flags = ("*" if state and state.starred else " ") + (" " if state and state.read else "N")
        title = escape_controls(title_text(row.title))
        lines.append(  # (every field came from a file: escaped)
            f"{flags} {escape_controls(f'{row.id}v{row.version}'):<22} {escape_controls(row.first_date):<10} "
            f"{escape_controls(row.category):<10} {_truncate(title, 90)}"
        )
    return "".join(line + "\n" for line in lines)


def stats_lines(store, index) -> list[str]:
    """The library part of ``stats``, from the index's columns and the state."""
    figures = index.stats()
    states = store.states()
    read = len(index.docs_of_ids(flagged_keys(states, "read")))
    starred = len(index.docs_of_ids(flagged_keys(states, "starred")))
    papers = figures["papers"]
    first, last = figures["first_date"], figures["last_date"]
    primary = sorted(figures["primary"].items(), key=lambda item: (-item[1], item[0]))[:10]
    return [
        f"papers:     {papers:,}",
        f"digests:    {_digests(store, index):,}",
        f"dates:      {first} .. {last}" if first else "dates:      none",
        f"read:       {read:,}",
        f"unread:     {papers - read:,}",
        f"starred:    {starred:,}",
        "per digest category (papers listed):",
        *(f"  {category:<16} {count:>8,}" for category, count in sorted(figures["listings"].items())),
        "top primary categories:",
        *(f"  {category:<16} {count:>8,}" for category, count in primary),
    ]


def _digests(store, index) -> int:
    """How many digest files the library holds: the index's manifest says (the library index if not)."""
    count = index.manifest.get("digests")
    return count if isinstance(count, int) else store.digest_count()
