"""The sidebar's counts kept current at the changed papers, through the search index, are exact.

Random sequences of what a reader does and sees (star and read toggles, tags
and notes written here, saved searches and the mute search changed, and all of
these done by another process and picked up by the poll's delta) are applied
to :class:`ListCounts` over an :class:`IndexedLibrary` (real digests, an index
of several segments with gaps) exactly as the reader hands them over: the
changed ids, the touched ids, or nothing known. After every step its counts
and muted papers must equal a full recount through the index and the counts
the in-memory :class:`Library` keeps the same way, and every saved search's and
tag's counts must equal what applying it selects (``search list``'s counts,
``list -q tag:NAME``): muted papers left out unless the query says ``is:muted``.
"""

from __future__ import annotations

import random

import pytest

from tui.core.indexed_library import IndexedLibrary
from tui.core.library import Library
from tui.core.models import PaperState
from tui.core.query import QueryEngine
from tui.core.readinglist import ListCount, ListCounts, ReadingList, Selector, Snapshot
from tui.core.readinglist.delta import read_change
from tui.core.store import Store

TAGS = ["ml", "to-read", "skip"]
NOTES = ["compare with the baseline", "a good idea", "Baseline numbers", ""]
#: Saved searches to choose from: about the papers, the state, tags, notes, phrases, other searches.
SEARCHES = {
    "cv": ["cat:cs.CV", "cat:cs.CV is:unread"],
    "todo": ["is:starred is:unread", "is:starred OR tag:to-read"],
    "ml-open": ["tag:ml -is:read", "tag:ml OR note:baseline"],
    "noted": ["has:note", "note:idea -is:starred", "has:tag -has:note"],
    "phrase": ['"language model" is:unread', 'abs:"large language" OR is:read'],
    "nested": ["@cv tag:ml", "@todo -@cv", "is:new -is:read", "@hidden cat:cs.CV", "@hidden -is:read"],
    "hidden": ["is:muted", "is:muted cat:cs.CV", "-is:muted", "is:muted OR is:starred", "NOT is:muted tag:ml"],
    "not": ["is:unread", "-tag:ml", "-is:starred OR has:note", "-(cat:cs.CV is:read)"],
}
MUTES = ["tag:skip OR (cat:cs.IR is:read)", "cat:cs.CR", "is:starred ti:graph", "note:baseline tag:skip", ""]


@pytest.fixture(scope="module")
def world(segmented_store: Store):
    """The store, the library through its index and loaded whole, the same papers new in both."""
    store = segmented_store
    index = store.open_index()
    papers = store.load_papers()
    new = {paper.id for paper in papers[::3]}
    indexed = IndexedLibrary(index, index.bits_of_ids(new))
    whole = Library(papers, new_ids=new)
    assert not indexed._dense and len(indexed) == len(whole)  # (positions differ from documents)
    return store, indexed, whole


def as_rows(lists: list[ListCount]) -> list[tuple[str, str, str, int, int]]:
    return [(c.key, c.label, c.query, c.unread, c.total) for c in lists]


def recount(library, states, snapshot: Snapshot) -> tuple[list[tuple], frozenset[int], frozenset[str]]:
    """Every list counted from nothing, and the muted papers."""
    counts = ListCounts(library)
    rows = as_rows(counts.update(states, snapshot))
    assert counts.muting is not None
    return rows, counts.muting.indices, counts.muting.ids


def as_applied(engine: QueryEngine, states, snapshot: Snapshot) -> dict[str, tuple[int, int]]:
    """Each saved search's and tag's (unread, total) as applying it selects them: what
    ``search list`` prints and the list shows (the muted papers hidden unless it says is:muted)."""
    selector = Selector(engine, snapshot, states)
    out = {}
    lists = [(f"search:{name}", f"@{name}") for name in snapshot.searches if name != "mute"]
    lists += [(f"tag:{name}", f"tag:{name}") for name in snapshot.tags]
    for key, text in lists:
        found = selector.select(text).indices
        unread = sum(1 for i in found if not ((state := states.get(engine.papers[i].id)) and state.read))
        out[key] = (unread, len(found))
    return out


def pick_search(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.3:
        return "mute", rng.choice(MUTES)
    name = rng.choice(sorted(SEARCHES))
    return name, rng.choice(SEARCHES[name] + [""])


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_counts_at_the_changed_papers_equal_a_recount_and_the_loaded_library(world, tmp_path, seed) -> None:
    store, indexed, whole = world
    rng = random.Random(seed)
    ids = [paper.id for paper in whole.papers]
    pool = rng.sample(ids, 80)  # the papers acted on (a small pool: the same ones come back)
    home = tmp_path / "state"
    ours = ReadingList(Store(home))  # (only the state lives here; the library is the fixture's)
    theirs = ReadingList(Store(home, device="other"))
    ours.save_search("cv", "cat:cs.CV")
    ours.save_search("todo", "is:starred is:unread")
    ours.save_search("mute", MUTES[0])
    ours.save_search("hidden", "is:muted")
    ours.change_tags(pool[:30], add=["ml"])
    ours.change_tags(pool[25:35], add=["skip"])
    ours.set_note(pool[0], NOTES[0])
    states: dict[str, PaperState] = {i: PaperState(i, read=True) for i in ids[::4]}
    states.update({i: PaperState(i, read=i in states, starred=True) for i in ids[::9]})
    ours.store.set_read([i for i, s in states.items() if s.read], True)
    ours.store.set_starred([i for i, s in states.items() if s.starred], True)
    ours.store.refresh_states()

    snapshot = ours.snapshot()
    for library in (indexed, whole):  # (shared by the seeds: what they know of another test's states dropped)
        library.forget_states()
    fast, loaded = ListCounts(indexed), ListCounts(whole)
    engine = QueryEngine(whole.papers)  # (as the command line answers a query: a fresh engine)
    engine.new_ids = whole.new_ids
    fast.update(states, snapshot)
    loaded.update(states, snapshot)
    kinds = ["star", "read", "tag", "untag", "note", "search", "elsewhere"]
    saw_muted = False
    for step in range(60):
        kind = rng.choice(kinds)
        changed: list[str] | None = []
        touched: list[str] | None = []
        if kind in ("star", "read"):  # this reader's toggle, on one paper or the marked ones
            flag = "starred" if kind == "star" else "read"
            value = rng.random() < 0.5
            changed = rng.sample(pool, rng.choice([1, 1, 5]))
            for paper_id in changed:
                old = states.get(paper_id) or PaperState(paper_id)
                states[paper_id] = PaperState(paper_id, **{"read": old.read, "starred": old.starred, flag: value})
            (ours.store.set_starred if kind == "star" else ours.store.set_read)(changed, value)
            for library in (indexed, whole):  # (changed in place: as the screen, said to the libraries)
                library.update_states(states, changed)
        elif kind in ("tag", "untag"):  # ``t`` on the marked papers: the snapshot read again, the ids known
            touched = rng.sample(pool, rng.choice([1, 3, 20]))
            name = rng.choice(TAGS)
            ours.change_tags(touched, add=[name] if kind == "tag" else [], remove=[name] if kind == "untag" else [])
            snapshot = ours.snapshot()
        elif kind == "note":
            touched = [rng.choice(pool)]
            ours.set_note(touched[0], rng.choice(NOTES))
            snapshot = ours.snapshot()
        elif kind == "search":  # a saved search edited, added or removed: which papers it moves is unknown
            name, text = pick_search(rng)
            ours.save_search(name, text) if text else ours.remove_search(name)
            snapshot = ours.snapshot()
            touched = None
        else:  # another process: tags, a note, a search, read or starred; the poll hands over its keys
            for _ in range(rng.choice([1, 2, 3])):
                what = rng.choice(["tag", "untag", "note", "search", "read", "star"])
                paper_id = rng.choice(pool)
                if what in ("tag", "untag"):
                    name = rng.choice(TAGS)
                    theirs.change_tags([paper_id], add=[name] if what == "tag" else [],
                                       remove=[name] if what == "untag" else [])
                elif what == "note":
                    theirs.set_note(paper_id, rng.choice(NOTES))
                elif what == "search":
                    name, text = pick_search(rng)
                    theirs.save_search(name, text) if text else theirs.remove_search(name)
                else:
                    (theirs.store.set_read if what == "read" else theirs.store.set_starred)([paper_id],
                                                                                          rng.random() < 0.5)
            keys = ours.store.refresh_states()
            change = read_change(ours, snapshot, keys)
            assert change.snapshot == ours.snapshot(), (seed, step)  # the delta reads what a full read does
            snapshot = change.snapshot
            states = ours.store.states()  # (a fresh mapping, as the reader's after a poll)
            changed, touched = sorted(keys), sorted(change.papers)
            for library in (indexed, whole):
                library.update_states(states, changed)

        got = as_rows(fast.update(states, snapshot, changed, touched))
        kept = as_rows(loaded.update(states, snapshot, changed, touched))
        rows, muted, muted_ids = recount(indexed, states, snapshot)
        assert got == rows, (seed, step, kind)
        assert kept == rows, (seed, step, kind)
        assert recount(whole, states, snapshot)[0] == rows, (seed, step, kind)
        assert fast.muting is not None and fast.muting.indices == muted and fast.muting.ids == muted_ids
        applied = as_applied(engine, states, snapshot)
        assert {row[0]: row[3:] for row in rows if row[0] in applied} == applied, (seed, step, kind)
        saw_muted |= any(row[0] == "search:hidden" and row[4] for row in rows)
    assert saw_muted  # (a saved search that says is:muted counted some muted papers)
    assert any(count.total for count in fast.counts() if count.key.startswith("tag:"))
