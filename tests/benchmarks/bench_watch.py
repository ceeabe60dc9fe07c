"""Benchmark of the digest watcher: a day file dropped into a watched folder, to its arrival.

    .venv/bin/python tests/benchmarks/bench_watch.py            # library of 200,000 papers
    .venv/bin/python tests/benchmarks/bench_watch.py --papers 20000

Imports the benchmark archive (see make_archive.py) into a temporary home, then
runs :class:`tui.core.watch.DigestWatcher` on an empty folder of its own and
copies the archive's next days into it one at a time (each cs.CV day file whole,
as ``git pull`` or a sync tool delivers it). Prints, per file, the time from the
copy to the arrival yielded, and that time less the settle wait (what the
watcher itself costs: the event, the finished check and the import). Medians of
the files; the target is the index issue's "a new day's file" (< 0.5 s) on top
of the settle wait.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_archive import cached_archive  # noqa: E402

from tui.core.store import Store  # noqa: E402
from tui.core.watch import Arrival, DigestWatcher  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=200_000)
    parser.add_argument("--settle", type=float, default=1.0)
    args = parser.parse_args(argv)
    archive = cached_archive(args.papers)
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as tmp:
        home, watched = Path(tmp) / "home", Path(tmp) / "watched"
        watched.mkdir()
        store = Store(home)
        started = time.perf_counter()
        store.import_paths([Path(archive.root)])
        print(f"library: {store.paper_count():,} papers imported in {time.perf_counter() - started:.1f} s")
        watcher = DigestWatcher(store, [watched], settle=args.settle)
        events: list[tuple[float, object]] = []
        ready = threading.Event()

        def run() -> None:
            for event in watcher.events():
                events.append((time.perf_counter(), event))
                if getattr(event, "started", False):
                    ready.set()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        ready.wait(60)
        latencies = []
        for day in archive.extra_days:
            for file in day[:1]:  # one file per day (one category's)
                before = len(events)
                copied = time.perf_counter()
                target = watched / Path(file).name
                shutil.copy(file, target)
                while not any(isinstance(e, Arrival) for _, e in events[before:]):
                    time.sleep(0.01)
                when, arrival = next((t, e) for t, e in events[before:] if isinstance(e, Arrival))
                latencies.append(when - copied)
                print(f"  {arrival.message}: {when - copied:.2f} s after the copy")
        watcher.stop.set()
        thread.join(10)
    median = statistics.median(latencies)
    print(f"copy to arrival, median of {len(latencies)}: {median:.2f} s "
          f"({median - args.settle:.2f} s beyond the {args.settle:g} s settle wait; target < 0.5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
