"""The state file format: identity of a file read again, strict stamps, salvage entry by entry."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest

from tui.core.store import Store
from tui.core.store.stamps import all_valid_stamps, horizon, stamp_after, valid_stamp
from tui.core.store.statefile import FilePosition, read_state_file

FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def stamp_in(**delta: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(**delta)).strftime(FORMAT)


def device_file(home: Path, name: str, changes: list[list], meta: dict | None = None) -> Path:
    folder = home / "state"
    folder.mkdir(parents=True, exist_ok=True)
    head = orjson.dumps({"_meta": {"1": {"schema": 3, "device": name, **(meta or {})}}})
    path = folder / f"{name}.jsonl"
    path.write_bytes(head + b"\n" + b"".join(orjson.dumps(c) + b"\n" for c in changes))
    return path


def starred(store: Store) -> set[str]:
    return {key for key, value in store.state_values("starred").items() if value}


# -- stamps (review finding 3) ----------------------------------------------------------


@pytest.mark.parametrize("text", [
    "zzzzzzzzzzzzzzzzzzzzzzzzzzz", "2026-02-30T10:00:00.000000Z", "2026-13-01T10:00:00.000000Z",
    "2026-11-29T24:00:00.000000Z", "2026-11-29T10:00:00.000000+", "2026-11-29 10:00:00.000000Z",
    "1969-12-31T23:59:59.999999Z", "2026-11-29T10:00:00.00000Z", "２026-11-29T10:00:00.000000Z",
    "2025-02-29T10:00:00.000000Z", 20261129, None,
])
def test_invalid_stamps_are_refused(text) -> None:
    assert not valid_stamp(text)
    assert not all_valid_stamps(["2026-11-29T10:00:00.000000Z", text])


def test_valid_stamps() -> None:
    good = ["2026-11-29T10:00:00.000000Z", "2024-02-29T23:59:59.999999Z", "1970-01-01T00:00:00.000000Z",
            "9999-12-31T23:59:59.999999Z"]
    assert all(map(valid_stamp, good)) and all_valid_stamps(good) and all_valid_stamps([])
    assert not all_valid_stamps(["2026-11-29T10:00:00.000000Z\n2026-11-29T10:00:00.000000Z"])


def test_stamp_after_never_overflows() -> None:
    assert valid_stamp(stamp_after("9999-12-31T23:59:59.999999Z"))  # no OverflowError
    assert valid_stamp(stamp_after("junk"))
    later = stamp_in(hours=2)
    assert stamp_after(later) > later > stamp_after()


def test_malformed_stamps_in_another_file_are_damage_not_winners(tmp_path: Path) -> None:
    """Review finding 3: 'zzz...' outranked every real stamp, so un-starring never took."""
    device_file(tmp_path, "bad", [["2608.04289", "starred", True, "zzzzzzzzzzzzzzzzzzzzzzzzzzz"],
                                  ["2608.04290", "starred", True, "2026-11-29T10:00:00.000000Z"]])
    store = Store(tmp_path, device="here")
    assert starred(store) == {"2608.04290"}
    assert any("bad.jsonl: damaged line(s) 2" in m for m in store.messages), store.messages


def test_far_future_stamps_are_held_and_never_take_a_key_hostage(tmp_path: Path) -> None:
    """Review finding 3: a 9999 stamp made unstar say 'unstarred' while it stayed starred, and
    un-starring it raised OverflowError. Held: not applied, no floor for new stamps, said."""
    device_file(tmp_path, "broken", [["2608.05013", "starred", True, "9999-12-31T23:59:59.999999Z"],
                                     ["2608.05014", "starred", True, stamp_in(days=3)],
                                     ["2608.05015", "starred", True, stamp_in(hours=5)]])
    store = Store(tmp_path, device="here")
    assert starred(store) == {"2608.05015"}  # a clock hours ahead is within the horizon
    assert any("broken.jsonl: 2 change(s)" in m and "9999-12-31" in m and "ahead" in m
               for m in store.messages), store.messages
    store.set_starred(["2608.05013", "2608.05014"])
    store.set_starred(["2608.05013"], False)
    (change,) = store.change_state([("2608.05015", "starred", False)])
    assert change[3] > stamp_in(hours=5)[:13]  # after the change it replaces (a clock ahead)
    assert all(c[3] <= horizon() for c in read_state_file(store.state_path).changes)
    assert starred(Store(tmp_path, device="x")) == {"2608.05014"}


def test_held_changes_apply_when_their_time_comes(tmp_path: Path, monkeypatch) -> None:
    import tui.core.store.stateread as stateread

    soon = stamp_in(days=2)
    device_file(tmp_path, "ahead", [["2608.05013", "starred", True, soon]])
    store = Store(tmp_path, device="here")
    assert starred(store) == set()
    later = (datetime.now(timezone.utc) + timedelta(days=1, hours=1)).strftime(FORMAT)
    monkeypatch.setattr(stateread, "horizon", lambda: horizon(later))
    assert store.refresh_states() == {"2608.05013"}
    assert starred(store) == {"2608.05013"} and store.state_devices()["ahead"] == soon


def test_own_changes_saved_while_the_clock_ran_ahead_are_restamped(tmp_path: Path) -> None:
    """The clock was a year ahead when the user starred; now it is right: the star stays."""
    own = device_file(tmp_path, "here", [["2608.05013", "starred", True, stamp_in(days=365)],
                                         ["2608.05014", "read", True, stamp_in(days=-1)]], {"rows": 0})
    store = Store(tmp_path, device="here")
    assert starred(store) == {"2608.05013"} and store.get_state("2608.05014").read
    assert any("clock ran ahead" in m for m in store.messages), store.messages
    assert all(c[3] <= horizon() for c in read_state_file(own).changes)
    assert starred(Store(tmp_path, device="x")) == {"2608.05013"}


# -- identity of a file read again (review finding 2) -------------------------------------


@pytest.mark.parametrize("how", ["in-place", "rename", "same-size"])
def test_a_replaced_file_is_read_whole(tmp_path: Path, how: str) -> None:
    """A compacted copy put where the old file was, keeping its inode (cp) or not (a sync
    tool's rename), and even of the very same size: never read from the old offset."""
    desk = Store(tmp_path / "a", device="desk")
    desk.set_starred([f"2301.{n:05d}" for n in range(4)])
    target = tmp_path / "b" / "state" / "desk.jsonl"
    target.parent.mkdir(parents=True)
    target.write_bytes(desk.state_path.read_bytes())
    lap = Store(tmp_path / "b", device="lap")
    assert len(starred(lap)) == 4
    desk.set_starred(["2301.00000"], False)
    desk.set_starred(["2301.00009"])
    desk._state._compact_own()
    data = desk.state_path.read_bytes()
    if how == "same-size":  # pad the old copy's meta so the sizes match exactly
        old = target.read_bytes()
        assert len(data) > len(old)
        first, rest = old.split(b"\n", 1)
        meta = orjson.loads(first)
        meta["_meta"]["1"]["pad"] = "x" * (len(data) - len(old) - len(b',"pad":""'))
        target.write_bytes(orjson.dumps(meta) + b"\n" + rest)
        assert target.stat().st_size == len(data)
        assert lap.refresh_states() == set()
    inode = target.stat().st_ino
    if how == "rename":
        temporary = target.with_name(".syncthing.desk.jsonl.tmp")
        temporary.write_bytes(data)
        temporary.replace(target)
    else:
        with open(target, "r+b") as handle:
            handle.truncate(0)
            handle.write(data)
        assert target.stat().st_ino == inode
    assert lap.refresh_states() == {"2301.00000", "2301.00009"}
    assert starred(lap) == starred(Store(tmp_path / "b", device="x")) == {
        "2301.00001", "2301.00002", "2301.00003", "2301.00009"}
    assert not [m for m in lap.messages if "damaged" in m], lap.messages


def test_two_stores_of_one_device_while_the_other_compacts(tmp_path: Path) -> None:
    """Review finding 2 (inode.py): compactions by another store, inode numbers reused."""
    x, y = Store(tmp_path, device="lap"), Store(tmp_path, device="lap")
    x.set_starred(["2301.00001"])
    for n in range(6):
        y.set_starred([f"2301.{n + 10:05d}"])
        y._state._compact_own()
        y.set_read([f"2301.{n + 10:05d}"])
    expected = {"2301.00001", *(f"2301.{n + 10:05d}" for n in range(6))}
    assert starred(x) == expected and not list(x.messages)
    assert x.change_state([("2301.00010", "starred", False)])
    assert starred(Store(tmp_path, device="q")) == expected - {"2301.00010"}


def test_the_bytes_read_before_are_checked_not_only_the_size(tmp_path: Path) -> None:
    path = device_file(tmp_path, "desk", [["2301.00001", "starred", True, "2026-11-29T10:00:00.000000Z"]])
    first = read_state_file(path)
    assert first.whole and first.position.end == path.stat().st_size
    with open(path, "ab") as handle:
        handle.write(orjson.dumps(["2301.00002", "starred", True, "2026-11-29T10:00:01.000000Z"]) + b"\n")
    again = read_state_file(path, first.position)
    assert not again.whole and [c[0] for c in again.changes] == ["2301.00002"]
    changed = bytearray(path.read_bytes())
    changed[first.position.end - 5] ^= 1  # a byte this reader read before, in the last line read
    path.write_bytes(bytes(changed))
    assert read_state_file(path, first.position).whole
    stale = FilePosition(first.position.end, b"{" + first.position.head[1:].replace(b"desk", b"dusk"),
                         first.position.tail, first.position.next_line)
    assert read_state_file(path, stale).whole


def test_compaction_changes_the_generation(tmp_path: Path) -> None:
    store = Store(tmp_path, device="lap")
    store.set_starred(["2301.00001"])
    first = read_state_file(store.state_path).meta["generation"]
    store._state._compact_own()
    second = read_state_file(store.state_path).meta["generation"]
    assert len(first) == len(second) == 32 and first != second
    assert store.state_path.read_bytes().startswith(b'{"_meta":{"1":{"generation":"')


# -- salvage entry by entry (review finding 5) -----------------------------------------


def test_one_bad_value_in_an_old_layout_line_1_costs_that_entry(tmp_path: Path) -> None:
    """Review finding 5 (col.py): a null note in line 1 dropped 1,000 stars and 500 reads."""
    keys = [f"2301.{n:05d}" for n in range(1000)]
    stamp = "2026-11-29T00:00:00.000000Z"
    columns = {
        "1": {"field": "starred", "keys": keys, "values": [True] * 1000, "stamps": [stamp] * 1000},
        "2": {"field": "read", "keys": keys[:500], "values": [True] * 500, "stamps": [stamp] * 500},
        "3": {"field": "note", "keys": ["2301.00001", "2301.00002"], "values": [None, "ok"],
              "stamps": [stamp, stamp]},
    }
    folder = tmp_path / "state"
    folder.mkdir()
    raw = orjson.dumps({"_meta": {"1": {"schema": 3, "device": "desk"}}, "columns": columns}) + b"\n"
    (folder / "desk.jsonl").write_bytes(raw)
    store = Store(tmp_path, device="lap")
    assert len(starred(store)) == 1000 and sum(store.state_values("read").values()) == 500
    assert store.state_values("note") == {"2301.00002": "ok"}
    assert any("desk.jsonl: 1 invalid entries" in m for m in store.messages), store.messages
    assert (folder / "desk.jsonl").read_bytes() == raw  # another device's: left alone


def test_own_old_layout_file_keeps_every_valid_entry_when_rewritten(tmp_path: Path) -> None:
    keys = [f"2301.{n:05d}" for n in range(300)]
    stamp = "2026-11-29T00:00:00.000000Z"
    columns = {"1": {"field": "starred", "keys": keys, "values": [True] * 299 + ["yes"], "stamps": [stamp] * 300}}
    folder = tmp_path / "state"
    folder.mkdir()
    raw = orjson.dumps({"_meta": {"1": {"schema": 3, "device": "lap"}}, "columns": columns}) + b"\n"
    (folder / "lap.jsonl").write_bytes(raw)
    store = Store(tmp_path, device="lap")
    assert len(starred(store)) == 299
    (aside,) = folder.glob("lap.jsonl.corrupt-*")
    assert aside.read_bytes() == raw
    assert len(starred(Store(tmp_path, device="lap"))) == 299
    assert read_state_file(folder / "lap.jsonl").meta["rows"] == 299


def test_a_bad_byte_costs_one_line(tmp_path: Path) -> None:
    store = Store(tmp_path, device="desk")
    store.set_starred([f"2301.{n:05d}" for n in range(1000)])
    store._state._compact_own()
    data = bytearray(store.state_path.read_bytes())
    middle = data.index(b"2301.00500")
    data[middle - 2] = 0xFF  # the comma before the key of one line
    (tmp_path / "b" / "state").mkdir(parents=True)
    (tmp_path / "b" / "state" / "desk.jsonl").write_bytes(bytes(data))
    reader = Store(tmp_path / "b", device="lap")
    assert len(starred(reader)) == 999
    assert any("damaged line(s) 502" in m for m in reader.messages), reader.messages


def test_a_bad_byte_in_an_old_layout_line_1_loses_nothing_else(tmp_path: Path) -> None:
    keys = [f"2301.{n:05d}" for n in range(100)]
    columns = {"1": {"field": "starred", "keys": keys, "values": [True] * 100,
                     "stamps": ["2026-11-29T00:00:00.000000Z"] * 100}}
    raw = orjson.dumps({"_meta": {"1": {"schema": 3, "device": "desk"}}, "columns": columns})
    raw = raw.replace(b"2301.00042", b"2301.000\xff2")
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "desk.jsonl").write_bytes(raw + b"\n")
    assert len(starred(Store(tmp_path, device="lap"))) == 100  # 99, and one key with U+FFFD


def test_a_device_file_of_an_older_schema_is_said_and_still_read(tmp_path: Path) -> None:
    device_file(tmp_path, "old", [["2608.05013", "starred", True, "2026-11-29T10:00:00.000000Z"]], {"schema": 2})
    Store(tmp_path, device="desk").set_starred(["2608.05014"])
    store = Store(tmp_path, device="desk")
    assert starred(store) == {"2608.05013", "2608.05014"}
    assert any("old.jsonl was written by an older arxiv-reader (state schema 2)" in m for m in store.messages)


# -- a damaged line of this device's own file (review F5) ---------------------------------


def _damage_line(path: Path, needle: bytes, junk: bytes = b'{"this is": junk') -> int:
    """Replace the line holding ``needle`` by ``junk``; its number (1-based)."""
    lines = path.read_bytes().split(b"\n")
    (number,) = [i for i, line in enumerate(lines) if needle in line]
    lines[number] = junk
    path.write_bytes(b"\n".join(lines))
    return number + 1


def test_a_repair_keeps_what_the_damaged_line_held_when_this_reader_had_read_it(tmp_path: Path) -> None:
    """A running reader rewrote its damaged file without the saved search of the damaged line,
    kept showing it, and the next reader had lost it without a word: it is now written back."""
    store = Store(tmp_path, device="here")
    store.change_state([("search:a", "query", "cat:cs.CV"), ("search:nested", "query", "@a OR tag:foo")])
    store.change_state([("search:b", "query", "is:unread")])
    store.set_starred(["2608.05013"])
    line = _damage_line(store.state_path, b"search:nested")
    store.set_starred(["2608.05014"])  # the next write finds the damage and rewrites the file
    said = " ".join(store.messages)
    assert f"damaged line(s) {line}" in said, store.messages
    assert "and 1 that this reader had read from it before the damage (saved search @nested)" in said
    assert "a copy of the damaged file was kept as here.jsonl.corrupt-" in said
    assert list(tmp_path.glob("state/here.jsonl.corrupt-*"))
    fresh = Store(tmp_path, device="there")
    assert fresh.state_values("query") == {"search:a": "cat:cs.CV", "search:nested": "@a OR tag:foo",
                                           "search:b": "is:unread"}
    assert starred(fresh) == {"2608.05013", "2608.05014"}


def test_a_repair_by_a_process_that_never_read_the_line_says_it_is_only_in_the_copy(tmp_path: Path) -> None:
    first = Store(tmp_path, device="here")
    first.change_state([("search:a", "query", "cat:cs.CV"), ("search:nested", "query", "@a OR tag:foo")])
    line = _damage_line(first.state_path, b"search:nested")
    store = Store(tmp_path, device="here")  # (a new process: the line was damaged before it read it)
    store.set_starred(["2608.05013"])
    said = " ".join(store.messages)
    assert f"what damaged line(s) {line} held is only in the copy" in said, store.messages
    assert "a copy of the damaged file was kept as here.jsonl.corrupt-" in said
    assert len(list(tmp_path.glob("state/here.jsonl.corrupt-*"))) == 1
    assert Store(tmp_path, device="x").state_values("query") == {"search:a": "cat:cs.CV"}


def test_a_running_reader_says_what_another_process_rewrote_away_and_writes_nothing_back(tmp_path: Path) -> None:
    """Review F5 (re-check F5b): a process that never read the damaged line rewrote the file
    without it, while a running reader still showed it. That reader names what is gone and that it
    stays only until the restart; it does not write it back (it may have been removed on purpose)."""
    running = Store(tmp_path, device="here")
    running.change_state([("search:a", "query", "cat:cs.CV"), ("search:nested", "query", "@a OR tag:foo")])
    _damage_line(running.state_path, b"search:nested")
    Store(tmp_path, device="here").set_starred(["2608.05013"])  # a new process: repairs without it
    assert "search:nested" not in Store(tmp_path, device="x").state_values("query")
    running.refresh_states()
    said = " ".join(running.messages)
    assert "rewritten by another process without 1 change(s) this reader had read from it" in said, said
    assert "saved search @nested" in said and "until the reader restarts" in said, said
    running.set_starred(["2608.05014"])
    fresh = Store(tmp_path, device="x")
    assert fresh.state_values("query") == {"search:a": "cat:cs.CV"}
    assert starred(fresh) == {"2608.05013", "2608.05014"}


def test_an_older_copy_of_the_own_file_put_back_is_said_once_and_truly(tmp_path: Path) -> None:
    """Review M4: ``cp`` of an older copy over this device's file under a running reader. The
    reader gave two notices that contradicted each other ("still counts" and "until the reader
    restarts"); now one, saying that no file holds the change and how long it is shown."""
    import shutil

    running = Store(tmp_path, device="here")
    running.set_starred(["2608.05013"])
    older = tmp_path / "older.jsonl"
    shutil.copyfile(running.state_path, older)
    running.set_read(["2608.05013"])
    shutil.copyfile(older, running.state_path)  # (in place, as cp does: the same inode, shorter)
    running.refresh_states()
    said = [m for m in running.messages if str(running.state_path) in m]
    assert len(said) == 1, running.messages
    assert "an older copy" in said[0] and "without 1 change(s) this reader had read from it" in said[0]
    assert "no file holds them" in said[0] and "until the reader restarts, then gone" in said[0]
    assert not any("still counts" in m for m in running.messages)
    assert not Store(tmp_path, device="x").get_state("2608.05013").read  # the files: as the copy says
    assert running.state_path.read_bytes() == older.read_bytes()  # nothing written back
