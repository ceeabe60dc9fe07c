"""The import's fast paths answer exactly like the general ones (see each test)."""

from __future__ import annotations

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
