"""Benchmark the filter bar's query engine on a synthetic 200,000-paper archive.

Not collected by pytest.  Run it by hand::

    .venv/bin/python tests/benchmarks/query_bench.py [--papers 200000] [--digests DIR]

The archive replicates the real digests (``/work/shared/digests`` when present,
else the test copies) with renumbered ids until it holds ``--papers`` papers,
then times ``parse_query`` + ``QueryEngine.search`` (median and 95th
percentile over repeated runs) for typical filter-bar queries.  With
``--memory`` it first reports what each haystack costs (tracemalloc: memory
kept and the build's peak; VmRSS/VmHWM from /proc) and checks that three
threads asking for the abstracts at once build them only once.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tui.core.digest import find_digest_files, parse_digest_file  # noqa: E402
from tui.core.merge import merge_papers  # noqa: E402
from tui.core.models import Paper  # noqa: E402
from tui.core.query import QueryEngine, parse_query  # noqa: E402

QUERIES = [
    "transformer",
    "transf",
    "dunnwald",
    "graph neural",
    "zzzqx",
    "segmentation",
    "e",
    "q",
    "abs:e",
    "abs:q",
    "au:wang",
    '"neural radiance"',
    "cat:cs.LG",
    "diffusion -cat:cs.CV",
    "segmentation OR detection",
    "date:2022-01..2022-03",
    "id:2201.129",
    "abs:hallucination",
]


def synthesize(source: Path, target: int) -> list[Paper]:
    """``target`` papers: the real ones, then copies with fresh ``9xxx.NNNNN`` ids."""
    files, _ = find_digest_files([source])
    base = list(merge_papers(p for f in files for p in parse_digest_file(f).papers).values())
    papers: list[Paper] = []
    copy = 0
    while len(papers) < target:
        for paper in base:
            if len(papers) >= target:
                break
            if copy == 0:
                papers.append(paper)
            else:
                new_id = f"{9000 + copy // 100:04d}.{(copy % 100) * 1000 + len(papers) % 1000:05d}"
                papers.append(dataclasses.replace(paper, id=new_id))
        copy += 1
    return papers


def time_query(engine: QueryEngine, text: str, runs: int) -> tuple[float, float, int]:
    """Median and p95 milliseconds of parse+search, and the number of hits."""
    samples = []
    hits = 0
    for _ in range(runs):
        start = time.perf_counter()
        hits = len(engine.search(parse_query(text), {}))
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return statistics.median(samples), p95, hits


def _vm(key: str) -> str:
    """A line of /proc/self/status (VmRSS, VmHWM), in MB; '?' elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return f"{int(line.split()[1]) / 1024:.0f} MB"
    except OSError:
        pass
    return "?"


def measure_memory(papers: list[Paper]) -> None:
    """Memory kept and build peak of the default and abstract haystacks, and a concurrent build."""
    import gc

    tracemalloc.start()
    engine = QueryEngine(papers)
    for key in ("default", "summary"):
        gc.collect()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        start = time.perf_counter()
        engine.prepare([key])
        seconds = time.perf_counter() - start
        current, peak = tracemalloc.get_traced_memory()
        print(
            f"{key:8} haystack: kept {(current - base) / 1e6:6.1f} MB, build peak +{(peak - base) / 1e6:6.1f} MB, "
            f"{seconds:.2f} s (traced); VmRSS {_vm('VmRSS')}, VmHWM {_vm('VmHWM')}"
        )
    del engine
    gc.collect()
    # Three workers typing abs:... at once: the lock must make it one build.
    engine = QueryEngine(papers)
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    queries = ("abs:c", "abs:co", "abs:con")
    threads = [threading.Thread(target=engine.search, args=(parse_query(q), {})) for q in queries]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    current, peak = tracemalloc.get_traced_memory()
    print(
        f"3 concurrent abs: searches: kept {(current - base) / 1e6:.1f} MB, peak +{(peak - base) / 1e6:.1f} MB, "
        f"{time.perf_counter() - start:.2f} s (traced)"
    )
    tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=21)
    default = Path("/work/shared/digests")
    parser.add_argument("--digests", type=Path, default=default if default.exists() else ROOT / "tests/data/digests")
    parser.add_argument("--memory", action="store_true", help="measure the haystacks' memory first")
    args = parser.parse_args()

    start = time.perf_counter()
    papers = synthesize(args.digests, args.papers)
    print(f"{len(papers)} papers synthesised in {time.perf_counter() - start:.1f} s")
    if args.memory:
        measure_memory(papers)
    engine = QueryEngine(papers)
    start = time.perf_counter()
    engine.prepare(["default"])
    engine.search(parse_query("a"), {})  # the words' initials, as the reader's warm-up builds them
    print(f"default haystack built in {(time.perf_counter() - start) * 1000:.0f} ms (with its initials)")
    start = time.perf_counter()
    engine.search(parse_query("ti:x au:x cat:x id:x date:2022"), {})
    print(f"title/authors/cat/id/date indexes built in {(time.perf_counter() - start) * 1000:.0f} ms")
    start = time.perf_counter()
    engine.prepare(["summary"])
    engine.search(parse_query("abs:a"), {})
    print(f"summary haystack built in {(time.perf_counter() - start) * 1000:.0f} ms (with its initials)")
    print(f"{'query':32} {'median ms':>10} {'p95 ms':>8} {'hits':>8}")
    for text in QUERIES:
        median, p95, hits = time_query(engine, text, args.runs)
        print(f"{text:32} {median:10.2f} {p95:8.2f} {hits:8}")

    # Typing one more character: search only the previous results.
    print("narrowing (candidates = previous results):")
    for before, after in [("transf", "transfo"), ("graph", "graph neu"), ("au:wa", "au:wang")]:
        previous = engine.search(parse_query(before), {})
        assert parse_query(after).narrows(parse_query(before))
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            hits = len(engine.search(parse_query(after), {}, previous))
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        label = f"{before} -> {after}"
        print(f"{label:32} {statistics.median(samples):10.2f} {samples[int(0.95 * (len(samples) - 1))]:8.2f} {hits:8}")

    # The filter bar's path, one key at a time: the previous result is the
    # candidates when the new query narrows it (as the main screen does).
    print("typing (ms per key, engine only, as the screen narrows):")
    for text in ("au:wang", "segmentation"):
        print("  " + " ".join(f"{label}={ms:.1f}" for label, ms in time_typing(engine, text, max(3, args.runs // 3))))
    start = time.perf_counter()
    QueryEngine(papers)._dates()
    print(f"date index built in {(time.perf_counter() - start) * 1000:.0f} ms")


def time_typing(engine: QueryEngine, text: str, runs: int) -> list[tuple[str, float]]:
    """Median ms of the search for each prefix of ``text``, narrowing like the screen."""
    out = []
    for end in range(1, len(text) + 1):
        samples = []
        for _ in range(runs):
            previous, matches = None, None
            for stop in range(1, end + 1):
                query = parse_query(text[:stop])
                within = matches if previous is not None and query.narrows(previous) else None
                start = time.perf_counter()
                if query.is_empty:
                    matches = list(within) if within is not None else list(range(len(engine)))
                else:
                    matches = engine.search(query, {}, within)
                elapsed = time.perf_counter() - start
                previous = query
            samples.append(elapsed * 1000)
        out.append((text[:end], statistics.median(samples)))
    return out


if __name__ == "__main__":
    main()
