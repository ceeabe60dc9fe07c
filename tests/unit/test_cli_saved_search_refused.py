"""``list`` and ``export`` refuse a query whose ``@name`` cannot be used (exit status 2),
as they refuse a query left with nothing to search for: such a query matches nothing
whatever the rest of it says, so answering "no paper matches" (exit 1) would hide a typo.
Runs ``main`` in-process on the ``home`` fixture (two real cs.CV digest days)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main

CAPTION = "2201.12944"  # Deep Learning Approaches on Image Captioning: A Review (2022-01-31)


def run(capsys, home: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", [["list"], ["export", "-f", "id"], ["export", "-f", "id", "--lenient"]])
def test_an_unknown_saved_search_is_refused_naming_the_ones_there_are(capsys, home: Path, command) -> None:
    assert run(capsys, home, "search", "save", "captions", f"id:{CAPTION}")[0] == 0
    assert run(capsys, home, "search", "save", "segmentation", "ti:segmentation")[0] == 0
    for query in ("@caption", "@caption cat:cs.CV", "cat:cs.CV -@caption", "@caption OR cat:cs.CV"):
        code, out, err = run(capsys, home, *command, "-q", query)
        assert (code, out) == (2, ""), (query, err)
        assert "unknown saved search @caption" in err
        assert "did you mean @captions?" in err
        assert "@captions, @segmentation" in err and "arxiv-reader search list" in err
        assert ("nothing listed" if command[0] == "list" else "nothing written") in err
    code, out, _ = run(capsys, home, *command, "-q", "@captions")  # the name spelt right still answers
    assert code == 0 and CAPTION in out


def test_with_no_saved_search_the_refusal_says_how_to_save_one(capsys, home: Path) -> None:
    code, out, err = run(capsys, home, "list", "-q", "@typo")
    assert (code, out) == (2, "")
    assert "unknown saved search @typo" in err and "there is no saved search yet" in err
    assert "arxiv-reader search save NAME QUERY" in err


def test_a_saved_search_using_a_removed_one_is_refused_too(capsys, home: Path) -> None:
    run(capsys, home, "search", "save", "base", "cat:cs.CV")
    run(capsys, home, "search", "save", "mine", "@base ti:learning")
    assert run(capsys, home, "list", "-q", "@mine")[0] == 0
    run(capsys, home, "search", "remove", "--force", "base")
    code, out, err = run(capsys, home, "list", "-q", "@mine")
    assert (code, out) == (2, "")
    assert "in @mine: unknown saved search @base" in err and "@mine" in err.split("saved searches:")[1]


def test_many_saved_searches_are_cut_short(capsys, home: Path) -> None:
    for n in range(20):
        run(capsys, home, "search", "save", f"s{n:02d}", f"ti:word{n}")
    code, _, err = run(capsys, home, "export", "-f", "id", "-q", "@zzz")
    assert code == 2 and "@s00, @s01" in err and "and 8 more" in err and "@s19" not in err


@pytest.mark.parametrize("typed", ["@cyca", "@CycA", "@cyca cat:cs.CV", "@cycb"])
def test_a_loop_is_named_and_never_suggests_the_name_typed(capsys, home: Path, typed) -> None:
    """Review L2: '@cyca refers back to itself ... did you mean @cyca?'."""
    run(capsys, home, "search", "save", "cyca", "@cycb")
    run(capsys, home, "search", "save", "cycb", "@cyca")
    code, out, err = run(capsys, home, "list", "-q", typed)
    assert (code, out) == (2, "")
    assert "refers back to itself" in err and "did you mean" not in err
    assert "to break the loop, save one of the searches on it again with a query of its own" in err
    assert "arxiv-reader search save NAME QUERY --force" in err


def test_a_saved_search_that_exists_is_never_suggested_for_itself(capsys, home: Path) -> None:
    run(capsys, home, "search", "save", "base", "cat:cs.CV")
    run(capsys, home, "search", "save", "mine", "@base ti:learning")
    run(capsys, home, "search", "remove", "--force", "base")
    code, _, err = run(capsys, home, "list", "-q", "@mine")
    assert code == 2 and "did you mean" not in err and "the saved searches: @mine" in err
