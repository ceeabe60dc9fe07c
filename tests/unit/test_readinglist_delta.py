"""The reading list brought up to date for the state keys another process changed (read_change)."""

from __future__ import annotations

from pathlib import Path

from tui.core.readinglist import ReadingList
from tui.core.readinglist.delta import read_change
from tui.core.store import Store

IDS = [f"2607.{n:05d}" for n in range(10)]


def _setup(tmp_path: Path) -> tuple[ReadingList, ReadingList]:
    """Ours (a reader's store) and theirs (another process on the same home)."""
    home = tmp_path / "home"
    ours = ReadingList(Store(home))
    ours.change_tags(IDS[:5], add=["ml"])
    ours.change_tags(IDS[:2], add=["keep"])
    ours.set_note(IDS[0], "first")
    ours.save_search("mine", "ti:llm")
    return ours, ReadingList(Store(home, device="other"))


def test_only_the_changed_papers_are_read_and_named(tmp_path: Path) -> None:
    ours, theirs = _setup(tmp_path)
    base = ours.snapshot()
    theirs.change_tags([IDS[7]], add=["ml", "new"])
    theirs.change_tags([IDS[1]], remove=["ml"])
    theirs.set_note(IDS[0], "")
    theirs.set_note(IDS[3], "a note")
    keys = ours.store.refresh_states()
    assert keys == {IDS[7], IDS[1], IDS[0], IDS[3]}

    change = read_change(ours, base, keys)

    assert change.changed and not change.searches
    assert change.snapshot == ours.snapshot()  # the same as reading it all
    assert change.papers == {IDS[7], IDS[1], IDS[0], IDS[3]}
    assert change.snapshot.tags["keep"] is base.tags["keep"]  # untouched tags are the same objects
    assert change.snapshot.searches is base.searches


def test_a_read_or_star_elsewhere_changes_nothing_of_the_list(tmp_path: Path) -> None:
    ours, theirs = _setup(tmp_path)
    base = ours.snapshot()
    theirs.store.set_starred([IDS[2]], True)
    theirs.change_tags([IDS[0]], add=["ml"])  # it had it already: written, but no change
    keys = ours.store.refresh_states()
    assert IDS[2] in keys

    change = read_change(ours, base, keys)

    assert not change.changed and change.snapshot is base and change.papers == frozenset()


def test_saved_searches_and_the_last_tag_taken_off(tmp_path: Path) -> None:
    ours, theirs = _setup(tmp_path)
    base = ours.snapshot()
    theirs.save_search("mute", "cat:cs.CR")
    theirs.change_tags(IDS[:2], remove=["keep"])
    change = read_change(ours, base, ours.store.refresh_states())

    assert change.searches and change.snapshot.searches == {"mine": "ti:llm", "mute": "cat:cs.CR"}
    assert "keep" not in change.snapshot.tags and change.papers == {IDS[0], IDS[1]}
    assert change.snapshot == ours.snapshot()
