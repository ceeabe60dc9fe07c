"""The import's fast paths answer exactly like the general ones (see each test)."""

from __future__ import annotations

from tui.core.store.parsepool import TASK_FILES, task_files


def test_parse_tasks_are_large_on_big_imports_and_small_on_small_ones() -> None:
    low, high = TASK_FILES
    assert task_files(10, 2) == low  # a few files: every worker gets some
    assert task_files(5_900, 2) == high  # a whole archive: few hand-overs
    assert low < task_files(400, 2) < high
    assert task_files(400, 0) >= low  # (no division by zero)
