"""A segment built a chunk of papers at a time is the segment built in one go, section for section."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.digest import find_digest_files, parse_digest_file
from tui.core.index.builder import build_segment_chunked
from tui.core.index.segment import sort_key
from tui.core.index.segment_file import SegmentFile, SegmentWriter
from tui.core.merge import merge_papers

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"


@pytest.fixture(scope="module")
def papers():
    files, _ = find_digest_files([DATA])
    merged = merge_papers(p for f in files for p in parse_digest_file(f).papers)
    return sorted(merged.values(), key=sort_key, reverse=True)


def _sections(path: Path) -> dict[str, bytes]:
    segment = SegmentFile(path)
    try:
        segment.verify()
        return {name: bytes(segment.blob(name)) for name in segment.meta["sections"]}
    finally:
        segment.close()


def test_chunked_builds_write_the_same_sections(papers, tmp_path) -> None:
    assert len(papers) > 500  # several chunks below, of uneven sizes
    imported = [k % 5 - 1 for k in range(len(papers))]
    whole = tmp_path / "whole.axs"
    build_segment_chunked(whole, papers, {"source": "t"}, imported, chunk=len(papers))
    expected = _sections(whole)
    assert SegmentFile(whole).meta["docs"] == len(papers)
    for chunk in (1, 7, 97, 400):
        path = tmp_path / f"chunk-{chunk}.axs"
        build_segment_chunked(path, papers, {"source": "t"}, imported, chunk=chunk)
        got = _sections(path)
        assert got.keys() == expected.keys()
        assert [name for name in expected if got[name] != expected[name]] == [], chunk


def test_an_empty_segment(tmp_path) -> None:
    path = tmp_path / "empty.axs"
    build_segment_chunked(path, [], {"source": "t"})
    assert SegmentFile(path).meta["docs"] == 0


def test_the_header_makes_room_when_the_reserve_is_too_small(tmp_path) -> None:
    """More sections than the reserved header room can name: the data moves up, nothing is lost."""
    path = tmp_path / "tight.axs"
    with open(path, "w+b") as handle:
        writer = SegmentWriter(handle, reserve=0)
        for k in range(200):
            writer.add(f"section-{k:03d}", bytes([k]) * (k * 1000 + 1))
        writer.finish({"docs": 0})
    segment = SegmentFile(path)
    segment.verify()
    assert [bytes(segment.blob(f"section-{k:03d}")) == bytes([k]) * (k * 1000 + 1) for k in range(200)] == [True] * 200
    segment.close()


def test_the_default_field_is_written_as_tokenising_its_whole_text_would(papers, tmp_path) -> None:
    """Its postings are assembled from other fields' (:mod:`tui.core.index.union`): the sections
    are those of the whole text tokenised, byte for byte."""
    from tui.core.index.invert import invert
    from tui.core.index.writer import _add_postings, field_texts

    path = tmp_path / "seg.axs"
    build_segment_chunked(path, papers, {"source": "t"}, chunk=97)
    got = _sections(path)
    expected: dict[str, object] = {}
    _add_postings(expected, "default", invert(field_texts(papers, "default")), len(papers))
    assert len(expected) == 6
    for name, value in expected.items():
        assert got[name] == (value if isinstance(value, bytes) else value.tobytes()), name


def _bits_one_by_one(inv, ranges, docs):
    """The reference: each range's documents set on their own."""
    import numpy as np

    bits = np.zeros((len(ranges), (docs + 7) // 8), np.uint8)
    for row, (lo, hi) in enumerate(ranges):
        mask = np.zeros(docs, bool)
        mask[inv.docs[inv.offsets[lo] : inv.offsets[hi]]] = True
        bits[row] = np.packbits(mask)
    return bits


@pytest.mark.parametrize("field", ["summary", "default", "authors", "cat", "date"])
def test_common_prefix_bitsets_are_each_range_set_on_its_own(papers, field, monkeypatch) -> None:
    """:func:`~tui.core.index.writer._common_bits` (inner ranges first) equals setting each range alone."""
    import numpy as np

    from tui.core.index import segment, writer
    from tui.core.index.invert import invert

    monkeypatch.setattr(writer, "COMMON_POSTINGS", 25)  # many nested ranges from a few hundred papers
    inv = invert(writer.field_texts(papers, field), values=field in segment.VALUE_FIELDS)
    ranges = writer._common_ranges(inv)
    assert len(ranges) > 20
    assert any(a[0] <= b[0] and b[1] <= a[1] and a != b for a in ranges for b in ranges)  # nested ones
    expected = _bits_one_by_one(inv, ranges, len(papers))
    assert np.array_equal(writer._common_bits(inv, ranges, len(papers)), expected)
    assert expected.any()


def test_common_prefix_bitsets_of_random_nested_ranges() -> None:
    import random

    import numpy as np

    from tui.core.index import writer
    from tui.core.index.invert import invert

    rng = random.Random(5)
    texts = [" ".join(rng.choice(["a", "ab", "abc", "abd", "b", "ba", "bab", "c"]) + rng.choice("xyz")
                      for _ in range(rng.randrange(0, 6))) for _ in range(300)]
    inv = invert(texts)

    def split(lo: int, hi: int, ranges: set[tuple[int, int]]) -> set[tuple[int, int]]:
        """Random nested ranges within ``[lo, hi)``, as prefixes' ranges nest."""
        if hi - lo >= 1 and rng.random() < 0.8:
            ranges.add((lo, hi))
        if hi - lo > 1:
            cut = rng.randrange(lo + 1, hi)
            split(lo, cut, ranges)
            split(cut, hi, ranges)
        return ranges

    for _ in range(50):
        chosen = sorted(split(0, len(inv.terms), set()))
        assert np.array_equal(writer._common_bits(inv, chosen, 300), _bits_one_by_one(inv, chosen, 300))
