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

Decisions about text cleaning:

* control characters (C0 except TAB, DEL, C1) are garbage in the sources and
  are removed from every text field; TABs become spaces;
* the five XML entities and numeric character references (``&gt;``,
  ``&#39;``...) are unescaped in the Summary only, which is where arXiv leaves
  them; titles, comments and journal references are kept exactly as written
  (LaTeX included).

Speed: the parser walks lines with plain ``str`` methods (no per-line regular
expression) and joins field pieces once per field, so it is linear in the
input size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .digest_files import NOT_REGULAR, NotARegularFile, find_digest_files, read_regular_file
from .models import ARXIV_ID_RE, DigestRef, Paper, Problem

__all__ = [
    "FIELDS",
    "MAX_PROBLEMS_PER_FILE",
    "ParsedDigest",
    "find_digest_files",
    "parse_digest_file",
    "parse_digest_text",
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


#: The field names of a paper block, in their usual order.
FIELDS = (
    "Arxiv ID",
    "DOI",
    "Categories",
    "Links",
    "Published",
    "Updated",
    "Authors",
    "Comment",
    "Journal",
    "Summary",
)
_KNOWN_FIELDS = frozenset(FIELDS)

#: A garbage file must not drown the user in messages: after this many
#: problems in one file, one summary problem replaces the rest.
MAX_PROBLEMS_PER_FILE = 50

_HEADER_PREFIX = "# Arxiv Papers in "
_PATH_RE = re.compile(r"(?:^|[/\\])([^/\\]+)[/\\](\d{4})[/\\](\d{2})[/\\](\d{8})\.md$")
_ARXIV_CATEGORY_RE = re.compile(r"[a-z][a-z\-]*(?:\.[A-Za-z][A-Za-z\-]*)?")
#: Where a DOI starts inside a run of glued DOIs (``..._1610.1007/...``).
_DOI_START_RE = re.compile(r"10\.\d{4,9}/")
_ENTITY_RE = re.compile(r"&(?:amp|lt|gt|quot|apos|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}

# Control characters to drop (TAB becomes a space instead).
_CONTROL_TABLE = {c: None for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))}
_CONTROL_TABLE[0x09] = " "


# ----------------------------------------------------------------------------
# Field value helpers
# ----------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Drop control characters (the fast path skips strings that have none)."""
    if text.isprintable():
        return text
    return text.translate(_CONTROL_TABLE)


def _unescape_entity(match: re.Match[str]) -> str:
    entity = match.group(0)
    simple = _ENTITIES.get(entity)
    if simple is not None:
        return simple
    body = entity[2:-1]
    try:
        code = int(body[1:], 16) if body[:1] in "xX" else int(body)
    except ValueError:
        return entity
    if not 0 < code < 0x110000 or 0xD800 <= code <= 0xDFFF or code in _CONTROL_TABLE:
        # Not a character that may be stored or shown (a lone surrogate can't
        # even be encoded; a control would reach the terminal): keep the
        # reference as written.
        return entity
    return chr(code)


def _unescape(text: str) -> str:
    """Unescape XML entities and numeric references; other ``&`` text stays."""
    if "&" not in text:
        return text
    return _ENTITY_RE.sub(_unescape_entity, text)


def _optional(value: str) -> str | None:
    """``None`` (or nothing) in the digest means the field is absent."""
    return None if value in ("None", "") else value


def split_dois(value: str) -> list[str]:
    """Split a DOI field into DOIs: on whitespace, and before each glued ``10.``.

    ``10.1007/x_1610.1007/y`` is two DOIs stuck together by a lost line break;
    a ``10.NNNN/`` inside a token starts a new DOI.  Malformed DOIs are kept as
    written.  Duplicates are dropped, order is kept.
    """
    dois: list[str] = []
    for token in value.split():
        if token == "None":
            continue
        starts = [m.start() for m in _DOI_START_RE.finditer(token)]
        if len(starts) > 1 or (starts and starts[0] > 0):
            cuts = [0, *(s for s in starts if s > 0), len(token)]
            pieces = [token[a:b] for a, b in zip(cuts, cuts[1:])]
        else:
            pieces = [token]
        for piece in pieces:
            if piece and piece not in dois:
                dois.append(piece)
    return dois


_CATEGORY_CACHE: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {}


def split_categories(value: str) -> tuple[str, list[str], list[str]]:
    """Split a Categories field into ``(primary, arxiv_categories, classes)``.

    The bold item is the primary category; arXiv categories come primary
    first without duplicates; MSC/ACM classes (``I.2.7``, ``68T05``,
    ``90D20 (Primary) 90D80``) go to ``classes``, ACM lists split on ``;``.
    Without a bold item the first arXiv category is the primary.
    """
    cached = _CATEGORY_CACHE.get(value)
    if cached is None:
        cached = _split_categories_uncached(value)
        if len(_CATEGORY_CACHE) < 100_000:  # bounded: values repeat a lot
            _CATEGORY_CACHE[value] = cached
    primary, categories, classes = cached
    return primary, list(categories), list(classes)


def _split_categories_uncached(value: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    primary = ""
    categories: list[str] = []
    classes: list[str] = []
    for item in value.split(","):
        item = item.strip()
        if item.startswith("**") and item.endswith("**") and len(item) > 4:
            item = item[2:-2].strip()
            if not primary and _ARXIV_CATEGORY_RE.fullmatch(item):
                primary = item
        else:
            item = item.strip("*").strip()
        for piece in item.split(";") if ";" in item else (item,):
            piece = piece.strip()
            if not piece:
                continue
            target = categories if _ARXIV_CATEGORY_RE.fullmatch(piece) else classes
            if piece not in target:
                target.append(piece)
    if not primary and categories:
        primary = categories[0]
    if primary:
        categories.remove(primary)
        categories.insert(0, primary)
    return primary, tuple(categories), tuple(classes)


def _pdf_url(value: str) -> str | None:
    """``[PDF](url)`` -> url; a bare URL is accepted too."""
    if value == "None" or not value:
        return None
    start = value.find("](")
    if start >= 0:
        end = value.find(")", start + 2)
        url = value[start + 2 : end if end >= 0 else len(value)].strip()
        return url or None
    return value if value.startswith(("http://", "https://")) else None


def _path_fallback(path: str) -> tuple[str | None, str | None]:
    """Category and ISO date from ``<cat>/<YYYY>/<MM>/<YYYYMMDD>.md``."""
    match = _PATH_RE.search(path)
    if not match:
        return None, None
    cat, _year, _month, day = match.groups()
    return cat, f"{day[:4]}-{day[4:6]}-{day[6:]}"


def _is_iso_date(text: str) -> bool:
    return (
        len(text) == 10
        and text[4] == "-"
        and text[7] == "-"
        and text[:4].isdigit()
        and text[5:7].isdigit()
        and text[8:].isdigit()
    )


def _parse_header(line: str) -> tuple[str | None, str | None]:
    """``# Arxiv Papers in <cat> on <YYYY-MM-DD>`` -> (cat, date), None when odd."""
    if not line.startswith(_HEADER_PREFIX):
        return None, None
    rest = line[len(_HEADER_PREFIX) :].strip()
    cat_part, sep, date_part = rest.rpartition(" on ")
    if not sep:
        cat_part, date_part = rest, ""
    cat_part = cat_part.strip()
    date_part = date_part.strip()
    cat = cat_part if cat_part and " " not in cat_part else None
    date = date_part if _is_iso_date(date_part) else None
    return cat, date


# ----------------------------------------------------------------------------
# The parser
# ----------------------------------------------------------------------------


class _Reporter:
    """Collects problems for one file, capped at :data:`MAX_PROBLEMS_PER_FILE`."""

    __slots__ = ("path", "problems", "dropped")

    def __init__(self, path: str, problems: list[Problem] | None = None) -> None:
        self.path = path
        self.problems: list[Problem] = problems if problems is not None else []
        self.dropped = 0

    def __call__(self, line: int, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS_PER_FILE:
            self.problems.append(Problem(self.path, line, message))
        else:
            self.dropped += 1

    def finish(self) -> list[Problem]:
        if self.dropped:
            self.problems.append(
                Problem(self.path, 0, f"{self.dropped} more problems not shown")
            )
            self.dropped = 0
        return self.problems


def _build_paper(
    title_parts: list[str],
    fields: dict[str, list[str]],
    field_lines: dict[str, int],
    start: int,
    last_line: int,
    ref: list[DigestRef],
    report: _Reporter,
) -> Paper | None:
    """Turn one block's raw pieces into a Paper, or None (reported) without an id."""
    raw_id = fields.get("Arxiv ID")
    if raw_id is None:
        report(start, "paper block without an Arxiv ID: skipped")
        return None
    id_text = " ".join(raw_id)
    match = ARXIV_ID_RE.search(id_text)
    if match is None:
        report(field_lines["Arxiv ID"], f"unrecognised Arxiv ID {id_text!r}: block skipped")
        return None
    version_text = match.group("version")
    if version_text is None:
        report(field_lines["Arxiv ID"], f"Arxiv ID {id_text!r} has no version: assuming v1")

    missing = [name for name in FIELDS if name not in fields]
    if missing:
        report(start, f"paper {match.group('id')} lacks field(s) {', '.join(missing)}"
               f" (block ends at line {last_line})")

    def value(name: str) -> str:
        # Every field is cleaned here, once: control characters (ESC above all)
        # must never reach a terminal, whatever field they hide in.
        pieces = fields.get(name)
        if pieces is None:
            return ""
        return _clean(pieces[0] if len(pieces) == 1 else " ".join(p for p in pieces if p))

    title = _clean(" ".join(title_parts) if len(title_parts) > 1 else title_parts[0])
    if not title:
        report(start, f"paper {match.group('id')} has an empty title")

    categories_text = value("Categories")
    if categories_text and categories_text != "None":
        primary, categories, classes = split_categories(categories_text)
    else:
        primary, categories, classes = "", [], []

    authors_text = value("Authors")
    authors = (
        [name for name in (a.strip() for a in authors_text.split(", ")) if name]
        if authors_text and authors_text != "None"
        else []
    )
    comment = _optional(value("Comment"))
    journal = _optional(value("Journal"))
    summary = _optional(value("Summary"))
    return Paper(
        id=match.group("id"),
        version=int(version_text) if version_text else 1,
        title=title,
        authors=authors,
        primary_category=primary,
        categories=categories,
        classes=classes,
        dois=split_dois(value("DOI")) if "DOI" in fields else [],
        published=_optional(value("Published")),
        updated=_optional(value("Updated")),
        comment=comment,
        journal_ref=journal,
        summary=_unescape(summary) if summary else "",
        digests=list(ref),
        pdf_url=_pdf_url(value("Links")),
    )


def parse_digest_text(text: str, path: str = "<text>") -> ParsedDigest:
    """Parse the text of one digest; ``path`` is used in problems and as fallback.

    Accepts CRLF or CR line ends and a leading BOM. NUL characters at the end
    are cut off and a few inside shown as U+FFFD (each said); text with many
    is taken for a binary file: one problem, no papers.
    """
    report = _Reporter(path)
    result = _parse(text, path, report)
    result.problems = report.finish()
    return result


def _parse(text: str, path: str, report: _Reporter) -> ParsedDigest:
    result = ParsedDigest(path=path, category=None, date=None)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        text = _without_nuls(text, report)
        if text is None:
            return result
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text or text.isspace():  # (no strip(): it would copy a huge text)
        report(0, "empty file: no papers")
        result.category, result.date = _path_fallback(path)
        return result

    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()

    # Header: the first non-blank line.
    first = 0
    while lines[first].strip() == "":
        first += 1
    header_line = lines[first]
    if header_line.startswith("# "):
        category, date = _parse_header(header_line)
        body_start = first + 1
    else:
        category, date = None, None
        body_start = first
    if category is None or date is None:
        path_cat, path_date = _path_fallback(path)
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

    papers = result.papers
    title_parts: list[str] | None = None  # the open block's title pieces
    fields: dict[str, list[str]] = {}  # name -> value pieces (first line, continuations)
    field_lines: dict[str, int] = {}  # name -> line number
    current: list[str] | None = None  # pieces of the field (or title) being continued
    start = 0  # line number of the open block's ###
    last_line = 0

    for index in range(body_start, len(lines)):
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
                if name in _KNOWN_FIELDS:
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
                paper = _build_paper(title_parts, fields, field_lines, start, last_line, ref, report)
                if paper is not None:
                    papers.append(paper)
            start = last_line = index + 1
            title_parts = [line[4:].strip()]
            fields = {}
            field_lines = {}
            current = title_parts
            continue
        if title_parts is not None and not fields and current is title_parts:
            # An unindented title continuation: tolerated, but say so.
            report(index + 1, "title continuation line not indented")
            title_parts.append(line.strip())
            continue
        report(index + 1, f"unexpected line ignored: {line[:60]!r}")
        current = None

    if title_parts is not None:
        paper = _build_paper(title_parts, fields, field_lines, start, last_line, ref, report)
        if paper is not None:
            papers.append(paper)
    elif not papers:
        report(0, "no papers in file")
    return result


#: NUL bytes at the end of a file, with any white space among them (a crash leftover).
_NUL_TAIL = re.compile(r"\x00[\x00\s]*\Z")


def _without_nuls(text: str, report: _Reporter) -> str | None:
    """``text`` without the NUL bytes a crash or a disk problem leaves; ``None`` for a binary file.

    NULs at the end (a file extended but never written) are cut off; a few
    inside become U+FFFD, each line said, and the rest of the file still
    loads; many (more than one byte in a hundred) mean a binary file.
    """
    tail = _NUL_TAIL.search(text)
    if tail is not None:
        count = tail.group().count("\x00")
        text = text[: tail.start()]
        report(text.count("\n") + 1, f"{count} NUL bytes at the end (left by a crash or a disk problem) ignored")
    inside = text.count("\x00")
    if not inside:
        return text
    first = text.count("\n", 0, text.index("\x00")) + 1
    if inside > max(16, len(text) // 100):
        report(first, "binary file (NUL bytes): not a digest")
        return None
    for number, line in enumerate(text.split("\n"), 1):
        if "\x00" in line:
            report(number, "NUL byte(s) replaced by U+FFFD")
    return text.replace("\x00", "\ufffd")


def _decode(raw: bytes, report: _Reporter) -> str:
    """Decode UTF-8 leniently, reporting each line with invalid bytes."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", errors="replace")
    # U+FFFD never spans a newline, so decoded and raw lines match one to one.
    raw_lines = raw.split(b"\n")
    for number, line in enumerate(text.split("\n"), 1):
        if "\ufffd" in line:
            try:
                raw_lines[number - 1].decode("utf-8")
            except UnicodeDecodeError:
                report(number, "invalid UTF-8 replaced by U+FFFD")
    return text


def parse_digest_file(path: Path) -> ParsedDigest:
    """Read and parse one digest file: decodes bytes (BOM, CRLF, bad UTF-8), never raises.

    ``unreadable`` is set when the file could not be read at all (permission
    denied, an I/O error): a later import should try it again.
    """
    name = str(path)
    report = _Reporter(name)
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
        cat, date = _path_fallback(name)
        return ParsedDigest(name, cat, date, [], report.finish(), unreadable=unreadable)
    text = _decode(raw, report)
    result = _parse(text, name, report)
    result.problems = report.finish()
    return result
