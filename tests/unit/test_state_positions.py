"""``state.positions``: where the state's read and starred papers are in the search index,
kept for one state snapshot and one index, so a start-up need not look up every key.

Used only while both are exactly those it was made for: an import that moves the
papers, a state change, another layout all make it stale (computed again, quietly);
a damaged one is said and rebuilt; the counts are always those of the state itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

import tui.core.store.state as state_module
from tui.core.index import SearchIndex
from tui.core.library_open import library_states, open_library
from tui.core.store import Store
from tui.core.store.statepositions import POSITIONS_NAME, POSITIONS_VERSION

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
DAYS = sorted(DATA.glob("cs.CL/2026/07/*.md"))


@pytest.fixture(autouse=True)
def any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """A state snapshot for states of any size (by default only for large ones)."""
    monkeypatch.setattr(state_module, "SNAPSHOT_MIN_BYTES", 0)
    monkeypatch.setattr(state_module, "SNAPSHOT_STALE_BYTES", 1)


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many ids each lookup of ids in the index was asked for."""
    seen: list[int] = []
    real = SearchIndex.docs_of_ids

    def spy(self, paper_ids):
        paper_ids = list(paper_ids)
        seen.append(len(paper_ids))
        return real(self, paper_ids)

    monkeypatch.setattr(SearchIndex, "docs_of_ids", spy)
    return seen


def copy_days(target: Path, days: list[Path]) -> None:
    for path in days:
        out = target / path.relative_to(DATA)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, out)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A library of every July cs.CL day but the last, a third of it read, some starred."""
    copy_days(tmp_path / "digests", DAYS[:-1])
    home = tmp_path / "home"
    store = Store(home, device="laptop")
    store.import_paths([tmp_path / "digests"])
    library, _ = open_library(store, None)
    ids = library.ids(range(0, len(library), 3))
    store.set_read(ids)
    store.set_starred(ids[::4] + library.ids([1, 2]))
    store.set_read(ids[-3:], False)  # (un-read: a change to false, kept)
    return home


def start(home: Path) -> tuple[Store, object, dict]:
    """What the reader's loader does: the library, then the states told to it."""
    store = Store(home, device="laptop")
    library, _ = open_library(store, None)
    return store, library, library_states(store, library)


def truth(library, states) -> tuple[frozenset[int], frozenset[int]]:
    """The read and starred positions, by brute force: every position's id looked up."""
    where = {paper_id: at for at, paper_id in enumerate(library.ids(range(len(library))))}
    return (frozenset(where[k] for k, s in states.items() if s.read and k in where),
            frozenset(where[k] for k, s in states.items() if s.starred and k in where))


def check(home: Path) -> tuple[Store, object, dict]:
    store, library, states = start(home)
    read, starred = library.state_indices(states)
    assert (read, starred) == truth(library, states)
    assert len(read) > 10 and len(starred) > 3
    return store, library, states


def test_a_second_start_up_reads_them_from_the_file(home: Path, lookups: list[int]) -> None:
    check(home)
    assert (home / POSITIONS_NAME).is_file() and lookups  # computed once, kept
    lookups.clear()
    store, library, states = check(home)
    assert lookups == [] and store.messages == []
    # The counts the screen shows come from the same positions.
    assert library.counts(range(len(library)), states) == (
        len(library) - len(truth(library, states)[0]), len(truth(library, states)[1]))


def test_an_import_that_moves_the_papers_makes_them_stale(home: Path, lookups: list[int]) -> None:
    _, before, _ = check(home)
    copy_days(home.parent / "digests", DAYS[-1:])
    Store(home, device="laptop").import_paths([home.parent / "digests"])  # the newest day: every paper moves
    lookups.clear()
    store, after, states = check(home)
    assert lookups and len(after) > len(before) and store.messages == []
    lookups.clear()
    check(home)
    assert lookups == []  # rewritten for the new index


def test_a_state_change_makes_them_stale(home: Path, lookups: list[int]) -> None:
    _, library, states = check(home)
    unread = next(i for i in library.ids(range(len(library))) if not (i in states and states[i].read))
    read_one = next(k for k, s in states.items() if s.read)
    other = Store(home, device="laptop")
    other.set_read([unread])
    other.set_read([read_one], False)
    lookups.clear()
    _, library, states = check(home)
    assert lookups and states[unread].read and (read_one not in states or not states[read_one].read)
    read, _ = library.state_indices(states)
    assert library.by_id[unread] in read and library.by_id[read_one] not in read


def test_changes_appended_after_the_load_give_no_token(home: Path) -> None:
    store = Store(home, device="laptop")
    _, token, _, _ = store._state.states_token()
    assert token is not None
    Store(home, device="laptop").set_starred(["2607.99999"])
    states, token, _, _ = store._state.states_token()
    assert token is None and states["2607.99999"].starred


@pytest.mark.parametrize("damage", ["flip", "cut", "garbage"])
def test_a_damaged_file_is_said_and_rebuilt(home: Path, damage: str, lookups: list[int]) -> None:
    check(home)
    path = home / POSITIONS_NAME
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[-3] ^= 0x40
    elif damage == "cut":
        data = data[: len(data) - 5]
    else:
        data = bytearray(b"\x00\xffnot json\n" + bytes(data[:40]))
    path.write_bytes(bytes(data))
    state_before = {p.name: p.read_bytes() for p in (home / "state").iterdir()}
    lookups.clear()
    store, _, _ = check(home)
    assert lookups and len(store.messages) == 1 and POSITIONS_NAME in store.messages[0]
    assert {p.name: p.read_bytes() for p in (home / "state").iterdir()} == state_before  # user data untouched
    lookups.clear()
    store, _, _ = check(home)
    assert lookups == [] and store.messages == []  # rebuilt whole


@pytest.mark.parametrize("change", [{"version": POSITIONS_VERSION + 1}, {"index": "00000000-1"},
                                    {"snapshot": "00000000-1"}])
def test_another_version_index_or_snapshot_is_stale_not_damaged(home: Path, change: dict,
                                                                 lookups: list[int]) -> None:
    check(home)
    path = home / POSITIONS_NAME
    data = path.read_bytes()
    end = data.index(b"\n")
    path.write_bytes(orjson.dumps({**orjson.loads(data[:end]), **change}) + data[end:])
    lookups.clear()
    store, _, _ = check(home)
    assert lookups and store.messages == []


def test_two_readers_each_keep_their_own_view(home: Path, lookups: list[int]) -> None:
    """Two readers started on one state; one writes and restarts: the other's next start
    is not given positions made for a state it does not hold, and the file stays whole."""
    first, library, states = check(home)
    second, _, _ = check(home)
    paper = library.ids([0])[0]
    was = paper in states and states[paper].read
    second.set_read([paper], not was)
    check(home)  # a third start-up: the new state's positions written
    lookups.clear()
    _, library, states = check(home)
    assert lookups == [] and (paper in states and states[paper].read) != was
    assert (library.by_id[paper] in library.state_indices(states)[0]) != was


@pytest.mark.parametrize("seed", range(3))
def test_after_a_few_changes_only_those_keys_are_looked_up(
    home: Path, lookups: list[int], seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    rng = random.Random(seed)
    Store(home, device="desk").set_starred(["2607.99998"])  # (another device's file, synced here)
    _, library, _ = check(home)
    monkeypatch.setattr(state_module, "SNAPSHOT_STALE_BYTES", 1 << 30)  # (the snapshot kept: lines appended)
    ids = library.ids(range(len(library)))
    changed: set[str] = set()
    for _round in range(3):
        other = Store(home, device="laptop")  # (a store of another device would keep a snapshot of its own)
        chosen = rng.sample(ids, 6) + ["2607.99999"]  # (and a key the library does not hold)
        other.set_read(chosen[:4], rng.random() < 0.5)
        other.set_starred(chosen[3:], rng.random() < 0.5)
        changed.update(chosen)
        lookups.clear()
        check(home)  # the positions equal the brute-force ones
        assert lookups and max(lookups) <= len(changed)  # the snapshot's, moved at the keys changed since



@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_fifo_or_directory_in_its_place_is_said_truly(home: Path, kind: str) -> None:
    import os
    import threading

    check(home)
    path = home / POSITIONS_NAME
    path.unlink()
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    done: list = []
    thread = threading.Thread(target=lambda: done.append(check(home)), daemon=True)
    thread.start()
    thread.join(20)
    if not done and kind == "fifo":  # (a regression: let the reader stuck on it go, then fail)
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
    assert done, "blocked on the FIFO"
    store = done[0][0]
    assert len(store.messages) == 1 and str(path) in store.messages[0]
    if kind == "fifo":
        assert "not a regular file" in store.messages[0] and "rewritten" in store.messages[0]
        assert path.is_file()  # (rewritten, as said)
    else:
        assert "cannot be rewritten while a directory is in its place" in store.messages[0]
        assert "move or remove that directory" in store.messages[0] and path.is_dir()
