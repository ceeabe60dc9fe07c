"""A paper block's Published and Updated values: kept when they are dates that can be,
else said (file and line) and left out, the paper then dated by its digest."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from .digest_problems import ProblemReporter
from .models import DigestRef

__all__ = ["FIRST_ARXIV_YEAR", "checked_date"]

#: The year of arXiv's first paper: a Published or Updated date before it is impossible.
FIRST_ARXIV_YEAR = 1991
#: Every real Published and Updated value (``2022-01-31 00:39:37+00:00``): checked at the cost of
#: one match and a cached look-up of its day (the parser's speed matters at 200,000 papers).
_USUAL_DATE = re.compile(r"(\d{4}-\d\d-\d\d) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\+00:00")
#: How any other value must start to be read as a date at all.
_DATE_START = re.compile(r"\d{4}-\d\d-\d\d(?:$|[ T])")


def checked_date(
    name: str,
    fields: dict[str, list[str]],
    text: str,
    field_lines: dict[str, int],
    paper_id: str,
    ref: list[DigestRef],
    report: ProblemReporter,
) -> str | None:
    """The ``name`` field's date (Published, Updated; ``text`` its value), or None.

    None when the block has no such line (said with the block's other missing fields), and
    when the line is empty, says ``None`` or holds a date that cannot be: these are said here,
    at the line.
    """
    if name not in fields:
        return None
    if text and text != "None" and _possible_date(text):
        return text
    line = field_lines.get(name, 0)
    dated = ""
    if name == "Published":
        dated = f"; the paper is dated by its digest ({ref[0].date})" if ref else "; the paper is dated by its digest"
    if not text:
        report(line, f"paper {paper_id}: no {name} date (the line is empty){dated}")
    elif text == "None":
        report(line, f"paper {paper_id}: no {name} date (the line says 'None'){dated}")
    else:
        shown = repr(text if len(text) <= 60 else text[:60] + "…")
        report(line, f"paper {paper_id}: impossible {name} date {shown} left out{dated}")
    return None


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
