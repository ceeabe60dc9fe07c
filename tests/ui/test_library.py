"""The main screen's library helper: views, sorts and counts on real digests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.models import PaperState
from tui.core.query import parse_query
from tui.core.store import Store
from tui.screens.copying import copy_targets
from tui.core import library as library_module
from tui.core.library import Library

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Library:
    store = Store(tmp_path_factory.mktemp("home"))
    store.import_paths([DATA / "cs.IR" / "2026" / "07", DATA / "cs.CL" / "2026" / "07"])
    return Library(store.load_papers())


def states_for(library: Library, read: range, starred: range) -> dict[str, PaperState]:
    states: dict[str, PaperState] = {}
    for i in read:
        states[library.papers[i].id] = PaperState(library.papers[i].id, read=True)
    for i in starred:
        paper_id = library.papers[i].id
        states[paper_id] = PaperState(paper_id, read=paper_id in states, starred=True)
    return states


def test_views(library: Library):
    states = states_for(library, range(0, 10), range(5, 8))
    empty = parse_query("")
    assert len(library.search(empty, "all", "date", states)) == 194
    unread = library.search(empty, "unread", "date", states)
    assert len(unread) == 184 and unread[0] == 10
    assert library.search(empty, "starred", "date", states) == [5, 6, 7]


def test_sorts_keep_the_query(library: Library):
    query = parse_query("cat:cs.IR")
    by_date = library.search(query, "all", "date", {})
    by_title = library.search(query, "all", "title", {})
    assert sorted(by_date) == sorted(by_title) and len(by_date) == 27
    titles = [library.papers[i].title.casefold() for i in by_title]
    assert titles == sorted(titles)
    by_cat = library.search(query, "all", "category", {})
    cats = [library.papers[i].primary_category for i in by_cat]
    assert cats == sorted(cats)
    # Within one category the newest digest stays first (stable sort).
    ir = [library.papers[i].first_digest_date for i in by_cat if library.papers[i].primary_category == "cs.IR"]
    assert ir == sorted(ir, reverse=True)


def test_counts_match_a_plain_count(library: Library):
    states = states_for(library, range(0, 50, 3), range(0, 40, 7))
    for found in (list(range(194)), list(range(20, 90)), [], [3]):
        unread = sum(1 for i in found if not (s := states.get(library.papers[i].id)) or not s.read)
        starred = sum(1 for i in found if (s := states.get(library.papers[i].id)) and s.starred)
        assert library.counts(found, states) == (unread, starred)
        assert library.counts(found, states, ascending=True) == (unread, starred)
        assert library.counts(found[::-1], states) == (unread, starred)
    assert [p.id for p in library.take([3, 1])] == [library.papers[3].id, library.papers[1].id]
    assert library.take([]) == [] and len(library.take([5])) == 1


def test_state_counts_follow_in_place_changes_after_forget(library: Library):
    states = states_for(library, range(0, 10), range(0))
    assert library.counts(list(range(194)), states) == (184, 0)
    # Changed in place, same size: the cache must be told.
    states[library.papers[0].id] = PaperState(library.papers[0].id, read=False, starred=True)
    library.forget_states()
    assert library.counts(list(range(194)), states) == (185, 1)
    assert library.in_view("unread", states)[:2] == [0, 10]
    assert library.in_view("starred", states) == [0]


def test_view_is_a_sequence_of_the_found_papers(library: Library):
    found = [7, 2, 150]
    view = library.view(found)
    assert len(view) == 3 and view[0] is library.papers[7] and view[-1] is library.papers[150]
    assert list(view) == library.take(found) and view == library.take(found)
    assert view[1:] == [library.papers[2], library.papers[150]]
    assert not library.view([]) and list(library.view([])) == []


def test_warm_steps_build_every_index(library: Library):
    fresh = Library(library.papers)
    for step in fresh.warm_steps(abstracts=True):
        step()
    assert {"default", "authors", "summary"} <= set(fresh.engine._haystacks)
    assert set(fresh._ranks) == {"title", "category"}


def test_copy_targets_prefer_marked_then_starred_then_highlighted(library: Library):
    first, second = library.papers[0], library.papers[1]
    states = states_for(library, range(0), range(2, 4))
    papers, what = copy_targets(library, {first.id, "9999.99999"}, states, second)
    assert papers == [first] and what == "1 marked paper"
    papers, what = copy_targets(library, set(), states, second)
    assert [p.id for p in papers] == [library.papers[2].id, library.papers[3].id]
    assert what == "2 starred papers"
    assert copy_targets(library, set(), {}, second) == ([second], f"the highlighted paper {second.id}")
    assert copy_targets(library, set(), {}, None) == ([], "")


def test_sort_orders_merged_from_chunks_stay_stable(library: Library, monkeypatch):
    """Chunked sorting (to spare the GIL) gives the same order as one stable sort."""
    monkeypatch.setattr(library_module, "_SORT_CHUNK", 7)
    fresh = Library(library.papers)
    for sort, key in (("title", lambda p: p.title.casefold()), ("category", lambda p: p.primary_category)):
        expected = sorted(range(len(fresh.papers)), key=lambda i: key(fresh.papers[i]))
        rank = fresh._rank(sort)
        assert sorted(range(len(rank)), key=rank.__getitem__) == expected
