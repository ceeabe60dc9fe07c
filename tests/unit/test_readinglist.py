"""The reading list in the state: tags, notes, saved searches, the alerts mark."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tui.core.readinglist import BadName, ReadingList, Snapshot, search_name, tag_name
from tui.core.readinglist.names import MAX_NOTE, check_note
from tui.core.store import Store


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


# -- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kept"),
    [("ML", "ml"), (" to-read ", "to-read"), ("proj/ssl", "proj/ssl"), ("Straße", "strasse"),
     ("_inbox", "_inbox"), ("v2.1+x&y", "v2.1+x&y"), ("Ünïcödé", "ünïcödé")],
)
def test_names_are_one_folded_word(text: str, kept: str) -> None:
    assert tag_name(text) == kept
    assert search_name(text) == kept


@pytest.mark.parametrize("text", ["", "  ", "two words", "-neg", "@at", "a:b", "(x)", 'q"', "a|b", "x" * 65, ".dot"])
def test_bad_names_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(BadName) as error:
        tag_name(text)
    assert "tag name" in str(error.value)


def test_a_note_is_kept_with_unix_line_ends_and_is_bounded() -> None:
    assert check_note("first\r\nsecond\rthird  \n\n") == "first\nsecond\nthird"
    with pytest.raises(ValueError, match="at most"):
        check_note("x" * (MAX_NOTE + 1))


# -- tags ----------------------------------------------------------------------------


def test_tagging_a_thousand_papers_is_one_write_of_one_line_each(tmp_path: Path) -> None:
    store = Store(tmp_path, device="laptop")
    reading = ReadingList(store)
    reading.change_tags(["2301.00001"], add=["seed"])  # the file exists from here on
    before = lines(store.state_path)
    ids = [f"2301.{n:05d}v2" for n in range(1000)]
    assert reading.change_tags(ids, add=["ML"]) == 1000
    after = lines(store.state_path)
    assert after[: len(before)] == before and len(after) == len(before) + 1000
    assert orjson.loads(after[-1])[:3] == ["2301.00999", "tag:ml", True]  # keyed without version
    reopened = ReadingList(Store(tmp_path, device="laptop"))
    assert reopened.tags()["ml"] == frozenset(f"2301.{n:05d}" for n in range(1000))
    assert reopened.tag_counts() == {"ml": 1000, "seed": 1}
    assert reopened.tag_counts(known={"2301.00001", "2301.00002", "9999.99999"}) == {"ml": 2, "seed": 1}


def test_removing_a_tag_and_tags_of_a_paper(tmp_path: Path) -> None:
    reading = ReadingList(Store(tmp_path))
    reading.change_tags(["2201.12944", "2201.12961"], add=["ml", "to-read"])
    reading.change_tags(["2201.12944v5"], remove=["TO-READ"])
    assert reading.tags_of("2201.12944") == ["ml"]
    assert reading.tags_of("arXiv:2201.12961") == ["ml", "to-read"]
    reading.change_tags(["2201.12961"], remove=["to-read"])
    assert "to-read" not in reading.tags()  # a tag nobody carries is gone from the list
    assert reading.snapshot().tags_of("2201.12944") == ["ml"]


def test_adding_and_removing_the_same_tag_at_once_adds_it(tmp_path: Path) -> None:
    reading = ReadingList(Store(tmp_path))
    reading.change_tags(["2201.12944"], add=["ml"], remove=["ml"])
    assert reading.tags_of("2201.12944") == ["ml"]


def test_a_bad_tag_name_writes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path)
    reading = ReadingList(store)
    with pytest.raises(BadName):
        reading.change_tags(["2201.12944"], add=["ok", "not ok"])
    assert reading.tags() == {} and not store.state_path.exists()


def test_two_devices_tagging_one_paper_both_keep_theirs(tmp_path: Path) -> None:
    laptop = ReadingList(Store(tmp_path, device="laptop"))
    server = ReadingList(Store(tmp_path, device="server"))
    laptop.change_tags(["2201.12944"], add=["ml"])
    server.change_tags(["2201.12944"], add=["vision"])
    for reading in (laptop, server, ReadingList(Store(tmp_path, device="third"))):
        assert reading.tags_of("2201.12944") == ["ml", "vision"]


def test_tags_survive_a_new_version_and_a_reimport(tmp_path: Path) -> None:
    data = Path(__file__).resolve().parents[1] / "data" / "digests" / "cs.CV" / "2022" / "01" / "20220131.md"
    store = Store(tmp_path)
    store.import_paths([data])
    reading = ReadingList(store)
    reading.change_tags(["2201.12944v1"], add=["ml"])
    reading.set_note("2201.12944v3", "read the appendix")
    again = Store(tmp_path)
    again.import_paths([data])
    assert ReadingList(again).tags_of("2201.12944v5") == ["ml"]
    assert ReadingList(again).note("2201.12944") == "read the appendix"


# -- notes ---------------------------------------------------------------------------


def test_notes_set_read_and_remove(tmp_path: Path) -> None:
    reading = ReadingList(Store(tmp_path))
    assert reading.note("2201.12944") == ""
    kept = reading.set_note("2201.12944v2", "Uses **ResNet**.\r\nCompare with [1].\n")
    assert kept == "Uses **ResNet**.\nCompare with [1]."
    assert ReadingList(Store(tmp_path)).note("2201.12944") == "Uses **ResNet**.\nCompare with [1]."
    assert reading.notes() == {"2201.12944": "Uses **ResNet**.\nCompare with [1]."}
    reading.set_note("2201.12944", "")
    assert reading.note("2201.12944") == "" and reading.notes() == {}


# -- saved searches ------------------------------------------------------------------


def test_saved_searches_save_list_replace_remove(tmp_path: Path) -> None:
    reading = ReadingList(Store(tmp_path))
    assert reading.save_search("Mine", "  au:wang\n cat:cs.CV ") == "mine"
    reading.save_search("mute", "cat:hep-th")
    assert reading.searches() == {"mine": "au:wang cat:cs.CV", "mute": "cat:hep-th"}
    reading.save_search("mine", "au:li")
    assert ReadingList(Store(tmp_path)).searches()["mine"] == "au:li"
    assert reading.snapshot().mute_query == "cat:hep-th"
    assert reading.remove_search("MINE") is True
    assert reading.remove_search("mine") is False
    assert list(reading.searches()) == ["mute"]
    with pytest.raises(ValueError, match="needs a query"):
        reading.save_search("empty", "   ")


def test_saved_searches_are_not_papers(tmp_path: Path) -> None:
    store = Store(tmp_path)
    reading = ReadingList(store)
    reading.save_search("mine", "au:wang")
    store.set_starred(["2201.12944"])
    assert set(store.states()) == {"2201.12944"}


# -- the alerts mark -----------------------------------------------------------------


def test_the_alerts_mark_is_per_device(tmp_path: Path) -> None:
    laptop = ReadingList(Store(tmp_path, device="laptop"))
    server = ReadingList(Store(tmp_path, device="server"))
    assert laptop.alerts_mark() is None
    server.set_alerts_mark("2026-11-28T07:00:00.000000Z")
    assert laptop.alerts_mark() is None
    assert ReadingList(Store(tmp_path, device="server")).alerts_mark() == "2026-11-28T07:00:00.000000Z"


def test_an_empty_snapshot() -> None:
    snapshot = Snapshot()
    assert snapshot.mute_query == "" and snapshot.tags_of("x") == []


def test_a_long_bad_name_is_cut_in_the_message_with_its_length() -> None:
    with pytest.raises(BadName) as error:
        tag_name("y" * 10_000)
    message = str(error.value)
    assert len(message) < 120 and "10,000 characters" in message and "longer than 64" in message
