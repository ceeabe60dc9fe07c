"""A paper block's Published and Updated values: kept when they are dates that can be,
else said (file and line) and left out, the paper then dated by its digest."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

from .digest_problems import ProblemReporter
from .models import DigestRef

__all__ = [
    "FIRST_ARXIV_YEAR", "LATER_MARGIN", "PUBLISHED_MARGIN", "USUAL_DATE", "checked_date", "latest_days", "possible_day",
]

#: The year of arXiv's first paper: a Published or Updated date before it is impossible.
FIRST_ARXIV_YEAR = 1991
#: Published is the first version's date, and a digest lists a paper once it is out: a Published
#: day after the digest's own day (by more than time zones can explain) cannot be. In every real
#: digest the two are the same day.
PUBLISHED_MARGIN = timedelta(days=2)
#: Updated may be years after the digest's day (archives of digests are written later), so it only
#: cannot be more than this after both the digest's day and today (a clock a little behind the
#: digests must not reject them); nor can Published, when the digest's day is unknown.
LATER_MARGIN = timedelta(days=366)
#: Every real Published and Updated value (``2022-01-31 00:39:37+00:00``): checked at the cost of
#: one match and a cached look-up of its day (the parser's speed matters at 200,000 papers).
USUAL_DATE = re.compile(r"(\d{4}-\d\d-\d\d) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\+00:00")
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
    latest: str,
) -> str | None:
    """The ``name`` field's date (Published, Updated; ``text`` its value) in the usual form
    (``2022-01-31 00:39:37+00:00``: UTC, to the second), or None.

    None when the block has no such line (said with the block's other missing fields), and
    when the line is empty, says ``None`` or holds a date that cannot be (``latest``: the last
    day it can be, from :func:`latest_days`): these are said here, at the line.
    """
    if name not in fields:
        return None
    why = ""
    if text and text != "None":
        written, why = _read_date(text, latest)
        if written is not None:
            return written
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
        report(line, f"paper {paper_id}: impossible {name} date {shown} left out{why}{dated}")
    return None


def latest_days(digest_day: str | None) -> tuple[str, str]:
    """The last days (``YYYY-MM-DD``) a Published and an Updated date can be in a digest of
    ``digest_day`` (None: unknown): see :data:`PUBLISHED_MARGIN` and :data:`LATER_MARGIN`."""
    return _latest_days(digest_day, int(time.time() // 86400))


@lru_cache(maxsize=256)
def _latest_days(digest_day: str | None, today_number: int) -> tuple[str, str]:
    today = date(1970, 1, 1) + timedelta(days=today_number)
    try:
        day = date.fromisoformat(digest_day) if digest_day else None
    except ValueError:
        day = None
    try:
        updated = (max(day, today) if day else today) + LATER_MARGIN
        published = day + PUBLISHED_MARGIN if day else updated
    except OverflowError:  # (a digest of year 9999)
        return date.max.isoformat(), date.max.isoformat()
    return published.isoformat(), updated.isoformat()


def _read_date(text: str, latest: str) -> tuple[str | None, str]:
    """A Published or Updated value in the usual form and ``""``; or None and why it cannot be
    (``""``: not a day of the calendar since arXiv began, garbled, hour 25...; else said)."""
    usual = USUAL_DATE.fullmatch(text)
    written: str | None
    if usual is not None:
        day, written = usual[1], text
    else:
        written = _usual_form(text)
        if written is None:
            return None, ""
        day = written[:10]
    if not possible_day(day):
        return None, ""
    if day > latest:
        return None, f" (later than {latest}, the last day it can be)"
    return written, ""


def _usual_form(text: str) -> str | None:
    """A date in another ISO 8601 form (``2022-01-31T00:39:37Z``, another zone, no zone: taken
    as UTC, no time: midnight) written the usual way, in UTC to the second; None if it is none."""
    if _DATE_START.match(text) is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
        moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None
    return moment.isoformat(" ", "seconds")


@lru_cache(maxsize=8192)
def possible_day(day: str) -> bool:
    """Whether ``YYYY-MM-DD`` is a day of the calendar since arXiv began."""
    try:
        return date.fromisoformat(day).year >= FIRST_ARXIV_YEAR
    except ValueError:
        return False
