"""What a read of a state file found wrong, in words for the user.

Every problem of every device's file is said, by the reader and by every
command: a damaged line, line 1 unreadable, invalid entries, a line cut short,
compacted rows missing, a file emptied or shorter than when read before.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .statefile import StateFileRead


def _numbers(lines: list[int]) -> str:
    shown = ", ".join(map(str, lines[:5]))
    return shown + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")


def _problems(path: Path, result: StateFileRead, shrank: bool) -> Iterator[str]:
    if result.older_schema is not None:
        yield (f"{path} was written by an older arxiv-reader (state schema {result.older_schema}); "
               "its changes are read as far as they can be")
    if result.head_damaged:
        yield f"{result.head_damaged}; the other lines still load"
    if result.skipped_entries:
        yield f"{path}: {result.skipped_entries} invalid entries in line 1 were skipped; the rest still loads"
    if result.damaged_lines:
        yield f"{path}: damaged line(s) {_numbers(result.damaged_lines)} skipped; the rest still loads"
    if result.missing_rows:
        yield (f"{path} is cut short: {result.missing_rows} of the changes it was compacted with are "
               "missing; the rest still loads")
    if result.torn:
        yield (f"{path} ends in an incomplete line ({result.torn} bytes: a save or a copy cut short), "
               "which was not read")
    if result.whole and result.position.end == 0 and not result.torn and result.meta is None:
        yield f"{path} is empty (it was cut short or emptied)"
    if result.shrank and shrank:
        yield (f"{path} is shorter than when it was read before (an older copy, or cut short): what it "
               "held then and no longer holds is shown by this reader until it restarts, then gone")


def file_notices(path: Path, result: StateFileRead, own: bool, shrank: bool = True) -> list[str]:
    """The notices for one read of the state file ``path`` (``own``: this device's, which
    is then repaired, with a notice of its own; another device's is left as it is). Without
    ``shrank`` a file shorter than before is not said (the caller says what it lost)."""
    after = "" if own else " (the file is left as it is: it is that device's to write)"
    return [problem + after for problem in _problems(path, result, shrank)]
