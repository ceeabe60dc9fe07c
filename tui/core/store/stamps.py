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

import re
from datetime import datetime, timedelta, timezone

STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
#: How far ahead of this machine's clock a stamp may be and still apply now.
MAX_AHEAD = timedelta(days=1)
_ONE = timedelta(microseconds=1)

_STAMP = (
    r"(?:19[7-9][0-9]|[2-9][0-9]{3})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{6}Z"
)
_ONE_STAMP = re.compile(_STAMP)
#: Many stamps joined by newlines, checked in one pass (200,000 in a few milliseconds).
_STAMP_LINES = re.compile(f"(?:{_STAMP}\n)*")
#: Days the pattern lets through that a month may not have.
_ODD_DAY = re.compile(r"-(?:02-(?:29|30|31)|(?:04|06|09|11)-31)T")


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


def valid_stamp(text: object) -> bool:
    """Whether ``text`` is a stamp: the exact format, a real date and time from 1970 on."""
    if type(text) is not str or len(text) != 27 or _ONE_STAMP.fullmatch(text) is None:
        return False
    if _ODD_DAY.search(text) is None:
        return True
    try:
        datetime.strptime(text, STAMP_FORMAT)
    except ValueError:  # 30 February, 31 April...
        return False
    return True


def all_valid_stamps(stamps: tuple[object, ...] | list[object]) -> bool:
    """Whether every item is a valid stamp; fast for many (one regular expression pass)."""
    if not set(map(type, stamps)) <= {str} or not set(map(len, stamps)) <= {27}:
        return False  # (fixed length: no item can hide a newline and pass as two)
    joined = "\n".join(stamps)  # type: ignore[arg-type]
    if _STAMP_LINES.fullmatch(joined + "\n" if stamps else "") is None:
        return False
    if _ODD_DAY.search(joined) is None:
        return True
    return all(valid_stamp(stamp) for stamp in stamps)
