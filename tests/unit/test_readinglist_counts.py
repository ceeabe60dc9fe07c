"""Alerts' window and per-search results, and the sidebar's counts kept current, on real digests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.digest import find_digest_files, parse_digest_file
from tui.core.index.segment import sort_key
from tui.core.library import Library
from tui.core.merge import merge_papers
from tui.core.models import Paper, PaperState
from tui.core.readinglist import ListCounts, Selector, Snapshot, alert_window, compute_alerts

DIGESTS = Path(__file__).resolve().parents[1] / "data" / "digests"


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    files, _ = find_digest_files([DIGESTS])
    merged = merge_papers(p for f in files for p in parse_digest_file(f).papers)
    return sorted(merged.values(), key=sort_key, reverse=True)


# -- alerts ---------------------------------------------------------------------------


def test_the_window_of_a_run() -> None:
    times = ["2026-11-26T07:00:00Z", "2026-11-27T07:00:00Z", "2026-11-28T07:00:00Z"]
    assert alert_window(times, None).since == "2026-11-27T07:00:00Z"  # first run: the latest import
    assert alert_window(times, None).upto == "2026-11-28T07:00:00Z"
    assert alert_window(times[:1], None).since is None  # one import: all of it
    assert not alert_window(times[:1], None).empty
    assert alert_window(times, "2026-11-28T07:00:00Z").empty  # reported already
    assert not alert_window(times, "2026-11-26T07:00:00Z").empty
    assert alert_window([], None).empty and alert_window([], "2026-11-26T07:00:00Z").empty


def test_alerts_give_each_search_its_new_papers_muted_hidden(papers) -> None:
    arrived = {p.id for p in papers if any(ref.date == "2026-07-01" for ref in p.digests)}
    assert len(arrived) > 5
    snapshot = Snapshot(searches={"cl": "cat:cs.CL", "ir": "cat:cs.IR", "none": "ti:zzzzqqq", "mute": "cat:cs.IR"})
    alerts = {alert.name: alert for alert in compute_alerts(papers, arrived, snapshot, {})}
    assert set(alerts) == {"cl", "ir", "none"}  # the mute search alerts nothing
    cl = [p.id for p in papers if p.id in arrived and "cs.CL" in p.categories and "cs.IR" not in p.categories]
    assert [p.id for p in alerts["cl"].papers] == cl
    assert alerts["ir"].papers == [] and alerts["ir"].hidden == sum(
        1 for p in papers if p.id in arrived and "cs.IR" in p.categories
    )
    assert alerts["none"].papers == [] and alerts["none"].hidden == 0


def test_alerts_see_date_latest_of_the_whole_library(papers) -> None:
    latest = max(ref.date for p in papers for ref in p.digests)
    old = {p.id for p in papers if p.digests[-1].date != latest}
    snapshot = Snapshot(searches={"today": "date:latest"})
    (alert,) = compute_alerts(papers, old, snapshot, {})
    assert alert.papers == []


# -- the sidebar's counts -------------------------------------------------------------------


def brute(library: Library, states, snapshot: Snapshot) -> dict[str, tuple[int, int]]:
    """Every list's (unread, total) by matching each query through the Selector, muting included."""
    selector = Selector(library.engine, snapshot, states)
    out = {}
    queries = {"all": "", "unread": "is:unread", "new": "is:new", "starred": "is:starred"}
    queries |= {f"search:{n}": f"@{n}" if n != "mute" else "is:muted" for n in snapshot.searches}  # mute: what it hides
    queries |= {f"tag:{n}": f"tag:{n}" for n in snapshot.tags}
    for key, text in queries.items():
        found = selector.select(text).indices
        unread = sum(1 for i in found if not (s := states.get(library.papers[i].id)) or not s.read)
        out[key] = (unread, len(found))
    return out


def test_counts_match_every_list_after_star_read_and_tag_changes(papers) -> None:
    library = Library(papers, new_ids={p.id for p in papers[:20]})
    ids = [p.id for p in papers]
    states: dict[str, PaperState] = {ids[0]: PaperState(ids[0], read=True), ids[1]: PaperState(ids[1], starred=True)}
    snapshot = Snapshot(
        tags={"ml": frozenset(ids[:8])},
        searches={"cv": "cat:cs.CV", "todo": "is:starred is:unread", "both": "@cv tag:ml", "mute": "cat:cs.IR"},
    )
    counts = ListCounts(library)
    got = {c.key: (c.unread, c.total) for c in counts.update(states, snapshot)}
    assert got == brute(library, states, snapshot)
    assert got["all"][1] < len(papers)  # the muted ones are not counted

    # Read and star changes: only the changed ids are given.
    states[ids[2]] = PaperState(ids[2], read=True, starred=True)
    states[ids[1]] = PaperState(ids[1], read=True, starred=True)
    got = {c.key: (c.unread, c.total) for c in counts.update(states, snapshot, changed=[ids[1], ids[2]])}
    assert got == brute(library, states, snapshot)
    del states[ids[0]]
    got = {c.key: (c.unread, c.total) for c in counts.update(states, snapshot, changed=[ids[0]])}
    assert got == brute(library, states, snapshot)

    # A tag change, a new saved search, an edited mute search: a new snapshot.
    snapshot = Snapshot(
        tags={"ml": frozenset(ids[:3]), "new-tag": frozenset(ids[5:7])},
        searches={"cv": "cat:cs.CV", "todo": "is:starred is:unread", "both": "@cv tag:ml", "cl": "cat:cs.CL",
                  "mute": "cat:cs.IR -tag:ml"},
    )
    result = counts.update(states, snapshot, changed=[])
    got = {c.key: (c.unread, c.total) for c in result}
    assert got == brute(library, states, snapshot)
    assert [c.label for c in result][:4] == ["All", "Unread", "New", "Starred"]
    assert {c.query for c in result} >= {"@cv", "tag:new-tag", "is:unread", ""}


def test_counts_kept_on_the_touched_papers_only_match_a_brute_force(papers) -> None:
    """Random star, read, tag and note changes, each given as the ids it touched (as the
    reader does): the state-dependent lists and a mute search about tags are matched again
    on those papers only, and every count still equals a brute force."""
    import random

    rng = random.Random(13)
    library = Library(papers)
    ids = [p.id for p in papers]
    states: dict[str, PaperState] = {}
    tags = {"ml": frozenset(ids[:30]), "skip": frozenset(ids[40:45])}
    notes = {ids[3]: "baseline"}
    searches = {"todo": "is:starred is:unread", "ml-unread": "tag:ml -is:read", "noted": "note:baseline",
                "cv": "cat:cs.CV", "mute": "tag:skip OR (cat:cs.IR is:read)"}
    counts = ListCounts(library)
    counts.update(states, Snapshot(tags, notes, searches))
    for step in range(60):
        paper = rng.choice(ids[:80])
        kind = rng.choice(["star", "read", "tag", "untag", "note"])
        changed: list[str] = []
        touched: list[str] = []
        if kind in ("star", "read"):
            old = states.get(paper) or PaperState(paper)
            flag = "starred" if kind == "star" else "read"
            flags = {"read": old.read, "starred": old.starred}
            flags[flag] = not flags[flag]
            states[paper] = PaperState(paper, **flags)
            changed = [paper]
        else:
            name = rng.choice(["ml", "skip"])
            if kind == "tag":
                tags = {**tags, name: tags[name] | {paper}}
            elif kind == "untag":
                tags = {**tags, name: tags[name] - {paper}}
            else:
                notes = {**notes, paper: rng.choice(["baseline idea", "other"])}
            touched = [paper]
        snapshot = Snapshot(dict(tags), dict(notes), searches)
        got = {c.key: (c.unread, c.total) for c in counts.update(states, snapshot, changed, touched)}
        assert got == brute(library, states, snapshot), (step, kind)


def test_state_indices_kept_current_from_the_changed_ids(papers) -> None:
    """Library.update_states: the read and starred indices after changes given by id equal
    those computed afresh, for a mapping changed in place (same size: the cache would be
    stale without the update) and for a fresh one (taken as it is, not read through)."""
    library = Library(papers)
    ids = [p.id for p in papers]
    states = {i: PaperState(i, read=n % 3 == 0, starred=n % 4 == 0) for n, i in enumerate(ids[:50])}
    library.state_indices(states)
    states[ids[0]] = PaperState(ids[0])  # read and starred before
    states[ids[1]] = PaperState(ids[1], read=True, starred=True)
    library.update_states(states, [ids[0], ids[1], "9999.99999"])
    assert library.state_indices(states) == Library(papers).state_indices(states)
    fresh = dict(states)
    fresh[ids[3]] = PaperState(ids[3], starred=True)  # read before
    library.update_states(fresh, [ids[3]])
    assert library._state_cache is not None and library._state_cache[0] is fresh
    assert library.state_indices(fresh) == Library(papers).state_indices(fresh)
    read, starred = library.state_indices(fresh)
    was = fresh.get(ids[6]) or PaperState(ids[6])
    fresh[ids[6]] = PaperState(ids[6], read=was.read, starred=not was.starred)  # a star alone
    library.update_states(fresh, [ids[6]])
    assert library.state_indices(fresh)[0] is read  # (the read set did not move: kept, its bitsets too)
    assert library.state_indices(fresh)[1] != starred
    assert library.state_indices(fresh) == Library(papers).state_indices(fresh)
