"""Change stamps: UTC times to the microsecond that order changes across devices.

A stamp is ``YYYY-MM-DDTHH:MM:SS.ffffffZ``: fixed width, so stamps compare as
strings, and an ISO time, so it serves as ``PaperState.read_at`` as it is. A
stamp read from a file must be exactly that: a real date and time, from 1970
(what a machine without a clock battery shows) on. Anything else makes its
change damaged (skipped and said, like a line that is not JSON).

A new change is stamped with the current time, but never at or below a stamp
it follows (:func:`stamp_after`): the last change this device saved, and the
change it replaces, even if that came from a device whose clock runs ahead.
So a change made after seeing another one always wins over it (a hybrid
logical clock), and clock skew between machines cannot make an un-star lose
to the star it undid.

**Far-future stamps.** A clock set years ahead (or a tampered file) must not
take a key hostage nor drag every later stamp with it: a change stamped more
than :data:`MAX_AHEAD` after this machine's clock (:func:`horizon`) is *held*:
not applied, and never a floor for new stamps, until its time comes. Every
reader with a correct clock holds the same changes, so they still agree. The
device that wrote them re-stamps them with the current time once its clock is
right again (see :mod:`.staterepair`), so no act of its user is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from operator import itemgetter
from typing import Any

STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
#: How far ahead of this machine's clock a stamp may be and still apply now.
MAX_AHEAD = timedelta(days=1)
_ONE = timedelta(microseconds=1)

_DIGITS = str.maketrans("0123456789", "0000000000")
_SHAPE = "0000-00-00T00:00:00.000000Z\n"
_DATE: Callable[[Any], str] = itemgetter(slice(0, 10))  # a stamp's date


def stamp_now() -> str:
    """The current time as a stamp."""
    return datetime.now(timezone.utc).strftime(STAMP_FORMAT)


def horizon(now: str | None = None) -> str:
    """The greatest stamp applied now: :data:`MAX_AHEAD` after ``now`` (the current time)."""
    moment = datetime.now(timezone.utc) if now is None else datetime.strptime(now, STAMP_FORMAT)
    return (moment + MAX_AHEAD).strftime(STAMP_FORMAT)


def stamp_after(*floors: str) -> str:
    """The current time, or just after the greatest of ``floors`` when that is not earlier.

    Floors are valid stamps within the horizon (held changes never are floors),
    so this never runs past the calendar.
    """
    now = stamp_now()
    floor = max(floors, default="")
    if now > floor:
        return now
    try:
        return (datetime.strptime(floor, STAMP_FORMAT) + _ONE).strftime(STAMP_FORMAT)
    except (ValueError, OverflowError):  # not a stamp: never let it stall our clock
        return now


@lru_cache(maxsize=4096)
def _valid_date(text: str) -> bool:
    try:
        return date.fromisoformat(text).year >= 1970  # (31 April fails here)
    except ValueError:
        return False


#: The hours a stamp may have, as (tens, units) digits.
_HOURS = {(str(h // 10), str(h % 10)) for h in range(24)}


def all_valid_stamps(stamps: tuple[object, ...] | list[object]) -> bool:
    """Whether every item is a stamp: the exact format, a real date and time from 1970 on.

    Fast for many (200,000 in about 30 ms): the shape of all of them at once
    (digits where digits go), the times' digits column by column, then each
    distinct date.
    """
    try:
        joined = "\n".join(stamps) + "\n" if stamps else ""  # type: ignore[arg-type]
    except TypeError:  # not all text
        return False
    if joined.translate(_DIGITS) != _SHAPE * len(stamps):  # (so no item hides a newline either)
        return False
    hours = joined[11::28]  # (every stamp is 27 characters and a newline)
    if max(joined[14::28], default="0") > "5" or max(joined[17::28], default="0") > "5":
        return False  # minutes or seconds past 59
    if max(hours, default="0") > "1" and not set(zip(hours, joined[12::28])) <= _HOURS:
        return False
    return all(map(_valid_date, set(map(_DATE, stamps))))


def valid_stamp(text: object) -> bool:
    """Whether ``text`` is a stamp (see :func:`all_valid_stamps`)."""
    return type(text) is str and all_valid_stamps((text,))
