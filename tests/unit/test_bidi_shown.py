"""Bidirectional controls in a paper's fields (U+202E reverses what follows it on screen) are
shown as escapes wherever the reader shows the paper, never raw and never silently dropped: a
researcher sees that the file holds one. JSON keeps the data; citations drop them (a ``.bib``
or a pasted reference must not carry them). A real cs.CL digest with controls put into the
first paper's title, authors and abstract, through the command line in-process."""

from __future__ import annotations

import json
from pathlib import Path

from tui.cli import main
from tui.core.models import Paper
from tui.widgets.paper_document import paper_markdown, reading_markdown
from edited_day import write_day

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
DAY = DATA / "cs.CL" / "2026" / "07" / "20260701.md"
PAPER = "2607.00292"  # An LLM-Based Framework for Intent-Driven Network Topology Design
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def _library(tmp_path: Path, capsys) -> Path:
    text = DAY.read_text(encoding="utf-8")
    text = text.replace("### An LLM-Based Framework", "### An \u202eLLM-Based\u202c Framework \u2067ISO\u2069", 1)
    text = text.replace("Kholoud El-Habbouli", "Kholoud \u202eEl-Habbouli\u202c", 1)
    text = text.replace("Designing deployable", "Designing \u200fdeployable", 1)
    day = write_day(tmp_path, text)
    home = tmp_path / "home"
    assert main(["--home", str(home), "import", str(day.parent)]) == 0
    capsys.readouterr()
    return home


def _run(capsys, home: Path, *argv: str) -> str:
    assert main(["--home", str(home), *argv]) == 0
    return capsys.readouterr().out


def test_list_shows_the_title_controls_as_escapes(tmp_path: Path, capsys) -> None:
    home = _library(tmp_path, capsys)
    out = _run(capsys, home, "list", "-q", f"id:{PAPER}")
    assert not any(char in out for char in BIDI)
    assert "An \\u202eLLM-Based\\u202c Framework \\u2067ISO\\u2069 for Intent-Driven" in out
    record = json.loads(_run(capsys, home, "list", "--format", "jsonl", "-q", f"id:{PAPER}"))
    assert record["title"].startswith("An \u202eLLM-Based\u202c Framework \u2067ISO\u2069 for")  # the data
    assert record["authors"][0] == "Kholoud \u202eEl-Habbouli\u202c"


def test_citations_leave_the_controls_out(tmp_path: Path, capsys) -> None:
    home = _library(tmp_path, capsys)
    for style in ("bibtex", "text", "markdown"):
        out = _run(capsys, home, "export", "-f", style, "-q", f"id:{PAPER}", "-o", str(tmp_path / f"out.{style}"))
        cited = (tmp_path / f"out.{style}").read_text(encoding="utf-8")
        assert not any(char in cited for char in BIDI), style
        assert "An LLM-Based Framework ISO for Intent-Driven" in cited, (style, out)


def test_the_detail_and_the_reading_view_show_escapes(tmp_path: Path) -> None:
    paper = Paper(id=PAPER, version=1, title="An \u202eLLM-Based\u202c $\\alpha$ \u2067ISO\u2069",
                  authors=["Kholoud \u202eEl-Habbouli\u202c"], summary="Designing \u200fdeployable $x^2$ nets.")
    for document in (paper_markdown(paper, None), reading_markdown(paper, None)):
        assert not any(char in document for char in BIDI)
        # Markdown escapes its backslash: \\u202e in the source shows as \u202e.
        assert "An \\\\u202eLLM-Based\\\\u202c α \\\\u2067ISO\\\\u2069" in document
        assert "Kholoud \\\\u202eEl-Habbouli\\\\u202c" in document
        assert "Designing \\\\u200fdeployable x² nets." in document
