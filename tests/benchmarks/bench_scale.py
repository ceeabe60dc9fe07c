#!/usr/bin/env python3
"""Scale benchmark: arxiv-reader on a 200,000-paper archive, through the real code paths.

Run from the repository root::

    .venv/bin/python tests/benchmarks/bench_scale.py            # 200,000 papers
    .venv/bin/python tests/benchmarks/bench_scale.py --quick    # 20,000 papers, smoke run
    .venv/bin/python tests/benchmarks/bench_scale.py --skip-ui  # import and state only
    .venv/bin/python tests/benchmarks/bench_scale.py --keys-only --rounds 5  # filter keys alone
    .venv/bin/python tests/benchmarks/bench_scale.py --only import --runs 2  # imports beside a naive parse

What is measured (medians and p95 against the targets, printed as a table):

* import from scratch with ``tui.cli.main(["--home", H, "import", ARCHIVE])``,
  re-import of the unchanged archive, and one new day's files added (with the
  bytes of library files written);
* a star toggle persisted with ``Store.set_starred`` when the state holds every paper (200,000 entries);
* start-up of ``ArxivReaderApp`` (Pilot, 120x35) until the paper list shows rows,
  in a fresh process (interpreter start and imports included), for the big
  library and for a library of a few days;
* keystroke latency in the filter (title, author and ``abs:`` queries typed one
  character at a time), ``QueryEngine.search`` alone, and cursor moves;
* peak resident memory of the importing process and of the app process.

The UI parts run in child processes (this script with ``--child``) so every
start-up is cold and the memory figures belong to one role each.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:  # run as a script: make ``tui`` and ``tests`` importable
    sys.path.insert(0, str(ROOT))

from tests.benchmarks.index_bench import naive_parse  # noqa: E402
from tests.benchmarks.fresh import fresh_env  # noqa: E402
from tests.benchmarks.make_archive import ArchiveInfo, cached_archive  # noqa: E402

MB = 1_000_000


# -- measurements and the table ---------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class Row:
    """One line of the result table."""

    name: str
    unit: str  # "s", "ms", "MB/s", "MB", "KB"
    samples: list[float] = field(default_factory=list)
    #: (kind, bound): kind is "<" (median below), ">=" (median at least) or "p95<".
    targets: list[tuple[str, float]] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def p95(self) -> float | None:
        return percentile(self.samples, 95) if self.samples else None

    def verdict(self) -> str:
        if not self.targets:
            return ""
        if not self.samples:
            return "n/a"
        ok = True
        for kind, bound in self.targets:
            if kind == "<":
                ok &= self.median < bound
            elif kind == ">=":
                ok &= self.median >= bound
            elif kind == "p95<":
                ok &= self.p95 < bound
        return "PASS" if ok else "FAIL"

    def target_text(self) -> str:
        parts = []
        for kind, bound in self.targets:
            if kind == "p95<":
                parts.append(f"p95 < {bound:g} {self.unit}")
            else:
                parts.append(f"{kind} {bound:g} {self.unit}")
        return ", ".join(parts)


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in ("ms",) and value < 10:
        return f"{value:.2f}"
    if unit == "s" and value < 10:
        return f"{value:.3f}"
    return f"{value:,.1f}"


def print_table(rows: list[Row], title: str) -> str:
    header = ("measure", "median", "p95", "n", "unit", "target", "result")
    lines = [
        (r.name, fmt(r.median, r.unit), fmt(r.p95, r.unit), str(len(r.samples)), r.unit, r.target_text(), r.verdict())
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
    out = [title, ""]
    out.append("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    out.append("  ".join("-" * w for w in widths))
    for line in lines:
        cells = enumerate(zip(line, widths))
        out.append("  ".join(cell.rjust(w) if 0 < i < 4 else cell.ljust(w) for i, (cell, w) in cells))
    notes = [f"  {r.name}: {r.note}" for r in rows if r.note]
    if notes:
        out += ["", "notes:", *notes]
    text = "\n".join(out)
    print(text, flush=True)
    return text


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(who).ru_maxrss * 1024 / MB


def current_rss_mb() -> float:
    """This process's resident set size now (VmRSS), 0 when unknown."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024 / MB
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def peak_rss_mb() -> float:
    """This process's own peak RSS: VmHWM, else ru_maxrss.

    Linux carries ru_maxrss over exec from the parent (the figure would be the
    benchmark driver's), while VmHWM belongs to the running program only.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / MB
    except (OSError, ValueError, IndexError):
        pass
    return maxrss_mb()


# -- files ------------------------------------------------------------------------------


def link_tree(source: Path, target: Path) -> None:
    """A copy of ``source`` made of hard links (instant, and the cache stays pristine)."""
    for dirpath, _dirnames, filenames in os.walk(source):
        rel = Path(dirpath).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in filenames:
            try:
                os.link(Path(dirpath) / name, target / rel / name)
            except OSError:
                shutil.copy2(Path(dirpath) / name, target / rel / name)


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """path -> (size, mtime_ns, inode) of every file under ``folder``."""
    result = {}
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            result[path] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return result


def changed_bytes(before: dict, after: dict) -> tuple[int, int]:
    """(files, bytes) written between two snapshots (new or replaced files)."""
    files = size = 0
    for path, stamp in after.items():
        if before.get(path) != stamp:
            files += 1
            size += stamp[0]
    return files, size


def run_cli(home: Path, *args: str) -> tuple[float, str]:
    """Time ``tui.cli.main(["--home", home, *args])``; returns (seconds, stdout)."""
    from tui import cli

    buffer = io.StringIO()
    errors = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(errors):
        code = cli.main(["--home", str(home), *args])
    elapsed = time.perf_counter() - started
    if code:
        raise RuntimeError(f"arxiv-reader {' '.join(args)} exited with {code}: {errors.getvalue()[-2000:]}")
    return elapsed, buffer.getvalue().strip()


# -- core part: import and state --------------------------------------------------------


def bench_import(info: ArchiveInfo, work: Path, runs: int, rows: list[Row]) -> Path:
    """Import from scratch ``runs`` times, then re-import and add new days; returns the home."""
    archive = work / "archive"
    link_tree(Path(info.root), archive)
    size_mb = info.bytes / MB
    scratch = Row("import from scratch (CLI)", "MB/s", targets=[(">=", 30)])
    scratch_s = Row("  same, wall time", "s")
    naive = Row("  naive regex parse, one process (yardstick)", "s")
    ratio = Row("  import from scratch / naive parse", "x", targets=[("<", 1.0)])
    home = work / "home"
    files = sorted(archive.glob("*/*/*/*.md"))
    for run in range(runs):
        started = time.perf_counter()
        naive_parse(files)
        naive.samples.append(time.perf_counter() - started)
        shutil.rmtree(home, ignore_errors=True)
        elapsed, out = run_cli(home, "import", str(archive))
        scratch.samples.append(size_mb / elapsed)
        scratch_s.samples.append(elapsed)
        ratio.samples.append(elapsed / naive.samples[-1])
        log(f"import from scratch #{run + 1}: {elapsed:.2f} s = {size_mb / elapsed:.1f} MB/s, "
            f"naive parse {naive.samples[-1]:.2f} s, this process's peak so far {peak_rss_mb():.0f} MB ({out})")
    library_size = sum(s[0] for s in snapshot(home).values())
    scratch.note = (
        f"{info.papers:,} papers, {info.files:,} files, {size_mb:.1f} MB of Markdown; "
        f"library on disk {library_size / MB:.1f} MB (parse workers' memory not included)"
    )
    ratio.note = "per run: the import's wall time over the naive parse timed just before it (same load)"
    rows += [scratch, scratch_s, naive, ratio]

    again = Row("re-import unchanged (CLI)", "s", targets=[("<", 0.3)])
    written = []
    for run in range(5):
        before = snapshot(home)
        elapsed, out = run_cli(home, "import", str(archive))
        written.append(changed_bytes(before, snapshot(home)))
        again.samples.append(elapsed)
        log(f"re-import #{run + 1}: {elapsed * 1000:.0f} ms ({out})")
    again.note = (f"library files written per re-import: {max(f for f, _ in written)} files, "
                  f"{max(b for _, b in written):,} bytes")
    rows.append(again)

    new_day = Row("a new day added (CLI)", "s", targets=[("<", 0.5)])
    written_kb = Row("  library bytes written", "KB")
    extra_root = Path(info.root).parent / "extra"
    for day_files in info.extra_days:
        for name in day_files:
            rel = Path(name).relative_to(extra_root)
            (archive / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(name, archive / rel)
        before = snapshot(home)
        elapsed, out = run_cli(home, "import", str(archive))
        files, size = changed_bytes(before, snapshot(home))
        new_day.samples.append(elapsed)
        written_kb.samples.append(size / 1000)
        log(f"new day ({len(day_files)} file(s)): {elapsed * 1000:.0f} ms, "
            f"wrote {files} library files, {size:,} bytes ({out})")
    written_kb.note = f"of a library of {sum(s[0] for s in snapshot(home).values()) / MB:.1f} MB"
    rows += [new_day, written_kb]
    return home


def bench_state(home: Path, rows: list[Row]) -> list[str]:
    """Every paper in the state (200,000 entries), then 50 timed star toggles; returns every paper id."""
    from tui.core.store import Store

    store = Store(home)
    started = time.perf_counter()
    papers = store.load_papers()
    log(f"Store.load_papers: {len(papers):,} papers in {time.perf_counter() - started:.2f} s")
    ids = [paper.id for paper in papers]
    entries = len(ids)
    started = time.perf_counter()
    store.set_read(ids[:entries], True)
    log(f"state pre-populated with {len(store.states()):,} entries in {time.perf_counter() - started:.2f} s")
    toggle = Row("star toggle persisted (Store.set_starred)", "ms", targets=[("<", 20)])
    for n in range(50):
        paper_id = ids[(n // 2) * 97 % entries]  # star then unstar the same paper
        started = time.perf_counter()
        store.set_starred([paper_id], n % 2 == 0)
        toggle.samples.append((time.perf_counter() - started) * 1000)
    size_kb = store.state_path.stat().st_size / 1000
    toggle.note = f"{len(store.states()):,} state entries, {store.state_path.name} {size_kb:.0f} KB"
    rows.append(toggle)
    return ids


# -- UI part (runs in child processes) --------------------------------------------------


class RepaintProbe:
    """Timestamps the first screen repaint at which a condition holds.

    Pilot's ``press`` and ``pause`` sleep in 20 ms steps until the process
    looks idle (and up to 1 s while a worker thread burns CPU), so timing them
    measures the harness. Instead every compositor refresh (the step that
    renders the changed lines; headless, only the terminal write is skipped)
    checks the armed condition, and the latency is ``first hit - arm time``.
    """

    def __init__(self) -> None:
        from textual.screen import Screen

        from tui.widgets.paper_list import PaperList

        self.started = 0.0
        self.hit: float | None = None
        self.check = None
        self.set_papers_calls = 0  # results delivered to the list
        probe = self
        original_refresh = Screen._compositor_refresh
        original_set_papers = PaperList.watch_results

        def refresh(screen) -> None:
            original_refresh(screen)
            if probe.check is not None and probe.hit is None:
                try:
                    ok = probe.check()
                except Exception:  # the screen is still being built
                    ok = False
                if ok:
                    probe.hit = time.perf_counter()

        def set_papers(widget, results):  # exactly one parameter: Textual counts a watcher's
            probe.set_papers_calls += 1
            return original_set_papers(widget, results)

        Screen._compositor_refresh = refresh
        PaperList.watch_results = set_papers

    def arm(self, check) -> None:
        self.check, self.hit, self.started = check, None, time.perf_counter()

    async def wait(self, pilot, timeout: float = 60.0) -> float:
        """Pause until the condition was painted; returns the latency in ms."""
        deadline = time.perf_counter() + timeout
        while self.hit is None:
            if time.perf_counter() > deadline:
                raise TimeoutError("the expected repaint never came")
            await pilot.pause()
        self.check = None
        return (self.hit - self.started) * 1000


def _main_list(app):
    from tui.widgets.paper_list import PaperList

    return app.screen.query_one(PaperList)


def probe_hit_after(probe: RepaintProbe, moment: float) -> float:
    """Seconds from ``moment`` to the probe's last hit."""
    return (probe.hit or moment) - moment


async def child_startup(home: Path) -> dict:
    """Start the app on ``home``; the parent computes the time from process launch."""
    entered = time.perf_counter()
    from tui.app import ArxivReaderApp
    from tui.core.store import Store

    probe = RepaintProbe()
    imported = time.perf_counter()
    store = Store(home)
    app = ArxivReaderApp(store, paths=[], mark_read_delay=0)
    probe.arm(lambda: len(_main_list(app).papers) > 0)
    async with app.run_test(size=(120, 35)) as pilot:
        await probe.wait(pilot, timeout=300)
        shown = len(_main_list(app).papers)
    return {
        "entered": entered,
        "imported": imported,
        "rows_at": probe.hit,
        "shown": shown,
        "maxrss_mb": peak_rss_mb(),
    }


async def _focus_filter(pilot, screen, paper_list) -> None:
    """Empty the filter, focus the list, then press "/" as a user would."""
    if screen.filter_bar.text:
        screen.query_text = ""  # the screen's one path: shown in the bar, searched once
    paper_list.focus()
    for _ in range(500):  # let any abstract search still running finish
        await pilot.pause()
        if not [w for w in screen.workers if w.name == "search" and not w.is_finished]:
            break
    await pilot.press("slash")
    await pilot.pause()
    if screen.filter_bar.text != "":
        raise RuntimeError(f"the filter should be empty, it holds {screen.filter_bar.text!r}")


async def _type(pilot, probe: RepaintProbe, screen, text: str, wait_result: bool) -> list[float]:
    """Type ``text`` one key at a time; ms per keystroke until it was painted.

    With ``wait_result``, until the paper list got the new result (its
    ``watch_results`` ran) and was painted; without, until the typed text was painted (an
    abstract search may still run in its worker).
    """
    latencies = []
    for end in range(1, len(text) + 1):
        expected = text[:end]
        calls = probe.set_papers_calls
        if wait_result:
            probe.arm(lambda calls=calls, expected=expected: (
                probe.set_papers_calls > calls and screen.filter_bar.text == expected))
        else:
            probe.arm(lambda expected=expected: screen.filter_bar.text == expected)
        await pilot.press(text[end - 1])
        latencies.append(await probe.wait(pilot))
    if screen.filter_bar.text != text:
        raise RuntimeError(f"typed {text!r} but the filter holds {screen.filter_bar.text!r}")
    return latencies


#: The filter queries typed one key at a time (label -> text).
FILTER_QUERIES = {"title": "segmentation", "author": "au:wang", "abstract": "abs:contrastive",
                  "any": "any:learning"}


async def _time_filters(pilot, probe: RepaintProbe, screen, paper_list, results: dict, rounds: int) -> None:
    """Type each of :data:`FILTER_QUERIES` ``rounds`` times (each round with the index's term
    cache emptied, as a fresh query would find it); key-to-painted-result ms into ``results``."""
    from tui.core.query import parse_query

    for label in FILTER_QUERIES:
        results[f"filter_{label}_ms"] = []
    for _ in range(rounds):
        for label, text in FILTER_QUERIES.items():
            await _focus_filter(pilot, screen, paper_list)
            index = getattr(screen.library, "index", None)
            if index is not None:
                index.clear_cache()
            results[f"filter_{label}_ms"] += await _type(pilot, probe, screen, text, wait_result=True)
            results[f"filter_{label}_shown"] = len(paper_list.papers)
    for label, text in FILTER_QUERIES.items():
        engine = screen.library.engine
        alone = []
        for end in range(1, len(text) + 1):
            query = parse_query(text[:end])
            for _ in range(3):
                started = time.perf_counter()
                engine.search(query, screen.states)
                alone.append((time.perf_counter() - started) * 1000)
        results[f"engine_{label}_ms"] = alone


async def child_keys(home: Path, rounds: int) -> dict:
    """Start the app and time only the filter keystrokes, ``rounds`` times each query."""
    from tui.app import ArxivReaderApp
    from tui.core.store import Store

    results: dict = {}
    probe = RepaintProbe()
    app = ArxivReaderApp(Store(home), paths=[], mark_read_delay=0)
    async with app.run_test(size=(120, 35)) as pilot:
        probe.arm(lambda: len(_main_list(app).papers) > 0)
        await probe.wait(pilot, timeout=300)
        paper_list = _main_list(app)
        screen = app.screen
        for _ in range(3000):  # the background work of the start-up done first
            await pilot.pause()
            if not [w for w in screen.workers if not w.is_finished]:
                break
        results["papers"] = len(paper_list.papers)
        await _time_filters(pilot, probe, screen, paper_list, results, rounds)
        results["library_kind"] = type(screen.library).__name__
    return results


def filter_rows(r: dict, rows: list[Row], rounds: int = 1) -> None:
    """The rows of the filter keystrokes (and of the library's search alone) from a child's ``r``."""
    every: list[float] = []
    for label, text in FILTER_QUERIES.items():
        samples = r[f"filter_{label}_ms"]
        every += samples
        per_key = len(samples) // rounds
        rows.append(
            Row(
                f"filter keystroke, {label} ({text})",
                "ms",
                samples,
                targets=[("<", 16), ("p95<", 33)],
                note=f"per key until the list got its new result and was painted; "
                f"final query shows {r[f'filter_{label}_shown']:,} papers; per-key ms "
                + " ".join(f"{v:.0f}" for v in samples[-per_key:])
                + (f" (the last of {rounds} rounds)" if rounds > 1 else ""),
            )
        )
        rows.append(Row(f"  library's search alone, {label}", "ms", r[f"engine_{label}_ms"]))
    if rounds > 1:
        rows.append(Row("filter keystroke, every key above", "ms", every, targets=[("<", 16), ("p95<", 33)],
                        note=f"{len(every)} keys, {rounds} rounds of the four queries"))


def keys_home(info: ArchiveInfo) -> Path:
    """A library of the archive imported once and kept beside it (re-imported: nothing changed,
    the search index brought up to date when the code's format moved on)."""
    from tests.benchmarks.make_archive import cache_root

    home = cache_root() / f"home-keys-{Path(info.root).parent.name}"
    if not (home / "library").is_dir():
        log(f"importing the archive into {home} (once; kept for the next --keys-only runs) ...")
    elapsed, out = run_cli(home, "import", info.root)
    log(f"import: {elapsed:.1f} s ({out.strip()})")
    elapsed, _ = run_cli(home, "stats")  # builds the search index if the import left none
    log(f"stats: {elapsed:.2f} s")
    return home


def bench_keys(info: ArchiveInfo, rounds: int) -> list[Row]:
    """Only the filter keystrokes, in a fresh app process, ``rounds`` rounds of each query."""
    home = keys_home(info)
    _, r = run_child("keys", home, extra=["--rounds", str(rounds)])
    log(f"keys child: {r['papers']:,} papers, the reader's library: {r['library_kind']}")
    rows: list[Row] = []
    filter_rows(r, rows, rounds)
    return rows


async def child_ui(home: Path) -> dict:
    """Start the app, then time cursor moves, the filter and abstract searches."""
    from tui.app import ArxivReaderApp
    from tui.core.query import parse_query
    from tui.core.store import Store

    results: dict = {}
    probe = RepaintProbe()
    store = Store(home)
    app = ArxivReaderApp(store, paths=[], mark_read_delay=0)
    async with app.run_test(size=(120, 35)) as pilot:
        probe.arm(lambda: len(_main_list(app).papers) > 0)
        await probe.wait(pilot, timeout=300)
        paper_list = _main_list(app)
        screen = app.screen
        detail = screen.detail
        results["papers"] = len(paper_list.papers)
        results["rss_loaded_mb"] = peak_rss_mb()

        # Harness reference: a key nobody binds, timed with press + pause.
        paper_list.focus()
        await pilot.pause()
        null = []
        for _ in range(10):
            started = time.perf_counter()
            await pilot.press("f12")
            await pilot.pause()
            null.append((time.perf_counter() - started) * 1000)
        results["pilot_null_ms"] = null

        # Cursor moves: "j" until the list and the detail pane were painted.
        moves = []
        for _ in range(60):
            target = paper_list.cursor + 1
            previous = detail.source
            probe.arm(lambda target=target, previous=previous: (
                paper_list.cursor == target and detail.source != previous))
            await pilot.press("j")
            moves.append(await probe.wait(pilot))
        results["cursor_ms"] = moves[5:]  # the first moves warm the caches

        # Day stepping: "[" to the highlighted paper's day, then older days; "]" back.
        steps = []
        for key in ["left_square_bracket"] * 16 + ["right_square_bracket"] * 15:
            days = screen.library.days
            if screen.day is None:
                target = days.days[days.day_of(screen.library.by_id[screen.highlighted.id])]
            else:
                target = days.step(screen.results.matches, screen.day, older=key == "left_square_bracket")
            probe.arm(lambda target=target: (
                screen.results.day == target and screen.paper_list.results is screen.results))
            await pilot.press(key)
            steps.append(await probe.wait(pilot))
        results["day_step_ms"] = steps[1:]
        results["days"] = len(screen.library.days)
        # Escape leaves the day: every paper again.
        probe.arm(lambda: screen.day is None and len(paper_list.papers) == results["papers"])
        await pilot.press("escape")
        results["day_leave_ms"] = [await probe.wait(pilot)]

        # Reading view: Enter, then n (next paper) until painted.
        from tui.screens.reading import ReadingScreen, ReadingView

        probe.arm(lambda: isinstance(app.screen, ReadingScreen))
        await pilot.press("enter")
        results["reading_open_ms"] = [await probe.wait(pilot)]
        body = app.screen.query_one(ReadingView)
        nexts = []
        for _ in range(20):
            target = paper_list.cursor + 1
            probe.arm(lambda target=target: paper_list.cursor == target and paper_list.highlighted.id in body.source)
            await pilot.press("n")
            nexts.append(await probe.wait(pilot))
        results["reading_next_ms"] = nexts[2:]
        await pilot.press("escape")
        await pilot.pause()

        # The poll for other readers' changes, once a second: its cost on the UI thread.
        polls = []
        for _ in range(20):
            started = time.perf_counter()
            screen.user.poll()
            polls.append((time.perf_counter() - started) * 1000)
        results["poll_ms"] = polls
        results["poll_states"] = len(screen.user.states)

        await _time_filters(pilot, probe, screen, paper_list, results, rounds=1)

        # Abstract search: typing must not wait for the worker.
        text = "abs:contrastive"
        await _focus_filter(pilot, screen, paper_list)
        typed_at = time.perf_counter()
        typed = await _type(pilot, probe, screen, text, wait_result=False)
        # "a", "ab", "abs", "abs:" are still plain (synchronous) queries; keep the abs: keys only.
        results["abs_prefix_ms"] = typed[:4]
        results["abs_keystroke_ms"] = typed[4:]
        busy_seen = False
        busy = []
        for key, expected in (("backspace", text[:-1]), ("e", text), ("backspace", text[:-1]), ("e", text)):
            busy_seen |= any(w.name == "search" and not w.is_finished for w in screen.workers)
            probe.arm(lambda expected=expected: screen.filter_bar.text == expected)
            await pilot.press(key)
            busy.append(await probe.wait(pilot))
        results["abs_busy_keystroke_ms"] = busy
        results["abs_worker_busy_seen"] = busy_seen
        finished_typing = time.perf_counter()

        def final_result_shown() -> bool:
            return (
                screen.query_obj is not None
                and screen.query_obj.text == text
                and not [w for w in screen.workers if w.name == "search" and not w.is_finished]
            )

        if final_result_shown():  # painted before the last key was: nothing to wait for
            results["abs_result_s"] = 0.0
        else:
            probe.arm(final_result_shown)
            await probe.wait(pilot, timeout=300)
            results["abs_result_s"] = probe_hit_after(probe, finished_typing)
        results["abs_total_s"] = time.perf_counter() - typed_at
        results["abs_shown"] = len(paper_list.papers)
        query = parse_query(text)
        alone = []
        for _ in range(3):
            started = time.perf_counter()
            screen.library.engine.search(query, screen.states)
            alone.append((time.perf_counter() - started) * 1000)
        results["engine_abs_ms"] = alone
        # Everything loaded: the background work (sort orders, the sidebar's counts) done.
        await _focus_filter(pilot, screen, paper_list)
        for _ in range(3000):
            await pilot.pause()
            if not [w for w in screen.workers if not w.is_finished] and not [
                    w for w in paper_list.screen.workers if not w.is_finished]:
                break
        results["library_kind"] = type(screen.library).__name__
        results["rss_settled_mb"] = current_rss_mb()
    results["maxrss_mb"] = peak_rss_mb()
    return results


def run_child(kind: str, home: Path, timeout: float = 600, extra: list[str] | None = None) -> tuple[float, dict]:
    """Run this script as ``--child kind``; returns (launch time, its JSON result)."""
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        launched = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--home", str(home), "--out", str(out)]
            + (extra or []),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=fresh_env(),  # the project's modules compiled, as after an installed reader's first run
        )
        if proc.returncode:
            raise RuntimeError(f"child {kind} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
        return launched, json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


def bench_startup(label: str, home: Path, runs: int, target: float, rows: list[Row]) -> float:
    """Cold start-ups in fresh processes; returns the app process's peak RSS (MB)."""
    row = Row(f"start-up to rows, {label}", "s", targets=[("<", target)])
    inner = Row("  same, from Store() (imports excluded)", "s")
    peak = 0.0
    for run in range(runs):
        launched, result = run_child("startup", home)
        row.samples.append(result["rows_at"] - launched)
        inner.samples.append(result["rows_at"] - result["imported"])
        peak = max(peak, result["maxrss_mb"])
        log(
            f"start-up {label} #{run + 1}: {result['rows_at'] - launched:.2f} s from launch "
            f"({result['imported'] - launched:.2f} s interpreter + imports), {result['shown']:,} rows, "
            f"RSS {result['maxrss_mb']:.0f} MB"
        )
    row.note = ("fresh process each time (the project's bytecode cached, as installed: see fresh.py): "
                "interpreter start, imports, Store(), load, index, first paint")
    rows += [row, inner]
    return peak


def few_days_library(info: ArchiveInfo, work: Path, days: int) -> tuple[Path, str]:
    """A library of the archive's last ``days`` dates (normal-sized days), imported."""
    root = Path(info.root)
    files = sorted(root.glob("*/*/*/*.md"), key=lambda p: p.stem)
    dates = sorted({p.stem for p in files})[-days:]
    folder = work / "few-days"
    for path in files:
        if path.stem in dates:
            target = folder / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)
    home = work / "home-few-days"
    _, out = run_cli(home, "import", str(folder))
    from tui.core.store import Store

    papers = Store(home).paper_count()
    log(f"few-days library: {days} days, {papers:,} papers ({out})")
    return home, f"{papers:,} papers ({days} days)"


def bench_ui(home: Path, rows: list[Row]) -> float:
    """Filter, abstract search and cursor latencies in one app process; returns its peak RSS."""
    _, r = run_child("ui", home)
    log(f"ui child: {r['papers']:,} papers, RSS after load {r['rss_loaded_mb']:.0f} MB, peak {r['maxrss_mb']:.0f} MB")
    filter_rows(r, rows)
    rows.append(
        Row(
            "keystroke while an abs: search runs",
            "ms",
            r["abs_keystroke_ms"] + r["abs_busy_keystroke_ms"],
            targets=[("<", 50), ("p95<", 150)],
            note=f"typing 'abs:contrastive' then backspace/retype, until the typed text was painted; a search "
            f"worker {'was' if r['abs_worker_busy_seen'] else 'was not'} seen running during the extra keys; "
            f"final result ({r['abs_shown']:,} papers) painted {r['abs_result_s']:.2f} s after the last key; "
            f"the plain-query prefix keys 'a','ab','abs','abs:' took "
            + " ".join(f"{v:.0f}" for v in r["abs_prefix_ms"]) + " ms",
        )
    )
    rows.append(Row("  library's search alone, abs:contrastive", "ms", r["engine_abs_ms"]))
    rows.append(
        Row("cursor move + detail (j)", "ms", r["cursor_ms"], targets=[("<", 16), ("p95<", 16)],
            note="from the key to the repaint with the new row highlighted and the detail pane updated; "
            "after 5 warm-up moves")
    )
    rows.append(
        Row("day step ([ or ]) to the painted day", "ms", r["day_step_ms"], targets=[("<", 50)],
            note=f"{r['days']:,} digest days; from the key to the repaint showing the new day's papers")
    )
    rows.append(Row("  Escape: every day again", "ms", r["day_leave_ms"]))
    rows.append(Row("reading view: open (Enter)", "ms", r["reading_open_ms"]))
    rows.append(
        Row("reading view: next paper (n)", "ms", r["reading_next_ms"], targets=[("<", 50)],
            note="from the key to the repaint with the next paper's document")
    )
    rows.append(
        Row("poll for other readers' changes (nothing changed)", "ms", r["poll_ms"],
            note=f"once a second on the UI thread; {r['poll_states']:,} state entries")
    )
    rows.append(
        Row("  (harness: Pilot press+pause, unbound key)", "ms", r["pilot_null_ms"],
            note="why the rows above are timed at the repaint, not around pilot.press/pause")
    )
    rows.append(
        Row("resident memory, everything loaded (app)", "MB", [r["rss_settled_mb"]], targets=[("<", 400)],
            note=f"VmRSS after the timed work and every background task ended; the reader's library: "
            f"{r['library_kind']}")
    )
    return r["maxrss_mb"]


# -- main -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="arxiv-reader scale benchmark")
    parser.add_argument("--papers", type=int, default=200_000, help="papers in the archive (default 200000)")
    parser.add_argument("--quick", action="store_true", help="a smoke run on 20,000 papers")
    parser.add_argument("--skip-ui", action="store_true", help="only the import and state measurements")
    parser.add_argument("--only", choices=("import",),
                        help="only this part: 'import' times imports (from scratch beside a naive parse, "
                        "unchanged, new days) and the importing process's peak memory")
    parser.add_argument("--per-file", type=int, default=42,
                        help="papers per daily file on average (default 42: ~5,900 files at 200,000, as real archives)")
    parser.add_argument("--runs", type=int, default=3, help="imports from scratch and cold start-ups (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (library homes) afterwards")
    parser.add_argument("--keys-only", action="store_true",
                        help="only the filter keystrokes (key to the painted list and status), on the archive "
                        "imported once and kept under the cache folder; --rounds rounds of the four queries")
    parser.add_argument("--rounds", type=int, default=5, help="with --keys-only: rounds of the queries (default 5)")
    parser.add_argument("--child", choices=("startup", "ui", "keys"), help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        if args.child == "keys":
            result = asyncio.run(child_keys(args.home, args.rounds))
        else:
            result = asyncio.run((child_startup if args.child == "startup" else child_ui)(args.home))
        args.out.write_text(json.dumps(result))
        return 0

    papers = 20_000 if args.quick else args.papers
    log(f"scale benchmark: {papers:,} papers, python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)")
    info = cached_archive(papers=papers, log=log, per_file=args.per_file or None)
    if args.keys_only:
        rows = bench_keys(info, max(1, args.rounds))
        print()
        print_table(rows, f"arxiv-reader filter keystrokes: {info.papers:,} papers in {info.files:,} files, "
                          f"{os.cpu_count()} CPU(s), load {os.getloadavg()[0]:.2f}")
        return 1 if [r for r in rows if r.verdict() == "FAIL"] else 0
    work = Path(tempfile.mkdtemp(prefix="arxiv-reader-bench-run-"))
    rows: list[Row] = []
    try:
        home = bench_import(info, work, args.runs, rows)
        if args.only == "import":
            rows.append(Row("peak RSS, importing process", "MB", [peak_rss_mb()], targets=[("<", 400)],
                            note="this process (imports in it); the parse workers' memory not included"))
            return _finish(rows, info)
        # The reader reads through the search index: it must be there (an import builds it;
        # a command finding it missing builds it first).
        elapsed, _ = run_cli(home, "stats")
        rows.append(Row("stats (CLI), from the search index", "s", [elapsed],
                        note="builds the index first if an import left none"))
        log(f"stats: {elapsed:.2f} s")
        rows.append(Row("peak RSS, importing process", "MB", [peak_rss_mb()], targets=[("<", 1200)]))
        peak = 0.0
        if not args.skip_ui:  # a library read through its index, the user's state still empty
            peak = bench_startup(f"{info.papers:,} papers, no state yet", home, args.runs, 0.6, rows)
        bench_state(home, rows)
        if not args.skip_ui:
            peak = max(peak, bench_startup(f"{info.papers:,} papers, every paper in the state", home, args.runs,
                                           0.6, rows))
            small_home, label = few_days_library(info, work, days=5)
            bench_startup(label, small_home, args.runs, 0.5, rows)
            peak = max(peak, bench_ui(home, rows))
            rows.append(Row("peak RSS, app process", "MB", [peak], targets=[("<", 1200)]))
    finally:
        if args.keep:
            log(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return _finish(rows, info)


def _finish(rows: list[Row], info: ArchiveInfo) -> int:
    """Print the table; the exit status (1 when a target was missed)."""
    print()
    print_table(rows, f"arxiv-reader scale benchmark: {info.papers:,} papers, {info.bytes / MB:.0f} MB, "
                      f"{os.cpu_count()} CPU(s), {time.strftime('%Y-%m-%d %H:%M %Z')}, "
                      f"load {os.getloadavg()[0]:.2f}")
    failed = [r.name for r in rows if r.verdict() == "FAIL"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
