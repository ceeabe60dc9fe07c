"""Segments merge with real day sizes: a year of daily imports keeps a few dozen segments at most
(the review of issue 12 found 32 segments after 31 real days and no merge: the fixed tier bound
of 64 papers sat inside the range of real days, 33 to 157 papers)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tui.core.index import add_segment, build_index, open_index, read_manifest
from tui.core.index.merge_policy import MAX_SEGMENTS, merge_run
from tui.core.models import DigestRef

from test_index import load_papers

#: Papers per day of the real cs.CV digests of 2026-07 (../shared/digests), in order.
REAL_DAYS = [151, 157, 103, 59, 58, 132, 114, 81, 85, 91, 45, 46, 114, 104, 101, 103, 87, 44, 33, 98, 89, 84, 104,
             77, 36, 46, 106, 100, 86, 134, 102]


def simulate(days: list[int], first: int = 0) -> list[int]:
    """Live sizes of the segments (newest first) after importing ``days`` one a day, as add_segment merges."""
    segments = [first] if first else []
    for size in days:
        segments.insert(0, size)
        while (run := merge_run(segments)) is not None:
            segments[run[0] : run[1]] = [sum(segments[run[0] : run[1]])]
    return segments


@pytest.mark.parametrize("first", [0, 200_000])
@pytest.mark.parametrize("years", [1, 5])
def test_years_of_real_days_keep_a_few_dozen_segments(first: int, years: int) -> None:
    segments = simulate([REAL_DAYS[d % len(REAL_DAYS)] for d in range(365 * years)], first)
    assert len(segments) <= 20, segments
    assert sum(segments) == first + sum(REAL_DAYS[d % len(REAL_DAYS)] for d in range(365 * years))
    if first:
        assert segments[-1] == first  # a big first import is not rewritten for small days


def test_days_of_any_sizes_stay_under_the_cap() -> None:
    """Sizes too far apart to merge by likeness (one paper, then thousands): the cap still holds."""
    segments = simulate([1, 5000, 2, 3000, 10, 400] * 200)
    assert len(segments) <= MAX_SEGMENTS


def test_a_year_of_daily_imports_through_add_segment(tmp_path) -> None:
    """365 imports of days of the real sizes (papers made from real ones, new ids and dates)
    through add_segment itself: the old tiers kept all 365 segments."""
    real = load_papers()
    directory = tmp_path / "index"
    build_index(directory, [], source="s0")
    day0 = date(2025, 1, 1)
    made = 0
    for d in range(365):
        when = (day0 + timedelta(days=d)).isoformat()
        count = REAL_DAYS[d % len(REAL_DAYS)]
        papers = [replace(real[(made + i) % len(real)], id=f"{2501 + d // 100}.{made + i:05d}",
                          digests=[DigestRef("cs.CV", when)]) for i in range(count)]
        made += count
        add_segment(directory, papers, f"s{d + 1}", expect_source=f"s{d}")
    segments = read_manifest(directory)["segments"]
    assert 2 <= len(segments) <= 20, [s["docs"] for s in segments]
    index = open_index(directory)
    try:
        assert len(index) == made
        ids = [index.paper_id(doc) for doc in index.all_docs().tolist()]
        assert len(set(ids)) == made and ids[0].endswith(f"{made - 1:05d}")  # newest first, none lost
    finally:
        index.close()
