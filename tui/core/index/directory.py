"""The index directory: a manifest naming the segments, and the writers that change it.

Files::

    <directory>/index.json       manifest, replaced atomically on every change
    <directory>/seg-<gen>.axs    segment files (see :mod:`.segment_file`), never rewritten
    <directory>/.index.lock      held by writers (import, background merge)

The manifest is the single commit point: a writer first writes new segment
files, then the manifest naming them (with the deleted documents of older
segments), then removes the segment files no manifest names any more.
Readers that mapped an old segment keep reading it until they reopen.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from filelock import FileLock

from ..atomic import atomic_write_text
from ..models import Paper
from .segment import Segment, build_segment, sort_key
from .segment_file import FORMAT, IndexDamaged, IndexMissing, IndexStale, IndexUnavailable

MANIFEST = "index.json"
_KIND = "arxiv-reader search index"
_LOCK = ".index.lock"


def read_manifest(directory: Path, source: str | None = None) -> dict[str, Any]:
    """The manifest of the index in ``directory``; raises :class:`IndexUnavailable` when unusable.

    With ``source``, an index built from anything else is stale.
    """
    path = Path(directory) / MANIFEST
    try:
        data = json.loads(path.read_bytes())
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


def build_index(directory: Path, papers: Iterable[Paper], source: str) -> None:
    """Replace the index in ``directory`` by one segment of ``papers`` (merged, one per id)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with FileLock(str(directory / _LOCK)):
        generation = _next_generation(directory)
        name = _segment_name(generation)
        build_segment(directory / name, _newest_first(papers), {"source": source})
        _commit(directory, generation, source, [{"file": name, "docs": _docs_of(directory / name), "deleted": []}])


def add_segment(directory: Path, papers: Iterable[Paper], source: str, expect_source: str | None = None) -> None:
    """Add the papers of an import (merged, one per id) as a new segment, without a rebuild.

    Older copies of these papers are marked deleted in their segments. Normally
    the new papers are all newer than the indexed ones and the segment goes in
    front; papers that sort among older ones (a back-filled day, a second
    category of the same day) are rebuilt together with the newest segments
    they interleave with, so segments never overlap in newest-first order.
    ``expect_source``: the source the index must have been built from (else
    :class:`IndexStale`: the caller rebuilds).
    """
    directory = Path(directory)
    with FileLock(str(directory / _LOCK)):
        manifest = read_manifest(directory, expect_source)
        new = _newest_first(papers)
        entries = [dict(e, deleted=set(e["deleted"])) for e in manifest["segments"]]
        segments = [Segment(directory / e["file"]) for e in entries]
        try:
            for entry, segment in zip(entries, segments):
                for paper in new:
                    local = segment.find_id(paper.id)
                    if local is not None:
                        entry["deleted"].add(local)
            keep = _absorb_overlapping(new, entries, segments)
            generation = _next_generation(directory, manifest)
            name = _segment_name(generation)
            build_segment(directory / name, new, {"source": source})
        finally:
            for segment in segments:
                segment.close()
        kept = [_entry(e) for e in entries[keep:] if len(e["deleted"]) < int(e["docs"])]
        _commit(directory, generation, source, [{"file": name, "docs": len(new), "deleted": []}, *kept])


def _absorb_overlapping(new: list[Paper], entries: list[dict[str, Any]], segments: list[Segment]) -> int:
    """Move into ``new`` the live papers of the leading segments it interleaves with; how many."""
    if not new:
        return 0
    lowest = sort_key(new[-1])
    count = 0
    for entry, segment in zip(entries, segments):
        live = [d for d in range(segment.n) if d not in entry["deleted"]]
        if live and segment.key(live[0]) < lowest:
            break
        new.extend(segment.paper(d) for d in live)
        count += 1
        if live:
            lowest = min(lowest, segment.key(live[-1]))
    if count:
        new.sort(key=sort_key, reverse=True)
    return count


def merge_segments(directory: Path, max_segments: int = 1) -> bool:
    """Merge adjacent segments until at most ``max_segments`` remain; True when anything changed.

    Meant for a background thread or process. Merging never reorders papers
    (segments do not overlap), so merged segments are built straight from
    their live papers; the smallest adjacent pair is merged first. Segments
    with deleted papers are rewritten without them.
    """
    directory = Path(directory)
    with FileLock(str(directory / _LOCK)):
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
        out: list[dict[str, Any]] = []
        for group in groups:
            if len(group) == 1 and not entries[group[0]]["deleted"]:
                out.append(entries[group[0]])
                continue
            papers: list[Paper] = []
            for i in group:
                segment = Segment(directory / entries[i]["file"])
                try:
                    deleted = set(entries[i]["deleted"])
                    papers.extend(segment.paper(d) for d in range(segment.n) if d not in deleted)
                finally:
                    segment.close()
            name = _segment_name(generation)
            generation += 1
            build_segment(directory / name, papers, {"source": manifest["source"]})
            out.append({"file": name, "docs": len(papers), "deleted": []})
        _commit(directory, generation - 1, manifest["source"], out)
        return True


def _newest_first(papers: Iterable[Paper]) -> list[Paper]:
    unique = {p.id: p for p in papers}  # one per id: the last one given wins
    return sorted(unique.values(), key=sort_key, reverse=True)


def _entry(entry: dict[str, Any]) -> dict[str, Any]:
    return dict(entry, deleted=sorted(entry["deleted"]))


def _docs_of(path: Path) -> int:
    segment = Segment(path)
    try:
        return segment.n
    finally:
        segment.close()


def _segment_name(generation: int) -> str:
    return f"seg-{generation:06d}.axs"


def _next_generation(directory: Path, manifest: dict[str, Any] | None = None) -> int:
    """A generation above the manifest's and above every segment file present (even orphans)."""
    highest = int(manifest["generation"]) if manifest else 0
    if manifest is None:
        try:
            highest = int(json.loads((directory / MANIFEST).read_bytes()).get("generation", 0))
        except (OSError, ValueError, AttributeError, TypeError):
            highest = 0
    for path in directory.glob("seg-*.axs"):
        try:
            highest = max(highest, int(path.stem[4:]))
        except ValueError:
            continue
    return highest + 1


def _commit(directory: Path, generation: int, source: str, segments: list[dict[str, Any]]) -> None:
    """Write the manifest naming ``segments`` (newest first), then drop unnamed segment files."""
    manifest = {"kind": _KIND, "format": FORMAT, "generation": generation, "source": source, "segments": segments}
    atomic_write_text(directory / MANIFEST, json.dumps(manifest, indent=1))
    named = {s["file"] for s in segments}
    for path in directory.glob("seg-*.axs"):
        if path.name not in named:
            try:
                os.unlink(path)
            except OSError:  # e.g. still mapped on Windows: removed by a later commit
                pass
