"""Two writers on one home at once: no lost update, and each sees the other's changes."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
from pathlib import Path

from _workers import IDS, snapshot
from tui.core.store import Store

WORKER = str(Path(__file__).with_name("_workers.py"))
TOGGLES = 200


def _expected(finals: list[dict[str, bool]]) -> dict[str, dict[str, bool]]:
    merged: dict[str, dict[str, bool]] = {}
    for final in finals:
        for key, starred in final.items():
            if starred:
                merged[key] = {"starred": True, "read": False}
    return merged


def test_two_processes_toggling_disjoint_ids_lose_no_update(tmp_path: Path) -> None:
    halves = [IDS[0::2], IDS[1::2]]
    procs = [
        subprocess.Popen(
            [sys.executable, WORKER, "writer", str(tmp_path), str(seed), str(TOGGLES), *ids],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for seed, ids in enumerate(halves)
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:  # release both together
        proc.stdin.write("go\n")
        proc.stdin.flush()
    finals = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        finals.append(json.loads(out.strip().splitlines()[-1]))
    expected = _expected(finals)
    assert expected, "the writers left nothing starred: the check would be vacuous"
    store = Store(tmp_path)
    assert snapshot(store.states()) == expected
    assert store.messages == []


def test_two_stores_in_threads_lose_no_update(tmp_path: Path) -> None:
    halves = [IDS[0::2], IDS[1::2]]
    finals: list[dict[str, bool]] = [{}, {}]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work(slot: int) -> None:
        try:
            store = Store(tmp_path)
            rng = random.Random(slot)
            final = {key: False for key in halves[slot]}
            barrier.wait()
            for _ in range(TOGGLES):
                key = rng.choice(halves[slot])
                final[key] = not final[key]
                store.set_starred([key], final[key])
            finals[slot] = final
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert snapshot(Store(tmp_path).states()) == _expected(finals)


def test_interleaved_stores_see_each_others_changes_at_once(tmp_path: Path) -> None:
    """After A writes, B.states() (which re-reads when the file changed) shows it.

    The sequence makes files of equal size in quick succession (star x, unstar x,
    star y with an id of the same length), the case a stat-based change check
    can miss.
    """
    a, b = Store(tmp_path), Store(tmp_path)
    for step in range(60):
        key = IDS[step % 40]
        a.set_starred([key], True)
        assert b.states().get(key) and b.states()[key].starred, (step, key)
        a.set_starred([key], False)
        assert key not in snapshot(b.states()), (step, key)
        # B writes too; A must see it and not undo it with its own next write.
        b.set_read([key], True)
        assert a.states()[key].read, (step, key)
        b.set_read([key], False)
    assert snapshot(a.states()) == snapshot(b.states()) == {}


def test_write_from_a_stale_store_keeps_the_other_stores_changes(tmp_path: Path) -> None:
    """A Store whose cache is old must merge, not overwrite, on its next write."""
    a, b = Store(tmp_path), Store(tmp_path)
    a.states()
    b.states()
    b.set_starred(["2301.00001", "2301.00002"], True)
    a.set_read(["2301.00003"], True)  # a never re-read after b's write
    b.set_starred(["2301.00002"], False)
    a.set_starred(["2301.00004"], True)
    assert snapshot(Store(tmp_path).states()) == {
        "2301.00001": {"starred": True, "read": False},
        "2301.00003": {"starred": False, "read": True},
        "2301.00004": {"starred": True, "read": False},
    }


_TAGGER = """
import sys
from tui.core.readinglist import ReadingList
from tui.core.store import Store
home, own, *ids = sys.argv[1:]
reading = ReadingList(Store(home))
print("ready", flush=True)
sys.stdin.readline()
for paper_id in ids:  # one write per paper, so the two processes' appends interleave
    reading.change_tags([paper_id], add=["shared", own])
print("done", flush=True)
"""


def test_two_processes_tagging_different_papers_lose_no_tag(tmp_path: Path) -> None:
    halves = {"even": IDS[0::2], "odd": IDS[1::2]}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _TAGGER, str(tmp_path), own, *ids],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        for own, ids in halves.items()
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0 and out.strip() == "done"
    from tui.core.readinglist import ReadingList

    tags = ReadingList(Store(tmp_path)).tags()
    assert tags == {"shared": frozenset(IDS), "even": frozenset(IDS[0::2]), "odd": frozenset(IDS[1::2])}
