"""Merging the blocks of one paper: same-day duplicates, cross-lists, new versions."""

from __future__ import annotations

import gc
import time
from pathlib import Path

from tui.core.digest import parse_digest_file
from tui.core.merge import merge_papers
from tui.core.models import DigestRef, Paper

DIGESTS = Path(__file__).resolve().parents[1] / "data" / "digests"


def papers_of(*rels: str) -> list[Paper]:
    out: list[Paper] = []
    for rel in rels:
        result = parse_digest_file(DIGESTS / rel)
        assert result.problems == []
        out.extend(result.papers)
    return out


def make(arxiv_id: str, version: int, title: str, *refs: tuple[str, str]) -> Paper:
    return Paper(id=arxiv_id, version=version, title=title,
                 digests=[DigestRef(c, d) for c, d in refs])


def test_same_day_duplicate_blocks_collapse():
    papers = papers_of("cs.CV/2026/02/20260206.md")
    assert len(papers) == 140
    merged = merge_papers(papers)
    assert len(merged) == 93
    # First-seen order is kept.
    first_seen = list(dict.fromkeys(p.id for p in papers))
    assert list(merged) == first_seen
    p = merged["2602.06346"]
    assert p.digests == [DigestRef("cs.CV", "2026-02-06")]
    assert p.id == "2602.06346" and p.version == 1 and p.title


def test_cross_listing_cs_cl_and_cs_ir():
    cl = papers_of("cs.CL/2026/07/20260701.md")
    ir = papers_of("cs.IR/2026/07/20260701.md")
    merged = merge_papers(cl + ir)
    assert len(cl) == 93 and len(ir) == 16
    assert len(merged) == 106  # three papers are in both digests
    shared = [k for k, p in merged.items() if len(p.digests) == 2]
    assert shared == ["2607.00374", "2607.00597", "2607.00725"]
    p = merged["2607.00374"]
    assert p.digests == [DigestRef("cs.CL", "2026-07-01"), DigestRef("cs.IR", "2026-07-01")]
    assert p.primary_category == "cs.CV"
    assert p.categories == ["cs.CV", "cs.AI", "cs.CL", "cs.IR", "cs.MM"]
    assert p.authors == ["Jingjing Zhang", "Lei Zhang", "Zheren Fu", "Zhendong Mao"]
    assert p.comment == "Accepted by ECCV 2026"
    # The inputs are left alone.
    assert all(len(q.digests) == 1 for q in cl + ir)


def test_newer_version_wins_whatever_the_order():
    old = make("2401.00001", 1, "old", ("cs.CV", "2024-01-02"))
    new = make("2401.00001", 3, "new", ("cs.LG", "2024-03-05"))
    for order in ([old, new], [new, old]):
        merged = merge_papers(order)
        [p] = merged.values()
        assert (p.title, p.version) == ("new", 3)
        assert p.digests == [DigestRef("cs.CV", "2024-01-02"), DigestRef("cs.LG", "2024-03-05")]
        assert p.first_digest_date == "2024-01-02"


def test_version_tie_later_digest_then_later_block():
    a = make("x/1234567", 2, "early day", ("cs.CV", "2024-01-02"))
    b = make("x/1234567", 2, "late day", ("cs.AI", "2024-01-09"))
    c = make("x/1234567", 2, "late day, later block", ("cs.CV", "2024-01-09"))
    assert merge_papers([b, a]).popitem()[1].title == "late day"
    assert merge_papers([a, b]).popitem()[1].title == "late day"
    merged = merge_papers([a, b, c])["x/1234567"]
    assert merged.title == "late day, later block"
    assert merged.digests == [DigestRef("cs.CV", "2024-01-02"), DigestRef("cs.AI", "2024-01-09"),
                              DigestRef("cs.CV", "2024-01-09")]


def test_single_paper_digests_normalised():
    p = make("2401.00002", 1, "t", ("cs.LG", "2024-02-01"), ("cs.CV", "2024-01-01"),
             ("cs.LG", "2024-02-01"))
    merged = merge_papers([p])["2401.00002"]
    assert merged.digests == [DigestRef("cs.CV", "2024-01-01"), DigestRef("cs.LG", "2024-02-01")]
    assert len(p.digests) == 3  # input untouched
    assert merge_papers([]) == {}


def test_merge_whole_test_corpus():
    files = sorted(DIGESTS.rglob("*.md"))
    papers = papers_of(*(f.relative_to(DIGESTS).as_posix() for f in files))
    merged = merge_papers(papers)
    assert len(merged) == len({p.id for p in papers})
    top: dict[str, int] = {}
    refs: dict[str, set[DigestRef]] = {}
    for q in papers:
        top[q.id] = max(top.get(q.id, 0), q.version)
        refs.setdefault(q.id, set()).update(q.digests)
    for p in merged.values():
        assert p.version == top[p.id]
        assert p.digests == sorted(refs[p.id], key=lambda d: (d.date, d.category))
    assert sum(len(p.digests) > 1 for p in merged.values()) == 3  # the cs.CL/cs.IR ones


def test_merge_200k_is_fast():
    cv, cl = DigestRef("cs.CV", "2024-01-02"), DigestRef("cs.CL", "2024-01-03")
    gc.disable()  # building the input is the slow part of this test
    try:
        papers = [Paper(f"2401.{i:05d}", 1, "t", digests=[cv]) for i in range(200_000)]
        papers += [Paper(f"2401.{i:05d}", 2, "t2", digests=[cl]) for i in range(0, 200_000, 4)]
    finally:
        gc.enable()
    start = time.process_time()  # CPU time: robust to a busy machine
    merged = merge_papers(papers)
    elapsed = time.process_time() - start
    assert len(merged) == 200_000
    assert merged["2401.00004"].title == "t2" and len(merged["2401.00004"].digests) == 2
    assert merged["2401.00005"].title == "t"
    assert elapsed < 2.0, elapsed
