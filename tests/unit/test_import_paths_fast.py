"""The import's fast paths answer exactly like the general ones (see each test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.store.parsepool import TASK_FILES, task_files


def test_parse_tasks_are_large_on_big_imports_and_small_on_small_ones() -> None:
    low, high = TASK_FILES
    assert task_files(10, 2) == low  # a few files: every worker gets some
    assert task_files(5_900, 2) == high  # a whole archive: few hand-overs
    assert low < task_files(400, 2) < high
    assert task_files(400, 0) >= low  # (no division by zero)


def test_word_edges_match_a_difference_of_neighbours() -> None:
    import numpy as np

    from tui.core.index.invert import _edges

    rng = np.random.default_rng(12)
    cases = [b"", b"\x00", b"\x01", b"\x01\x01\x00", b"\x00\x01\x00\x01\x01"]
    cases += [bytes((rng.random(n) < share).astype(np.uint8)) for n in (7, 1000) for share in (0.1, 0.5, 0.9)]
    for flags in cases:
        expected = np.flatnonzero(np.diff(np.frombuffer(flags, np.int8), prepend=np.int8(0)))
        assert _edges(flags).tolist() == expected.tolist(), flags


# -- the parser's usual-block path -----------------------------------------------------

_SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "digests"
_DATA = Path(__file__).resolve().parents[1] / "data"

#: Lines that, after a block's Summary (or in place of one of its lines), make the loop do
#: something else than take ten fields: continue, repeat, reject or interrupt.
_HOSTILE = [
    "  continued summary", "\tcontinued with a tab", "- **Summary**: again", "- **Comment**: late",
    "- **Unknown**: field", "- **Summary** no colon", "unindented text", "# a header inside",
    "####not a title", "###", "### next title", "", "   ", "- **Arxiv ID**:http://arxiv.org/abs/2201.00001",
    "- **DOI**:", "- **Links**: [PDF](http://arxiv.org/pdf/x) **: odd", "-  **Authors**: two spaces",
]


def _both_ways(text: str, name: str):
    import tui.core.digest as digest

    try:
        digest.USUAL_BLOCKS = True
        fast = digest.parse_digest_text(text, name)
        digest.USUAL_BLOCKS = False
        slow = digest.parse_digest_text(text, name)
    finally:
        digest.USUAL_BLOCKS = True
    return fast, slow


def _real_digests() -> list[Path]:
    found = sorted(_SHARED.rglob("*.md")) + sorted(_DATA.rglob("*.md"))
    if not found:
        pytest.skip("no real digests beside the project")
    return found


def test_usual_blocks_parse_as_the_line_loop_does_on_every_real_digest() -> None:
    import tui.core.digest as digest

    taken = []
    original = digest._usual_fields

    def counting(lines, at):
        found = original(lines, at)
        taken.append(found is not None)
        return found

    for path in _real_digests():
        text = path.read_bytes().decode("utf-8", "replace")
        for variant in (text, text.replace("\n", "\r\n"), text.rstrip("\n"), text.replace("\n  ", "\n\t")):
            fast, slow = _both_ways(variant, str(path))
            assert (fast.papers, fast.problems, fast.category, fast.date) == (
                slow.papers, slow.problems, slow.category, slow.date), path
        digest._usual_fields = counting
        try:
            digest.parse_digest_text(text, str(path))
        finally:
            digest._usual_fields = original
    assert sum(taken) > 0.8 * len(taken)  # (the path is really taken: most real blocks look usual)


def test_usual_blocks_parse_as_the_line_loop_does_on_hostile_edits() -> None:
    import random

    rng = random.Random(12)
    texts = [p.read_bytes().decode("utf-8", "replace") for p in _real_digests()[:12]]
    for round_ in range(400):
        lines = rng.choice(texts).split("\n")
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(lines))
            action = rng.random()
            if action < 0.5:
                lines.insert(at, rng.choice(_HOSTILE))
            elif action < 0.7 and len(lines) > 2:
                del lines[at]
            elif action < 0.85:
                other = rng.randrange(len(lines))
                lines[at], lines[other] = lines[other], lines[at]
            else:
                lines = lines[: max(at, 1)]  # cut short: a block truncated at the end of the file
        text = "\n".join(lines)
        fast, slow = _both_ways(text, f"edit-{round_}.md")
        assert (fast.papers, fast.problems) == (slow.papers, slow.problems), text
