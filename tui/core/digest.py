"""Find and parse daily digest Markdown files into :class:`Paper` records.

Never raises on bad input: every problem becomes a :class:`Problem` naming the
file and line, and the good papers of the file are still returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .models import Paper, Problem


@dataclass(slots=True)
class ParsedDigest:
    """The result of parsing one digest file."""

    path: str
    category: str | None  # from the header line (falls back to the path)
    date: str | None  # ISO date from the header line (falls back to the path)
    #: One Paper per block, in file order (duplicates within the file kept; see merge).
    #: Each carries ``digests=[DigestRef(category, date)]`` when both are known.
    papers: list[Paper] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def parse_digest_text(text: str, path: str = "<text>") -> ParsedDigest:
    """Parse the text of one digest; ``path`` is used in problems and as fallback."""
    raise NotImplementedError


def parse_digest_file(path: Path) -> ParsedDigest:
    """Read and parse one digest file: decodes bytes (BOM, CRLF, bad UTF-8), never raises."""
    raise NotImplementedError


def find_digest_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders (recursively, ``*.md``) into a sorted list of digest files.

    A path that does not exist becomes a Problem (line 0).
    """
    raise NotImplementedError
