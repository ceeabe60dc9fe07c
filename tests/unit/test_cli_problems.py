"""``arxiv-reader problems`` lists every problem of the digests again, importing nothing:
an import says each problem once, and the reader's notice names only the first (review L6)."""

from __future__ import annotations

import re
from pathlib import Path

from tui.cli import main
from tui.core.store import Store
from edited_day import write_day

DAY = Path(__file__).resolve().parents[1] / "data" / "digests" / "cs.CL" / "2026" / "07" / "20260701.md"


def _broken_day(tmp_path: Path) -> Path:
    """The real cs.CL day with two impossible dates in its first two papers."""
    text = DAY.read_text(encoding="utf-8")
    text = re.sub(r"- \*\*Published\*\*: .*", "- **Published**: 2023-02-30 10:00:00+00:00", text, count=1)
    text = re.sub(r"- \*\*Updated\*\*: .*", "- **Updated**: 2026-13-45 04:31:02+00:00", text, count=1)
    return write_day(tmp_path, text)


def test_every_problem_is_listed_again_after_the_import(tmp_path: Path, capsys) -> None:
    day = _broken_day(tmp_path)
    home = str(tmp_path / "home")
    assert main(["--home", home, "import", str(day.parent)]) == 0
    said = [line for line in capsys.readouterr().err.splitlines() if line.startswith("problem: ")]
    assert len(said) == 2
    assert main(["--home", home, "import", str(day.parent)]) == 0  # unchanged: not said again
    assert "problem:" not in capsys.readouterr().err
    before = Store(Path(home)).library_files.load_index().revision
    assert main(["--home", home, "problems"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [line.removeprefix("problem: ") for line in said]
    assert f"{day}:" in out and "impossible Published date '2023-02-30 10:00:00+00:00'" in out
    assert "1 digest file of the library read again: 2 problems; nothing imported" in err
    assert Store(Path(home)).library_files.load_index().revision == before  # nothing written


def test_paths_can_be_checked_before_an_import(tmp_path: Path, capsys) -> None:
    day = _broken_day(tmp_path)
    home = tmp_path / "home"
    assert main(["--home", str(home), "problems", str(day.parent)]) == 1
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert not home.exists()  # nothing imported, no data folder made
    assert main(["--home", str(home), "problems", str(DAY)]) == 0  # the real day: no problem
    out, err = capsys.readouterr()
    assert out == "" and "read again: 0 problems" in err


def test_an_empty_library_is_said(tmp_path: Path, capsys) -> None:
    assert main(["--home", str(tmp_path / "home"), "problems"]) == 1
    assert "no library at" in capsys.readouterr().err
