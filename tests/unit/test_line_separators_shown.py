"""Unicode's line and paragraph separators (U+2028, U+2029) in a paper's fields are shown as
the space they stand for, the same everywhere: list rows (title and author columns), the
detail, the reading view, the command line and citations (review L1: the detail's title showed
``\\u2028`` while the row beside it showed a space). They cannot reorder or hide text, so an
escape would only be noise; bidi controls stay escaped (tests/unit/test_bidi_shown.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main
from tui.core.models import Paper
from tui.core.safetext import escape_controls, inert_markdown, inert_text
from tui.widgets.paper_document import paper_markdown, reading_markdown
from tui.widgets.paper_rows import row_text
from edited_day import write_day

DAY = Path(__file__).resolve().parents[1] / "data" / "digests" / "cs.CL" / "2026" / "07" / "20260701.md"
PAPER = "2607.00292"  # An LLM-Based Framework for Intent-Driven Network Topology Design
SEPARATORS = "\u2028\u2029"


def _paper() -> Paper:
    return Paper(id=PAPER, version=1, title="Line sep\u2028here and para\u2029there \u202eX",
                 authors=["Eve\u2028Newline", "Bob\u2029Smith"], summary="Abstract\u2028with a break.")


@pytest.mark.parametrize("show", [escape_controls, inert_text, inert_markdown])
def test_the_helpers_show_a_separator_as_a_space(show) -> None:
    assert show("a\u2028b\u2029c") == "a b c"
    assert "\\u202e" in show("\u202e")  # a bidi control is still an escape


def test_the_row_the_detail_and_the_reading_view_agree() -> None:
    paper = _paper()
    row = row_text(paper, 120, None)
    assert row.title.startswith("Line sep here and para there ") and row.author == "Eve Newline"
    for document in (paper_markdown(paper, None), reading_markdown(paper, None, all_authors=True)):
        assert not any(char in document for char in SEPARATORS)
        assert "\\u2028" not in document and "\\u2029" not in document
        assert "# Line sep here and para there \\\\u202eX" in document
        assert "Eve Newline" in document and "Bob Smith" in document
        assert "Abstract with a break." in document


def test_the_command_line_shows_spaces(tmp_path: Path, capsys) -> None:
    text = DAY.read_text(encoding="utf-8")
    text = text.replace("### An LLM-Based Framework", "### An LLM-Based\u2028Framework", 1)
    text = text.replace("Kholoud El-Habbouli", "Kholoud\u2029El-Habbouli", 1)
    day = write_day(tmp_path, text)
    home = str(tmp_path / "home")
    assert main(["--home", home, "import", str(day.parent)]) == 0
    capsys.readouterr()
    assert main(["--home", home, "list", "-q", f"id:{PAPER}"]) == 0
    assert "An LLM-Based Framework for Intent-Driven" in capsys.readouterr().out
    assert main(["--home", home, "search", "save", "fw", f"id:{PAPER}"]) == 0
    capsys.readouterr()
    assert main(["--home", home, "alerts"]) == 0  # title and authors, as text
    out = capsys.readouterr().out
    assert "An LLM-Based Framework" in out and "Kholoud El-Habbouli" in out
    assert not any(char in out for char in SEPARATORS) and "\\u202" not in out
