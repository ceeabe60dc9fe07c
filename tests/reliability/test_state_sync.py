"""State kept in sync across processes and devices: files replaced, compacted, copied, cut short.

The hostile review of issue 11 showed a running store reading the new lines of
a file that was no longer the one it had read (a compaction by another
process reusing the inode number, ``cp`` over it, a sync tool's rename), then
reporting false damage and dropping changes; and acts never written because
the merged view already showed their value. These tests replay its scripts
(inode.py, sync2.py, inplace.py, stress/run.py) and check the sync promise as
a property: random acts on 2-3 devices, files exchanged in any order and at
any moment (stale, cut short, compacted meanwhile, replaced in place or by
rename) always converge, and the last act on every key wins.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tui.core.store.stamps as stamps
import tui.core.store.state as state_module
import tui.core.store.statewriter as writer_module
from tui.core.store import Store

WORKER = str(Path(__file__).with_name("_sync_worker.py"))


def starred(store: Store) -> set[str]:
    return {key for key, value in store.state_values("starred").items() if value}


def deliver(source: Path, target: Path, how: str = "rename", data: bytes | None = None) -> None:
    """Put ``source``'s bytes (or ``data``) at ``target`` as a sync tool would."""
    data = source.read_bytes() if data is None else data
    target.parent.mkdir(parents=True, exist_ok=True)
    if how == "rename":  # Syncthing, Dropbox: a temporary file renamed over the old one
        temporary = target.with_name(f".sync-{target.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
    else:  # cp, rsync --inplace: the same inode, rewritten
        with open(target, "r+b" if target.exists() else "wb") as handle:
            handle.truncate(0)
            handle.write(data)


# -- the reviewer's scripts -----------------------------------------------------------------


def test_inode_py_another_store_of_the_device_compacting(tmp_path: Path) -> None:
    x, y = Store(tmp_path, device="lap"), Store(tmp_path, device="lap")
    x.set_starred(["2301.00001"])
    assert set(x.states()) == {"2301.00001"}
    for n in range(6):
        y.set_starred([f"2301.{n + 10:05d}"])
        y._state._compact_own()
        y.set_read([f"2301.{n + 10:05d}"])
    x.refresh_states()
    fresh = starred(Store(tmp_path, device="q"))
    assert starred(x) == fresh and len(fresh) == 7
    assert list(x.messages) == []
    assert x.change_state([("2301.00010", "starred", False)])
    assert starred(Store(tmp_path, device="q2")) == fresh - {"2301.00010"}


def test_sync2_py_a_compacted_file_delivered_by_rename(tmp_path: Path) -> None:
    a, b = tmp_path / "A", tmp_path / "B"
    desk, lap = Store(a, device="desk"), Store(b, device="lap")
    desk.set_starred(["2301.00001"])
    deliver(desk.state_path, b / "state" / "desk.jsonl")
    lap.states()
    desk.set_starred(["2301.00002", "2301.00003"])
    desk.set_read(["2301.00004"])
    desk._state._compact_own()
    deliver(desk.state_path, b / "state" / "desk.jsonl")
    desk.set_starred(["2301.00001"], False)
    deliver(desk.state_path, b / "state" / "desk.jsonl")
    lap.refresh_states()
    assert starred(lap) == starred(Store(b, device="lap")) == {"2301.00002", "2301.00003"}
    assert list(lap.messages) == []


def test_inplace_py_cp_over_the_file_then_a_star_here(tmp_path: Path) -> None:
    ids = [f"2608.{n:05d}" for n in range(4260, 4270)]
    a, b = tmp_path / "A", tmp_path / "B"
    desk = Store(a, device="desk")
    desk.set_starred(ids[:2])
    deliver(desk.state_path, b / "state" / "desk.jsonl", "in-place")
    running = Store(b, device="lap")
    assert starred(running) == set(ids[:2])
    desk.set_starred(ids[2:6])
    desk.set_starred(ids[:1], False)
    desk._state._compact_own()
    inode = (b / "state" / "desk.jsonl").stat().st_ino
    deliver(desk.state_path, b / "state" / "desk.jsonl", "in-place")
    assert (b / "state" / "desk.jsonl").stat().st_ino == inode
    assert running.refresh_states() == set(ids[:1]) | set(ids[2:6])
    assert starred(running) == starred(Store(b, device="x")) == set(ids[1:6])
    running.set_starred([ids[0]])  # the user stars what desk had un-starred
    assert Store(b, device="y").get_state(ids[0]).starred
    assert list(running.messages) == []


def test_stress_five_processes_on_two_devices(tmp_path: Path) -> None:
    """stress/run.py: 3 processes as 'lap' and 2 as 'desk' in one folder, toggling the same
    12 papers, compacting every 30 changes. No false damage, no stale view, and per paper
    and flag the value of the act with the greatest stamp."""
    home, done = tmp_path / "home", tmp_path / "done"
    done.mkdir()
    ids = ",".join(f"2301.{n:05d}" for n in range(12))
    spec = [("lap", 1), ("lap", 2), ("lap", 3), ("desk", 4), ("desk", 5)]
    procs = [
        subprocess.Popen([sys.executable, WORKER, str(home), device, str(seed), "150", ids, str(done), "5"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for device, seed in spec
    ]
    best: dict[tuple[str, str], tuple[str, str, bool]] = {}
    for (device, _), proc in zip(spec, procs):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        for line in out.splitlines():
            kind, *rest = line.split(" ", 1)
            assert kind == "ack", line  # no 'stale' view, no 'notice'
            key, field, value, stamp = rest[0].split()
            if (key, field) not in best or (stamp, device) > best[(key, field)][:2]:
                best[(key, field)] = (stamp, device, value == "True")
    checker = Store(home, device="checker")
    for (key, field), (_, _, value) in best.items():
        assert checker.state_values(field).get(key, False) == value, (key, field)
    assert list(checker.messages) == []


# -- the sync promise as a property ------------------------------------------------------------

KEYS = [f"2301.{n:05d}" for n in range(1, 7)]
FIELDS = ["starred", "read", "tag:x"]

_act = st.tuples(st.just("act"), st.integers(0, 2), st.sampled_from(KEYS), st.sampled_from(FIELDS), st.booleans())
_send = st.tuples(st.just("send"), st.integers(0, 2), st.integers(0, 2),
                  st.sampled_from(["rename", "in-place", "cut", "stale"]), st.floats(0, 1))
_other = st.tuples(st.sampled_from(["compact", "refresh", "restart"]), st.integers(0, 2))
OPERATIONS = st.lists(st.one_of(_act, _act, _send, _send, _other), max_size=40)


def _at_least_as_new(running: Store, home: Path) -> None:
    """Per key and field, the running store's winner is at least as new as what the files
    on disk give a fresh store (it may know newer: a stale copy does not unsee a change)."""
    fresh = Store(home, device="checker")
    fresh.refresh_states()
    for field in FIELDS:
        for key in KEYS:
            on_disk = fresh._state._view.get(field, key)
            seen = running._state._view.get(field, key)
            assert on_disk is None or (seen is not None and seen[1] >= on_disk[1]), (home.name, field, key)


class _Clock:
    """Stamps one millisecond apart: acts in sequence order are acts in time order."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def __call__(self) -> str:
        self.moment += timedelta(milliseconds=1)
        return self.moment.strftime(stamps.STAMP_FORMAT)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(devices=st.integers(2, 3), operations=OPERATIONS, seed=st.integers(0, 2**16))
def test_devices_exchanging_files_in_any_order_converge_and_lose_no_act(devices, operations, seed) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp, mock.patch.object(stamps, "stamp_now", _Clock()), \
            mock.patch.object(state_module, "COMPACT_MIN_LINES", 3), \
            mock.patch.object(writer_module, "COMPACT_HARD_LINES", 6):
        homes = [Path(tmp) / f"home{n}" for n in range(devices)]
        names = [f"d{n}" for n in range(devices)]
        stores = [Store(home, device=name) for home, name in zip(homes, names)]
        history: list[list[bytes]] = [[] for _ in range(devices)]
        last: dict[tuple[str, str], bool] = {}
        for operation in operations:
            kind, n = operation[0], operation[1] % devices
            own = stores[n].state_path
            if kind == "act":
                _, _, key, field, value = operation
                (change,) = stores[n].change_state([(key, field, value)])
                assert change[:3] == (key, field, value)
                last[(key, field)] = value
                history[n].append(own.read_bytes())
            elif kind == "send":
                _, _, to, how, where = operation
                to %= devices
                if to == n or not own.exists():
                    continue
                target = homes[to] / "state" / own.name
                data = own.read_bytes()
                if how == "cut":  # a copy still arriving
                    deliver(own, target, "in-place", data[: int(len(data) * where)])
                elif how == "stale" and history[n]:
                    deliver(own, target, rng.choice(["rename", "in-place"]), rng.choice(history[n]))
                else:
                    deliver(own, target, how if how != "stale" else "rename")
                stores[to].refresh_states()
                _at_least_as_new(stores[to], homes[to])
            elif kind == "compact" and own.exists():
                with stores[n]._state._file_lock:
                    stores[n]._state._compact_own()
                history[n].append(own.read_bytes())
            elif kind == "refresh":
                stores[n].refresh_states()
                _at_least_as_new(stores[n], homes[n])
            elif kind == "restart":
                stores[n] = Store(homes[n], device=names[n])
        for n in range(len(stores)):  # finally, every file reaches every home
            for m in range(devices):
                if m != n and stores[m].state_path.exists():
                    deliver(stores[m].state_path, homes[n] / "state" / stores[m].state_path.name,
                            rng.choice(["rename", "in-place"]))
        for n, store in enumerate(stores):
            store.refresh_states()
            fresh = Store(homes[n], device="checker")
            for field in FIELDS:
                expected = {key for key in KEYS if last.get((key, field), False)}
                running = {k for k, v in store.state_values(field).items() if v}
                assert running == expected, (n, field)
                assert {k for k, v in fresh.state_values(field).items() if v} == expected, (n, field)
            for notice in list(store.messages) + list(fresh.messages):
                assert "damaged" not in notice and "invalid" not in notice, notice
