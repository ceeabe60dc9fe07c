"""The ``default`` field's postings assembled from the title and authors postings (:mod:`tui.core.index.union`)
are exactly those of tokenising its whole text, on real digests and on hostile text."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tui.core.digest import find_digest_files, parse_digest_file
from tui.core.index.invert import Vocabulary, chunk_postings
from tui.core.index.segment import sort_key
from tui.core.index.union import SOURCES, default_rest, union_postings
from tui.core.index.writer import field_texts
from tui.core.merge import merge_papers
from tui.core.models import Paper

SHARED = Path(__file__).resolve().parents[3] / "shared" / "digests"
DATA = Path(__file__).resolve().parents[1] / "data" / "digests"


def _by_word(vocabulary: Vocabulary, numbered: list[bytes], result, base: int, out: dict[bytes, list[int]]) -> None:
    present, counts, local = result
    numbered += vocabulary.new_words()
    at = 0
    for number, count in zip(present.tolist(), counts.tolist()):
        out.setdefault(numbered[number], []).extend(int(d) + base for d in local[at : at + count])
        at += count


def _both_ways(chunks: list[list[Paper]]) -> tuple[dict[bytes, list[int]], dict[bytes, list[int]]]:
    """``(word -> documents)`` of ``default`` tokenised whole, and assembled, over consecutive chunks."""
    whole, whole_words, whole_out = Vocabulary(False), [], {}
    target, target_words, union_out = Vocabulary(False), [], {}
    sources = {f: Vocabulary(False) for f in SOURCES}
    base = 0
    for papers in chunks:
        _by_word(whole, whole_words, chunk_postings(field_texts(papers, "default"), whole), base, whole_out)
        found = [(f, v, *chunk_postings(field_texts(papers, f), v)) for f, v in sources.items()]
        for v in sources.values():
            v.new_words()
        rest = default_rest([p.id for p in papers], [p.categories for p in papers])
        _by_word(target, target_words, union_postings(target, found, rest), base, union_out)
        base += len(papers)
    for docs in (*whole_out.values(), *union_out.values()):
        assert docs == sorted(set(docs))  # ascending, once each
    return whole_out, union_out


def _real_papers() -> list[Paper]:
    root = SHARED if SHARED.is_dir() else DATA
    files, _ = find_digest_files([root])
    files = sorted(files)[:: max(1, len(files) // 400)]  # a few hundred files, every category and era
    merged = merge_papers(p for f in files for p in parse_digest_file(f).papers)
    return sorted(merged.values(), key=sort_key, reverse=True)


def test_real_digests_give_the_same_default_postings() -> None:
    papers = _real_papers()
    assert len(papers) > 1000
    for size in (len(papers), 1500, 333):
        whole, union = _both_ways([papers[at : at + size] for at in range(0, len(papers), size)])
        assert len(whole) > 5000
        assert union == whole, size


_PIECES = [
    *"abcxyzABCXYZ0189", " ", "  ", "\n", "\t", "-", ".", ",", "_", "/", "'", "$", "\\", "{", "}",
    "\x00", "\x01", "\x07", "\x0b", "\x0c", "\x0d", "\x1b", "\x1f", "\x7f", "\x85", "\xa0", "\u2028", "\u200b",
    "\u00ad", "\ufeff", "é", "É", "ü", "ß", "ẞ", "ø", "ł", "æ", "ı", "İ", "ﬁ", "Ⅻ", "²", "½", "e\u0301", "\u0301",
    "α", "Ω", "日本", "한", "ŉ", "ǅ", "Å", "ﾊ", "𝔸", "🙂", "١", "x" * 17, "Ü" * 9, "a1" * 12,
]


def _hostile(rng: random.Random) -> str:
    return "".join(rng.choice(_PIECES) for _ in range(rng.randrange(0, 14)))


_CATEGORIES = ["cs.CV", "math.AG", "q-bio.NC", "Ü.x\x01y", ""]


def test_hostile_text_gives_the_same_default_postings() -> None:
    rng = random.Random(12)
    papers = [
        Paper(id=rng.choice(["2401.00001", "math/0601001", "x" * 20, "É.1", ""]) + str(k), version=1,
              title=_hostile(rng), authors=[_hostile(rng) for _ in range(rng.randrange(0, 4))],
              categories=[rng.choice(_CATEGORIES) for _ in range(rng.randrange(0, 3))])
        for k in range(3000)
    ]
    for size in (3000, 1100, 37):
        whole, union = _both_ways([papers[at : at + size] for at in range(0, len(papers), size)])
        assert union == whole, size


@pytest.mark.parametrize("title", ["", "\x01", "ab\x01", "\x01cd", "ß" * 20, "x" * 40])
def test_edges_of_one_paper(title: str) -> None:
    papers = [Paper(id="2401.00001", version=1, title=title, authors=["\x02ab", "cd\x03"], categories=["cs.CV"]),
              Paper(id="2401.00002", version=1, title="", authors=[], categories=[])]
    whole, union = _both_ways([papers])
    assert union == whole
