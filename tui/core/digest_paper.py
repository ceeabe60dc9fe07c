"""Build one :class:`Paper` from the raw pieces of a digest paper block."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from .digest_fields import clean_text, optional_value, pdf_url, split_categories, split_dois, unescape_entities
from .digest_problems import ProblemReporter
from .models import ARXIV_ID_RE, DigestRef, Paper

#: The usual Arxiv ID value, matched anchored (fast). When it matches,
#: ``ARXIV_ID_RE.search`` finds the same id and version: nothing before the id
#: can start a match (an old-style id would need ``abs/`` followed by seven
#: digits, and a new-style id has a dot after four).
_USUAL_ID_RE = re.compile(r"http://arxiv\.org/abs/(?P<id>\d{4}\.\d{4,5})(?:v(?P<version>\d+))?")

__all__ = ["FIELDS", "KNOWN_FIELDS", "build_paper"]

#: The year of arXiv's first paper: a Published or Updated date before it is impossible.
FIRST_ARXIV_YEAR = 1991
#: Every real Published and Updated value (``2022-01-31 00:39:37+00:00``): checked at the cost of
#: one match and a cached look-up of its day (the parser's speed matters at 200,000 papers).
_USUAL_DATE = re.compile(r"(\d{4}-\d\d-\d\d) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\+00:00")
#: How any other value must start to be read as a date at all.
_DATE_START = re.compile(r"\d{4}-\d\d-\d\d(?:$|[ T])")

#: The field names of a paper block, in their usual order.
FIELDS = (
    "Arxiv ID",
    "DOI",
    "Categories",
    "Links",
    "Published",
    "Updated",
    "Authors",
    "Comment",
    "Journal",
    "Summary",
)
KNOWN_FIELDS = frozenset(FIELDS)


def build_paper(
    title_parts: list[str],
    fields: dict[str, list[str]],
    field_lines: dict[str, int],
    start: int,
    last_line: int,
    ref: list[DigestRef],
    report: ProblemReporter,
    clean: bool = True,
) -> Paper | None:
    """Turn one block's raw pieces into a Paper, or None (reported) without an id.

    ``clean``: whether the text may hold control characters (False: the whole
    file has none, so cleaning each field would change nothing).
    """
    raw_id = fields.get("Arxiv ID")
    if raw_id is None:
        report(start, "paper block without an Arxiv ID: skipped")
        return None
    id_text = raw_id[0] if len(raw_id) == 1 else " ".join(raw_id)
    match = _USUAL_ID_RE.match(id_text) or ARXIV_ID_RE.search(id_text)
    if match is None:
        report(field_lines["Arxiv ID"], f"unrecognised Arxiv ID {id_text!r}: block skipped")
        return None
    version_text = match.group("version")
    if version_text is None:
        report(field_lines["Arxiv ID"], f"Arxiv ID {id_text!r} has no version: assuming v1")

    missing = [name for name in FIELDS if name not in fields] if len(fields) != len(FIELDS) else None
    if missing:  # (``fields`` holds only known names: all ten there, none is missing)
        report(start, f"paper {match.group('id')} lacks field(s) {', '.join(missing)}"
               f" (block ends at line {last_line})")

    def value(name: str) -> str:
        # Every field is cleaned here, once: control characters (ESC above all)
        # must never reach a terminal, whatever field they hide in.
        pieces = fields.get(name)
        if pieces is None:
            return ""
        text = pieces[0] if len(pieces) == 1 else " ".join(p for p in pieces if p)
        return clean_text(text) if clean else text

    title = " ".join(title_parts) if len(title_parts) > 1 else title_parts[0]
    if clean:
        title = clean_text(title)
    if not title:
        report(start, f"paper {match.group('id')} has an empty title")

    categories_text = value("Categories")
    if categories_text and categories_text != "None":
        primary, categories, classes = split_categories(categories_text)
    else:
        primary, categories, classes = "", [], []

    authors_text = value("Authors")
    authors = (
        list(filter(None, map(str.strip, authors_text.split(", "))))
        if authors_text and authors_text != "None"
        else []
    )
    comment = optional_value(value("Comment"))
    journal = optional_value(value("Journal"))
    summary = optional_value(value("Summary"))
    published = optional_value(value("Published"))
    updated = optional_value(value("Updated"))
    published_possible = published is None or _possible_date(published)
    # (a first version's Updated is its Published: checked once)
    updated_possible = published_possible if updated == published else updated is None or _possible_date(updated)
    if not published_possible:
        _impossible_date("Published", published, field_lines, match.group("id"), ref, report)
        published = None
    if not updated_possible:
        _impossible_date("Updated", updated, field_lines, match.group("id"), ref, report)
        updated = None
    return Paper(
        id=match.group("id"),
        version=int(version_text) if version_text else 1,
        title=title,
        authors=authors,
        primary_category=primary,
        categories=categories,
        classes=classes,
        dois=split_dois(value("DOI")) if "DOI" in fields else [],
        published=published,
        updated=updated,
        comment=comment,
        journal_ref=journal,
        summary=unescape_entities(summary) if summary else "",
        digests=list(ref),
        pdf_url=pdf_url(value("Links")),
    )


def _possible_date(text: str) -> bool:
    """Whether a Published or Updated value is a date that can be (not ``2023-02-30``, month 13,
    hour 25, before arXiv began, garbled)."""
    usual = _USUAL_DATE.fullmatch(text)
    if usual is not None:
        return _possible_day(usual[1])
    try:
        return _DATE_START.match(text) is not None and datetime.fromisoformat(text).year >= FIRST_ARXIV_YEAR
    except ValueError:
        return False


@lru_cache(maxsize=8192)
def _possible_day(day: str) -> bool:
    """Whether ``YYYY-MM-DD`` is a day of the calendar since arXiv began."""
    try:
        return date.fromisoformat(day).year >= FIRST_ARXIV_YEAR
    except ValueError:
        return False


def _impossible_date(
    name: str,
    text: str | None,
    field_lines: dict[str, int],
    paper_id: str,
    ref: list[DigestRef],
    report: ProblemReporter,
) -> None:
    """Say that the ``name`` field (Published, Updated) holds an impossible date, with its line:
    it is left out and the paper imported without it (a paper is then dated by its digest)."""
    text = text or ""
    shown = repr(text if len(text) <= 60 else text[:60] + "…")
    dated = ""
    if name == "Published":
        dated = f"; the paper is dated by its digest ({ref[0].date})" if ref else "; the paper is dated by its digest"
    report(field_lines.get(name, 0), f"paper {paper_id}: impossible {name} date {shown} left out{dated}")
