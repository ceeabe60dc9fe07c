#!/usr/bin/env python3
"""Benchmark the search index as the store keeps it: import, new days, re-import, the CLI from the index.

Run by hand from the repository root (pytest skips this folder)::

    .venv/bin/python tests/benchmarks/bench_index_store.py [--papers 200000] [--runs 3]

On the real-shaped archive of ``make_archive.py --per-file 42`` (about 5,800
daily files of about 35 papers at 200,000 papers, generated from the real
digests and cached), through ``arxiv-reader`` itself (``tui.cli.main`` in this
process for imports, fresh ``python -m tui`` processes for the read-only
commands), it prints medians and p95s of:

- a naive single-process regex parse of the files (the yardstick);
- ``import`` from scratch, with the time spent on the index (built by the import), and the
  first ``stats`` after it in a fresh process;
- ``import`` of the unchanged archive;
- ``import`` after each of five following days was added (one segment each);
- ``list --query``, ``export --query`` (about 100 results) and ``stats`` in a fresh process
  with the modules' bytecode cached (as installed), beside the floor (a process that only
  imports the CLI).

Each target of issue 12 it measures is a PASS/FAIL line; exit status 1 on a miss.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.index_bench import naive_parse, pct  # noqa: E402
from tests.benchmarks.fresh import fresh_env  # noqa: E402
from tests.benchmarks.make_archive import cached_archive  # noqa: E402
from tests.benchmarks.targets import Target, print_targets  # noqa: E402
from tui.core.digest import find_digest_files  # noqa: E402

READ_COMMANDS = {
    "list --query au:goldstein": ["list", "--query", "au:goldstein"],
    "list --query abs:diffusion --limit 100": ["list", "--query", "abs:diffusion", "--limit", "100"],
    "list --query au:wang (every row printed)": ["list", "--query", "au:wang"],
    "export --query {export} ({count} results)": ["export", "--query", "{export}", "-f", "bibtex", "-o", "{out}"],
    "stats": ["stats"],
}


def seconds(samples: list[float]) -> str:
    return f"p50 {statistics.median(samples):7.3f} s  p95 {pct(samples, 0.95):7.3f} s"


def run_cli(home: Path, *args: str) -> str:
    """``tui.cli.main(["--home", home, *args])`` in this process; its stdout."""
    from tui import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--home", str(home), *args])
    if code:
        raise RuntimeError(f"arxiv-reader {' '.join(args)}: exit {code}: {err.getvalue()[-2000:]}")
    return out.getvalue().strip()


class IndexTimer:
    """Adds up the time the store spends on the search index (rebuilds and segments)."""

    def __init__(self) -> None:
        from tui.core.store import search

        self.total = 0.0
        self._depth = 0  # after_import may call rebuild: time the outer call only
        self._search = search
        self._originals = {name: getattr(search.SearchFiles, name) for name in ("rebuild", "after_import")}
        for name, original in self._originals.items():
            setattr(search.SearchFiles, name, self._timed(original))

    def _timed(self, original):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            self._depth += 1
            try:
                return original(*args, **kwargs)
            finally:
                self._depth -= 1
                if not self._depth:
                    self.total += time.perf_counter() - started
        return wrapper

    def take(self) -> float:
        total, self.total = self.total, 0.0
        return total


#: Queries tried for the export (the one closest to 100 results is used).
EXPORT_QUERIES = ["ti:segmentation au:wang", "ti:segmentation au:li", "ti:diffusion au:zhang", "ti:tracking au:wang",
                  "abs:lidar ti:3d au:li", "ti:point au:wang"]


def export_query(home: Path) -> tuple[str, int]:
    """The query of :data:`EXPORT_QUERIES` selecting closest to 100 papers, and how many."""
    from tui.core.query import parse_query
    from tui.core.store import Store

    index = Store(home).open_index()
    counts = {text: index.search(parse_query(text)).count for text in EXPORT_QUERIES}
    best = min(counts, key=lambda text: abs(counts[text] - 100))
    return best, counts[best]


def fresh_cli(home: Path, args: list[str], module: str = "tui") -> float:
    """Wall time of ``python -m tui --home HOME ARGS`` from process start to exit."""
    env = fresh_env()  # the project's modules compiled, as after an installed reader's first run
    started = time.perf_counter()
    command = [sys.executable, "-m", module, "--home", str(home), *args] if module else [sys.executable, *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{args}: exit {done.returncode}: {done.stderr[-2000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=200_000)
    parser.add_argument("--per-file", type=int, default=42)
    parser.add_argument("--runs", type=int, default=3, help="imports from scratch and naive parses")
    args = parser.parse_args(argv)
    results: list[Target] = []

    info = cached_archive(papers=args.papers, per_file=args.per_file)
    files, _ = find_digest_files([Path(info.root)])
    print(f"archive: {info.papers:,} papers in {len(files):,} files ({info.bytes / 1e6:.0f} MB); "
          f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    work = Path(tempfile.mkdtemp(prefix="index-store-bench-"))
    timer = IndexTimer()
    try:
        archive = work / "archive"
        shutil.copytree(info.root, archive)  # new days are added to a copy
        naive, scratch, spent, first_need = [], [], [], []
        home = work / "home"
        for run in range(args.runs):
            started = time.perf_counter()
            naive_parse(files)
            naive.append(time.perf_counter() - started)
            shutil.rmtree(home, ignore_errors=True)
            timer.take()
            started = time.perf_counter()
            out = run_cli(home, "import", str(archive))
            scratch.append(time.perf_counter() - started)
            spent.append(timer.take())
            first_need.append(fresh_cli(home, ["stats"]))
            print(f"  import from scratch #{run + 1}: {scratch[-1]:.2f} s (index {spent[-1]:.2f} s); "
                  f"then the first stats {first_need[-1]:.2f} s; "
                  f"naive parse {naive[-1]:.2f} s; {out.splitlines()[-1] if out else ''}")
        print(f"naive regex parse, one process:      {seconds(naive)}")
        print(f"import from scratch, index included: {seconds(scratch)}  "
              f"({statistics.median(scratch) / statistics.median(naive):.2f}x the naive parse)")
        print(f"  of which the search index:         {seconds(spent)}")
        print(f"first stats after it (fresh process):  {seconds(first_need)}")
        size = sum(p.stat().st_size for p in (home / "library" / "search").iterdir())
        print(f"  search index on disk: {size / 1e6:.0f} MB")
        results.append(("import from scratch <= naive parse (x1.1 allowed for noise)",
                        statistics.median(scratch) <= 1.1 * statistics.median(naive),
                        f"{statistics.median(scratch):.2f} s vs {statistics.median(naive):.2f} s"))

        again = []
        for _ in range(5):
            started = time.perf_counter()
            run_cli(home, "import", str(archive))
            again.append(time.perf_counter() - started)
        print(f"re-import unchanged:                 {seconds(again)}")
        results.append(("re-import unchanged < 0.3 s", statistics.median(again) < 0.3,
                        f"p50 {statistics.median(again):.3f} s"))

        days, day_index = [], []
        extra_root = Path(info.root).parent / "extra"
        for day_files in info.extra_days:
            for name in day_files:
                target = archive / Path(name).relative_to(extra_root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(name, target)
            timer.take()
            started = time.perf_counter()
            run_cli(home, "import", str(archive))
            days.append(time.perf_counter() - started)
            day_index.append(timer.take())
        segments = len(list((home / "library" / "search").glob("seg-*.axs")))
        print(f"a new day ({len(days)} days, one after another): {seconds(days)}  "
              f"(index {seconds(day_index)}; {segments} segments after)")
        results.append(("a new day < 0.5 s", statistics.median(days) < 0.5, f"p50 {statistics.median(days):.3f} s"))

        fresh_cli(home, ["stats"])  # warm the page cache once
        baseline = [fresh_cli(home, ["-c", "import tui.cli"], module="") for _ in range(5)]
        print(f"fresh process, python -c 'import tui.cli' (the floor):   {seconds(baseline)}")
        query, count = export_query(home)
        for name, command in READ_COMMANDS.items():
            name = name.format(export=query, count=count)
            values = {"{out}": str(work / "out.bib"), "{export}": query}
            samples = [fresh_cli(home, [values.get(a, a) for a in command]) for _ in range(5)]
            print(f"fresh process, {name:40} {seconds(samples)}")
            if "every row" not in name:  # tens of thousands of rows printed: shown, not a target
                results.append((f"{name} <= 0.3 s", statistics.median(samples) <= 0.3,
                                f"p50 {statistics.median(samples):.3f} s"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    return print_targets(results)


if __name__ == "__main__":
    sys.exit(main())
