"""Finding digest files and reading them safely: regular files only, never blocking.

A digest folder is walked with ``os.scandir``: hidden entries and links to
folders are skipped, links to files resolved, and anything that is not a
regular file (a FIFO, socket or device named ``*.md``) is reported instead of
opened: opening a FIFO for reading waits for a writer forever. Paths come back
resolved, so the same file reached twice, or through a link, is one file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .models import Problem
from .regular import NotARegularFile, read_regular_file

__all__ = ["NOT_REGULAR", "NotARegularFile", "find_digest_files", "find_digest_paths", "read_regular_file"]

NOT_REGULAR = "not a regular file (a FIFO, socket or device): not read"


def _walk_regular_files(root: str, problems: list[Problem]) -> Iterable[str]:
    """Every regular ``*.md`` file under the resolved folder ``root``, as a resolved path.

    Hidden files and folders are skipped, and so are links to folders (as
    ``os.walk`` does); a link to a file gives the file's own path. A FIFO,
    socket or device named ``*.md`` is reported, never opened.
    """
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as error:
            problems.append(Problem(str(error.filename or folder), 0,
                                    f"cannot read folder: {error.strerror or error}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)  # a path under a resolved root, no link on the way
                elif not entry.name.endswith(".md"):
                    continue
                elif entry.is_file(follow_symlinks=False):
                    yield entry.path
                elif entry.is_symlink():
                    real = os.path.realpath(entry.path)
                    if stat.S_ISREG(os.stat(real).st_mode):
                        yield real
                    elif not os.path.isdir(real):
                        problems.append(Problem(entry.path, 0, NOT_REGULAR))
                else:
                    problems.append(Problem(entry.path, 0, NOT_REGULAR))
            except OSError as error:
                problems.append(Problem(entry.path, 0, f"cannot access: {error.strerror or error}"))


def find_digest_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders (recursively, ``*.md``) into a sorted list of digest files.

    A path that does not exist becomes a Problem (line 0).  A file named
    explicitly is taken whatever its suffix; inside folders only regular
    ``*.md`` files count and hidden sub-folders (``.git``...) are skipped.
    Paths are resolved (symbolic links followed), so the same file reached
    twice, or through a link, is one file; the result is sorted by path text.
    """
    found, problems = find_digest_paths(paths)
    return [Path(p) for p in found], problems


def find_digest_paths(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[str], list[Problem]]:
    """:func:`find_digest_files` with the paths as text: an import of thousands of
    unchanged files never builds a ``Path`` for each (0.1-0.2 s at 6,000 files)."""
    found: set[str] = set()
    problems: list[Problem] = []
    for given in paths:
        path = Path(given)
        try:
            if path.is_file():
                found.add(os.path.realpath(path))
                continue
            if not path.is_dir():
                message = "not a regular file: not read" if path.exists() else "no such file or folder"
                problems.append(Problem(str(path), 0, message))
                continue
        except OSError as error:
            problems.append(Problem(str(path), 0, f"cannot access: {error.strerror or error}"))
            continue
        found.update(_walk_regular_files(os.path.realpath(path), problems))
    return sorted(found), problems
