"""The reader's library read through the search index answers as the library loaded whole does.

Real digests imported a few at a time (several segments, superseded documents:
ids with gaps), then every question the main screen asks compared between
:class:`IndexedLibrary` and :class:`Library` on the same store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.indexed_library import IndexedLibrary
from tui.core.library_open import open_library
from tui.core.library import Library
from tui.core.models import PaperState
from tui.core.positions import Positions
from tui.core.query import parse_query
from tui.core.readinglist import UserSets
from tui.core.readinglist.model import Snapshot
from tui.core.results import arrange
from tui.core.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
QUERIES = [
    "", "a", "seg", "retrieval", "au:wang", "au:li OR ti:graph", "abs:contrastive", "any:lang", "-is:read",
    "is:starred", "is:unread", "is:new", "cat:cs.CL", "cat:cs", "date:latest", "date:2026-07", "id:2607.1",
    '"language model"', 'abs:"large language"', "tag:ml", "has:note", "-tag:ml retrieval", "note:good",
]


@pytest.fixture(scope="module")
def store(segmented_store: Store) -> Store:
    """A store whose index has several segments and superseded documents."""
    return segmented_store


@pytest.fixture(scope="module")
def libraries(store: Store):
    library, pending = open_library(store, None)
    assert isinstance(library, IndexedLibrary) and not pending
    return library, Library(store.load_papers(), new_ids=None)


def states_for(ids: list[str]) -> dict[str, PaperState]:
    states = {i: PaperState(i, read=True) for i in ids[::3]}
    states.update({i: PaperState(i, starred=True, read=i in states) for i in ids[1::4]})
    return states


def test_the_index_has_gaps_the_positions_do_not(libraries) -> None:
    indexed, whole = libraries
    assert len(indexed.index.segments) > 1 and not indexed._dense
    assert len(indexed) == len(whole)
    assert indexed.ids(range(len(indexed))) == [p.id for p in whole.papers]
    assert indexed.papers[3] == whole.papers[3] and indexed.papers[-1] == whole.papers[-1]
    assert indexed.days.latest == "2026-07-31"
    assert indexed.days.days == whole.days.days and indexed.days.starts == whole.days.starts
    paper = whole.papers[17]
    assert indexed.by_id[paper.id] == 17 and indexed.paper(paper.id) == paper
    assert indexed.by_id.get("9999.99999") is None and "9999.99999" not in indexed.by_id


@pytest.mark.parametrize("text", QUERIES)
def test_every_view_sort_and_day_answers_the_same(libraries, text: str) -> None:
    indexed, whole = libraries
    ids = [p.id for p in whole.papers]
    states = states_for(ids)
    snapshot = Snapshot(tags={"ml": frozenset(ids[::5])}, notes={ids[2]: "a good read", ids[9]: "good"})
    sets = UserSets(snapshot)
    query = parse_query(text)
    for view in ("all", "unread", "starred", "new"):
        found = indexed.match(query, view, states, sets=sets)
        expected = whole.match(query, view, states, sets=sets)
        assert isinstance(found, Positions)
        assert list(found) == expected, (text, view)
        assert indexed.counts(found, states) == whole.counts(expected, states)
        assert indexed.count_new(found) == whole.count_new(expected)
        for sort in ("date", "title", "category"):
            assert list(indexed.order(found, sort)) == whole.order(expected, sort), (text, view, sort)
    found = indexed.match(query, "all", states, sets=sets)
    expected = whole.match(query, "all", states, sets=sets)
    assert indexed.days.groups(found) == whole.days.groups(expected)
    for day in whole.days.days[:4]:
        assert list(indexed.days.within(found, day)) == whole.days.within(expected, day)
        for older in (True, False):
            assert indexed.days.step(found, day, older) == whole.days.step(expected, day, older)


def test_results_over_the_index_are_the_same_rows(libraries) -> None:
    indexed, whole = libraries
    states = states_for([p.id for p in whole.papers])
    query = parse_query("a")
    keep = whole.papers[40].id
    for sort in ("date", "title"):
        for day in (None, whole.days.days[1]):
            ours = arrange(indexed, indexed.match(query, "all", states), query=query, view="all", sort=sort,
                           day=day, keep=keep)
            theirs = arrange(whole, whole.match(query, "all", states), query=query, view="all", sort=sort,
                             day=day, keep=keep)
            assert ours.cursor == theirs.cursor and ours.groups == theirs.groups
            assert list(ours.papers) == list(theirs.papers)
            assert ours.paper_ids() == [p.id for p in theirs.papers]
            assert ours.counts(states) == theirs.counts(states)
            assert ours.position_of(keep) == theirs.position_of(keep)
            if ours.groups:
                end = ours.groups[1][1] if len(ours.groups) > 1 else len(ours)
                assert ours.day_counts(0, end, states) == theirs.day_counts(0, end, states)


def test_state_changes_are_seen_by_the_searches(libraries) -> None:
    indexed, whole = libraries
    ids = [p.id for p in whole.papers]
    states = states_for(ids)
    before = list(indexed.match(parse_query("is:read"), "all", states))
    states[ids[1]] = PaperState(ids[1], read=True)
    indexed.update_states(states, [ids[1]])
    whole.update_states(states, [ids[1]])
    after = list(indexed.match(parse_query("is:read"), "all", states))
    assert after == whole.match(parse_query("is:read"), "all", states) and len(after) == len(before) + 1
    assert indexed.starred(states) == whole.starred(states)


def test_new_papers_follow_the_baseline(store: Store) -> None:
    reading = store.begin_reading(store.current_index())
    library, _ = open_library(store, reading.baseline)
    whole = Library(store.load_papers(), new_ids=store.new_paper_ids(reading.baseline)
                    if reading.baseline is not None else None)
    assert library.all_new == whole.all_new
    assert set(library.new_ids) == set(whole.new_ids)
    store.end_reading(reading)


def test_a_snapshot_of_the_states_leaves_the_screens_cache_alone(libraries) -> None:
    """The sidebar counts in a worker on a copy of the states: searching it must not replace
    the screen's cached read set (recomputing it costs 0.2 s at 200,000 states)."""
    indexed, whole = libraries
    ids = [p.id for p in whole.papers]
    states = states_for(ids)
    read, _ = indexed.state_indices(states)
    snapshot = dict(states)
    snapshot[ids[2]] = PaperState(ids[2], read=not (ids[2] in states and states[ids[2]].read))
    query = parse_query("is:read")
    assert list(indexed.engine.search(query, snapshot)) == whole.engine.search(query, snapshot)
    assert indexed.state_indices(states)[0] is read  # still the cached one
    assert list(indexed.match(query, "all", states)) == whole.match(query, "all", states)
