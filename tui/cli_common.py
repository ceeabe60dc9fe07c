"""What the command line's subcommands share: their error, notices, the store, queries, ids."""

from __future__ import annotations

import sys
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .core.models import Paper, PaperState, split_arxiv_id
from .core.safetext import escape_controls

if TYPE_CHECKING:
    from .core.readinglist import Snapshot


class CommandError(Exception):
    """A user-facing error: printed as ``arxiv-reader: message`` with exit status
    ``status`` (1 unless said otherwise)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def _notice(message: str) -> None:
    """Say ``message`` on stderr as ``arxiv-reader: message`` (its control characters escaped)."""
    print(f"arxiv-reader: {escape_controls(message)}", file=sys.stderr)


def open_store(home: Path | None, read_only: bool = False):
    """Open the store at ``home`` (or the default); every notice it raises, now or
    later in the command, is printed to stderr as it comes. ``read_only`` (a
    command that only reads): no data folder is said, and none is made."""
    from .core.store import Store, default_home

    home = home or default_home()
    if read_only and _missing(home):
        raise CommandError(f"no library at {home}: import digests first (arxiv-reader import PATH)")
    store = Store(home)
    if store.unusable:  # (a file in its place...): this alone is the message
        raise CommandError(store.unusable)
    for message in store.messages:
        _notice(message)
    store.messages.subscribe(_notice)
    return store


def _missing(home: Path) -> bool:
    """Whether ``home`` is simply not there yet (not: a file stands in its way)."""
    if home.exists():
        return False
    parent = next((folder for folder in home.parents if folder.exists()), None)
    return parent is not None and parent.is_dir()


def filter_with_query(
    papers: Sequence[Paper],
    states: dict[str, PaperState],
    text: str,
    *,
    strict: bool = False,
    new_ids: Collection[str] = frozenset(),
    reading: Snapshot | None = None,
) -> list[Paper]:
    """Papers matching the query ``text``; warnings about ignored parts go to stderr.

    With ``strict`` a query that had to ignore anything is refused (exit status 2).
    ``new_ids``: the papers ``is:new`` finds (see :func:`new_ids_for`). ``reading``:
    the reading list (``@name``, tags, notes; the muted papers are left out and
    counted on stderr unless the query says ``is:muted``)."""
    if not text.strip() and not (reading and reading.mute_query):
        return list(papers)
    from .core.query import QueryEngine
    from .core.readinglist import Selector, Snapshot

    engine = QueryEngine(papers)
    engine.new_ids = frozenset(new_ids)
    selection = Selector(engine, reading or Snapshot(), states).select(text)
    found, warnings = [papers[i] for i in selection.indices], selection.warnings
    if warnings and strict:
        raise CommandError(
            f"query {text!r}: " + "; ".join(warnings) + ". Nothing written "
            "(fix the query or the saved search named, or add --lenient to export what the rest of it selects)",
            status=2,
        )
    for warning in warnings:
        print(f"arxiv-reader: query: {warning}", file=sys.stderr)
    if selection.hidden:
        _notice(f"{selection.hidden:,} muted paper(s) left out (the saved search 'mute'; is:muted finds them)")
    return found


def refuse_empty_query(text: str, outcome: str) -> None:
    """A query given (not blank) that has nothing left to search for once its incomplete parts
    are ignored (a lone ``"``, ``-`` or ``au:``): refused with exit status 2, never answered
    with every paper (``list -q '"' | wc -l`` would count the library). ``outcome`` says what
    was not done ("nothing listed")."""
    if not text.strip():
        return
    from .core.query import parse_query

    query = parse_query(text)
    if query.root is None:
        said = "; ".join(query.warnings)
        said = f"{said}, so it has nothing left to search for" if said else "nothing to search for"
        raise CommandError(
            f"query {text!r}: {said}; {outcome} "
            "(complete the query, or leave out --query for every paper)",
            status=2,
        )


def refuse_unusable_saved_search(text: str, reading: Snapshot, outcome: str) -> None:
    """A query with an ``@name`` that cannot be used (no saved search of that name, one that
    refers back to itself, too many in one query) matches nothing whatever the rest says:
    refused with exit status 2 like a query with nothing to search for (even with
    ``--lenient``), naming the saved searches there are. ``outcome`` says what was not done."""
    if "@" not in text:
        return
    from .core.query import parse_query
    from .core.query.nodes import NOTHING

    query = parse_query(text, reading.searches)
    if query.root is not NOTHING:  # (the parser's sign that an @name could not be used)
        return
    said = "; ".join(query.warnings)
    hint = _saved_searches_hint(text, reading, query.warnings)
    raise CommandError(f"query {text!r}: {said}; {outcome} ({hint})", status=2)


def _saved_searches_hint(text: str, reading: Snapshot, warnings: list[str], most: int = 12) -> str:
    """The saved searches there are (a few, the closest to a name in ``text`` that is none
    first), how to save one, or, when every name typed is saved and one refers back to
    itself, how to undo the loop (never "did you mean" the very name typed)."""
    import difflib
    import re
    import unicodedata

    names = sorted(reading.searches)
    if not names:
        return "there is no saved search yet: arxiv-reader search save NAME QUERY"
    typed = [unicodedata.normalize("NFC", name).casefold() for name in re.findall(r"@([^\s()\"]+)", text)]
    unknown = [name for name in typed if name not in reading.searches]
    if not unknown and any("refers back to itself" in warning for warning in warnings):
        return ("to break the loop, save one of the searches on it again with a query of its own: "
                "arxiv-reader search save NAME QUERY --force")
    close = [match for name in unknown for match in difflib.get_close_matches(name, names, n=2, cutoff=0.6)]
    close = list(dict.fromkeys(close))
    shown = [*close, *(name for name in names if name not in close)][:most]
    more = f" and {len(names) - len(shown):,} more" if len(names) > len(shown) else ""
    lead = f"did you mean @{close[0]}? " if close else ""
    listed = ", ".join("@" + name for name in shown)
    return f"{lead}the saved searches: {listed}{more}; arxiv-reader search list shows them"


def new_ids_for(store, text: str, saved: Collection[str] = ()) -> set[str]:
    """What ``is:new`` means for a query, by the reader's rule: the papers first imported
    after what the ended reader sessions loaded (every paper before any session ended;
    see :mod:`tui.core.store.readers`). Looked up only when the query or a saved search
    it may use (``saved``: their texts) asks."""
    from .core.query import parse_query

    if not any(parse_query(query).uses_new for query in (text, *saved)):
        return set()
    return store.new_paper_ids(store.new_baseline())


def resolve_ids(raw_ids: Sequence[str], known: set[str]) -> tuple[list[str], list[str]]:
    """Turn user-typed ids, ``arXiv:`` ids and abs/pdf URLs into library ids.

    Returns the library ids (without duplicates) and the raw ids that aren't
    one or aren't in the library.
    """
    resolved: list[str] = []
    unknown: list[str] = []
    for raw in raw_ids:
        found = split_arxiv_id(raw)
        if found is None or found[0] not in known:
            unknown.append(raw)
        else:
            resolved.append(found[0])
    return list(dict.fromkeys(resolved)), unknown


def refuse_unknown_ids(unknown: Sequence[str], applied: Sequence[str]) -> None:
    """Name the ids that are not in the library (exit 1), saying "nothing changed"
    when none was applied; nothing when every id was known."""
    if unknown:
        what = "not an arXiv id in the library: " + ", ".join(unknown)
        raise CommandError(what + ("" if applied else "; nothing changed"))


def reading_snapshot(store) -> Snapshot:
    """The reading list as it is now: tags, notes, saved searches (see :mod:`tui.cli_reading`)."""
    from .core.readinglist import ReadingList

    return ReadingList(store).snapshot()
