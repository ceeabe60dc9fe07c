"""The command line round trip, run in-process on a temporary data directory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
DAY = DATA / "cs.CV" / "2022" / "01" / "20220131.md"
CROSS = [DATA / "cs.CL" / "2026" / "07" / "20260701.md", DATA / "cs.IR" / "2026" / "07" / "20260701.md"]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys, home: Path, *extra: str) -> list[dict]:
    code, out, _ = run(capsys, "--home", str(home), "list", "--format", "jsonl", *extra)
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


def test_import_star_list_round_trip(capsys, home: Path) -> None:
    code, out, _ = run(capsys, "import", "--home", str(home), str(DAY))
    assert code == 0
    assert "files read: 1" in out

    code, out, _ = run(capsys, "--home", str(home), "star", "arXiv:2201.12944", "https://arxiv.org/abs/2201.12961v1")
    assert code == 0, out
    records = {record["id"]: record for record in listed(capsys, home)}
    assert records["2201.12944"]["starred"] is True
    assert records["2201.12961"]["starred"] is True
    assert records["2202.07456"]["starred"] is False

    first = records["2201.12944"]
    assert first["version"] == 5
    assert first["doi"] == "10.1145/3617592"
    assert first["authors"] == ["Taraneh Ghandi", "Hamidreza Pourreza", "Hamidreza Mahyar"]
    assert first["primary_category"] == "cs.CV"
    assert first["journal_ref"] is None
    assert first["digests"] == [{"category": "cs.CV", "date": "2022-01-31"}]
    assert first["abs_url"] == "https://arxiv.org/abs/2201.12944"
    assert first["pdf_url"] == "http://arxiv.org/pdf/2201.12944v5"
    assert first["read"] is False

    run(capsys, "--home", str(home), "unstar", "2201.12961v1")
    run(capsys, "--home", str(home), "read", "2201.12944")
    records = {record["id"]: record for record in listed(capsys, home)}
    assert records["2201.12961"]["starred"] is False
    assert records["2201.12944"]["read"] is True


def test_second_import_reports_unchanged(capsys, home: Path) -> None:
    run(capsys, "--home", str(home), "import", str(DAY))
    code, out, _ = run(capsys, "--home", str(home), "import", str(DAY))
    assert code == 0
    assert "files read: 0, unchanged: 1" in out


def test_unknown_ids_are_named_and_the_known_ones_applied(capsys, home: Path) -> None:
    run(capsys, "--home", str(home), "import", str(DAY))
    code, out, err = run(capsys, "--home", str(home), "star", "2201.12944", "9999.99999", "nonsense")
    assert code == 1
    assert "starred: 2201.12944" in out
    assert "9999.99999" in err and "nonsense" in err and "nothing changed" not in err
    starred = [record["id"] for record in listed(capsys, home) if record["starred"]]
    assert starred == ["2201.12944"]


def test_only_unknown_ids_change_nothing_and_say_so(capsys, home: Path) -> None:
    run(capsys, "--home", str(home), "import", str(DAY))
    for command in ("star", "unstar", "read", "unread"):
        code, out, err = run(capsys, "--home", str(home), command, "9999.99999")
        assert code == 1 and out == ""
        assert "9999.99999" in err and "nothing changed" in err
    assert not any(record["starred"] or record["read"] for record in listed(capsys, home))


def test_missing_path_is_an_error(capsys, home: Path, tmp_path: Path) -> None:
    code, _, err = run(capsys, "--home", str(home), "import", str(tmp_path / "nope"))
    assert code == 1
    assert "nope" in err


def test_nothing_readable_is_an_error(capsys, home: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "--home", str(home), "import", str(empty))
    assert code == 1
    assert "no digest" in err


def test_limit_and_table(capsys, home: Path) -> None:
    run(capsys, "--home", str(home), "import", str(DAY))
    assert len(listed(capsys, home, "--limit", "2")) == 2
    code, out, _ = run(capsys, "--home", str(home), "list")
    assert code == 0
    assert "2201.12944v5" in out


def test_cross_listed_paper_is_one_record(capsys, home: Path) -> None:
    run(capsys, "--home", str(home), "import", *map(str, CROSS))
    records = listed(capsys, home)
    ids = [record["id"] for record in records]
    assert len(ids) == len(set(ids))
    both = [r for r in records if {d["category"] for d in r["digests"]} == {"cs.CL", "cs.IR"}]
    assert both, "a paper listed in cs.CL and cs.IR on 2026-07-01 should know both digests"


def test_stats(capsys, home: Path) -> None:
    run(capsys, "--home", str(home), "import", *map(str, CROSS))
    run(capsys, "--home", str(home), "star", "2607.00292")
    code, out, _ = run(capsys, "--home", str(home), "stats")
    assert code == 0
    assert "digests:    2" in out
    assert "2026-07-01 .. 2026-07-01" in out
    assert "starred:    1" in out
    assert "cs.IR" in out


def test_query_and_export(capsys, home: Path, tmp_path: Path) -> None:
    run(capsys, "--home", str(home), "import", str(DAY))
    records = listed(capsys, home, "--query", "au:Ghandi")
    assert [record["id"] for record in records] == ["2201.12944"]
    target = tmp_path / "out.bib"
    code, _, _ = run(capsys, "--home", str(home), "export", "--query", "au:Ghandi", "-o", str(target))
    assert code == 0
    text = target.read_text()
    assert "eprint" in text and "2201.12944" in text


def test_python_dash_m_runs_the_same_cli(home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--home", str(home), "import", str(DAY)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "files read: 1" in result.stdout
