"""An impossible Published or Updated date (30 February, month 13, before arXiv began,
garbled) is said with its file and line and left out; the paper is still imported, dated by
its digest (its year in citations, ``date:`` queries). Real cs.CL digest with dates broken."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.digest import parse_digest_file, parse_digest_text
from tui.core.models import Paper
from edited_day import write_day

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
DAY = DATA / "cs.CL" / "2026" / "07" / "20260701.md"
FIRST = "2607.00292"  # the day's first paper: Published on line 7, Updated on line 8

BAD_DATES = [
    "2023-02-30 10:00:00+00:00",  # no 30 February
    "2026-13-45 04:31:02+00:00",  # month 13, day 45
    "0001-01-01 00:00:00+00:00",  # before arXiv
    "2026-07-01 25:38:36+00:00",  # hour 25
    "2026-07-01 garbled",
    "20260701",  # not the way digests write dates
    "yesterday",
]


def _with_first(field: str, value: str) -> str:
    return _with_first_in(DAY.read_text(encoding="utf-8"), field, value)


def _with_first_in(text: str, field: str, value: str) -> str:
    return re.sub(rf"- \*\*{field}\*\*: .*", lambda _: f"- **{field}**: {value}", text, count=1)


def _first(papers: list[Paper]) -> Paper:
    return next(p for p in papers if p.id == FIRST)


@pytest.mark.parametrize("bad", BAD_DATES)
def test_an_impossible_published_date_is_said_and_left_out(bad: str) -> None:
    good = parse_digest_file(DAY)
    parsed = parse_digest_text(_with_first("Published", bad), str(DAY))
    assert [(p.path, p.line) for p in parsed.problems] == [(str(DAY), 7)]
    message = parsed.problems[0].message
    assert message.startswith(f"paper {FIRST}: impossible Published date {bad!r} left out")
    assert message.endswith("the paper is dated by its digest (2026-07-01)")
    paper = _first(parsed.papers)
    assert paper.published is None and paper.year == "2026"
    assert paper.updated == _first(good.papers).updated  # the rest of the paper as it was
    assert paper.title == _first(good.papers).title and paper.summary == _first(good.papers).summary
    assert len(parsed.papers) == len(good.papers)
    assert [p.published for p in parsed.papers[1:]] == [p.published for p in good.papers[1:]]


@pytest.mark.parametrize("bad", BAD_DATES[:3])
def test_an_impossible_updated_date_is_said_and_left_out(bad: str) -> None:
    parsed = parse_digest_text(_with_first("Updated", bad), str(DAY))
    assert [(p.line, p.message) for p in parsed.problems] == [
        (8, f"paper {FIRST}: impossible Updated date {bad!r} left out")]
    paper = _first(parsed.papers)
    assert paper.updated is None and paper.published == "2026-07-01 00:38:36+00:00"


def test_the_same_impossible_date_in_both_fields_is_said_twice() -> None:
    text = _with_first("Published", "2026-02-30 00:38:36+00:00")
    parsed = parse_digest_text(_with_first_in(text, "Updated", "2026-02-30 00:38:36+00:00"), str(DAY))
    assert [p.line for p in parsed.problems] == [7, 8]
    paper = _first(parsed.papers)
    assert (paper.published, paper.updated) == (None, None)


@pytest.mark.parametrize("good", ["2026-07-01 00:38:36+00:00", "1991-08-14 00:00:00+00:00",
                                  "2024-02-29 23:59:59+00:00"])
def test_possible_dates_pass_without_a_word(good: str) -> None:
    parsed = parse_digest_text(_with_first("Published", good), str(DAY))
    assert parsed.problems == []
    assert _first(parsed.papers).published == good


@pytest.mark.parametrize(("written", "usual"), [
    ("2026-07-01T00:39:37Z", "2026-07-01 00:39:37+00:00"),
    ("2026-07-01 00:39:37", "2026-07-01 00:39:37+00:00"),  # no zone: UTC
    ("2026-07-01T00:39:37", "2026-07-01 00:39:37+00:00"),
    ("2026-07-01", "2026-07-01 00:00:00+00:00"),  # no time: midnight
    ("2026-07-01T02:39:37.25+02:00", "2026-07-01 00:39:37+00:00"),  # another zone, fractions of a second
    ("2026-07-01 20:00:00-05:00", "2026-07-02 01:00:00+00:00"),
])
def test_dates_in_other_iso_forms_are_written_like_the_others(written: str, usual: str) -> None:
    text = _with_first_in(_with_first("Published", written), "Updated", written)
    parsed = parse_digest_text(text, str(DAY))
    assert parsed.problems == []
    paper = _first(parsed.papers)
    assert (paper.published, paper.updated) == (usual, usual)


def test_an_updated_date_in_another_form_is_compared_with_published_as_a_moment() -> None:
    # 23:00 in UTC-05:00 is 04:00 the next day in UTC: after Published, not before it
    text = _with_first_in(_with_first("Published", "2026-07-01 03:00:00+00:00"), "Updated", "2026-07-01T23:00:00-05:00")
    parsed = parse_digest_text(text, str(DAY))
    assert parsed.problems == [] and _first(parsed.papers).updated == "2026-07-02 04:00:00+00:00"
    text = _with_first_in(_with_first("Published", "2026-07-01 03:00:00+00:00"), "Updated", "2026-07-01T04:00:00+02:00")
    parsed = parse_digest_text(text, str(DAY))
    assert [p.line for p in parsed.problems] == [8] and _first(parsed.papers).updated is None


def test_json_output_gives_every_date_in_one_form(tmp_path: Path, capsys) -> None:
    day = write_day(tmp_path, _with_first_in(_with_first("Published", "2026-07-01T00:38:36Z"), "Updated",
                                             "2026-07-02 10:00:00"))
    home = tmp_path / "home"
    assert main(["--home", str(home), "import", str(day)]) == 0
    capsys.readouterr()
    assert main(["--home", str(home), "list", "--format", "jsonl", "-q", f"id:{FIRST}"]) == 0
    out = capsys.readouterr().out
    assert '"published":"2026-07-01 00:38:36+00:00"' in out and '"updated":"2026-07-02 10:00:00+00:00"' in out


@pytest.mark.parametrize(("written", "said"), [("", "the line is empty"), ("None", "the line says 'None'")])
def test_an_empty_or_none_published_date_is_said_like_an_impossible_one(written: str, said: str) -> None:
    # (real digests always give both dates: an empty one is as wrong as a garbled one)
    good = parse_digest_file(DAY)
    parsed = parse_digest_text(_with_first("Published", written), str(DAY))
    assert [(p.line, p.message) for p in parsed.problems] == [
        (7, f"paper {FIRST}: no Published date ({said}); the paper is dated by its digest (2026-07-01)")]
    paper = _first(parsed.papers)
    assert paper.published is None and paper.year == "2026"
    assert paper.updated == _first(good.papers).updated


@pytest.mark.parametrize(("written", "said"), [("", "the line is empty"), ("None", "the line says 'None'")])
def test_an_empty_or_none_updated_date_is_said(written: str, said: str) -> None:
    parsed = parse_digest_text(_with_first("Updated", written), str(DAY))
    assert [(p.line, p.message) for p in parsed.problems] == [(8, f"paper {FIRST}: no Updated date ({said})")]
    paper = _first(parsed.papers)
    assert paper.updated is None and paper.published == "2026-07-01 00:38:36+00:00"


def test_both_dates_empty_are_each_said_at_their_line() -> None:
    text = _with_first_in(_with_first("Published", ""), "Updated", "")
    parsed = parse_digest_text(text, str(DAY))
    assert [p.line for p in parsed.problems] == [7, 8]
    assert (_first(parsed.papers).published, _first(parsed.papers).updated) == (None, None)


def test_a_missing_published_line_is_said_once() -> None:
    text = re.sub(r"- \*\*Published\*\*: .*\n", "", DAY.read_text(encoding="utf-8"), count=1)
    parsed = parse_digest_text(text, str(DAY))
    assert len(parsed.problems) == 1 and "lacks field(s) Published" in parsed.problems[0].message


def test_a_huge_garbled_date_is_cut_in_the_message() -> None:
    parsed = parse_digest_text(_with_first("Published", "9" * 100_000), str(DAY))
    assert len(parsed.problems) == 1 and len(parsed.problems[0].message) < 200


def test_import_names_the_file_and_line_and_keeps_the_paper(tmp_path: Path, capsys) -> None:
    day = write_day(tmp_path, _with_first("Published", "2026-13-45 04:31:02+00:00"))
    home = tmp_path / "home"
    assert main(["--home", str(home), "import", str(day)]) == 0
    out, err = capsys.readouterr()
    assert f"{day}:7: paper {FIRST}: impossible Published date '2026-13-45 04:31:02+00:00' left out" in out + err
    assert "problems: 1" in out + err
    assert main(["--home", str(home), "export", "-q", f"id:{FIRST}"]) == 0
    assert "year          = {2026}" in capsys.readouterr().out
    assert main(["--home", str(home), "list", "--format", "jsonl", "-q", f"id:{FIRST}"]) == 0
    assert '"published":null' in capsys.readouterr().out


# -- dates later than they can be; Updated before Published ------------------------------

@pytest.mark.parametrize(("field", "line"), [("Published", 7), ("Updated", 8)])
def test_year_9999_is_as_impossible_as_year_0001(field: str, line: int) -> None:
    parsed = parse_digest_text(_with_first(field, "9999-12-31 23:59:59+00:00"), str(DAY))
    [problem] = parsed.problems
    assert problem.line == line
    assert problem.message.startswith(f"paper {FIRST}: impossible {field} date '9999-12-31 23:59:59+00:00' left out")
    assert getattr(_first(parsed.papers), field.lower()) is None
    assert _first(parsed.papers).year == "2026"


def test_a_published_date_after_its_digests_day_is_impossible() -> None:
    # (the digest of 2026-07-01 lists papers out by then; two days allow for time zones)
    def both(value: str) -> str:
        return _with_first_in(_with_first("Published", value), "Updated", "2026-07-05 00:00:00+00:00")

    kept = parse_digest_text(both("2026-07-03 23:59:59+00:00"), str(DAY))
    assert kept.problems == [] and _first(kept.papers).published == "2026-07-03 23:59:59+00:00"
    parsed = parse_digest_text(both("2026-07-04 00:00:00+00:00"), str(DAY))
    assert [(p.line, p.message) for p in parsed.problems] == [
        (7, f"paper {FIRST}: impossible Published date '2026-07-04 00:00:00+00:00' left out"
            " (later than 2026-07-03, the last day it can be); the paper is dated by its digest (2026-07-01)")]


def test_an_updated_date_long_after_its_digest_is_kept() -> None:
    # Real archives are written later: cs.CV of 2010-07-22 holds a paper updated in 2021.
    parsed = parse_digest_text(_with_first("Updated", "2026-08-05 10:00:00+00:00"), str(DAY))
    assert parsed.problems == [] and _first(parsed.papers).updated == "2026-08-05 10:00:00+00:00"


def test_the_last_possible_days_follow_the_digest_and_today() -> None:
    from datetime import date

    from tui.core.digest_dates import _latest_days

    def day_number(text: str) -> int:
        return (date.fromisoformat(text) - date(1970, 1, 1)).days

    today = day_number("2026-11-30")
    assert _latest_days("2022-02-01", today) == ("2022-02-03", "2027-12-01")
    assert _latest_days(None, today) == ("2027-12-01", "2027-12-01")  # (no digest day: a year ahead)
    # A clock behind the digests does not reject them: a year after the digest's day.
    assert _latest_days("2026-07-01", day_number("2025-01-01")) == ("2026-07-03", "2027-07-02")
    assert _latest_days("9999-12-31", today) == ("9999-12-31", "9999-12-31")


def test_no_real_digest_has_a_date_problem() -> None:
    shared = Path(__file__).resolve().parents[2].parent / "shared" / "digests"
    files = sorted(shared.rglob("*.md")) + sorted(DATA.rglob("*.md"))
    problems = [p for f in files for p in parse_digest_file(f).problems if " date" in p.message]
    assert len(files) > 10 and problems == []


def test_an_updated_date_before_the_published_one_is_said_and_left_out() -> None:
    parsed = parse_digest_text(_with_first("Updated", "2021-01-01 00:00:00+00:00"), str(DAY))
    assert [(p.line, p.message) for p in parsed.problems] == [
        (8, f"paper {FIRST}: Updated date '2021-01-01 00:00:00+00:00' is earlier than its Published date"
            " '2026-07-01 00:38:36+00:00': Updated left out")]
    paper = _first(parsed.papers)
    assert paper.published == "2026-07-01 00:38:36+00:00" and paper.updated is None


def test_year_9999_never_reaches_a_citation(tmp_path: Path, capsys) -> None:
    text = _with_first_in(_with_first("Published", "9999-12-31 23:59:59+00:00"), "Updated", "9999-12-31 23:59:59+00:00")
    day = write_day(tmp_path, text)
    home = tmp_path / "home"
    assert main(["--home", str(home), "import", str(day)]) == 0
    out, err = capsys.readouterr()
    assert f"{day}:7: paper {FIRST}: impossible Published date '9999-12-31 23:59:59+00:00'" in out + err
    assert f"{day}:8: paper {FIRST}: impossible Updated date '9999-12-31 23:59:59+00:00'" in out + err
    assert main(["--home", str(home), "export", "-q", f"id:{FIRST}"]) == 0
    exported = capsys.readouterr().out
    assert "year          = {2026}" in exported and "9999" not in exported


def test_the_detail_says_the_date_was_left_out_and_how_the_paper_is_dated() -> None:
    """Review L6: the detail read only ``Dates: v1``."""
    from tui.widgets.paper_document import paper_markdown, reading_markdown

    parsed = parse_digest_text(_with_first("Published", "2023-02-30 10:00:00+00:00"), str(DAY))
    paper = _first(parsed.papers)
    assert paper.published is None
    said = "no published date (the digest's was missing or impossible, dated by its digest of 2026-07-01)"
    detail = paper_markdown(paper, None)
    assert f"**Dates:** {said}, updated 2026-07-01, v1" in detail
    assert said in reading_markdown(paper, None)
    fine = _first(parse_digest_text(DAY.read_text(encoding="utf-8"), str(DAY)).papers)
    assert "**Dates:** published 20" in paper_markdown(fine, None)
    assert "no published date" not in paper_markdown(fine, None)
