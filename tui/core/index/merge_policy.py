"""When the index merges segments: the policy :func:`~.directory.add_segment` follows after
each import (which adjacent run of segments to merge next), kept apart from the writers."""

from __future__ import annotations

from typing import Any

#: Segments merge :data:`FANOUT` at a time: adjacent ones whose live sizes lie within a factor
#: of FANOUT of each other (real days of 33 to 157 papers do; tiers with fixed bounds, as
#: before, let days straddling a bound never merge), the run with the fewest papers first;
#: and, whatever their sizes, the cheapest run while more than :data:`MAX_SEGMENTS` are left.
#: A year of daily imports keeps about 15 segments; most merges are of a few hundred papers.
FANOUT = 8
MAX_SEGMENTS = 24


def live(entry: dict[str, Any]) -> int:
    """A manifest entry's live documents (not deleted)."""
    return int(entry["docs"]) - len(entry["deleted"])


def merge_run(lives: list[int]) -> tuple[int, int] | None:
    """The adjacent run ``[start, stop)`` of segments (their live sizes, newest first) to merge next, or None."""
    runs = [(sum(lives[i : i + FANOUT]), i) for i in range(len(lives) - FANOUT + 1)]
    alike = [(total, i) for total, i in runs if _alike(lives[i : i + FANOUT])]
    if alike:
        start = min(alike)[1]
    elif len(lives) > MAX_SEGMENTS:
        start = min(runs)[1]
    else:
        return None
    return start, start + FANOUT


def _alike(lives: list[int]) -> bool:
    return max(lives) <= FANOUT * max(1, min(lives))
