"""The reader's reading-list keeper without an app: muting at once, the lists counted in
the background, and what changed meanwhile brought into the counts."""

from __future__ import annotations

from pathlib import Path

from tui.core.digest import find_digest_files, parse_digest_file
from tui.core.index.segment import sort_key
from tui.core.library import Library
from tui.core.merge import merge_papers
from tui.core.models import PaperState
from tui.core.readinglist import ListCounts, ReadingList
from tui.core.store import Store
from tui.screens.reading_list import ReadingListKeeper

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"


def library() -> Library:
    files, _ = find_digest_files([DATA / "cs.IR", DATA / "cs.CL"])
    merged = merge_papers(p for f in files for p in parse_digest_file(f).papers)
    return Library(sorted(merged.values(), key=sort_key, reverse=True))


def fresh_counts(lib: Library, states, snapshot) -> dict[str, tuple[int, int]]:
    return {c.key: (c.unread, c.total) for c in ListCounts(lib).update(states, snapshot)}


def test_muted_at_once_counted_later_with_what_changed_meanwhile(tmp_path: Path) -> None:
    lib = library()
    ids = [p.id for p in lib.papers]
    store = Store(tmp_path / "home")
    ReadingList(store).save_search("mute", "tag:hide")
    ReadingList(store).save_search("todo", "tag:ml is:unread")
    ReadingList(store).change_tags(ids[:3], add=["hide"])
    messages: list[str] = []
    keeper = ReadingListKeeper(store, lambda text, severity: messages.append(text))
    states: dict[str, PaperState] = {}

    count = keeper.load(lib, states)
    assert keeper.counting and keeper.lists == []
    assert keeper.muted_count == 3  # before any count: the first result hides them
    assert keeper.tags_of(ids[0]) == ("hide",)

    # Meanwhile: a tag, a read paper and a new muted paper.
    assert keeper.change_tags(ids[5:9], ["ml"], [], states)
    states[ids[6]] = PaperState(ids[6], read=True)
    keeper.states_changed(states, [ids[6]])
    assert keeper.change_tags([ids[10]], ["hide"], [], states)
    assert keeper.muted_count == 4 and keeper.lists == []

    counts = count()  # the worker's job, on the snapshot and states of load()
    keeper.counted(lib, counts, states)
    assert not keeper.counting
    got = {c.key: (c.unread, c.total) for c in keeper.lists}
    assert got == fresh_counts(lib, states, keeper.snapshot)
    assert got["search:todo"] == (3, 3) and got["tag:ml"] == (3, 4)
    assert messages == []


def test_counts_of_a_replaced_library_are_ignored(tmp_path: Path) -> None:
    lib = library()
    store = Store(tmp_path / "home")
    keeper = ReadingListKeeper(store, lambda text, severity: None)
    old_job = keeper.load(lib, {})
    newer = library()
    keeper.load(newer, {})
    assert not keeper.counted(lib, old_job(), {})
    assert keeper.counting  # still waiting for the newer library's counts


def test_a_polled_change_is_taken_for_the_changed_papers_alone(tmp_path: Path, monkeypatch) -> None:
    """Another process tags a paper: the poll's thread reads the reading list for the
    changed keys; the keeper takes that without reading it all and recounts those papers."""
    lib = library()
    ids = [p.id for p in lib.papers]
    home = tmp_path / "home"
    store = Store(home)
    ReadingList(store).change_tags(ids[:3], add=["ml"])
    ReadingList(store).save_search("todo", "tag:ml is:unread")
    keeper = ReadingListKeeper(store, lambda text, severity: None)
    states: dict[str, PaperState] = {}
    keeper.counted(lib, keeper.load(lib, states)(), states)

    ReadingList(Store(home, device="other")).change_tags([ids[7]], add=["ml", "elsewhere"])
    keys = store.refresh_states()
    change = keeper.read_change(keys)  # (in the poll's thread)
    whole_reads: list[int] = []
    monkeypatch.setattr(keeper.reading, "snapshot", lambda: whole_reads.append(1))
    seen: list[tuple] = []
    update = ListCounts.update

    def recording(self, states, snapshot, changed=None, touched=None):
        seen.append((changed, None if touched is None else list(touched)))
        return update(self, states, snapshot, changed, touched)

    monkeypatch.setattr(ListCounts, "update", recording)
    keeper.take_polled(change, keys)
    assert keeper.reload(states, keys)

    assert whole_reads == [] and seen == [([ids[7]], [ids[7]])]
    assert keeper.tags_of(ids[7]) == ("elsewhere", "ml")
    got = {c.key: (c.unread, c.total) for c in keeper.lists}
    assert got == fresh_counts(lib, states, keeper.snapshot)
    assert got["tag:ml"] == (4, 4) and got["search:todo"] == (4, 4) and got["tag:elsewhere"] == (1, 1)


def test_a_polled_change_read_before_a_change_of_ours_is_not_taken(tmp_path: Path) -> None:
    """The poll read against an older reading list (we tagged meanwhile): all of it is read again."""
    lib = library()
    ids = [p.id for p in lib.papers]
    home = tmp_path / "home"
    store = Store(home)
    keeper = ReadingListKeeper(store, lambda text, severity: None)
    states: dict[str, PaperState] = {}
    keeper.counted(lib, keeper.load(lib, states)(), states)
    ReadingList(Store(home, device="other")).change_tags([ids[1]], add=["theirs"])
    keys = store.refresh_states()
    change = keeper.read_change(keys)
    assert keeper.change_tags([ids[2]], ["ours"], [], states)  # before the poll's answer is taken
    keeper.take_polled(change, keys)
    keeper.reload(states, keys)
    assert keeper.tag_names == ["ours", "theirs"]
    assert {c.key: (c.unread, c.total) for c in keeper.lists} == fresh_counts(lib, states, keeper.snapshot)
