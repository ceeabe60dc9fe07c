"""Benchmark of the state store at 200,000 entries: toggles, load, refresh, migration.

    .venv/bin/python tests/benchmarks/bench_state.py              # 200,000 entries
    .venv/bin/python tests/benchmarks/bench_state.py --entries 20000 --toggles 50

Prints medians and p95s of repeated runs, each next to its target, and exits 1
when a target is missed. Everything runs through the real Store in a temporary
home (a state of N papers marked read, every 7th starred, as after "mark all
read" on a large archive):

- a star toggle persisted (``Store.set_starred``: appended and fsynced), with
  the state file freshly compacted and with a long journal behind it;
- the same toggle while a second process on the same device keeps writing;
- ``Store.refresh_states()`` with nothing new, and after another process saved
  one change;
- opening a store and reading every state (``Store(home).states()``), in a
  fresh process;
- migrating a schema-2 ``state.json`` of N entries.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tui.core.store import Store  # noqa: E402


def ids(count: int) -> list[str]:
    return [f"{2001 + n // 90_000:04d}.{n % 90_000:05d}" for n in range(count)]


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


class Report:
    def __init__(self) -> None:
        self.missed = 0

    def row(self, name: str, samples: list[float], target: float | None, note: str = "") -> None:
        median = statistics.median(samples)
        verdict = "" if target is None else ("pass" if median < target else "FAIL")
        self.missed += verdict == "FAIL"
        goal = f"< {target:g} ms" if target is not None else ""
        print(f"{name:<58} median {median:8.2f} ms  p95 {p95(samples):8.2f} ms  {goal:<10} {verdict:<4} {note}")


def populated(home: Path, keys: list[str]) -> Store:
    store = Store(home)
    store.set_read(keys, True)
    store.set_starred(keys[::7], True)
    return store


def time_toggles(store: Store, keys: list[str], count: int) -> list[float]:
    samples = []
    for n in range(count):
        key = keys[(n // 2) * 97 % len(keys)]
        started = time.perf_counter()
        store.set_starred([key], n % 2 == 1)  # unstar then star back (every 7th is starred)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


WRITER = """
import sys, time
from tui.core.store import Store
store = Store(sys.argv[1])
keys = [f"2999.{n:05d}" for n in range(1000)]
print("ready", flush=True)
n = 0
while sys.stdin.readline().strip() != "stop":
    store.set_starred([keys[n // 2 % 1000]], n % 2 == 0)  # star, then unstar the same paper
    n += 1
    print("ok", flush=True)
"""

LOAD = """
import sys, time
started = time.perf_counter()
from tui.core.store import Store
imported = time.perf_counter()
states = Store(sys.argv[1]).states()
done = time.perf_counter()
print((done - imported) * 1000, len(states))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--toggles", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5, help="fresh-process loads and migrations")
    args = parser.parse_args()
    keys = ids(args.entries)
    report = Report()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        started = time.perf_counter()
        store = populated(home, keys)
        print(f"state of {args.entries:,} papers written in {time.perf_counter() - started:.2f} s")
        store = Store(home)  # compacts the journal the bulk write left
        entries = len(store.states())
        size = store.state_path.stat().st_size / 1e6
        samples = time_toggles(store, keys, args.toggles)
        report.row("star toggle persisted (compacted file)", samples, 20,
                   f"{entries:,} entries, {size:.1f} MB")

        time_toggles(store, keys, 900 - args.toggles % 2)  # a journal of ~900 lines more
        journal = Store(home)  # below the compaction threshold: loads file and journal
        samples = time_toggles(journal, keys, args.toggles)
        report.row("star toggle persisted (after ~1,100 journal lines)", samples, 20)

        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(home)], cwd=ROOT,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "ready"
        samples, refresh_one = [], []
        for n in range(args.toggles):
            writer.stdin.write("go\n")
            writer.stdin.flush()
            assert writer.stdout.readline().strip() == "ok"
            started = time.perf_counter()
            changed = journal.refresh_states()
            refresh_one.append((time.perf_counter() - started) * 1000)
            assert changed, "the other process's change was not seen"
            started = time.perf_counter()
            journal.set_starred([keys[n * 31 % len(keys)]], n % 2 == 1)
            samples.append((time.perf_counter() - started) * 1000)
        writer.stdin.write("stop\n")
        writer.stdin.flush()
        writer.wait(30)
        report.row("star toggle persisted, another process writing too", samples, 20)
        report.row("refresh_states() after another process saved one change", refresh_one, 20)
        idle = []
        for _ in range(args.toggles):
            started = time.perf_counter()
            assert not journal.refresh_states()
            idle.append((time.perf_counter() - started) * 1000)
        report.row("refresh_states() with nothing new (the 1 s poll)", idle, 1)

        loads = []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, "-c", LOAD, str(home)], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout.split()
            loads.append(float(out[0]))
        report.row("open a store and read every state (fresh process)", loads, None, f"{int(out[1]):,} papers")

        legacy = {str(n): {"id": key, "read": True, "read_at": "2026-11-25T10:00:00+00:00",
                           "starred": n % 7 == 0, "starred_at": "2026-11-25T10:00:00+00:00" if n % 7 == 0 else None}
                  for n, key in enumerate(keys, 1)}
        raw = orjson.dumps({"_meta": {"1": {"schema": 2}}, "state": legacy})
        migrations = []
        for run in range(args.runs):
            old = Path(tmp) / f"old{run}"
            old.mkdir()
            (old / "state.json").write_bytes(raw)
            started = time.perf_counter()
            migrated = Store(old).states()
            migrations.append((time.perf_counter() - started) * 1000)
            assert len(migrated) == args.entries
        report.row("migrate a schema-2 state.json (once per device)", migrations, None,
                   f"{len(raw) / 1e6:.1f} MB state.json")
    return 1 if report.missed else 0


if __name__ == "__main__":
    sys.exit(main())
