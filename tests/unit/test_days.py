"""The day index: day filter, stepping between days and day groups, against plain scans."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tui.core.days import DayIndex, day_label, paper_day
from tui.core.library import Library
from tui.core.query import parse_query
from tui.core.results import arrange
from tui.core.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Library:
    store = Store(tmp_path_factory.mktemp("home"))
    store.import_paths([DATA / "cs.IR" / "2026" / "07", DATA / "cs.CL" / "2026" / "07", DATA / "cs.CV" / "2025"])
    return Library(store.load_papers())


def naive_days(library: Library, found: list[int]) -> list[str]:
    """The days of ``found`` (ascending), newest first, each once."""
    return list(dict.fromkeys(paper_day(library.papers[i]) for i in found))


def test_each_day_is_one_range_newest_first(library: Library):
    days = library.days
    assert days.days == sorted(set(days.days), reverse=True)
    assert days.latest == "2026-07-27"
    for k, day in enumerate(days.days):
        block = library.papers[days.starts[k] : days.starts[k + 1]]
        assert block and all(paper_day(paper) == day for paper in block)
    assert days.starts[-1] == len(library)


def test_within_step_and_groups_agree_with_a_scan(library: Library):
    days = library.days
    rng = random.Random(9)
    everything = list(range(len(library)))
    for trial in range(200):
        found = sorted(rng.sample(everything, rng.randint(0, 40))) if trial else everything
        present = naive_days(library, found)
        for day in days.days + ["2026-07-26", "2024-01-01", "2030-01-01"]:  # with and without papers
            assert days.within(found, day) == [i for i in found if paper_day(library.papers[i]) == day]
            older = [d for d in present if d < day]
            newer = [d for d in present if d > day]
            assert days.step(found, day, older=True) == (older[0] if older else None), (trial, day)
            assert days.step(found, day, older=False) == (newer[-1] if newer else None), (trial, day)
        groups = days.groups(found)
        assert [days.days[k] for k, _ in groups] == present
        for (k, start), end in zip(groups, [position for _, position in groups[1:]] + [len(found)]):
            assert all(paper_day(library.papers[i]) == days.days[k] for i in found[start:end])


def test_a_library_out_of_order_is_sorted_by_day(library: Library):
    shuffled = list(library.papers)
    random.Random(3).shuffle(shuffled)
    again = Library(shuffled)
    assert DayIndex.is_sorted(again.papers)
    assert again.days.days == library.days.days


def test_arrange_filters_a_day_and_groups_by_day(library: Library):
    everything = library.match(parse_query(""), "all", {})
    grouped = arrange(library, everything, query=None, view="all", sort="date", day=None, keep=None)
    assert [grouped.day_name(g) for g in range(len(grouped.groups))] == library.days.days
    one_day = arrange(library, everything, query=None, view="all", sort="title", day="2026-07-25", keep=None)
    assert one_day.groups is None  # a day alone needs no header; and only by date
    assert {paper_day(p) for p in one_day.papers} == {"2026-07-25"}
    titles = [p.title.casefold() for p in one_day.papers]
    assert titles == sorted(titles)
    # The kept paper when it is there, else the first row.
    kept = one_day.papers[3]
    again = arrange(library, everything, query=None, view="all", sort="date", day="2026-07-25", keep=kept.id)
    assert again.papers[again.cursor] is kept
    gone = arrange(library, everything, query=None, view="all", sort="date", day="2026-07-18", keep=kept.id)
    assert gone.cursor == 0


def test_date_latest_is_the_newest_digest_day(library: Library):
    latest = library.match(parse_query("date:latest"), "all", {})
    assert latest and all("2026-07-27" in {ref.date for ref in library.papers[i].digests}
                          or (library.papers[i].published or "").startswith("2026-07-27") for i in latest)
    assert set(library.days.within(list(range(len(library))), "2026-07-27")) <= set(latest)
    assert not parse_query("date:latest").warnings


def test_day_label():
    assert day_label("2026-07-24") == "Fri 2026-07-24"
    assert day_label("") == "no date"
    assert day_label("garbage") == "garbage"
