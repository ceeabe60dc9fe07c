"""Change stamps: UTC times to the microsecond that order changes across devices.

A stamp is ``YYYY-MM-DDTHH:MM:SS.ffffffZ``: fixed width, so stamps compare as
strings, and an ISO time, so it serves as ``PaperState.read_at`` as it is.

A new change is stamped with the current time, but never at or below a stamp
it follows (:func:`stamp_after`): the last change this device saved, and the
change it replaces, even if that came from a device whose clock runs ahead.
So a change made after seeing another one always wins over it (a hybrid
logical clock), and clock skew between machines cannot make an un-star lose
to the star it undid.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_ONE = timedelta(microseconds=1)


def stamp_now() -> str:
    """The current time as a stamp."""
    return datetime.now(timezone.utc).strftime(STAMP_FORMAT)


def stamp_after(*floors: str) -> str:
    """The current time, or just after the greatest of ``floors`` when that is not earlier."""
    now = stamp_now()
    floor = max(floors, default="")
    if now > floor:
        return now
    try:
        moment = datetime.strptime(floor, STAMP_FORMAT)
    except ValueError:  # a malformed stamp from elsewhere: don't let it stall our clock
        return now
    return (moment + _ONE).strftime(STAMP_FORMAT)
