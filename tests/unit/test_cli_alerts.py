"""``arxiv-reader alerts`` on real digests: what each run reports, the mark it records, its formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
DAY1 = DATA / "cs.CV" / "2022" / "01" / "20220131.md"  # 39 papers
DAY2 = DATA / "cs.CV" / "2023" / "06" / "20230601.md"  # S$^2$ME (2306.00451) among them
S2ME = "2306.00451"


def run(capsys, home: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(tmp_path: Path, capsys) -> Path:
    """A library of the first day only, with the saved search @all (every paper) and @s2me."""
    home = tmp_path / "home"
    assert run(capsys, home, "import", str(DAY1))[0] == 0
    assert run(capsys, home, "search", "save", "all", "-id:0000.00000")[0] == 0
    assert run(capsys, home, "search", "save", "s2me", f"id:{S2ME}")[0] == 0
    return home


def _ids(text: str) -> list[str]:
    """The ids of a text report's paper lines."""
    return [line.split()[0] for line in text.splitlines() if line[:1].isdigit() and "  [" in line]


def test_first_run_reports_the_latest_import_then_only_what_arrives(capsys, home: Path) -> None:
    code, out, _ = run(capsys, home, "alerts")
    assert code == 0
    assert out.splitlines()[0] == "39 new papers for 1 saved search (every import so far: a first run)"
    assert "== @all: 39 new (-id:0000.00000) ==" in out
    assert "@s2me" not in out  # a search with nothing new is left out
    assert len(_ids(out)) == 39

    code, out, err = run(capsys, home, "alerts")
    assert (code, out) == (1, "")
    assert "nothing new for any saved search since" in err

    run(capsys, home, "import", str(DAY2))
    code, out, _ = run(capsys, home, "alerts")
    assert code == 0
    day2 = _ids(out)
    assert S2ME in day2 and len(day2) == 129 + 1  # @all's 129 and @s2me's one
    assert "== @s2me: 1 new (id:2306.00451) ==" in out
    assert "imported after" in out.splitlines()[0]


def test_dry_run_and_quiet(capsys, home: Path) -> None:
    code, out, err = run(capsys, home, "alerts", "--dry-run")
    assert code == 0 and "this run was not recorded" in err
    assert run(capsys, home, "alerts", "--dry-run")[1] == out  # the same papers again
    assert run(capsys, home, "alerts")[0] == 0
    assert run(capsys, home, "alerts", "--quiet") == (1, "", "")  # nothing for cron to mail


def test_limit_and_the_formats(capsys, home: Path) -> None:
    code, out, _ = run(capsys, home, "alerts", "--dry-run", "--limit", "2")
    assert len(_ids(out)) == 2 and "... and 37 more" in out

    code, out, _ = run(capsys, home, "alerts", "--dry-run", "--format", "markdown", "--limit", "1")
    lines = out.splitlines()
    assert lines[0] == "# 39 new papers for 1 saved search (every import so far: a first run)"
    assert "## @all: 39 new" in lines and "Query: `-id:0000.00000`" in lines
    assert [line for line in lines if line.startswith("- [")][0].endswith(")")
    assert "- ... and 38 more" in lines

    run(capsys, home, "tag", "add", "ml", "2201.12944")
    code, out, _ = run(capsys, home, "alerts", "--dry-run", "-f", "jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 39
    assert {record["search"] for record in records} == {"all"}
    tagged = next(record for record in records if record["id"] == "2201.12944")
    assert tagged["tags"] == ["ml"] and tagged["query"] == "-id:0000.00000"


def test_muted_papers_are_not_alerted_and_are_counted(capsys, home: Path) -> None:
    run(capsys, home, "search", "save", "mute", "id:2201.12944 OR id:2202.00067")
    code, out, _ = run(capsys, home, "alerts")
    assert "== @all: 37 new; 2 muted (-id:0000.00000) ==" in out
    assert "2201.12944" not in _ids(out)
    assert "@mute" not in out


def test_no_saved_search_and_a_bad_limit(capsys, tmp_path: Path) -> None:
    home = tmp_path / "empty"
    run(capsys, home, "import", str(DAY1))
    code, _, err = run(capsys, home, "alerts")
    assert code == 1 and "no saved search to alert on" in err
    run(capsys, home, "search", "save", "mute", "cat:cs.CV")
    assert "no saved search to alert on" in run(capsys, home, "alerts")[2]  # mute alerts nothing
    run(capsys, home, "search", "save", "x", "cat:cs.CV")
    assert run(capsys, home, "alerts", "--limit", "0")[0] == 2


def test_a_search_whose_saved_search_was_removed_alerts_nothing(capsys, home: Path) -> None:
    assert run(capsys, home, "search", "save", "seg", "ti:segmentation")[0] == 0
    assert run(capsys, home, "search", "save", "mine", "@seg")[0] == 0
    code, _, err = run(capsys, home, "search", "remove", "seg")
    assert code == 1 and "used by @mine" in err and "--force" in err  # refused: @mine would match nothing
    code, out, err = run(capsys, home, "search", "remove", "seg", "--force")
    assert (code, out) == (0, "removed the saved search @seg\n") and "@mine" in err
    run(capsys, home, "alerts")
    run(capsys, home, "import", str(DAY2))
    code, out, err = run(capsys, home, "alerts")
    assert "@mine" not in out  # not the 130 new papers of the whole library
    assert "unknown saved search @seg" in err
    code, out, _ = run(capsys, home, "search", "list", "--format", "jsonl")
    mine = next(row for row in map(json.loads, out.splitlines()) if row["name"] == "mine")
    assert mine["papers"] == 0 and any("unknown saved search @seg" in w for w in mine["warnings"])


def _crontab_command(line: str) -> str:
    """The command of a crontab line ``m h dom mon dow command  # comment``, spaces evened out."""
    fields = line.split("#")[0].split()
    return " ".join(fields[5:])


def test_the_crontab_examples_mail_only_news(capsys, home: Path) -> None:
    """Review M3: the help's crontab line lacked the README's ``>/dev/null`` and mailed every day."""
    from tui.cli_help import COMMAND_HELP

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    readme_line = next(line for line in readme.splitlines() if line.startswith("A crontab line"))
    in_readme = _crontab_command(readme_line.split("`")[1])
    in_help = _crontab_command(next(ex for ex in COMMAND_HELP["alerts"].examples if "crontab" in ex))
    assert in_help == in_readme == "arxiv-reader import ~/digests >/dev/null && arxiv-reader alerts --quiet"
    # Why the redirection: an import that changes nothing still prints its summary on standard
    # output, and nothing on standard error; alerts --quiet then prints nothing at all.
    run(capsys, home, "alerts")
    code, out, err = run(capsys, home, "import", str(DAY1))
    assert code == 0 and "unchanged: 1" in out and err == ""
    assert run(capsys, home, "alerts", "--quiet") == (1, "", "")
