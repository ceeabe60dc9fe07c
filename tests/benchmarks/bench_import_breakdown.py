"""Where an import from scratch spends its time: each process's CPU seconds per phase, and the wall.

    .venv/bin/python tests/benchmarks/bench_import_breakdown.py [--papers 200000] [--runs 3]

Imports the bench's real-shaped archive (:func:`~tests.benchmarks.make_archive.cached_archive`)
into a fresh home ``--runs`` times with ``tui.cli.main``, beside the naive single-process regex
parse timed just before each import. The parse workers are wrapped (no profiler: its overhead
would distort the figures) so each task records its wall span and CPU time; the importing
process marks when the search index build starts. Printed per run and as medians: the naive
parse, the import's wall time and its ratio to the naive parse, the two phases' wall times, the
workers' CPU in each phase and how busy they were, the importing process's CPU in each phase,
and the build's serial tail (the wall after the workers' last chunk). On a shared machine
compare ratios and CPU seconds, not wall times alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LOGS = Path(tempfile.gettempdir()) / "arxiv-reader-import-breakdown"


def worker_init(importer: int) -> None:
    """In a parse worker: the usual start, then each task's wall span and CPU logged."""
    from multiprocessing import util

    from tui.core.store import chunks, parsepool, shards

    parsepool._start_worker(importer)
    log = open(LOGS / f"worker-{os.getpid()}.jsonl", "w", buffering=1)  # noqa: SIM115 (closed at exit)

    def wrap(module: object, name: str) -> None:
        inner = getattr(module, name)

        def timed(*args: object, **kwargs: object) -> object:
            wall, cpu = time.time(), time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                log.write(json.dumps([name, wall, time.time(), time.process_time() - cpu]) + "\n")

        setattr(module, name, timed)

    wrap(shards, "parse_to_shard")
    wrap(chunks, "chunk_parts_in_worker")

    def total() -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        log.write(json.dumps(["total", 0, 0, usage.ru_utime + usage.ru_stime]) + "\n")
        log.close()

    util.Finalize(None, total, exitpriority=100)


def one_import(archive: Path, home: Path) -> dict[str, float]:
    """Import ``archive`` into a fresh ``home``; the figures of the module docstring."""
    from tui import cli
    from tui.core.store import parsepool, search

    shutil.rmtree(LOGS, ignore_errors=True)
    LOGS.mkdir()
    shutil.rmtree(home, ignore_errors=True)
    marks: dict[str, tuple[float, float]] = {}
    original_init, original_build = parsepool._start_worker, search.SearchFiles._build_in_chunks

    def build(self: object, *args: object, **kwargs: object) -> int:
        marks["build"] = (time.time(), time.process_time())
        return original_build(self, *args, **kwargs)  # type: ignore[arg-type]

    from tests.benchmarks import bench_import_breakdown as me  # (workers find the initializer by this name)

    parsepool._start_worker = me.worker_init  # type: ignore[assignment]
    search.SearchFiles._build_in_chunks = build  # type: ignore[method-assign]
    try:
        start = (time.time(), time.process_time())
        code = cli.main(["--home", str(home), "import", str(archive)])
        end = (time.time(), time.process_time())
    finally:
        parsepool._start_worker, search.SearchFiles._build_in_chunks = original_init, original_build
    if code:
        raise SystemExit(f"the import failed ({code})")
    build_at = marks.get("build", end)
    out = {"wall": end[0] - start[0], "parse wall": build_at[0] - start[0], "build wall": end[0] - build_at[0],
           "parent cpu, parse": build_at[1] - start[1], "parent cpu, build": end[1] - build_at[1]}
    rows = [json.loads(line) for log in LOGS.glob("worker-*.jsonl") for line in log.read_text().splitlines()]
    for name, label in (("parse_to_shard", "parse"), ("chunk_parts_in_worker", "build")):
        tasks = [row for row in rows if row[0] == name]
        out[f"workers cpu, {label}"] = sum(row[3] for row in tasks)
        span = out[f"{label} wall"] * max(1, len(list(LOGS.glob("worker-*.jsonl"))))
        out[f"workers busy, {label} (share)"] = sum(row[2] - row[1] for row in tasks) / span if span else 0.0
    chunks = [row[2] for row in rows if row[0] == "chunk_parts_in_worker"]
    # The serial tail: after the workers' last chunk, only the importing process works.
    out["build tail wall (after the last chunk)"] = end[0] - max(chunks) if chunks else 0.0
    return out


def main() -> None:
    """Run the imports and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from tests.benchmarks.index_bench import naive_parse
    from tests.benchmarks.make_archive import cached_archive

    info = cached_archive(args.papers, log=lambda m: print(m, file=sys.stderr), per_file=42)
    archive = Path(info.root)
    files = sorted(archive.glob("*/*/*/*.md"))
    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as work:
        for run in range(args.runs):
            started = time.perf_counter()
            naive_parse(files)
            naive = time.perf_counter() - started
            figures = {"naive parse": naive, **one_import(archive, Path(work) / "home")}
            figures["import / naive"] = figures["wall"] / naive
            runs.append(figures)
            print(f"run {run + 1} (load {os.getloadavg()[0]:.1f}): "
                  + ", ".join(f"{k} {v:.2f}" for k, v in figures.items()), flush=True)
    print(f"\nmedians of {len(runs)} runs, {info.papers:,} papers in {info.files:,} files, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load {os.getloadavg()}:")
    for key in runs[0]:
        print(f"  {key:32s} {statistics.median(r[key] for r in runs):8.2f}")


if __name__ == "__main__":
    main()
