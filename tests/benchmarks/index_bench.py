#!/usr/bin/env python3
"""Benchmark the search index (tui.core.index) on a real-shaped archive, against the current engine.

Run by hand from the repository root (pytest skips this folder)::

    .venv/bin/python tests/benchmarks/index_bench.py [--papers 200000] [--runs 3] [--per-file 42]

The archive (``make_archive.py --per-file 42``: about 5,800 daily files of
about 35 papers at 200,000 papers) is generated once and cached. Figures are
medians and p95s of repeated runs in this one process (or in fresh processes
where said); the current engine (``QueryEngine``) is measured in the same run
as the baseline. Each target of issue 12 that this phase can measure is a
PASS/FAIL line. The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.make_archive import cached_archive  # noqa: E402
from tests.benchmarks.targets import Target, print_targets  # noqa: E402
from tui.core.digest import find_digest_files, parse_digest_file  # noqa: E402
from tui.core.index import add_segment, build_index, merge_segments, open_index  # noqa: E402
from tui.core.index.segment import sort_key  # noqa: E402
from tui.core.merge import merge_papers  # noqa: E402
from tui.core.query import QueryEngine, parse_query  # noqa: E402

TYPED = {
    "segmentation": ["segmentation"[:k] for k in range(1, 13)],
    "au:wang": ["au:wang"[:k] for k in range(4, 8)],
    "abs:diffusion": ["abs:diffusion"[:k] for k in range(5, 14)],
    "any:diffusion": ["any:diffusion"[:k] for k in range(5, 14)],
    "mixed": ["transf", "graph neural", "cat:cs.CL", "date:2020..2022", "id:2201.1", "-cat:cs.CV diffusion",
              "segmentation OR detection", "ti:3d au:li", "is:unread"],
}
#: Needles of several words are checked against the text of each candidate: the slow case.
PHRASES = ['"neural radiance"', 'vision-language', 'abs:"neural radiance"', 'abs:"large language model"',
           'abs:vision-language']
_BLOCK = re.compile(r"^### (.+)$", re.M)
_FIELD = re.compile(r"^- \*\*([A-Za-z ]+)\*\*: (.*)$", re.M)


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def ms(samples: list[float]) -> str:
    return f"p50 {statistics.median(samples) * 1000:8.2f} ms  p95 {pct(samples, 0.95) * 1000:8.2f} ms"


def naive_parse(files: list[Path]) -> int:
    """A naive single-process regex parse: every block's fields into a dict."""
    papers = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        starts = [m.start() for m in _BLOCK.finditer(text)]
        for a, b in zip(starts, starts[1:] + [len(text)]):
            block = text[a:b]
            fields = dict(_FIELD.findall(block))
            fields["title"] = block[4 : block.find("\n")]
            papers += 1
    return papers


def load(files: list[Path]) -> list:
    merged = merge_papers(p for f in files for p in parse_digest_file(f).papers)
    return sorted(merged.values(), key=sort_key, reverse=True)


_CHILD = r"""
import sys, time, os
start = float(sys.argv[2])
from tui.core.index import open_index
index = open_index(sys.argv[1])
result = index.search("")
rows = index.rows(result.first)
ready = time.time() - start
for q in ("segmentation", "au:wang", "abs:diffusion", "any:diffusion", "cat:cs.CV", "date:2020"):
    r = index.search(q); index.rows(r.first)
for d in range(0, 200000, 4000):
    try: index.paper(d)
    except IndexError: pass
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
kb = lambda k: int(status[k].split()[0]) / 1024
print(ready, kb("VmRSS"), kb("RssAnon"), kb("RssFile"), kb("VmHWM"))
"""


def fresh_process(directory: Path) -> tuple[float, float, float, float, float]:
    """(seconds to count + first 50 rows from process start, RSS MB, anon MB, file MB, peak MB)."""
    start = time.time()
    out = subprocess.run([sys.executable, "-c", _CHILD, str(directory), repr(start)], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout.split()
    return tuple(float(x) for x in out)  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=200_000)
    parser.add_argument("--per-file", type=int, default=42, help="papers per generated daily file (about)")
    parser.add_argument("--runs", type=int, default=3, help="builds, fresh processes and typing passes")
    parser.add_argument("--skip-engine", action="store_true", help="do not measure the current engine")
    args = parser.parse_args(argv)
    results: list[Target] = []

    def target(name: str, ok: bool, detail: str) -> None:
        results.append((name, ok, detail))

    info = cached_archive(papers=args.papers, per_file=args.per_file)
    files, _ = find_digest_files([Path(info.root)])
    print(f"archive: {info.papers:,} papers in {len(files):,} files ({info.bytes / 1e6:.0f} MB, "
          f"{info.blocks / max(1, len(files)):.1f} blocks a file); {time.strftime('%Y-%m-%d')}, "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    started = time.perf_counter()
    papers = load(files)
    print(f"parse + merge with tui.core.digest (for reference): {time.perf_counter() - started:.1f} s")

    naive = []
    for _ in range(args.runs):
        started = time.perf_counter()
        naive_parse(files)
        naive.append(time.perf_counter() - started)
    work = Path(tempfile.mkdtemp(prefix="index-bench-"))
    try:
        builds = []
        for _ in range(args.runs):
            started = time.perf_counter()
            build_index(work / "index", papers, source="bench")
            builds.append(time.perf_counter() - started)
        size = sum(p.stat().st_size for p in (work / "index").iterdir())
        print(f"\nnaive regex parse of the files: {ms(naive)}")
        ratio = statistics.median(builds) / statistics.median(naive)
        print(f"index build from parsed papers: {ms(builds)}   ({ratio:.2f}x the naive parse)")
        print(f"index on disk: {size / 1e6:.0f} MB")
        target("index build <= naive regex parse (the import's parse comes on top)",
               statistics.median(builds) <= statistics.median(naive),
               f"{statistics.median(builds):.1f} s vs {statistics.median(naive):.1f} s")

        fresh = [fresh_process(work / "index") for _ in range(args.runs)]
        ready = [f[0] for f in fresh]
        rss = statistics.median(f[1] for f in fresh)
        print(f"\nfresh process, start to count + first 50 rows: {ms(ready)}")
        print(f"fresh process after open + 6 queries + 50 papers: RSS {rss:.0f} MB "
              f"(anon {statistics.median(f[2] for f in fresh):.0f}, "
              f"mapped files {statistics.median(f[3] for f in fresh):.0f}, "
              f"peak {statistics.median(f[4] for f in fresh):.0f})")
        target("start-up to usable rows <= 0.6 s (index part: no Textual yet)", statistics.median(ready) <= 0.6,
               f"{statistics.median(ready):.2f} s")
        target("resident memory <= 400 MB (index part)", rss <= 400, f"{rss:.0f} MB")

        index = open_index(work / "index")
        search_all: list[float] = []
        for family, keys in TYPED.items():
            search, painted = [], []
            for _ in range(args.runs):
                for text in keys:
                    index.clear_cache()  # every keystroke uncached: the worst case
                    started = time.perf_counter()
                    result = index.search(parse_query(text))
                    searched = time.perf_counter()
                    index.rows(result.first)
                    search.append(searched - started)
                    painted.append(time.perf_counter() - started)
            search_all += search
            print(f"index  {family:14} search {ms(search)}   + 50 rows {ms(painted)}")
        target("search per keystroke p95 <= 5 ms (abstracts and any: included)", pct(search_all, 0.95) <= 0.005,
               f"p95 {pct(search_all, 0.95) * 1000:.2f} ms")
        for text in PHRASES:
            index.clear_cache()
            started = time.perf_counter()
            result = index.search(parse_query(text))
            print(f"index  phrase {text:28} {(time.perf_counter() - started) * 1000:9.1f} ms "
                  f"({result.count:,} matches; candidates checked against the text)")
        rng = random.Random(1)
        docs = index.all_docs().tolist()
        fetch = []
        for doc in rng.sample(docs, min(500, len(docs))):
            started = time.perf_counter()
            index.paper(doc)
            fetch.append(time.perf_counter() - started)
        print(f"paper by doc id (abstract and details from the mapped file): {ms(fetch)}")
        target("paper for the detail pane p95 <= 1 ms (of the 16 ms cursor budget)", pct(fetch, 0.95) <= 0.001,
               f"p95 {pct(fetch, 0.95) * 1000:.3f} ms")
        index.close()

        adds = []
        known = {p.id: p for p in papers}
        for day in info.extra_days:
            blocks = [p for f in day for p in parse_digest_file(Path(f)).papers]
            merged = merge_papers([known[b.id] for b in blocks if b.id in known] + blocks)
            started = time.perf_counter()
            add_segment(work / "index", merged.values(), source="bench")
            adds.append(time.perf_counter() - started)
            known.update(merged)
        print(f"\nadd one day's segment ({len(info.extra_days)} days): {ms(adds)}")
        target("a new day's index update < 0.5 s", pct(adds, 0.5) < 0.5, f"p50 {statistics.median(adds):.2f} s")
        started = time.perf_counter()
        merge_segments(work / "index", max_segments=1)
        print(f"merge every segment into one (background work): {time.perf_counter() - started:.1f} s")

        if not args.skip_engine:
            started = time.perf_counter()
            engine = QueryEngine(papers)
            engine.prepare(("default", "title", "authors", "summary", "comment", "journal", "doi"))
            print(f"\ncurrent engine: haystacks built in {time.perf_counter() - started:.1f} s")
            for family, keys in TYPED.items():
                samples = []
                for _ in range(max(1, args.runs - 1)):
                    for text in keys:
                        started = time.perf_counter()
                        found = engine.search(parse_query(text), {})
                        [papers[i] for i in found[:50]]
                        samples.append(time.perf_counter() - started)
                print(f"engine {family:14} search {ms(samples)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    return print_targets(results)


if __name__ == "__main__":
    sys.exit(main())
