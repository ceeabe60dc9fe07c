"""Build one :class:`Paper` from the raw pieces of a digest paper block."""

from __future__ import annotations

import re

from .digest_dates import USUAL_DATE, checked_date, latest_days, possible_day
from .digest_fields import clean_text, optional_value, pdf_url, split_categories, split_dois, unescape_entities
from .digest_problems import ProblemReporter
from .models import ARXIV_ID_RE, DigestRef, Paper

#: The usual Arxiv ID value, matched anchored (fast). When it matches,
#: ``ARXIV_ID_RE.search`` finds the same id and version: nothing before the id
#: can start a match (an old-style id would need ``abs/`` followed by seven
#: digits, and a new-style id has a dot after four).
_USUAL_ID_RE = re.compile(r"http://arxiv\.org/abs/(?P<id>\d{4}\.\d{4,5})(?:v(?P<version>\d+))?")

__all__ = ["FIELDS", "KNOWN_FIELDS", "build_paper"]

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
    latest: tuple[str, str] | None = None,
) -> Paper | None:
    """Turn one block's raw pieces into a Paper, or None (reported) without an id.

    ``clean``: whether the text may hold control characters (False: the whole
    file has none, so cleaning each field would change nothing). ``latest``: the
    last days a Published and an Updated date can be (:func:`.digest_dates.latest_days`
    of the digest's day: the parser finds them once per file).
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
    paper_id = match.group("id")
    latest_published, latest_updated = latest or latest_days(ref[0].date if ref else None)
    published_text = value("Published")
    usual = USUAL_DATE.fullmatch(published_text)  # (the usual date checked here: it is nearly every one)
    published: str | None
    if usual is not None and usual[1] <= latest_published and possible_day(usual[1]):
        published = published_text
    else:
        published = checked_date("Published", fields, published_text, field_lines, paper_id, ref, report,
                                 latest_published)
    updated_text = value("Updated")
    updated: str | None
    if published is not None and updated_text == published_text:
        updated = published  # (a first version's Updated is its Published: checked once)
    else:
        usual = USUAL_DATE.fullmatch(updated_text)
        if (usual is not None and usual[1] <= latest_updated and possible_day(usual[1])
                and (published is None or updated_text >= published)):
            updated = updated_text
        else:
            updated = checked_date("Updated", fields, updated_text, field_lines, paper_id, ref, report,
                                   latest_updated)
            if updated is not None and published is not None and updated < published:
                # Published is the one checked against the digest's day: it is kept.
                report(field_lines["Updated"], f"paper {paper_id}: Updated date {updated!r} is earlier than"
                       f" its Published date {published!r}: Updated left out")
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

