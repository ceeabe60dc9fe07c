"""The per-device state: changes, merging devices, refresh, migration, damage, compaction."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb import TinyDB

import tui.core.store.state as state_module
import tui.core.store.statewriter as writer_module
from tui.core.store import Store, StoreError
from tui.core.store.merged import MergedState
from tui.core.store.state import device_file_stem, device_name
from tui.core.store.statedb import StateLogStorage
from tui.core.store.statefile import read_state_file


def flags(store: Store) -> dict[str, tuple[bool, bool]]:
    return {key: (s.read, s.starred) for key, s in store.states().items()}


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


# -- one device --------------------------------------------------------------------


def test_a_change_is_one_appended_line(tmp_path: Path) -> None:
    store = Store(tmp_path, device="laptop")
    store.set_starred(["2201.12944v3"])
    assert store.state_path == tmp_path / "state" / "laptop.jsonl"
    before = lines(store.state_path)
    store.set_read(["2201.12944"])
    after = lines(store.state_path)
    assert after[:-1] == before and len(after) == len(before) + 1
    key, field, value, stamp = orjson.loads(after[-1])
    assert (key, field, value) == ("2201.12944", "read", True)
    state = Store(tmp_path, device="laptop").get_state("2201.12944")
    assert (state.read, state.starred, state.read_at) == (True, True, stamp)


def test_every_act_is_written_with_a_fresh_stamp(tmp_path: Path) -> None:
    """Re-marking a read paper, un-starring one never starred: each is a change of its own."""
    store = Store(tmp_path)
    store.set_read(["2201.00001"])
    first = store.get_state("2201.00001").read_at
    before = lines(store.state_path)
    store.set_read(["2201.00001"])
    store.set_starred(["2201.00002"], False)
    after = lines(store.state_path)
    assert after[: len(before)] == before and len(after) == len(before) + 2
    assert [orjson.loads(line)[:3] for line in after[-2:]] == [["2201.00001", "read", True],
                                                               ["2201.00002", "starred", False]]
    assert Store(tmp_path).get_state("2201.00001").read_at > first


def test_an_act_wins_over_an_older_change_not_seen_yet(tmp_path: Path) -> None:
    """Review finding 1: lap stars X, desk (with lap's file) unstars it, lap (not seeing desk's
    file yet) stars X again. The last act is the star: it must be written and win."""
    import shutil

    a, b = tmp_path / "a", tmp_path / "b"
    lap = Store(a, device="lap")
    lap.set_starred(["2201.00001"])
    (b / "state").mkdir(parents=True)
    shutil.copy(lap.state_path, b / "state")
    desk = Store(b, device="desk")
    desk.set_starred(["2201.00001"], False)
    written = lap.change_state([("2201.00001", "starred", True)])  # lap sees it starred already
    assert [change[:3] for change in written] == [("2201.00001", "starred", True)]
    shutil.copy(desk.state_path, a / "state")
    shutil.copy(lap.state_path, b / "state")
    for home in (a, b):
        assert Store(home, device="x").get_state("2201.00001").starred


def test_the_file_is_a_tinydb_database(tmp_path: Path) -> None:
    store = Store(tmp_path, device="laptop")
    store.set_starred(["2201.00001", "2201.00002"])
    store.set_starred(["2201.00001"], False)
    db = TinyDB(store.state_path, storage=StateLogStorage)
    assert db.table("_meta").get(doc_id=1)["device"] == "laptop"
    journal = db.table("journal").all()
    assert [(d["key"], d["value"]) for d in journal] == [("2201.00001", True), ("2201.00002", True),
                                                         ("2201.00001", False)]
    db.close()


def test_tags_notes_and_other_keys(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.change_state([("2201.00001", "tag:ml", True), ("2201.00001", "note", "read §3"),
                        ("search:mute", "query", "au:spam")])
    again = Store(tmp_path)
    assert again.state_values("tag:ml") == {"2201.00001": True}
    assert again.state_values("note") == {"2201.00001": "read §3"}
    assert again.state_values("query") == {"search:mute": "au:spam"}
    # Of some keys alone (the poll's delta): keys never set are left out.
    assert again.state_values("tag:ml", ["2201.00001", "2201.00002"]) == {"2201.00001": True}
    assert again.state_values("note", ["2201.00002"]) == {} and again.state_values("nothing", ["2201.00001"]) == {}
    assert again.states() == {}  # tags, notes and searches are not read/starred
    with pytest.raises(ValueError):
        store.change_state([("2201.00001", "starred", "yes")])


# -- devices -------------------------------------------------------------------------


def test_device_name_from_the_environment_else_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARXIV_READER_DEVICE", "lab server")
    assert device_name() == "lab server"
    monkeypatch.delenv("ARXIV_READER_DEVICE")
    import socket

    assert device_name() == socket.gethostname()
    assert device_file_stem("laptop") == "laptop"
    assert device_file_stem("lab server") != device_file_stem("lab_server")
    assert "/" not in device_file_stem("../x")


def test_each_device_writes_only_its_file_and_reads_all(tmp_path: Path) -> None:
    laptop, server = Store(tmp_path, device="laptop"), Store(tmp_path, device="server")
    laptop.set_starred(["2201.00001"])
    server_before = None
    server.set_starred(["2201.00002"])
    server_before = server.state_path.read_bytes()
    laptop.set_read(["2201.00002"])
    assert server.state_path.read_bytes() == server_before
    assert flags(Store(tmp_path, device="third")) == {"2201.00001": (False, True), "2201.00002": (True, True)}
    assert set(Store(tmp_path).state_devices()) == {"laptop", "server"}


def test_newest_change_wins_unstar_included(tmp_path: Path) -> None:
    laptop, server = Store(tmp_path, device="laptop"), Store(tmp_path, device="server")
    laptop.set_starred(["2201.00001"])
    server.set_starred(["2201.00001"], False)  # server saw the star (same folder), undoes it
    assert flags(Store(tmp_path, device="x")) == {}
    laptop.set_starred(["2201.00001"])
    assert flags(Store(tmp_path, device="x")) == {"2201.00001": (False, True)}


def _other_device_file(home: Path, name: str, changes: list[list]) -> Path:
    folder = home / "state"
    folder.mkdir(parents=True, exist_ok=True)
    head = orjson.dumps({"_meta": {"1": {"schema": 3, "device": name}}})
    path = folder / f"{name}.jsonl"
    path.write_bytes(head + b"\n" + b"".join(orjson.dumps(c) + b"\n" for c in changes))
    return path


def _stamp_in(seconds: float) -> str:
    from datetime import datetime, timedelta, timezone

    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_a_change_after_seeing_a_clock_ahead_still_wins(tmp_path: Path) -> None:
    """A device whose clock runs hours ahead starred; un-starring here must win."""
    _other_device_file(tmp_path, "fast", [["2201.00001", "starred", True, _stamp_in(5 * 3600)]])
    store = Store(tmp_path, device="here")
    assert store.get_state("2201.00001").starred
    store.set_starred(["2201.00001"], False)
    assert not Store(tmp_path, device="other").get_state("2201.00001").starred


def test_concurrent_tag_adds_on_two_devices_both_survive(tmp_path: Path) -> None:
    a, b = Store(tmp_path / "a", device="a"), Store(tmp_path / "b", device="b")
    a.change_state([("2201.00001", "tag:ml", True)])
    b.change_state([("2201.00001", "tag:vision", True)])
    (tmp_path / "a" / "state" / "b.jsonl").write_bytes(b.state_path.read_bytes())  # a file-sync tool
    merged = Store(tmp_path / "a", device="a")
    assert merged.state_values("tag:ml") == merged.state_values("tag:vision") == {"2201.00001": True}


_CHANGE = st.tuples(
    st.sampled_from(["2201.00001", "2201.00002", "2201.00003"]),
    st.sampled_from(["read", "starred", "tag:x"]),
    st.booleans(),
    st.integers(0, 5).map(lambda n: f"2026-11-2{n}T10:00:00.000000Z"),
)


@settings(max_examples=60, deadline=None)
@given(devices=st.lists(st.lists(_CHANGE, max_size=8), min_size=2, max_size=3), seed=st.randoms())
def test_merge_gives_the_same_state_in_any_order(devices, seed) -> None:
    """Changes of 2-3 devices merged in any order and in any slices: the same winners."""
    def merged(order: list[tuple[str, list]]) -> dict:
        view = MergedState()
        for device, changes in order:
            view.merge(device, changes)
        return view.winners

    named = [(f"d{n}", changes) for n, changes in enumerate(devices)]
    expected = merged(named)
    pieces = [(device, [change]) for device, changes in named for change in changes]
    seed.shuffle(pieces)
    assert merged(pieces) == expected
    assert merged(list(reversed(named)) + named) == expected  # reading again changes nothing


# -- refresh --------------------------------------------------------------------------


def test_refresh_reports_what_others_saved_and_reads_only_the_tail(tmp_path: Path, monkeypatch) -> None:
    reader, writer = Store(tmp_path), Store(tmp_path)
    writer.set_starred(["2201.00001"])
    assert reader.states() and not reader.refresh_states()
    import tui.core.store.stateread as stateread

    wholes = []
    real = stateread.read_state_file

    def spy(path, previous=None):
        result = real(path, previous)
        wholes.append(result.whole)
        return result

    monkeypatch.setattr(stateread, "read_state_file", spy)
    writer.set_read(["2201.00002"])
    assert reader.refresh_states() == {"2201.00002"}
    assert wholes == [False]  # the appended line only
    assert reader.get_state("2201.00002").read
    assert not reader.refresh_states()
    Store(tmp_path, device="phone").set_starred(["2201.00003"])  # a new device's file
    assert reader.refresh_states() == {"2201.00003"}


def test_refresh_after_the_writer_compacted(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(writer_module, "COMPACT_HARD_LINES", 5)
    reader, writer = Store(tmp_path), Store(tmp_path)
    reader.states()
    inode = None
    for n in range(7):
        writer.set_starred([f"2201.{n:05d}"])
        inode = inode or writer.state_path.stat().st_ino
    assert writer.state_path.stat().st_ino != inode  # compacted: a new file
    assert orjson.loads(lines(writer.state_path)[0])["_meta"]["1"]["rows"] == 5
    assert reader.refresh_states() == {f"2201.{n:05d}" for n in range(7)}
    assert len(Store(tmp_path).states()) == 7


def test_two_processes_on_one_device_share_the_file(tmp_path: Path) -> None:
    a, b = Store(tmp_path), Store(tmp_path)
    a.set_starred(["2201.00001"])
    b.set_starred(["2201.00002"])  # b appends after a's line, under the lock
    a.set_read(["2201.00002"])
    assert flags(Store(tmp_path)) == {"2201.00001": (False, True), "2201.00002": (True, True)}
    assert len(list((tmp_path / "state").glob("*.jsonl"))) == 1


# -- compaction -----------------------------------------------------------------------


def test_a_long_journal_is_compacted_at_load(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(state_module, "COMPACT_MIN_LINES", 10)
    store = Store(tmp_path)
    for n in range(12):
        store.set_starred([f"2201.{n:05d}"], True)
        store.set_starred([f"2201.{n:05d}"], n % 2 == 0)
    before = flags(store)
    assert len(lines(store.state_path)) == 1 + 24
    again = Store(tmp_path)
    assert flags(again) == before
    assert len(lines(store.state_path)) == 1 + 12 and again.messages == []  # the latest per key
    result = read_state_file(store.state_path)
    assert result.meta["device"] == device_name() and result.meta["rows"] == 12
    assert len(result.rows_columns[0]) == 12 and result.changes == [] and result.journal_lines == 0


# -- migration from state.json ------------------------------------------------------


def legacy(home: Path, docs: list[dict], schema: int = 2) -> bytes:
    home.mkdir(parents=True, exist_ok=True)
    raw = orjson.dumps({"_meta": {"1": {"schema": schema}},
                        "state": {str(n): doc for n, doc in enumerate(docs, 1)}})
    (home / "state.json").write_bytes(raw)
    return raw


def test_state_json_is_migrated_once_and_left_untouched(tmp_path: Path) -> None:
    raw = legacy(tmp_path, [
        {"id": "2201.00001", "read": True, "read_at": "2026-11-01T08:00:00+00:00", "starred": False},
        {"id": "2201.00002", "read": False, "starred": True, "starred_at": "2026-11-02T09:30:00+00:00"},
        {"id": 5}, "junk",
    ])
    mtime = (tmp_path / "state.json").stat().st_mtime_ns
    store = Store(tmp_path)
    assert flags(store) == {"2201.00001": (True, False), "2201.00002": (False, True)}
    assert store.get_state("2201.00001").read_at == "2026-11-01T08:00:00.000000Z"
    assert len(store.messages) == 1 and "state.json" in store.messages[0] and "left as it was" in store.messages[0]
    assert (tmp_path / "state.json").read_bytes() == raw and (tmp_path / "state.json").stat().st_mtime_ns == mtime
    store.set_starred(["2201.00002"], False)
    again = Store(tmp_path)
    assert flags(again) == {"2201.00001": (True, False)} and again.messages == []  # not migrated twice


@pytest.mark.parametrize("raw", [b'{"state": {"1": {"id": ', b"", b"\x00\xff", b"[1]"],
                         ids=["truncated", "empty", "binary", "list"])
def test_a_damaged_state_json_is_reported_and_left_alone(tmp_path: Path, raw: bytes) -> None:
    tmp_path.joinpath("state.json").write_bytes(raw)
    store = Store(tmp_path)
    assert store.states() == {}
    assert any("state.json" in m and "not migrated" in m for m in store.messages), store.messages
    assert (tmp_path / "state.json").read_bytes() == raw
    assert not [p for p in tmp_path.iterdir() if "corrupt" in p.name]
    store.set_starred(["2201.00001"])
    assert flags(Store(tmp_path)) == {"2201.00001": (False, True)}


def test_a_newer_state_json_is_refused_and_left_alone(tmp_path: Path) -> None:
    raw = legacy(tmp_path, [{"id": "2201.00001", "starred": True}], schema=7)
    store = Store(tmp_path)
    assert store.states() == {}
    assert any("newer" in m and "state.json" in m for m in store.messages), store.messages
    assert (tmp_path / "state.json").read_bytes() == raw


# -- damage and newer files ------------------------------------------------------------


def test_a_newer_device_file_is_never_touched_and_writes_are_refused(tmp_path: Path) -> None:
    Store(tmp_path, device="other").set_starred(["2201.00002"])
    folder = tmp_path / "state"
    own = folder / "here.jsonl"
    raw = orjson.dumps({"_meta": {"1": {"schema": 4, "device": "here"}}, "columns": {}}) + b"\n"
    own.write_bytes(raw)
    store = Store(tmp_path, device="here")
    assert flags(store) == {"2201.00002": (False, True)}  # the other device still loads
    assert any("newer arxiv-reader" in m and "here.jsonl" in m for m in store.messages)
    with pytest.raises(StoreError, match="newer"):
        store.set_starred(["2201.00001"])
    assert own.read_bytes() == raw and sorted(p.name for p in folder.iterdir()) == ["here.jsonl", "other.jsonl"]


def test_a_damaged_line_of_another_device_is_skipped_and_left_alone(tmp_path: Path) -> None:
    other = Store(tmp_path, device="other")
    other.set_starred(["2201.00001", "2201.00002"])
    other.set_read(["2201.00003"])
    data = lines(other.state_path)
    data[2] = b'["2201.00002", "starred", "maybe", 12]'
    raw = b"\n".join(data) + b"\n"
    other.state_path.write_bytes(raw)
    store = Store(tmp_path, device="here")
    assert flags(store) == {"2201.00001": (False, True), "2201.00003": (True, False)}
    assert any("other.jsonl" in m and "3" in m for m in store.messages), store.messages
    assert other.state_path.read_bytes() == raw


@pytest.mark.parametrize("where", ["line-1", "middle", "torn-tail"])
def test_own_damaged_file_is_copied_aside_and_the_rest_kept(tmp_path: Path, where: str) -> None:
    store = Store(tmp_path, device="here")
    Store(tmp_path, device="other").set_read(["2201.00009"])
    store.set_starred(["2201.00001"])
    store.set_starred(["2201.00002"])
    data = lines(store.state_path)
    if where == "line-1":
        data[0] = b'{"_meta": garbage'
    elif where == "middle":
        data[1] = b"\x00\x01\x02"
    raw = b"\n".join(data) + (b'\n["2201.00003","sta' if where == "torn-tail" else b"\n")
    store.state_path.write_bytes(raw)

    fresh = Store(tmp_path, device="here")
    expected = {"2201.00009": (True, False), "2201.00002": (False, True)}
    if where != "middle":
        expected["2201.00001"] = (False, True)
    assert flags(fresh) == expected
    fresh.set_read(["2201.00004"])
    (aside,) = (tmp_path / "state").glob("here.jsonl.corrupt-*")
    assert aside.read_bytes() == raw
    assert any("here.jsonl" in m and aside.name in m for m in fresh.messages), fresh.messages
    final = Store(tmp_path, device="here")
    assert final.messages == [] and flags(final) == {**expected, "2201.00004": (True, False)}


def test_a_failed_append_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch) -> None:
    import tui.core.store.statewrite as statefile

    store = Store(tmp_path)
    store.set_starred(["2201.00001"])
    before = store.state_path.read_bytes()
    real_write = os.write

    def half_then_full(fd, data):
        real_write(fd, data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(statefile.os, "write", half_then_full)
    with pytest.raises(StoreError, match="No space left"):
        store.set_starred(["2201.00002", "2201.00003"])
    monkeypatch.undo()
    assert store.state_path.read_bytes() == before
    assert flags(Store(tmp_path)) == {"2201.00001": (False, True)}


def test_two_homes_synced_by_copying_files_agree(tmp_path: Path, capsys, monkeypatch) -> None:
    """Star on A, copy A's file to B, un-star there and star another, copy back: both agree."""
    import shutil

    from tui.cli import main

    day = Path(__file__).resolve().parents[1] / "data" / "digests" / "cs.IR" / "2026" / "07" / "20260718.md"
    a, b = tmp_path / "a", tmp_path / "b"

    def cli(home: Path, device: str, *argv: str) -> None:
        monkeypatch.setenv("ARXIV_READER_DEVICE", device)
        assert main(["--home", str(home), *argv]) == 0

    for home, device in ((a, "A"), (b, "B")):
        cli(home, device, "import", str(day))
    cli(a, "A", "star", "2607.16633")
    (b / "state").mkdir(exist_ok=True)
    shutil.copy(a / "state" / "A.jsonl", b / "state")
    cli(b, "B", "unstar", "2607.16633")
    cli(b, "B", "star", "2607.16660")
    shutil.copy(b / "state" / "B.jsonl", a / "state")
    capsys.readouterr()
    for home in (a, b):
        cli(home, "X", "list", "-q", "is:starred", "--format", "jsonl")
        assert [orjson.loads(line)["id"] for line in capsys.readouterr().out.splitlines()] == ["2607.16660"]


def test_damaged_lines_are_named_by_their_number_also_in_an_appended_tail(tmp_path: Path) -> None:
    other = Store(tmp_path, device="other")
    other.set_starred(["2201.00001"])
    reader = Store(tmp_path, device="here")
    assert reader.states()
    with open(other.state_path, "ab") as handle:  # as a file-sync tool might deliver it
        change = orjson.dumps(["2201.00002", "starred", True, "2026-11-29T10:00:00.000000Z"])
        handle.write(b"garbage\n" + change + b"\n")
    assert reader.refresh_states() == {"2201.00002"}
    assert any("other.jsonl: damaged line(s) 3" in m for m in reader.messages), reader.messages


def test_stats_lists_the_devices_and_when_each_last_wrote(tmp_path: Path, capsys, monkeypatch) -> None:
    from tui.cli import main

    day = Path(__file__).resolve().parents[1] / "data" / "digests" / "cs.IR" / "2026" / "07" / "20260718.md"
    monkeypatch.setenv("ARXIV_READER_DEVICE", "laptop")
    assert main(["--home", str(tmp_path), "import", str(day)]) == 0
    assert main(["--home", str(tmp_path), "stats"]) == 0
    assert "devices:    none has saved a change yet" in capsys.readouterr().out
    assert main(["--home", str(tmp_path), "star", "2607.16633"]) == 0
    server = Store(tmp_path, device="lab server")
    server.set_read(["2607.16660"])
    stamp = read_state_file(server.state_path).changes[-1][3]
    capsys.readouterr()
    assert main(["--home", str(tmp_path), "stats"]) == 0
    out = capsys.readouterr().out
    lines = out[out.index("devices"):].splitlines()
    assert lines[0].startswith("devices (state files read; latest change, UTC)")
    assert lines[1].split() == ["lab", "server", stamp[:10], stamp[11:19]]
    assert lines[2].split()[0] == "laptop" and lines[2].endswith("(this device)")


def test_a_file_of_random_bytes_is_no_device(tmp_path: Path) -> None:
    Store(tmp_path, device="laptop").set_starred(["2201.00001"])
    (tmp_path / "state" / "garbage.jsonl").write_bytes(bytes(range(256)) * 3)
    store = Store(tmp_path, device="server")
    assert set(store.state_devices()) == {"laptop"}
    assert any("garbage.jsonl" in message for message in store.messages)  # (said, not listed)
