"""The index directory: a manifest naming the segments, and the writers that change it.

Files::

    <directory>/index.json       manifest, replaced atomically on every change
    <directory>/seg-<gen>.axs    segment files (see :mod:`.segment_file`), never rewritten
    <directory>/index.json.lock  held by writers (import, background merge)

The manifest is the single commit point: a writer first writes new segment
files, then the manifest naming them (with the deleted documents of older
segments), then removes the segment files no manifest names any more.
Readers that mapped an old segment keep reading it until they reopen.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .. import locks
from ..atomic import atomic_write_text
from ..models import Paper
from ..regular import read_regular_file
from .merge_policy import live, merge_run
from .segment import Segment, sort_key
from .segment_file import FORMAT, IndexDamaged, IndexMissing, IndexStale, IndexUnavailable

MANIFEST = "index.json"
_KIND = "arxiv-reader search index"
_LOCK = "index.json.lock"


def read_manifest(directory: Path, source: str | None = None) -> dict[str, Any]:
    """The manifest of the index in ``directory``; raises :class:`IndexUnavailable` when unusable.

    With ``source``, an index built from anything else is stale.
    """
    path = Path(directory) / MANIFEST
    try:
        data = json.loads(read_regular_file(path))  # (a FIFO in its place: never waited on)
    except FileNotFoundError:
        raise IndexMissing(f"{path}: no index yet") from None
    except (OSError, ValueError) as exc:
        raise IndexDamaged(f"{path}: unreadable ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or data.get("kind") != _KIND:
        raise IndexDamaged(f"{path}: not an index manifest")
    if data.get("format") != FORMAT:
        raise IndexStale(f"{path}: index format {data.get('format')}, this version reads {FORMAT}")
    try:
        segments = data["segments"]
        for entry in segments:
            if not isinstance(entry["file"], str) or "/" in entry["file"] or entry["file"].startswith("."):
                raise ValueError(entry["file"])
            int(entry["docs"])
            [int(d) for d in entry["deleted"]]
        int(data["generation"])
    except (KeyError, TypeError, ValueError):
        raise IndexDamaged(f"{path}: malformed manifest") from None
    if source is not None and data.get("source") != source:
        raise IndexStale(f"{path}: built from other data than the library holds now")
    return data


def index_status(directory: Path, source: str | None = None) -> tuple[str, str]:
    """``("ok", "")`` or ``(reason, message)`` with reason ``missing``, ``stale`` or ``damaged``."""
    from .search import open_index

    try:
        open_index(directory, source).close()
    except IndexUnavailable as exc:
        return exc.reason, exc.message
    return "ok", ""


@contextmanager
def _discarded_on_failure(directory: Path, first: int) -> Iterator[None]:
    """Remove the segment files of generation ``first`` and later that no manifest names, when the
    block fails (a full disk, a manifest that cannot be replaced): a failed write leaves nothing."""
    try:
        yield
    except BaseException:
        try:
            named = {e["file"] for e in read_manifest(directory)["segments"]}
        except IndexUnavailable:
            named = set()
        for path in directory.glob("seg-*.axs"):
            try:
                if int(path.stem[4:]) >= first and path.name not in named:
                    os.unlink(path)
            except (ValueError, OSError):
                continue
        raise


def clear_index(directory: Path) -> None:
    """Remove the index in ``directory`` (manifest first, then its segment files): it is
    missing until the next :func:`build_index`. Readers keep the files they mapped."""
    directory = Path(directory)
    if not directory.is_dir():
        return
    with locks.FileLock(str(directory / _LOCK)):
        for path in [directory / MANIFEST, *directory.glob("seg-*.axs")]:
            try:
                os.unlink(path)
            except OSError:  # gone already, or still mapped on Windows: the next commit removes it
                pass


def add_segment(
    directory: Path,
    papers: Iterable[Paper],
    source: str,
    expect_source: str | None = None,
    imported: Mapping[str, int] | None = None,
    removed: Iterable[str] = (),
    extra: dict[str, Any] | None = None,
) -> None:
    """Add the papers of an import (merged, one per id) as a new segment, without a rebuild.

    Older copies of these papers, and the papers of ``removed`` (ids that left
    the library), are marked deleted in their segments. Normally the new
    papers are all newer than the indexed ones and the segment goes in front;
    papers that sort among older ones (a back-filled day, a second category of
    the same day) are rebuilt together with the newest segments they
    interleave with, so segments never overlap in newest-first order. Then
    small segments are merged when enough of them piled up (:func:`merge_run`).
    ``expect_source``: the source the index must have been built from (else
    :class:`IndexStale`: the caller rebuilds).
    """
    directory = Path(directory)
    with locks.FileLock(str(directory / _LOCK)):
        manifest = read_manifest(directory, expect_source)
        with _discarded_on_failure(directory, _next_generation(directory, manifest)):
            _add_segment(directory, manifest, papers, source, imported, removed, extra)


def _add_segment(
    directory: Path,
    manifest: dict[str, Any],
    papers: Iterable[Paper],
    source: str,
    imported: Mapping[str, int] | None,
    removed: Iterable[str],
    extra: dict[str, Any] | None,
) -> None:
    new = _newest_first(papers)
    numbers = dict(imported or {})
    entries = [dict(e, deleted=set(e["deleted"])) for e in manifest["segments"]]
    segments = [Segment(directory / e["file"]) for e in entries]
    gone = [p.id for p in new] + list(removed)
    try:
        for entry, segment in zip(entries, segments):
            for paper_id in gone:
                local = segment.find_id(paper_id)
                if local is not None:
                    entry["deleted"].add(local)
        keep = _absorb_overlapping(new, entries, segments, numbers)
        generation = _next_generation(directory, manifest)
        out: list[dict[str, Any]] = []
        if new:
            name = _segment_name(generation)
            build_segment(directory / name, new, {"source": source}, _numbers(new, numbers))
            out.append({"file": name, "docs": len(new), "deleted": []})
    finally:
        for segment in segments:
            segment.close()
    out += [_entry(e) for e in entries[keep:] if len(e["deleted"]) < int(e["docs"])]
    out, generation = _merge_runs(directory, out, generation, source)
    _commit(directory, generation, source, out, _extra(manifest, extra))


def build_segment(*args: Any, **kwargs: Any) -> None:
    """:func:`.writer.build_segment`, imported on first use: a command that only reads
    the index never loads the writer and its tokeniser (50-70 ms of every start)."""
    from .writer import build_segment as build

    build(*args, **kwargs)


def _numbers(papers: list[Paper], imported: Mapping[str, int]) -> list[int]:
    return [imported.get(p.id, -1) for p in papers]


def _absorb_overlapping(
    new: list[Paper], entries: list[dict[str, Any]], segments: list[Segment], numbers: dict[str, int]
) -> int:
    """Move into ``new`` the live papers of the leading segments it interleaves with; how many.

    Their first imports go into ``numbers``.
    """
    if not new:
        return 0
    lowest = sort_key(new[-1])
    count = 0
    for entry, segment in zip(entries, segments):
        deleted = entry["deleted"]
        first = next((d for d in range(segment.n) if d not in deleted), None)  # (the big segment: no list of 200,000)
        if first is not None and segment.key(first) < lowest:
            break
        live = [d for d in range(first, segment.n) if d not in deleted] if first is not None else []
        imported = segment.columns.imported
        for d in live:
            paper = segment.paper(d)
            new.append(paper)
            numbers.setdefault(paper.id, int(imported[d]))
        count += 1
        if live:
            lowest = min(lowest, segment.key(live[-1]))
    if count:
        new.sort(key=sort_key, reverse=True)
    return count


def _merge_runs(
    directory: Path, entries: list[dict[str, Any]], generation: int, source: str
) -> tuple[list[dict[str, Any]], int]:
    """Merge runs of segments as :func:`merge_run` picks them until it picks none."""
    while (run := merge_run([live(e) for e in entries])) is not None:
        generation += 1
        merged = _merge_group(directory, entries[run[0] : run[1]], generation, source)
        entries[run[0] : run[1]] = [merged]
    return entries, generation


def _merge_group(directory: Path, group: list[dict[str, Any]], generation: int, source: str) -> dict[str, Any]:
    """One segment of the live papers of ``group`` (adjacent segments, newest first)."""
    papers: list[Paper] = []
    numbers: list[int] = []
    for entry in group:
        segment = Segment(directory / entry["file"])
        try:
            deleted = set(entry["deleted"])
            imported = segment.columns.imported
            for d in range(segment.n):
                if d not in deleted:
                    papers.append(segment.paper(d))
                    numbers.append(int(imported[d]))
        finally:
            segment.close()
    name = _segment_name(generation)
    build_segment(directory / name, papers, {"source": source}, numbers)
    return {"file": name, "docs": len(papers), "deleted": []}


def merge_segments(directory: Path, max_segments: int = 1) -> bool:
    """Merge adjacent segments until at most ``max_segments`` remain; True when anything changed.

    Meant for a background thread or process. Merging never reorders papers
    (segments do not overlap), so merged segments are built straight from
    their live papers; the smallest adjacent pair is merged first. Segments
    with deleted papers are rewritten without them.
    """
    directory = Path(directory)
    with locks.FileLock(str(directory / _LOCK)):
        manifest = read_manifest(directory)
        entries = manifest["segments"]
        groups = [[i] for i in range(len(entries))]
        size = [int(e["docs"]) - len(e["deleted"]) for e in entries]
        while len(groups) > max(1, max_segments):
            sums = [sum(size[i] for i in a + b) for a, b in zip(groups, groups[1:])]
            at = sums.index(min(sums))
            groups[at : at + 2] = [groups[at] + groups[at + 1]]
        if all(len(g) == 1 and not entries[g[0]]["deleted"] for g in groups):
            return False
        generation = _next_generation(directory, manifest)
        with _discarded_on_failure(directory, generation):
            _merge_groups(directory, manifest, entries, groups, generation)
        return True


def _merge_groups(directory: Path, manifest: dict[str, Any], entries: list[dict[str, Any]],
                  groups: list[list[int]], generation: int) -> None:
    out: list[dict[str, Any]] = []
    for group in groups:
        if len(group) == 1 and not entries[group[0]]["deleted"]:
            out.append(entries[group[0]])
            continue
        out.append(_merge_group(directory, [entries[i] for i in group], generation, manifest["source"]))
        generation += 1
    _commit(directory, generation - 1, manifest["source"], out, _extra(manifest, None))


_CORE_KEYS = ("kind", "format", "generation", "source", "segments")


def _extra(manifest: dict[str, Any], extra: dict[str, Any] | None) -> dict[str, Any]:
    """The manifest's own extra keys, updated by ``extra``."""
    kept = {k: v for k, v in manifest.items() if k not in _CORE_KEYS}
    kept.update(extra or {})
    return kept


def _newest_first(papers: Iterable[Paper]) -> list[Paper]:
    unique = {p.id: p for p in papers}  # one per id: the last one given wins
    return sorted(unique.values(), key=sort_key, reverse=True)


def _entry(entry: dict[str, Any]) -> dict[str, Any]:
    return dict(entry, deleted=sorted(entry["deleted"]))


def _segment_name(generation: int) -> str:
    return f"seg-{generation:06d}.axs"


def _next_generation(directory: Path, manifest: dict[str, Any] | None = None) -> int:
    """A generation above the manifest's and above every segment file present (even orphans)."""
    highest = int(manifest["generation"]) if manifest else 0
    if manifest is None:
        try:
            highest = int(json.loads(read_regular_file(directory / MANIFEST)).get("generation", 0))
        except (OSError, ValueError, AttributeError, TypeError):
            highest = 0
    for path in directory.glob("seg-*.axs"):
        try:
            highest = max(highest, int(path.stem[4:]))
        except ValueError:
            continue
    return highest + 1


def _commit(
    directory: Path, generation: int, source: str, segments: list[dict[str, Any]], extra: dict[str, Any]
) -> None:
    """Write the manifest naming ``segments`` (newest first), then drop unnamed segment files."""
    manifest = {**extra, "kind": _KIND, "format": FORMAT, "generation": generation, "source": source,
                "segments": segments}
    atomic_write_text(directory / MANIFEST, json.dumps(manifest, indent=1))
    named = {s["file"] for s in segments}
    for path in directory.glob("seg-*.axs"):
        if path.name not in named:
            try:
                os.unlink(path)
            except OSError:  # e.g. still mapped on Windows: removed by a later commit
                pass
