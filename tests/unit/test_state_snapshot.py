"""The state snapshot: a derived copy of the merged view, used only while still true of the files.

Stale (files changed other than by appending, removed, another layout or
device) means rebuilt quietly; damaged means said, then rebuilt; either way the
state shown is the files' and the files are never touched.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

import tui.core.store.state as state_module
import tui.core.store.statewriter as writer_module
import tui.core.store.stateread as stateread
from tui.core.store import Store
from tui.core.store.statesnap import SNAPSHOT_NAME, SNAPSHOT_VERSION


@pytest.fixture(autouse=True)
def any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """A snapshot for states of any size (by default only for large ones)."""
    monkeypatch.setattr(state_module, "SNAPSHOT_MIN_BYTES", 0)
    monkeypatch.setattr(state_module, "SNAPSHOT_STALE_BYTES", 1)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """(file name, read whole) for every read of a state file."""
    seen: list[tuple[str, bool]] = []
    real = stateread.read_state_file

    def spy(path, previous=None):
        result = real(path, previous)
        seen.append((Path(path).name, result.whole))
        return result

    monkeypatch.setattr(stateread, "read_state_file", spy)
    return seen


def flags(store: Store) -> dict[str, tuple[bool, bool, str | None]]:
    return {key: (s.read, s.starred, s.read_at) for key, s in store.states().items()}


def fill(home: Path, device: str = "laptop", n: int = 20) -> Store:
    store = Store(home, device=device)
    store.set_read([f"2201.{i:05d}" for i in range(n)])
    store.set_starred([f"2201.{i:05d}" for i in range(0, n, 3)])
    store.change_state([("2201.00001", "tag:ml", True), ("2201.00002", "note", "see §3"),
                        ("search:x", "query", "au:li")])
    return store


def files_bytes(home: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((home / "state").iterdir())}


def test_a_start_up_reads_the_snapshot_not_the_files(tmp_path: Path, reads) -> None:
    fill(tmp_path)
    first = Store(tmp_path, device="laptop")
    expected = flags(first)
    assert (tmp_path / SNAPSHOT_NAME).is_file() and reads == [("laptop.jsonl", True)]
    devices = first.state_devices()
    reads.clear()
    again = Store(tmp_path, device="laptop")
    assert flags(again) == expected and reads == []  # not a line parsed
    assert again.state_devices() == devices and set(devices) == {"laptop"}
    assert again.state_values("tag:ml") == {"2201.00001": True}
    assert again.state_values("note") == {"2201.00002": "see §3"}
    assert again.state_values("query") == {"search:x": "au:li"}
    assert again.messages == []


def test_lines_appended_since_are_read_after_it(tmp_path: Path, reads) -> None:
    writer = fill(tmp_path)
    Store(tmp_path, device="laptop").states()  # the snapshot
    writer.set_starred(["2201.00001"])
    writer.set_read(["2201.00005"], False)
    reads.clear()
    store = Store(tmp_path, device="laptop")
    assert store.get_state("2201.00001").starred and not store.get_state("2201.00005").read
    assert reads == [("laptop.jsonl", False)]  # the appended lines only
    assert flags(store) == flags(Store(tmp_path, device="elsewhere"))  # the same as read from the files


def test_a_file_changed_in_place_with_the_same_size_and_time_is_read_again(tmp_path: Path, reads) -> None:
    """The snapshot is keyed by the bytes (their CRC-32), not only by size and mtime."""
    fill(tmp_path)
    Store(tmp_path, device="laptop").states()
    path = tmp_path / "state" / "laptop.jsonl"
    info = path.stat()
    raw = path.read_bytes()
    assert raw.count(b'"2201.00004","read"') == 1
    path.write_bytes(raw.replace(b'"2201.00004","read"', b'"2201.00094","read"'))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns
    reads.clear()
    store = Store(tmp_path, device="laptop")
    store.states()
    assert ("laptop.jsonl", True) in reads
    assert store.get_state("2201.00094").read and not store.get_state("2201.00004").read
    assert flags(store) == flags(Store(tmp_path, device="elsewhere"))


def test_a_compacted_file_makes_it_stale_and_it_is_rewritten(tmp_path: Path, monkeypatch, reads) -> None:
    writer = fill(tmp_path)
    Store(tmp_path, device="laptop").states()
    before = (tmp_path / SNAPSHOT_NAME).read_bytes()
    monkeypatch.setattr(writer_module, "COMPACT_HARD_LINES", 1)
    writer.set_starred(["2201.00002"], True)  # compacts: a new generation
    reads.clear()
    store = Store(tmp_path, device="laptop")
    assert store.get_state("2201.00002").starred and reads == [("laptop.jsonl", True)]
    assert store.messages == [] and (tmp_path / SNAPSHOT_NAME).read_bytes() != before


def test_a_removed_device_file_is_not_kept_alive_by_it(tmp_path: Path, reads) -> None:
    fill(tmp_path, "laptop", 3)
    Store(tmp_path / "phone", device="phone").set_starred(["2201.00099"])  # the phone's copy, synced here
    (tmp_path / "state" / "phone.jsonl").write_bytes((tmp_path / "phone" / "state" / "phone.jsonl").read_bytes())
    assert Store(tmp_path, device="laptop").get_state("2201.00099").starred  # the snapshot of both
    reads.clear()
    assert Store(tmp_path, device="laptop").get_state("2201.00099").starred and reads == []
    (tmp_path / "state" / "phone.jsonl").unlink()
    assert not Store(tmp_path, device="laptop").get_state("2201.00099").starred
    assert reads == [("laptop.jsonl", True)]


def test_another_device_file_added_since_is_read(tmp_path: Path, reads) -> None:
    fill(tmp_path, "laptop", 3)
    Store(tmp_path, device="laptop").states()
    Store(tmp_path / "phone", device="phone").set_starred(["2201.00099"])  # the phone's copy, synced here
    (tmp_path / "state" / "phone.jsonl").write_bytes((tmp_path / "phone" / "state" / "phone.jsonl").read_bytes())
    reads.clear()
    assert Store(tmp_path, device="laptop").get_state("2201.00099").starred
    assert reads == [("phone.jsonl", True)]


@pytest.mark.parametrize("damage", ["flip", "cut", "garbage", "empty"])
def test_a_damaged_snapshot_is_said_rebuilt_and_costs_nothing(tmp_path: Path, damage: str) -> None:
    fill(tmp_path)
    expected = flags(Store(tmp_path, device="laptop"))
    snapshot = tmp_path / SNAPSHOT_NAME
    raw = snapshot.read_bytes()
    files = files_bytes(tmp_path)
    damaged = {"flip": raw[:-20] + bytes([raw[-20] ^ 0x20]) + raw[-19:], "cut": raw[: len(raw) // 2],
               "garbage": b"\x00\xff" * 50, "empty": b""}[damage]
    snapshot.write_bytes(damaged)
    store = Store(tmp_path, device="laptop")
    assert flags(store) == expected
    assert len(store.messages) == 1 and str(snapshot) in store.messages[0]
    assert "rebuilt" in store.messages[0]
    assert files_bytes(tmp_path) == files  # the record untouched
    assert snapshot.read_bytes() != damaged
    quiet = Store(tmp_path, device="laptop")
    assert flags(quiet) == expected and quiet.messages == []


@pytest.mark.parametrize("header", [{"version": 999}, {"device": "phone"}])
def test_another_layout_or_device_is_stale_not_damaged(tmp_path: Path, header: dict, reads) -> None:
    fill(tmp_path)
    expected = flags(Store(tmp_path, device="laptop"))
    snapshot = tmp_path / SNAPSHOT_NAME
    raw = snapshot.read_bytes()
    head, _, body = raw.partition(b"\n")
    snapshot.write_bytes(orjson.dumps({**orjson.loads(head), **header}) + b"\n" + body)
    reads.clear()
    store = Store(tmp_path, device="laptop")
    assert flags(store) == expected and store.messages == [] and reads == [("laptop.jsonl", True)]
    rebuilt = orjson.loads(snapshot.read_bytes().partition(b"\n")[0])
    assert (rebuilt["version"], rebuilt["device"]) == (SNAPSHOT_VERSION, "laptop")


def test_no_snapshot_while_a_file_is_damaged_so_every_start_says_it(tmp_path: Path) -> None:
    fill(tmp_path, "laptop", 3)
    Store(tmp_path, device="phone").set_starred(["2201.00050"])
    (tmp_path / SNAPSHOT_NAME).unlink(missing_ok=True)
    with (tmp_path / "state" / "phone.jsonl").open("ab") as handle:
        handle.write(b"not json\n")
    for _ in range(2):
        store = Store(tmp_path, device="laptop")
        assert store.get_state("2201.00050").starred
        assert any("damaged line" in m for m in store.messages)
    assert not (tmp_path / SNAPSHOT_NAME).exists()


def test_two_readers_and_a_writer_agree(tmp_path: Path) -> None:
    """Two readers open at once, each writing; every fresh start shows both readers' changes."""
    fill(tmp_path, "laptop", 5)
    one, two = Store(tmp_path, device="laptop"), Store(tmp_path, device="laptop")
    one.states(), two.states()  # both loaded (both may have written the snapshot)
    one.set_starred(["2201.00001"])
    two.set_read(["2201.00001"], False)
    two.set_starred(["2201.00003"], False)
    assert one.refresh_states() == {"2201.00001", "2201.00003"}
    fresh = Store(tmp_path, device="laptop")
    assert fresh.get_state("2201.00001").starred and not fresh.get_state("2201.00001").read
    assert not fresh.get_state("2201.00003").starred
    assert flags(fresh) == flags(one) == flags(two) == flags(Store(tmp_path, device="elsewhere"))


def test_a_write_after_a_start_from_the_snapshot_is_kept(tmp_path: Path) -> None:
    fill(tmp_path, "laptop", 5)
    Store(tmp_path, device="laptop").states()
    store = Store(tmp_path, device="laptop")
    store.set_starred(["2201.00004"])
    store.change_state([("2201.00004", "tag:ml", True)])
    fresh = Store(tmp_path, device="elsewhere")  # from the files alone
    assert fresh.get_state("2201.00004").starred and fresh.state_values("tag:ml")["2201.00004"] is True
    assert flags(Store(tmp_path, device="laptop")) == flags(fresh)


def in_time(make, seconds: float = 20.0):
    """``make()`` run in a thread: a regression that waits on a FIFO fails instead of hanging."""
    import threading

    done: list = []
    thread = threading.Thread(target=lambda: done.append(make()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert done, "blocked (waiting on a FIFO?)"
    return done[0]


@pytest.mark.parametrize("kind", ["fifo", "device", "huge"])
def test_a_fifo_device_or_huge_file_in_its_place_is_said_never_waited_on(tmp_path: Path, kind: str) -> None:
    fill(tmp_path)
    expected = flags(Store(tmp_path, device="laptop"))
    snapshot = tmp_path / SNAPSHOT_NAME
    snapshot.unlink()
    if kind == "fifo":
        os.mkfifo(snapshot)
    elif kind == "device":
        snapshot.symlink_to("/dev/zero")
    else:
        with open(snapshot, "wb") as handle:  # (sparse: costs no disk)
            handle.truncate(65 << 20)
    try:
        store = in_time(lambda: Store(tmp_path, device="laptop"))
        assert in_time(lambda: flags(store)) == expected
    finally:
        if kind == "fifo" and not snapshot.is_file():  # (let a reader stuck on it go)
            os.close(os.open(snapshot, os.O_WRONLY | os.O_NONBLOCK))
    assert len(store.messages) == 1 and str(snapshot) in store.messages[0]
    assert {"fifo": "not a regular file", "device": "symbolic link", "huge": "too large"}[kind] in store.messages[0]
    assert "rebuilt from them" in store.messages[0]
    assert snapshot.is_file() and not snapshot.is_symlink() and snapshot.stat().st_size < 1 << 20  # rebuilt
    quiet = Store(tmp_path, device="laptop")
    assert flags(quiet) == expected and quiet.messages == []


def test_a_directory_in_its_place_is_said_as_not_rebuilt_with_what_to_do(tmp_path: Path) -> None:
    fill(tmp_path)
    expected = flags(Store(tmp_path, device="laptop"))
    snapshot = tmp_path / SNAPSHOT_NAME
    snapshot.unlink()
    snapshot.mkdir()
    for _ in range(2):  # (every start says it, as it stays so)
        store = Store(tmp_path, device="laptop")
        assert flags(store) == expected
        assert len(store.messages) == 1 and str(snapshot) in store.messages[0]
        assert "is a directory" in store.messages[0] and "cannot be rebuilt" in store.messages[0]
        assert "move or remove that directory" in store.messages[0] and "is rebuilt" not in store.messages[0]
        assert snapshot.is_dir()  # (the user's: never moved)


def test_a_fifo_in_its_place_is_replaced_as_said_even_for_a_small_state(tmp_path: Path, monkeypatch) -> None:
    """A state too small to need a snapshot still gets one in place of a damaged one:
    the notice says it is rebuilt, so it is (the FIFO would be said again at every start)."""
    fill(tmp_path)
    monkeypatch.setattr(state_module, "SNAPSHOT_MIN_BYTES", 1 << 30)
    snapshot = tmp_path / SNAPSHOT_NAME
    snapshot.unlink()
    os.mkfifo(snapshot)
    try:
        store = in_time(lambda: Store(tmp_path, device="laptop"))
        in_time(lambda: flags(store))
    finally:
        if not snapshot.is_file():
            os.close(os.open(snapshot, os.O_WRONLY | os.O_NONBLOCK))
    assert len(store.messages) == 1 and "rebuilt from them" in store.messages[0]
    assert snapshot.is_file()
    assert Store(tmp_path, device="laptop").messages == []
