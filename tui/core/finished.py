"""Whether a digest file looks finished, and importing only the finished ones.

A script writing a day file in place leaves it half-written for a while: a
file that does not end with a line end, or whose last paper block has no
Summary line yet, is left out of an import (and named) until it is finished.
The watch (:mod:`.watch`) and the reader's opening import both ask here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from .digest_files import find_digest_files
from .models import Problem
from .regular import open_regular
from .store import ImportReport, Progress, Store

#: How much of a file's end is read to see whether its last block is finished
#: (the longest real block, a 942-author paper, is about 17 KB).
TAIL_BYTES = 256 * 1024
#: The line every finished paper block has (the last field of a block).
_SUMMARY = b"\n- **Summary**:"

def unfinished(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` looks half-written (``None``: it looks finished).

    Finished: it ends with a line end and its last ``###`` block has a Summary.
    A file of no block at all (a header alone) is unfinished too.
    """
    try:
        fd, _ = open_regular(path)  # (a FIFO named like a digest: never waited on)
        with os.fdopen(fd, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - TAIL_BYTES))
            tail = handle.read()
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if not tail.strip(b"\x00 \t\r\n"):
        return "is empty"
    if not tail.endswith(b"\n"):
        return "ends in the middle of a line"
    tail = tail.replace(b"\r\n", b"\n")
    block = tail.rfind(b"\n### ")
    if block < 0 and not tail.startswith(b"### "):
        return "holds no paper yet" if size <= TAIL_BYTES else None  # (a block longer than the tail: taken as is)
    if _SUMMARY not in tail[block:]:
        return "its last paper has no Summary yet"
    return None


def import_finished(store: Store, paths: Sequence[Path], progress: Progress | None = None) -> ImportReport:
    """``store.import_paths(paths)`` leaving out the changed files that look unfinished
    (each named in the report's problems): what the reader imports as it opens."""
    files, _ = find_digest_files(paths)
    waiting = {str(file): why for file in store.changed_files(files) if (why := unfinished(file))}
    if not waiting:
        return store.import_paths(paths, progress)
    report = store.import_paths([file for file in files if str(file) not in waiting], progress)
    report.problems.extend(
        Problem(file, 0, f"{why}: {WAITING} (to take it as it is: arxiv-reader import {file})")
        for file, why in waiting.items()
    )
    return report


#: What :func:`import_finished` says of a file it left out because it looks unfinished.
WAITING = "not imported until it is finished"


def waiting_files(problems: Iterable[Problem]) -> frozenset[str]:
    """The files :func:`import_finished` left out as unfinished, named in ``problems``: a
    watch started next need not say so again (:attr:`DigestWatcher.told`)."""
    return frozenset(p.path for p in problems if p.line == 0 and WAITING in p.message)
