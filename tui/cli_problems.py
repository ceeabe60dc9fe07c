"""``arxiv-reader problems``: every problem in the library's digests, listed again.

An import says each problem once, when it reads the file (the reader's notice names
the first of them); an unchanged file is not read again. This command re-reads the
digests (every digest file of the library, or the PATHs given) and prints each
problem as file:line, the way the import said it, importing and writing nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cli_common import CommandError, open_store
from .core.digest import parse_digest_file
from .core.digest_files import find_digest_paths
from .core.models import Problem
from .core.safetext import escape_controls


def cmd_problems(args: argparse.Namespace) -> int:
    """Print every problem of the digests; exit 1 when there is one, 0 when there is none."""
    problems: list[Problem] = []
    if args.paths:
        files, problems = find_digest_paths(args.paths)
        where = ", ".join(map(str, args.paths))
    else:
        store = open_store(args.home, read_only=True)
        files = sorted(store.library_files.load_index().files)
        where = "the library"
        if not files:
            raise CommandError("the library holds no digest: import some first (arxiv-reader import PATH)")
    for path in files:
        problems.extend(parse_digest_file(Path(path)).problems)
    for problem in problems:
        print(escape_controls(str(problem)))
    count = f"{len(problems):,} problem{'s' * (len(problems) != 1)}"
    print(f"arxiv-reader: {len(files):,} digest file{'s' * (len(files) != 1)} of {escape_controls(where)} read "
          f"again: {count}; nothing imported", file=sys.stderr)
    return 1 if problems else 0
