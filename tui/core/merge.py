"""Merge the blocks of one paper seen in several digests into a single Paper.

A paper shows up more than once when a day file repeats a block, when it is
cross-listed in several category digests, or when a newer version is listed on
a later day.  The merged paper takes every field from its best block -- the
highest version; on a tie the later digest date; on a further tie the block
seen last -- and ``digests`` becomes the union of all blocks' digests, without
duplicates, in chronological order (date, then category), so that
``digests[0]`` is the paper's first listing day.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import fields

from .models import DigestRef, Paper


def merge_papers(papers: Iterable[Paper]) -> dict[str, Paper]:
    """Merge papers by id: the newest version's fields win, digests are united.

    Returns a dict from id (without version) to the merged Paper, in first-seen order.

    The input papers are not modified: a paper seen once (with already sorted,
    unique digests) is returned as is, every merged one is a new object.
    """
    # Building hundreds of thousands of small objects triggers many cyclic-GC
    # passes that find nothing (no cycles are made here): pause the collector.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _merge(papers)
    finally:
        if was_enabled:
            gc.enable()


def _merge(papers: Iterable[Paper]) -> dict[str, Paper]:
    best: dict[str, Paper] = {}
    rank: dict[str, tuple[int, str]] = {}
    # Digests of ids seen more than once; ids seen once need no work at all.
    extra: dict[str, list[DigestRef]] = {}

    for paper in papers:
        key = paper.id
        digests = paper.digests
        # One DigestRef is the parser's usual case: skip the max() call.
        latest = digests[0].date if len(digests) == 1 else paper.latest_digest_date
        new_rank = (paper.version, latest)
        old = best.get(key)
        if old is None:
            best[key] = paper
            rank[key] = new_rank
            continue
        refs = extra.get(key)
        if refs is None:
            refs = extra[key] = list(old.digests)
        refs.extend(digests)
        if new_rank >= rank[key]:  # ">=": a later block wins a full tie
            best[key] = paper
            rank[key] = new_rank

    for key, refs in extra.items():
        best[key] = _with_digests(best[key], _union(refs))
    for key, paper in best.items():
        digests = paper.digests
        if len(digests) > 1 and key not in extra:
            union = _union(digests)
            if union != digests:
                best[key] = _with_digests(paper, union)
    return best


def _union(refs: list[DigestRef]) -> list[DigestRef]:
    """Unique refs sorted by (date, category), via plain tuples (fast C compares)."""
    by_key = {(ref.date, ref.category): ref for ref in refs}
    return [by_key[k] for k in sorted(by_key)]


_PAPER_FIELDS = tuple(f.name for f in fields(Paper))


def _with_digests(paper: Paper, digests: list[DigestRef]) -> Paper:
    """A shallow copy of ``paper`` with other digests (faster than dataclasses.replace)."""
    copy = object.__new__(Paper)
    for name in _PAPER_FIELDS:
        setattr(copy, name, getattr(paper, name))
    copy.digests = digests
    return copy
