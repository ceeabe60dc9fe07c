"""Hostile digests: the parser never raises and keeps every untouched paper.

Property-based (hypothesis): random text and random bytes built from real digest
lines, field lines, headers and arbitrary unicode (control characters and NUL
included), and real digests from tests/data/digests mutated line by line
(deleted lines, truncation at a byte offset, duplicated blocks, swapped field
lines, CRLF, BOM, invalid UTF-8).  A block that no mutation touched must still
parse to exactly the paper it gave in the intact file.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.digest import FIELDS, parse_digest_file, parse_digest_text
from tui.core.models import ARXIV_ID_RE, Paper

DIGESTS = Path(__file__).resolve().parents[1] / "data" / "digests"
ALL_FILES = sorted(DIGESTS.rglob("*.md"))
# Small and medium files keep each example fast; the variety matters more than size.
SMALL_FILES = [p for p in ALL_FILES if p.stat().st_size < 130_000]

_LINE_SPLIT = re.compile(rb"\r\n|\r|\n")
# C0 (TAB included: the parser turns it into a space), DEL and C1.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")

FAST = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _real_lines() -> list[str]:
    lines: list[str] = []
    for path in ALL_FILES[:6] + ALL_FILES[-4:]:
        lines.extend(path.read_text(encoding="utf-8", errors="replace").split("\n")[:60])
    return lines


REAL_LINES = _real_lines()


def _line_count(raw: bytes) -> int:
    """Lines as the parser counts them (CRLF, CR and LF all end a line)."""
    return len(_LINE_SPLIT.split(raw))


def check_problems(result, path: str, raw: bytes) -> None:
    """Every problem names the file and a line inside it (0 = whole file)."""
    limit = _line_count(raw) + 1
    for problem in result.problems:
        assert problem.path == path, problem
        assert isinstance(problem.line, int) and 0 <= problem.line <= limit, (problem, limit)
        assert isinstance(problem.message, str) and problem.message.strip(), problem


def check_papers(result) -> None:
    """Papers that come out are well formed whatever went in."""
    for paper in result.papers:
        assert isinstance(paper, Paper)
        assert ARXIV_ID_RE.fullmatch(paper.id), paper.id
        assert paper.version >= 0  # "v0" is accepted as written (arXiv starts at v1)
        # Documented: control characters are removed from text fields.
        for name in ("title", "summary", "comment", "journal_ref"):
            value = getattr(paper, name)
            assert value is None or not _CONTROL.search(value), (name, value)
        for author in paper.authors:
            assert author.strip() and not _CONTROL.search(author), paper.authors


# ----------------------------------------------------------------------------
# Random text and bytes
# ----------------------------------------------------------------------------

_any_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),  # no lone surrogates
    max_size=60,
)
_field_name = st.one_of(st.sampled_from(FIELDS), _any_text)
_line = st.one_of(
    st.sampled_from(REAL_LINES),
    st.builds(lambda n, v: f"- **{n}**: {v}", _field_name, _any_text),
    st.builds(lambda v: f"- **Arxiv ID**: http://arxiv.org/abs/{v}", st.from_regex(ARXIV_ID_RE, fullmatch=True)),
    st.builds(lambda v: f"### {v}", _any_text),
    st.builds(lambda c, d: f"# Arxiv Papers in {c} on {d}", _any_text, _any_text),
    st.builds(lambda v: f"  {v}", _any_text),
    st.sampled_from(["", " ", "  ", "\t", "- **", "**:", "###", "# ", "\x00", "\ufeff", "\x1b[31m"]),
    _any_text,
)
_newline = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])


@st.composite
def digest_texts(draw) -> str:
    lines = draw(st.lists(st.tuples(_line, _newline), max_size=40))
    prefix = draw(st.sampled_from(["", "", "\ufeff"]))
    return prefix + "".join(line + end for line, end in lines)


@st.composite
def digest_bytes(draw) -> bytes:
    text = draw(digest_texts()).encode("utf-8")
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return text
    if kind == 1:
        return draw(st.binary(max_size=400))
    # Splice random bytes (often invalid UTF-8) into real-looking text.
    pieces = draw(st.lists(st.tuples(st.integers(0, max(0, len(text))), st.sampled_from(
        [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe2\x82", b"\x80\x80", b"\r", b"\x00", b"\xef\xbb\xbf"]
    )), max_size=5))
    for offset, junk in sorted(pieces, reverse=True):
        text = text[:offset] + junk + text[offset:]
    return text


@FAST
@given(text=digest_texts(), path=st.sampled_from(["<text>", "cs.CV/2022/01/20220131.md", "x/y.md", ""]))
def test_random_text_never_raises(text: str, path: str) -> None:
    result = parse_digest_text(text, path)
    check_problems(result, path, text.encode("utf-8", "surrogatepass"))
    check_papers(result)


@FAST
@given(raw=digest_bytes())
def test_random_bytes_file_never_raises(raw: bytes, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("cs.XX") / "2020" / "01"
    folder.mkdir(parents=True)
    path = folder / "20200102.md"
    path.write_bytes(raw)
    result = parse_digest_file(path)
    check_problems(result, str(path), raw)
    check_papers(result)
    if not result.papers:
        return
    # A file with papers but no header still gets its category/date from the path.
    assert result.category and result.date


@settings(max_examples=60, deadline=None, database=None)
@given(text=digest_texts())
def test_parse_is_deterministic(text: str) -> None:
    first = parse_digest_text(text, "a.md")
    second = parse_digest_text(text, "a.md")
    assert [p.to_dict() for p in first.papers] == [p.to_dict() for p in second.papers]
    assert first.problems == second.problems


# ----------------------------------------------------------------------------
# Mutated real digests
# ----------------------------------------------------------------------------

HEADER = -1  # block id of the lines before the first "### "


def split_blocks(raw: bytes) -> list[tuple[int, bytes]]:
    """The file's lines, each tagged with the index of the paper block it belongs to."""
    tagged: list[tuple[int, bytes]] = []
    block = HEADER
    for line in raw.split(b"\n"):
        if line.startswith(b"### "):
            block += 1
        tagged.append((block, line))
    return tagged


def paper_key(paper: Paper, with_digests: bool = True) -> str:
    data = paper.to_dict()
    if not with_digests:
        data.pop("digests")
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


_JUNK = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe2\x82", b"\x80", b"\xfe\xfe"]


@st.composite
def mutations(draw, tagged: list[tuple[int, bytes]]):
    """Apply 1-4 random mutations; return (lines, touched block ids, header_state, truncated)."""
    lines = list(tagged)
    touched: set[int] = set()
    header = "intact"  # or "deleted" (path fallback must give the same) or "damaged"
    crlf = False
    bom = False
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        op = draw(st.sampled_from(
            ["delete", "delete", "truncate", "duplicate", "swap", "crlf", "bom", "junk", "junk"]
        ))
        index = draw(st.integers(0, len(lines) - 1))
        block, line = lines[index]
        if op == "delete":
            if index == 0 and block == HEADER and line.startswith(b"# "):
                header = "deleted" if header == "intact" else "damaged"
            else:
                touched.add(block)
            del lines[index]
        elif op == "truncate":
            cut = draw(st.integers(0, len(line)))
            lines = lines[:index] + [(block, line[:cut])]
            touched.add(block)
            if block == HEADER:
                header = "damaged"
            break  # nothing can follow the end of the file
        elif op == "duplicate" and block != HEADER:
            copy = [item for item in lines if item[0] == block]
            last = max(i for i, item in enumerate(lines) if item[0] == block)
            lines[last + 1 : last + 1] = copy
        elif op == "swap" and block != HEADER:
            fields = [i for i, (b, text) in enumerate(lines) if b == block and text.startswith(b"- **")]
            if len(fields) >= 2:
                i, j = draw(st.sampled_from([(a, b) for a in fields for b in fields if a < b]))
                lines[i], lines[j] = lines[j], lines[i]
                touched.add(block)
        elif op == "crlf":
            crlf = True
        elif op == "bom":
            bom = True
        elif op == "junk":
            cut = draw(st.integers(0, len(line)))
            lines[index] = (block, line[:cut] + draw(st.sampled_from(_JUNK)) + line[cut:])
            touched.add(block)
            if block == HEADER:
                header = "damaged"
    raw = (b"\r\n" if crlf else b"\n").join(text for _, text in lines)
    if bom:
        raw = b"\xef\xbb\xbf" + raw
    return raw, lines, touched, header


@st.composite
def mutated_digest(draw):
    path = draw(st.sampled_from(SMALL_FILES))
    raw = path.read_bytes()
    tagged = split_blocks(raw)
    return (path, raw, tagged, *draw(mutations(tagged)))


def test_every_block_of_the_real_files_gives_one_paper() -> None:
    """The premise of the mutation test: block k of the intact file is paper k."""
    for path in SMALL_FILES:
        raw = path.read_bytes()
        blocks = {b for b, _ in split_blocks(raw)} - {HEADER}
        result = parse_digest_file(path)
        assert len(result.papers) == len(blocks), path
        assert result.problems == [], path


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(case=mutated_digest())
def test_mutated_digest_keeps_untouched_papers(case, tmp_path_factory) -> None:
    original_path, original_raw, tagged, raw, lines, touched, header = case
    relative = original_path.relative_to(DIGESTS)
    target = tmp_path_factory.mktemp("mut") / relative
    target.parent.mkdir(parents=True)
    target.write_bytes(raw)

    result = parse_digest_file(target)
    check_problems(result, str(target), raw)
    check_papers(result)

    original = parse_digest_file(original_path).papers
    with_digests = header != "damaged"
    produced = Counter(paper_key(p, with_digests) for p in result.papers)
    expected: Counter[str] = Counter()
    for block in {b for b, _ in lines} - touched - {HEADER}:
        # Untouched blocks are only ever duplicated whole or dropped whole (truncation).
        copies = sum(1 for b, text in lines if b == block and text.startswith(b"### "))
        survived = [text for b, text in lines if b == block]
        whole = [text for b, text in tagged if b == block]
        assert survived == whole * copies, "test bug: an untouched block was altered"
        expected[paper_key(original[block], with_digests)] += copies
    missing = expected - produced
    assert not missing, (
        f"{len(missing)} untouched paper(s) lost or changed in {relative}; touched={sorted(touched)} "
        f"header={header}; problems={[str(p) for p in result.problems][:5]}"
    )
    if header != "damaged" and result.papers:
        assert (result.category, result.date) == (
            parse_digest_file(original_path).category,
            parse_digest_file(original_path).date,
        )


@pytest.mark.parametrize("path", SMALL_FILES[:8], ids=lambda p: p.name)
def test_truncation_at_every_block_boundary_keeps_earlier_papers(path: Path) -> None:
    """Cutting the file right after block k keeps papers 0..k exactly."""
    raw = path.read_bytes()
    full = parse_digest_file(path).papers
    starts = [m.start() for m in re.finditer(rb"^### ", raw, re.M)]
    for k, start in enumerate(starts):
        result = parse_digest_text(raw[:start].decode("utf-8"), str(path))
        assert [paper_key(p) for p in result.papers] == [paper_key(p) for p in full[:k]]


def test_control_characters_removed_from_every_text_field() -> None:
    esc = "\x1b[31m"
    text = (
        "# Arxiv Papers in cs.CV on 2022-01-31\n"
        f"### Title{esc}\n"
        "- **Arxiv ID**: http://arxiv.org/abs/2201.12944v5\n"
        f"- **DOI**: 10.1145/{esc}x\n"
        f"- **Categories**: **cs.CV**, I.2.7{esc}\n"
        f"- **Links**: [PDF](http://arxiv.org/pdf/2201.12944v5{esc})\n"
        f"- **Published**: 2022-01-31 00:39:37+00:00\x07\n"
        f"- **Updated**: 2023-08-22 17:50:41+00:00{esc}\n"
        f"- **Authors**: A{esc}, B\n"
        "- **Comment**: None\n"
        "- **Journal**: None\n"
        f"- **Summary**: s{esc}\n"
    )
    (paper,) = parse_digest_text(text, "x.md").papers
    assert paper.title == "Title[31m"
    assert paper.authors == ["A[31m", "B"]
    for name, value in paper.to_dict().items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str):
                assert not _CONTROL.search(item), (name, item)
