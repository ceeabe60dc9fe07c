"""Find and parse daily digest Markdown files into :class:`Paper` records.

Never raises on bad input: every problem becomes a :class:`Problem` naming the
file and line, and the good papers of the file are still returned.

The format (one file per category and day, ``<cat>/<YYYY>/<MM>/<YYYYMMDD>.md``)::

    # Arxiv Papers in cs.CV on 2022-01-31
    ### <title, may wrap onto lines indented by two spaces>
    - **Arxiv ID**: http://arxiv.org/abs/2201.12944v5
    - **DOI**: 10.1145/3617592            (or None; may hold several DOIs)
    - **Categories**: **cs.CV**, I.2.7; I.4
    - **Links**: [PDF](http://arxiv.org/pdf/2201.12944v5)
    - **Published**: 2022-01-31 00:39:37+00:00
    - **Updated**: 2023-08-22 17:50:41+00:00
    - **Authors**: A, B, C
    - **Comment**: <text or None>
    - **Journal**: <text or None>
    - **Summary**: <one line>

Any field value may continue on following lines indented by two spaces; the
pieces are joined with one space, whatever the continuation looks like.

This module walks the lines of a file into paper blocks; its helpers do the
rest: :mod:`.digest_decode` (bytes to text), :mod:`.digest_header` (category
and day), :mod:`.digest_paper` and :mod:`.digest_fields` (one block's fields,
and the text-cleaning decisions), :mod:`.digest_problems` (the capped list of
problems) and :mod:`.digest_files` (finding the files).

Speed: the parser walks lines with plain ``str`` methods (no per-line regular
expression) and joins field pieces once per field, so it is linear in the
input size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from .digest_decode import decode_lenient, without_nuls
from .digest_fields import split_categories, split_dois
from .digest_files import NOT_REGULAR, NotARegularFile, find_digest_files, read_regular_file
from .digest_header import parse_header, path_fallback
from .digest_dates import latest_days
from .digest_paper import FIELDS, KNOWN_FIELDS, build_paper
from .digest_problems import MAX_PROBLEMS_PER_FILE, ProblemReporter
from .models import DigestRef, Paper, Problem

#: The characters :func:`~.digest_fields.clean_text` removes or replaces, but the
#: line end: a file without any needs no field cleaned.
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
#: The same in UTF-8 bytes, looked for in a file before decoding (several times
#: faster than on the text): ASCII controls but CR and LF (line ends, gone from
#: the text), and the two-byte encodings of U+0080..U+009F.
_ASCII_CONTROL_BYTES = bytes(c for c in range(0x20) if c not in (0x0A, 0x0D)) + b"\x7f"
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def _bytes_have_controls(raw: bytes) -> bool:
    """Whether text decoded from ``raw`` may hold a character :func:`clean_text` changes."""
    return len(raw.translate(None, _ASCII_CONTROL_BYTES)) != len(raw) or _C1_UTF8.search(raw) is not None

__all__ = [
    "FIELDS",
    "MAX_PROBLEMS_PER_FILE",
    "ParsedDigest",
    "find_digest_files",
    "parse_digest_file",
    "parse_digest_text",
    "split_categories",
    "split_dois",
]


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
    #: The file could not be read (not: it was read and holds nothing usable).
    unreadable: bool = False



def parse_digest_text(text: str, path: str = "<text>") -> ParsedDigest:
    """Parse the text of one digest; ``path`` is used in problems and as fallback.

    Accepts CRLF or CR line ends and a leading BOM. NUL characters at the end
    are cut off and a few inside shown as U+FFFD (each said); text with many
    is taken for a binary file: one problem, no papers.
    """
    report = ProblemReporter(path)
    result = _parse(text, path, report)
    result.problems = report.finish()
    return result


#: Whether a block whose ten field lines come in the usual order, one line each, is taken
#: in one step (:func:`_usual_fields`); off only to check that it changes nothing.
USUAL_BLOCKS = True
#: Each field's line start (``- **Name**:``), in :data:`FIELDS` order, and where its value starts.
_USUAL_STARTS = tuple(f"- **{name}**:" for name in FIELDS)
_USUAL_CUTS = tuple(map(len, _USUAL_STARTS))


def _usual_fields(lines: list[str], at: int) -> list[list[str]] | None:
    """The value pieces of the ten fields on ``lines[at:at + 10]``, when those lines are the
    fields in :data:`FIELDS` order, one line each (how nearly every block looks); else None.

    The loop of :func:`_parse` would take each such line alike: it starts with ``- **``, its
    first ``**:`` ends the name (no field name holds a ``*``), the name is known and not
    repeated, and its value is the rest of the line, stripped.
    """
    block = lines[at : at + len(FIELDS)]
    if len(block) < len(FIELDS) or not all(map(str.startswith, block, _USUAL_STARTS)):
        return None
    return [[line[cut:].strip()] for line, cut in zip(block, _USUAL_CUTS)]


def _parse(text: str, path: str, report: ProblemReporter, clean: bool | None = None) -> ParsedDigest:
    # clean: whether the text may need cleaning (None: look).
    result = ParsedDigest(path=path, category=None, date=None)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        kept = without_nuls(text, report)
        if kept is None:
            return result
        text = kept
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text or text.isspace():  # (no strip(): it would copy a huge text)
        report(0, "empty file: no papers")
        result.category, result.date = path_fallback(path)
        return result

    if clean is None:
        clean = _CONTROLS.search(text) is not None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()

    # Header: the first non-blank line.
    first = 0
    while lines[first].strip() == "":
        first += 1
    header_line = lines[first]
    if header_line.startswith("# "):
        category, date = parse_header(header_line)
        body_start = first + 1
    else:
        category, date = None, None
        body_start = first
    if category is None or date is None:
        path_cat, path_date = path_fallback(path)
        used = []
        if category is None and path_cat:
            category = path_cat
            used.append(f"category {path_cat}")
        if date is None and path_date:
            date = path_date
            used.append(f"date {path_date}")
        how = f"; took {' and '.join(used)} from the path" if used else ""
        report(first + 1, f"missing or odd header {header_line[:80]!r}{how}")
    result.category, result.date = category, date
    ref = [DigestRef(category, date)] if category and date else []
    if not ref:
        report(0, "digest category/date unknown: papers get no digest reference")
    latest = latest_days(ref[0].date if ref else None)  # (the last days a paper's dates can be)

    papers = result.papers
    title_parts: list[str] | None = None  # the open block's title pieces
    fields: dict[str, list[str]] = {}  # name -> value pieces (first line, continuations)
    field_lines: dict[str, int] = {}  # name -> line number
    current: list[str] | None = None  # pieces of the field (or title) being continued
    start = 0  # line number of the open block's ###
    last_line = 0

    rows = iter(range(body_start, len(lines)))
    for index in rows:
        line = lines[index]
        if not line:
            current = None  # a blank line ends any continuation
            continue
        head = line[0]
        if head == "-" and line.startswith("- **"):
            end = line.find("**:", 4)
            if end > 4 and title_parts is not None:
                name = line[4:end]
                value = line[end + 3 :].strip()
                last_line = index + 1
                if name in KNOWN_FIELDS:
                    if name in fields:
                        report(index + 1, f"field {name!r} repeated: later value ignored")
                        current = []  # swallow its continuation lines
                    else:
                        current = fields[name] = [value]
                        field_lines[name] = index + 1
                else:
                    report(index + 1, f"unknown field {name!r} ignored")
                    current = []
                continue
        elif head == " " or head == "\t":
            if current is not None:
                piece = line.strip()
                if piece:
                    current.append(piece)
                    last_line = index + 1
                continue
            if not line.strip():
                continue
        elif head == "#" and line.startswith("###") and line[3:4] in ("", " ", "\t"):
            if title_parts is not None:
                paper = build_paper(title_parts, fields, field_lines, start, last_line, ref, report, clean, latest)
                if paper is not None:
                    papers.append(paper)
            start = last_line = index + 1
            title_parts = [line[4:].strip()]
            fields = {}
            field_lines = {}
            current = title_parts
            usual = _usual_fields(lines, index + 1) if USUAL_BLOCKS else None
            if usual is not None:  # the ten field lines taken at once, as the loop would take them
                fields = dict(zip(FIELDS, usual))
                field_lines = dict(zip(FIELDS, range(index + 2, index + 2 + len(FIELDS))))
                current = usual[-1]  # (an indented line after them still continues the Summary)
                last_line = index + 1 + len(FIELDS)
                next(islice(rows, len(FIELDS), len(FIELDS)), None)  # (skip them)
            continue
        if title_parts is not None and not fields and current is title_parts:
            # An unindented title continuation: tolerated, but say so.
            report(index + 1, "title continuation line not indented")
            title_parts.append(line.strip())
            continue
        report(index + 1, f"unexpected line ignored: {line[:60]!r}")
        current = None

    if title_parts is not None:
        paper = build_paper(title_parts, fields, field_lines, start, last_line, ref, report, clean, latest)
        if paper is not None:
            papers.append(paper)
    elif not papers:
        report(0, "no papers in file")
    return result



def parse_digest_file(path: Path) -> ParsedDigest:
    """Read and parse one digest file: decodes bytes (BOM, CRLF, bad UTF-8), never raises.

    ``unreadable`` is set when the file could not be read at all (permission
    denied, an I/O error): a later import should try it again.
    """
    name = str(path)
    report = ProblemReporter(name)
    unreadable = False
    try:
        raw = read_regular_file(Path(path))
    except IsADirectoryError:
        report(0, "is a directory, not a digest file")
        raw = None
    except NotARegularFile:
        report(0, NOT_REGULAR)
        raw = None
    except OSError as error:
        report(0, f"cannot read file: {error.strerror or error}")
        raw, unreadable = None, True
    if raw is None:
        cat, date = path_fallback(name)
        return ParsedDigest(name, cat, date, [], report.finish(), unreadable=unreadable)
    text = decode_lenient(raw, report)
    result = _parse(text, name, report, _bytes_have_controls(raw))
    result.problems = report.finish()
    return result
