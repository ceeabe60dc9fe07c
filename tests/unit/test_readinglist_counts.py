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
    queries |= {f"search:{n}": f"@{n}" for n in snapshot.searches if n != "mute"}
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
