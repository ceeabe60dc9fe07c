"""The lazily built read/starred mapping (tui/core/statemap.py) answers exactly like the eager dict.

The eager dict is what the store handed out before: one PaperState per key
read or starred, ``read_at``/``starred_at`` the winning change's stamp. The
lazy one must agree on every question (keys, values, length, membership, the
keys of each flag) on random states, over winners kept as dicts or packed as a
snapshot packs them, after changes made in place, in copies, through another
process's changes read by a poll, and whatever state the derived files are in.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import tui.core.store.state as state_module
from tui.core.models import PaperState
from tui.core.statemap import StateBase, StateMap, flagged_keys, state_copy
from tui.core.store import Store
from tui.core.store.statecolumn import PackedColumn, pack_column
from tui.core.store.statepositions import POSITIONS_NAME
from tui.core.store.statesnap import SNAPSHOT_NAME

Column = dict[str, tuple[object, str, str]]


def eager(read: Column, starred: Column) -> dict[str, PaperState]:
    """The dict of PaperStates the merged view used to build, written out plainly."""
    out: dict[str, PaperState] = {}
    for key in {*read, *starred}:
        r, s = read.get(key), starred.get(key)
        is_read, is_starred = bool(r and r[0]), bool(s and s[0])
        if is_read or is_starred:
            out[key] = PaperState(key, is_read, r[1] if is_read else None, is_starred, s[1] if is_starred else None)
    return out


def random_columns(rng: random.Random, n: int) -> tuple[Column, Column]:
    keys = [f"{rng.randrange(2000, 2600)}.{rng.randrange(100000):05d}" for _ in range(n)]
    keys += ["hep-th/9901001", "search:mute", "é-ünïcode", "a\nline"]  # old ids, names, any text
    devices = ["laptop", "desk", "phone"]
    read: Column = {}
    starred: Column = {}
    for key in keys:
        for column, odds in ((read, 0.7), (starred, 0.3)):
            if rng.random() < odds:
                stamp = f"2026-11-{rng.randrange(1, 30):02d}T10:00:00.{rng.randrange(10**6):06d}Z"
                column[key] = (rng.random() < 0.8, stamp, rng.choice(devices))
    return read, starred


def packed(column: Column) -> PackedColumn:
    devices: dict[str, int] = {}
    sizes, sections = pack_column(column, devices)
    return PackedColumn(sizes, memoryview(b"".join(sections)), list(devices))


def assert_same(lazy: StateMap, expected: dict[str, PaperState], probes: list[str]) -> None:
    assert len(lazy) == len(expected)
    assert set(lazy) == set(expected) and set(lazy.keys()) == set(expected)
    assert dict(lazy.items()) == expected and lazy == expected
    for key in probes:
        assert lazy.get(key) == expected.get(key)
        assert (key in lazy) == (key in expected)
    for flag in ("read", "starred"):
        assert sorted(flagged_keys(lazy, flag)) == sorted(k for k, s in expected.items() if getattr(s, flag))


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("as_packed", [False, True])
def test_the_lazy_map_answers_like_the_eager_dict(seed: int, as_packed: bool) -> None:
    rng = random.Random(seed)
    read, starred = random_columns(rng, rng.choice([0, 1, 50, 400]))
    expected = eager(read, starred)
    base = StateBase(packed(read), packed(starred), size=len(expected)) if as_packed else StateBase(read, starred)
    lazy = StateMap(base)
    probes = [*read, *starred, "2201.00000", "", "nothing"]
    assert_same(lazy, expected, probes)

    # Changed in place as the reader mirrors its saved acts, and a copy left alone meanwhile.
    copy = state_copy(lazy)
    frozen = dict(expected)
    for _ in range(60):
        key = rng.choice(probes)
        if rng.random() < 0.3 and key in expected:
            del lazy[key]
            del expected[key]
        else:
            state = PaperState(key, rng.random() < 0.5, "2026-12-01T00:00:00+00:00", rng.random() < 0.5)
            lazy[key] = state
            expected[key] = state
        assert len(lazy) == len(expected)
    assert_same(lazy, expected, probes)
    assert isinstance(copy, StateMap)
    assert_same(copy, frozen, probes)


def test_a_packed_column_finds_every_key_and_no_other() -> None:
    rng = random.Random(7)
    read, _ = random_columns(rng, 300)
    column = packed(read)
    assert len(column) == len(read) and column.to_dict() == read
    for key in read:
        assert column.get(key) == read[key]
    for key in ("", "0", "zzzz", "2201.0000", "\udcff"):
        assert column.get(key) is None


def test_packed_sections_that_do_not_fit_are_refused() -> None:
    devices: dict[str, int] = {}
    sizes, sections = pack_column({"2201.00001": (True, "2026-11-01T00:00:00Z", "laptop")}, devices)
    data = memoryview(b"".join(sections))
    with pytest.raises(ValueError):
        PackedColumn({**sizes, "n": 2}, data, list(devices))
    with pytest.raises(ValueError):
        PackedColumn(sizes, data[:-1], list(devices))
    with pytest.raises(ValueError):
        PackedColumn(sizes, data, [])  # a device it does not name


# -- through the store ------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """A snapshot for states of any size (by default only for large ones)."""
    monkeypatch.setattr(state_module, "SNAPSHOT_MIN_BYTES", 0)
    monkeypatch.setattr(state_module, "SNAPSHOT_STALE_BYTES", 1)


def reference(home: Path) -> dict[str, PaperState]:
    """The states read from the files alone (no snapshot), as the eager dict."""
    for name in (SNAPSHOT_NAME, POSITIONS_NAME):
        (home / name).unlink(missing_ok=True)
    store = Store(home, device="reference")
    store._state.defer_snapshot = True  # (writes nothing: the files stay as they are)
    return dict(store.states().items())


def flags_of(state: PaperState | None) -> tuple[bool, bool]:
    return (state.read, state.starred) if state is not None else (False, False)


def random_acts(store: Store, rng: random.Random, ids: list[str], count: int) -> None:
    for _ in range(count):
        chosen = rng.sample(ids, rng.randrange(1, 6))
        if rng.random() < 0.6:
            store.set_read(chosen, rng.random() < 0.7)
        else:
            store.set_starred(chosen, rng.random() < 0.6)


@pytest.mark.parametrize("seed", range(4))
def test_another_process_s_changes_arrive_through_the_poll(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    ids = [f"2201.{i:05d}" for i in range(120)]
    random_acts(Store(tmp_path, device="laptop"), rng, ids, 40)
    Store(tmp_path, device="laptop").states()  # writes the snapshot
    reader = Store(tmp_path, device="laptop")
    shown = reader.states()
    assert reader._state._view.untouched("read", "starred")  # answered from the packed snapshot
    other = Store(tmp_path, device=rng.choice(["laptop", "desk"]))
    for _ in range(5):
        before = dict(shown.items())
        random_acts(other, rng, ids, rng.randrange(1, 8))
        changed = reader.refresh_states()
        now = reader.states()
        expected = reference(tmp_path)
        assert_same(now, expected, ids)
        assert dict(shown.items()) == before  # what the reader holds changes only when it takes the new one
        moved = {k for k in set(before) | set(expected) if flags_of(before.get(k)) != flags_of(expected.get(k))}
        assert moved <= changed  # (a new stamp alone, read again, is no change of value)
        shown = now
    random_acts(reader, rng, ids, 5)  # this reader's own acts, merged into the packed view
    assert_same(reader.states(), reference(tmp_path), ids)


def test_damaged_and_stale_derived_files_answer_as_the_files(tmp_path: Path) -> None:
    rng = random.Random(3)
    ids = [f"2201.{i:05d}" for i in range(80)]
    random_acts(Store(tmp_path, device="laptop"), rng, ids, 30)
    Store(tmp_path, device="laptop").states()
    expected = reference(tmp_path)
    Store(tmp_path, device="laptop").states()  # the snapshot again
    snapshot = tmp_path / SNAPSHOT_NAME
    state_files = {p: p.read_bytes() for p in (tmp_path / "state").iterdir()}

    data = bytearray(snapshot.read_bytes())
    data[-5] ^= 0x20  # damaged: said, then the files read
    snapshot.write_bytes(bytes(data))
    store = Store(tmp_path, device="laptop")
    assert_same(store.states(), expected, ids)
    assert any("damaged" in message for message in store.messages)
    assert {p: p.read_bytes() for p in (tmp_path / "state").iterdir()} == state_files  # never touched

    random_acts(Store(tmp_path, device="laptop"), rng, ids, 5)  # stale: lines appended since
    expected = reference(tmp_path)
    store = Store(tmp_path, device="laptop")
    assert_same(store.states(), expected, ids)
    assert store.messages == []


def test_a_reader_writes_the_derived_files_only_when_it_warms(tmp_path: Path) -> None:
    rng = random.Random(5)
    ids = [f"2201.{i:05d}" for i in range(60)]
    random_acts(Store(tmp_path, device="laptop"), rng, ids, 20)
    expected = reference(tmp_path)
    reader = Store(tmp_path, device="laptop")
    reader.defer_state_files()
    assert_same(reader.states(), expected, ids)
    assert not (tmp_path / SNAPSHOT_NAME).exists()
    reader.warm_states()
    assert (tmp_path / SNAPSHOT_NAME).is_file()
    again = Store(tmp_path, device="laptop")
    assert_same(again.states(), expected, ids)
    assert again._state._view.untouched("read", "starred") and again.messages == []


def test_a_plain_dict_still_works_where_states_are_asked() -> None:
    states = {"a": PaperState("a", True), "b": PaperState("b", False, None, True)}
    assert flagged_keys(states, "read") == ["a"] and flagged_keys(states, "starred") == ["b"]
    copy = state_copy(states)
    assert copy == states and copy is not states
    assert StateMap.of(states) == states


@pytest.mark.parametrize("as_packed", [False, True])
def test_many_starred_papers_are_counted_once(as_packed: bool) -> None:
    rng = random.Random(11)
    read, starred = random_columns(rng, 6000)
    expected = eager(read, starred)
    assert sum(1 for record in starred.values() if record[0]) > 1_000
    base = StateBase(packed(read), packed(starred)) if as_packed else StateBase(read, starred)
    lazy = StateMap(base)
    assert len(lazy) == len(expected) and set(lazy) == set(expected)
