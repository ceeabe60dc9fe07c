#!/usr/bin/env python3
"""Build a large, realistic digest archive from the real digests, for benchmarks.

The real day files (``shared/digests``) are replayed over and over on
consecutive dates: each generated day copies one real day (every category file
of that date) with the header date replaced and the arXiv ids renumbered, and
nothing else changed, byte for byte. Ids are renumbered per replay cycle, so a
paper that the real data lists in several categories, or twice in one file, or
on several days, is still duplicated the same way in the copy and the merge
code is exercised exactly as on the real archive.

Usage::

    python tests/benchmarks/make_archive.py OUT [--papers 200000] [--per-file 35]

With ``--per-file N`` (``split_days``) every real day is cut into pieces of
about N papers and each piece becomes one generated day: the real-shaped
archive of many small daily files (200,000 papers in about 5,800 files at 35),
where the default replays whole real days (2,800 large files).

As a library, :func:`cached_archive` builds the archive once under the system's
temporary directory, keyed by its parameters, so benchmark reruns are fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: Bump when the output would change for the same parameters (invalidates caches).
GENERATOR_VERSION = 3
#: The first generated day; arbitrary but fixed, so ids and paths are stable.
START_DATE = dt.date(2015, 1, 1)

_HEADER_RE = re.compile(r"^(# Arxiv Papers in \S+ on )\d{4}-\d{2}-\d{2}", re.M)
_HEADER_DAY_RE = re.compile(r"^# Arxiv Papers in \S+ on (\d{4}-\d{2}-\d{2})", re.M)
#: A paper's Published and Updated days, moved with its digest's day (a real digest's papers are
#: published on its day: left in the source's year they were later than their digest, impossible).
_DATE_LINE_RE = re.compile(r"^(?P<pre>- \*\*(?P<field>Published|Updated)\*\*: )(?P<day>\d{4}-\d{2}-\d{2})", re.M)
#: No moved date goes past this day (a source paper updated years after its digest, moved
#: forward with it, would otherwise be updated in the future).
_LATEST_DAY = dt.date(2026, 1, 1)
#: The id in the Arxiv ID line and in the PDF link, the only places we rewrite.
_ID_PART = r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})"
_ID_LINE_RE = re.compile(
    r"^(?P<pre>- \*\*(?:Arxiv ID|Links)\*\*: (?:\[PDF\]\()?https?://arxiv\.org/(?:abs|pdf)/)" + _ID_PART,
    re.M,
)
_ARXIV_ID_LINE_RE = re.compile(r"^- \*\*Arxiv ID\*\*: https?://arxiv\.org/abs/" + _ID_PART, re.M)
_BLOCK_START_RE = re.compile(r"^### ", re.M)


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def find_source_digests() -> Path:
    """``../shared/digests`` next to the repository, else ``/work/shared/digests``."""
    for candidate in (repo_root().parent / "shared" / "digests", Path("/work/shared/digests")):
        if candidate.is_dir():
            return candidate
    raise SystemExit("real digests not found (looked for ../shared/digests and /work/shared/digests)")


@dataclass(slots=True)
class SourceDay:
    """One real date: its category files, as text."""

    date: str  # YYYYMMDD
    files: list[tuple[str, str]]  # (category, text)


def load_source_days(source: Path) -> list[SourceDay]:
    """Every real day under ``source``, oldest first, files in category order."""
    by_date: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path in sorted(source.glob("*/[0-9][0-9][0-9][0-9]/[0-9][0-9]/*.md")):
        category = path.relative_to(source).parts[0]
        # surrogateescape keeps any undecodable byte exactly as it was.
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        by_date[path.stem].append((category, text))
    return [SourceDay(date, sorted(files)) for date, files in sorted(by_date.items())]


def source_fingerprint(source: Path) -> str:
    """Changes when any real digest file changes (name, size or mtime)."""
    digest = hashlib.sha1()
    for path in sorted(source.rglob("*.md")):
        stat = path.stat()
        digest.update(f"{path.relative_to(source)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


@dataclass
class ArchiveInfo:
    """What was generated (also stored as ``manifest.json`` beside the archive)."""

    root: str
    papers: int = 0  # unique ids
    blocks: int = 0  # paper blocks written (duplicates included)
    files: int = 0
    bytes: int = 0
    days: int = 0
    first_date: str = ""
    last_date: str = ""
    #: Files of the days after the archive (not in it), one list per day, for
    #: "a new day arrives"; written under ``extra`` with the archive's layout.
    extra_days: list[list[str]] = field(default_factory=list)
    extra_bytes: list[int] = field(default_factory=list)
    seconds: float = 0.0


def split_days(days: list[SourceDay], per_file: int) -> list[SourceDay]:
    """Cut each real day into pieces of about ``per_file`` paper blocks.

    A day of B blocks becomes ``round(B / per_file)`` pieces (at least one);
    each category file of the day is cut into that many runs of consecutive
    blocks, and piece ``i`` holds run ``i`` of every file, under the file's own
    header. Adjacent duplicate blocks mostly stay together; a paper of two
    category files may land in two pieces, i.e. on two generated days.
    """
    pieces: list[SourceDay] = []
    for day in days:
        split_files: list[tuple[str, str, list[str]]] = []
        total = 0
        for category, text in day.files:
            starts = [m.start() for m in _BLOCK_START_RE.finditer(text)]
            header = text[: starts[0]] if starts else text
            blocks = [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]
            split_files.append((category, header, blocks))
            total += len(blocks)
        count = max(1, round(total / per_file))
        for i in range(count):
            files = []
            for category, header, blocks in split_files:
                lo, hi = len(blocks) * i // count, len(blocks) * (i + 1) // count
                if hi > lo:
                    files.append((category, header + "".join(blocks[lo:hi])))
            if files:
                pieces.append(SourceDay(f"{day.date}-{i}", files))
    return pieces


class _Renumberer:
    """Gives every (cycle, real id) a new unique id minted from the generated date."""

    def __init__(self) -> None:
        self.mapping: dict[tuple[int, str], str] = {}
        self.counters: dict[str, int] = defaultdict(int)

    def get(self, cycle: int, old: str) -> str | None:
        return self.mapping.get((cycle, old))

    def mint(self, cycle: int, old: str, day: dt.date) -> str:
        key = (cycle, old)
        new = self.mapping.get(key)
        if new is None:
            yymm = f"{day.year % 100:02d}{day.month:02d}"
            if "/" in old:  # old style: archive/YYMMNNN
                archive = old.split("/", 1)[0]
                self.counters[archive + yymm] += 1
                new = f"{archive}/{yymm}{self.counters[archive + yymm]:03d}"
            else:
                self.counters[yymm] += 1
                new = f"{yymm}.{self.counters[yymm]:05d}"
            self.mapping[key] = new
        return new


def _moved_dates(text: str, day: dt.date) -> str:
    """``text`` with every Published/Updated day moved by as many days as its header's day is moved to ``day``."""
    header = _HEADER_DAY_RE.search(text)
    if header is None:
        return text
    try:
        shift = day - dt.date.fromisoformat(header[1])
    except ValueError:
        return text

    def moved(match: re.Match[str]) -> str:
        try:
            new = dt.date.fromisoformat(match["day"]) + shift
        except (ValueError, OverflowError):
            return match[0]
        return match["pre"] + min(new, max(day, _LATEST_DAY)).isoformat()

    return _DATE_LINE_RE.sub(moved, text)


class ArchiveWriter:
    """Writes generated days one after the other."""

    def __init__(self, days: list[SourceDay], start: dt.date = START_DATE) -> None:
        if not days:
            raise ValueError("no source days")
        self.days = days
        self.start = start
        self.ids = _Renumberer()
        self.day_index = 0
        self.papers = 0  # unique ids minted so far

    def write_day(self, out: Path, limit: int | None = None) -> tuple[list[Path], int, int]:
        """Write the next day under ``out``; returns (files, bytes, blocks).

        ``limit`` caps the number of unique papers (blocks for ids not seen yet
        are dropped once it is reached; duplicates of seen ids are kept).
        """
        cycle, offset = divmod(self.day_index, len(self.days))
        source = self.days[offset]
        day = self.start + dt.timedelta(days=self.day_index)
        self.day_index += 1
        written: list[Path] = []
        total_bytes = blocks = 0
        for category, text in source.files:
            if limit is not None:
                unseen = {m["id"] for m in _ARXIV_ID_LINE_RE.finditer(text) if self.ids.get(cycle, m["id"]) is None}
                if self.papers + len(unseen) > limit:
                    text = self._trim(text, cycle, limit - self.papers)
            text = _moved_dates(text, day)
            text = _HEADER_RE.sub(lambda m: m[1] + day.isoformat(), text, count=1)
            before = len(self.ids.mapping)
            text = _ID_LINE_RE.sub(lambda m: m["pre"] + self.ids.mint(cycle, m["id"], day), text)
            self.papers += len(self.ids.mapping) - before
            n_blocks = len(_BLOCK_START_RE.findall(text))
            if n_blocks == 0:
                continue
            path = out / category / f"{day.year:04d}" / f"{day.month:02d}" / f"{day:%Y%m%d}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            data = text.encode("utf-8", "surrogateescape")
            path.write_bytes(data)
            written.append(path)
            total_bytes += len(data)
            blocks += n_blocks
        return written, total_bytes, blocks

    def _trim(self, text: str, cycle: int, room: int) -> str:
        """Keep the header, blocks of seen ids, and at most ``room`` blocks of new ids."""
        starts = [m.start() for m in _BLOCK_START_RE.finditer(text)]
        pieces = [text[: starts[0]] if starts else text]
        fresh: set[str] = set()
        for begin, end in zip(starts, starts[1:] + [len(text)]):
            block = text[begin:end]
            match = _ARXIV_ID_LINE_RE.search(block)
            old = match["id"] if match else None
            if old is None or self.ids.get(cycle, old) is not None or old in fresh:
                pieces.append(block)
            elif len(fresh) < room:
                fresh.add(old)
                pieces.append(block)
        return "".join(pieces)


def generate_archive(
    out: Path,
    papers: int | None = 200_000,
    days: int | None = None,
    extra: Path | None = None,
    extra_days: int = 5,
    source: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    per_file: int | None = None,
) -> ArchiveInfo:
    """Write an archive of ``papers`` unique papers (or ``days`` days) under ``out``.

    When ``extra`` is given, the ``extra_days`` following days are written there
    (outside the archive) so a benchmark can add "tomorrow's" files. With
    ``per_file``, real days are first cut into pieces of about that many papers
    (see :func:`split_days`).
    """
    if papers is None and days is None:
        raise ValueError("give papers or days")
    started = time.perf_counter()
    source_days = load_source_days(source or find_source_digests())
    if per_file:
        source_days = split_days(source_days, per_file)
    writer = ArchiveWriter(source_days)
    info = ArchiveInfo(root=str(out))
    out.mkdir(parents=True, exist_ok=True)
    while True:
        if papers is not None and writer.papers >= papers:
            break
        if days is not None and info.days >= days:
            break
        files, size, blocks = writer.write_day(out, limit=papers)
        day = writer.start + dt.timedelta(days=writer.day_index - 1)
        info.first_date = info.first_date or day.isoformat()
        info.last_date = day.isoformat()
        info.days += 1
        info.files += len(files)
        info.bytes += size
        info.blocks += blocks
        if progress:
            progress(writer.papers, papers or 0)
    info.papers = writer.papers
    if extra is not None:
        for _ in range(extra_days):
            files, size, _ = writer.write_day(extra)
            info.extra_days.append([str(p) for p in files])
            info.extra_bytes.append(size)
    info.seconds = time.perf_counter() - started
    return info


def cache_root() -> Path:
    return Path(tempfile.gettempdir()) / "arxiv-reader-bench"


def cached_archive(
    papers: int | None = 200_000,
    days: int | None = None,
    log: Callable[[str], None] = print,
    per_file: int | None = None,
) -> ArchiveInfo:
    """The archive for these parameters, generated once and kept in the temp dir.

    Layout: ``<cache>/archive`` (the digests), ``<cache>/extra`` (the next
    day), ``<cache>/manifest.json``. The manifest is written last, so a run
    interrupted mid-way is regenerated.
    """
    source = find_source_digests()
    params = [GENERATOR_VERSION, papers, days, str(START_DATE), source_fingerprint(source)]
    if per_file:  # appended only when set: the default archive keeps its cache key
        params.append(per_file)
    key = hashlib.sha1(json.dumps(params).encode()).hexdigest()[:10]
    label = f"p{papers}" if papers is not None else f"d{days}"
    if per_file:
        label += f"-f{per_file}"
    base = cache_root() / f"archive-{label}-{key}"
    base.parent.mkdir(parents=True, exist_ok=True)
    # One generator at a time: helpers running benchmarks side by side otherwise delete the
    # folder another process is still writing (its archive then silently lacks most files).
    with open(base.parent / f"{base.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _cached_archive(base, papers, days, log, per_file, source)


def _cached_archive(
    base: Path, papers: int | None, days: int | None, log: Callable[[str], None], per_file: int | None, source: Path
) -> ArchiveInfo:
    label = base.name.removeprefix("archive-").rsplit("-", 1)[0]
    manifest = base / "manifest.json"
    if manifest.is_file():
        try:
            info = ArchiveInfo(**json.loads(manifest.read_text()))
            # (every file there: an archive half deleted by an older, unlocked run is made again)
            if Path(info.root).is_dir() and sum(1 for _ in Path(info.root).rglob("*.md")) == info.files:
                log(f"archive: cached at {info.root}")
                return info
        except (ValueError, TypeError):
            pass
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    log(f"archive: generating {label} under {base} ...")
    last_report = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if total and now - last_report[0] > 2:
            last_report[0] = now
            log(f"  {done:,} / {total:,} papers")

    info = generate_archive(base / "archive", papers=papers, days=days, extra=base / "extra", source=source,
                            progress=progress, per_file=per_file)
    tmp = manifest.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(info), indent=1))
    os.replace(tmp, manifest)
    log(
        f"archive: {info.papers:,} papers, {info.blocks:,} blocks, {info.files:,} files, "
        f"{info.bytes / 1e6:.1f} MB, {info.days} days ({info.first_date}..{info.last_date}) in {info.seconds:.1f} s"
    )
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to write the archive into")
    parser.add_argument("--papers", type=int, default=200_000, help="unique papers to generate (default 200000)")
    parser.add_argument("--days", type=int, default=None, help="generate this many days instead of a paper count")
    parser.add_argument("--extra", type=Path, default=None, help="also write the following days into this directory")
    parser.add_argument("--extra-days", type=int, default=5, help="how many following days --extra gets (default 5)")
    parser.add_argument("--per-file", type=int, default=None,
                        help="cut real days into files of about N papers (35: the real-shaped archive)")
    args = parser.parse_args(argv)
    info = generate_archive(
        args.out,
        papers=None if args.days else args.papers,
        days=args.days,
        extra=args.extra,
        extra_days=args.extra_days,
        per_file=args.per_file,
    )
    print(
        f"{info.papers:,} papers ({info.blocks:,} blocks) in {info.files:,} files, "
        f"{info.bytes / 1e6:.1f} MB, {info.days} days {info.first_date}..{info.last_date}, {info.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
