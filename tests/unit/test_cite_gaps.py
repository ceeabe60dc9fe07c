"""A paper whose title or authors have nothing printable left (a digest's title of only
U+202E) is still cited, by its arXiv id and URL, but never with an empty ``title = {{}}``
and never silently: every export names the paper and what its citation lacks (review L4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main
from tui.core.cite import biblatex, bibtex, citation_gaps, markdown, plain_text
from tui.core.models import Paper
from edited_day import write_day

DAY = Path(__file__).resolve().parents[1] / "data" / "digests" / "cs.CL" / "2026" / "07" / "20260701.md"
PAPER = "2607.00292"  # An LLM-Based Framework for Intent-Driven Network Topology Design
EMPTY = Paper(id="2609.00011", version=1, title="\u202e", authors=["\u202e"], published="2026-09-01")
WARNING = ("2609.00011: cited with no title and no author (the digest's title and authors are only control "
           "characters); fill them in from https://arxiv.org/abs/2609.00011")


def test_the_gaps_are_named() -> None:
    fine = Paper(id="2609.00012", version=1, title="A title", authors=["Ada Lovelace"])
    untitled = Paper(id="2609.00013", version=1, title="", authors=["Ada Lovelace"])
    anonymous = Paper(id="2609.00014", version=1, title="A title", authors=[])
    assert citation_gaps([fine, EMPTY, untitled, anonymous]) == [
        WARNING,
        "2609.00013: cited with no title (the digest gives no title); fill it in from https://arxiv.org/abs/2609.00013",
        "2609.00014: cited with no author (the digest gives no authors); "
        "fill it in from https://arxiv.org/abs/2609.00014",
    ]


@pytest.mark.parametrize("cite", [bibtex, biblatex])
def test_a_bib_entry_leaves_an_empty_title_out(cite) -> None:
    entry = cite([EMPTY])
    assert "title" not in entry and "author" not in entry and "{{}}" not in entry
    assert "= {2609.00011}" in entry
    assert "= {{A title}}" in cite([Paper(id="2609.00012", version=1, title="A title")])


def test_the_one_line_formats_still_name_the_paper() -> None:
    assert "arXiv:2609.00011" in plain_text([EMPTY])
    assert "[2609.00011](https://arxiv.org/abs/2609.00011)" in markdown([EMPTY])


def _library(tmp_path: Path, capsys) -> str:
    text = DAY.read_text(encoding="utf-8")
    start = text.index("### An LLM-Based Framework")
    title_end = text.index("\n", start)
    text = text[:start] + "### \u202e" + text[title_end:]
    authors = text.index("- **Authors**:", start)
    text = text[:authors] + "- **Authors**: \u202e" + text[text.index("\n", authors):]
    day = write_day(tmp_path, text)
    home = str(tmp_path / "home")
    assert main(["--home", home, "import", str(day.parent)]) == 0
    capsys.readouterr()
    return home


@pytest.mark.parametrize("style", ["bibtex", "biblatex", "text", "markdown"])
def test_export_warns_naming_the_paper(tmp_path: Path, capsys, style) -> None:
    home = _library(tmp_path, capsys)
    expected = f"arxiv-reader: warning: {PAPER}: cited with no title and no author"
    assert main(["--home", home, "export", "-f", style, "-q", f"id:{PAPER}"]) == 0
    out, err = capsys.readouterr()
    assert PAPER in out and "{{}}" not in out and expected in err and f"https://arxiv.org/abs/{PAPER}" in err
    target = tmp_path / f"out.{style}"
    assert main(["--home", home, "export", "-f", style, "-q", f"id:{PAPER}", "-o", str(target)]) == 0
    assert expected in capsys.readouterr().err and "{{}}" not in target.read_text(encoding="utf-8")


def test_append_warns_only_for_what_it_added(tmp_path: Path, capsys) -> None:
    home = _library(tmp_path, capsys)
    refs = tmp_path / "refs.bib"
    assert main(["--home", home, "export", "--append", str(refs), "-q", f"id:{PAPER}"]) == 0
    assert f"warning: {PAPER}: cited with no title" in capsys.readouterr().err
    assert main(["--home", home, "export", "--append", str(refs), "-q", f"id:{PAPER}"]) == 0
    assert "warning" not in capsys.readouterr().err  # nothing added: nothing to warn about


def test_ids_and_urls_need_no_title(tmp_path: Path, capsys) -> None:
    home = _library(tmp_path, capsys)
    for style in ("id", "url", "jsonl"):
        assert main(["--home", home, "export", "-f", style, "-q", f"id:{PAPER}"]) == 0
        assert "warning" not in capsys.readouterr().err
