"""The reading list through the command line: tag, tags, note, search, muting and notes in exports.

Every test runs ``main`` in-process on the ``home`` fixture (two real cs.CV digest
days: 2022-01-31 and 2023-06-01) and reads back what the commands print.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from tui.cli import main

CAPTION = "2201.12944"  # Deep Learning Approaches on Image Captioning: A Review (2022-01-31)
GEO = "2202.00067"  # AutoGeoLabel (2022-01-31), a journal reference
S2ME = "2306.00451"  # S$^2$ME (2023-06-01)


def run(capsys, home: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def ids_of(capsys, home: Path, query: str) -> set[str]:
    code, out, err = run(capsys, home, "list", "--format", "jsonl", "-q", query)
    assert code in (0, 1), err
    return {json.loads(line)["id"] for line in out.splitlines()}


# -- tags ----------------------------------------------------------------------------------


def test_tag_add_remove_and_query(capsys, home: Path) -> None:
    code, out, _ = run(capsys, home, "tag", "add", "To-Read", f"arXiv:{CAPTION}", f"https://arxiv.org/abs/{GEO}v1")
    assert code == 0
    assert out == f"tagged to-read: {CAPTION}, {GEO}\n"
    assert ids_of(capsys, home, "tag:to-read") == {CAPTION, GEO}
    assert ids_of(capsys, home, "TAG:TO-READ") == {CAPTION, GEO}  # names fold
    assert CAPTION not in ids_of(capsys, home, "-tag:to-read")
    assert ids_of(capsys, home, "has:tag") == {CAPTION, GEO}

    code, out, _ = run(capsys, home, "tag", "remove", "to-read", CAPTION)
    assert (code, out) == (0, f"took the tag to-read off: {CAPTION}\n")
    code, out, _ = run(capsys, home, "tag", "remove", "to-read", CAPTION)  # it no longer has it: said so
    assert (code, out) == (0, f"not tagged to-read (nothing to take off): {CAPTION}\n")
    assert ids_of(capsys, home, "tag:to-read") == {GEO}


def test_tag_names_unknown_ids_and_tags_the_rest(capsys, home: Path) -> None:
    code, out, err = run(capsys, home, "tag", "add", "ml", CAPTION, "9912.99999")
    assert code == 1
    assert "tagged ml: 2201.12944" in out
    assert "not an arXiv id in the library: 9912.99999" in err
    assert ids_of(capsys, home, "tag:ml") == {CAPTION}

    code, out, err = run(capsys, home, "tag", "add", "ml", "9912.99999")
    assert (code, out) == (1, "")
    assert "nothing changed" in err


@pytest.mark.parametrize("name", ["", "two words", "x!", "a:b", "x" * 65])
def test_a_bad_tag_name_is_a_usage_error_and_writes_nothing(capsys, home: Path, name: str) -> None:
    code, out, err = run(capsys, home, "tag", "add", name, CAPTION)
    assert code == 2, (out, err)
    assert "tag name" in err
    assert ids_of(capsys, home, "has:tag") == set()


def test_names_with_combining_marks_are_tags(capsys, home: Path) -> None:
    """İstanbul folds to i + U+0307 (as the query folds it), Hindi carries vowel signs: both are words."""
    code, out, err = run(capsys, home, "tag", "add", "İstanbul", CAPTION)
    assert code == 0, err
    assert out == f"tagged i\u0307stanbul: {CAPTION}\n"
    assert ids_of(capsys, home, "tag:İstanbul") == {CAPTION}
    assert run(capsys, home, "tag", "add", "हिन्दी", GEO)[0] == 0
    assert ids_of(capsys, home, "tag:हिन्दी") == {GEO}


def test_tags_table_lines_up_wide_characters_by_cell(capsys, home: Path) -> None:
    from rich.cells import cell_len

    for name, paper in (("機械学習", CAPTION), ("ml", GEO), ("café", S2ME)):
        assert run(capsys, home, "tag", "add", name, paper)[0] == 0
    code, out, _ = run(capsys, home, "tags")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3
    columns = {cell_len(line.split(" paper")[0]) for line in lines}  # where "paper" starts, in cells
    assert len(columns) == 1, lines


def test_a_tag_name_written_with_a_dash_is_said_for_what_it_is(capsys, home: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        run(capsys, home, "tag", "add", "-neg", CAPTION)
    out, err = capsys.readouterr()
    assert (exited.value.code, out) == (2, "")
    assert "a tag name cannot start with '-' ('-neg')" in err and "tag remove neg ID" in err
    assert "arguments are required" not in err
    code, _, err = run(capsys, home, "tag", "add", "--", "-neg", CAPTION)  # as a name: refused as one
    assert code == 2 and "tag name '-neg' must be one word" in err
    assert ids_of(capsys, home, "has:tag") == set()


def test_tags_lists_counts_as_table_and_jsonl(capsys, home: Path) -> None:
    code, _, err = run(capsys, home, "tags")
    assert code == 0 and "no paper is tagged yet" in err
    run(capsys, home, "tag", "add", "ml", CAPTION, GEO, S2ME)
    run(capsys, home, "tag", "add", "seg", S2ME)
    run(capsys, home, "read", GEO)
    code, out, _ = run(capsys, home, "tags")
    assert code == 0
    rows = [line.split() for line in out.splitlines()]
    assert rows == [["ml", "3", "papers", "2", "unread"], ["seg", "1", "paper", "1", "unread"]]
    code, out, _ = run(capsys, home, "tags", "--format", "jsonl")
    assert [json.loads(line) for line in out.splitlines()] == [
        {"tag": "ml", "papers": 3, "unread": 2, "muted": 0, "elsewhere": 0},
        {"tag": "seg", "papers": 1, "unread": 1, "muted": 0, "elsewhere": 0},
    ]


def test_tags_leave_the_muted_papers_out_as_list_and_the_sidebar_do(capsys, home: Path) -> None:
    """``tags`` counts a tag as ``list -q tag:NAME`` lists it: the muted papers apart, said."""
    run(capsys, home, "tag", "add", "ml", CAPTION, GEO, S2ME)
    run(capsys, home, "tag", "add", "onlymuted", GEO)
    run(capsys, home, "read", S2ME)
    run(capsys, home, "search", "save", "mute", f"id:{GEO}")
    code, out, err = run(capsys, home, "tags")
    assert code == 0
    assert [line.split() for line in out.splitlines()] == [
        ["ml", "2", "papers", "1", "unread", "(and", "1", "muted)"],
        ["onlymuted", "0", "papers", "0", "unread", "(and", "1", "muted)"],
    ]
    assert "1 muted paper(s) left out of the counts" in err and "is:muted" in err
    assert len(ids_of(capsys, home, "tag:ml")) == 2 and ids_of(capsys, home, "tag:onlymuted") == set()
    assert ids_of(capsys, home, "tag:ml is:muted") == {GEO}
    code, out, _ = run(capsys, home, "tags", "--format", "jsonl")
    assert [json.loads(line) for line in out.splitlines()] == [
        {"tag": "ml", "papers": 2, "unread": 1, "muted": 1, "elsewhere": 0},
        {"tag": "onlymuted", "papers": 0, "unread": 0, "muted": 1, "elsewhere": 0},
    ]


def test_tags_are_in_list_jsonl_records(capsys, home: Path) -> None:
    run(capsys, home, "tag", "add", "b", CAPTION)
    run(capsys, home, "tag", "add", "a", CAPTION)
    code, out, _ = run(capsys, home, "list", "--format", "jsonl", "-q", f"id:{CAPTION}")
    record = json.loads(out)
    assert record["tags"] == ["a", "b"]
    assert record["note"] is None


# -- notes ---------------------------------------------------------------------------------


def test_note_set_print_query_and_remove(capsys, home: Path) -> None:
    code, _, err = run(capsys, home, "note", GEO)
    assert code == 1 and "has no note" in err
    code, out, _ = run(capsys, home, "note", GEO, "--set", "Compare with *ResNet*.\nSecond line.  ")
    assert code == 0
    assert out == f"saved the note of {GEO} (35 characters)\n"
    assert run(capsys, home, "note", f"arXiv:{GEO}v1")[1] == "Compare with *ResNet*.\nSecond line.\n"
    assert ids_of(capsys, home, "has:note") == {GEO}
    assert ids_of(capsys, home, "note:resnet") == {GEO}
    assert ids_of(capsys, home, "note:resnet -note:second") == set()
    code, out, _ = run(capsys, home, "list", "--format", "jsonl", "-q", "has:note")
    assert json.loads(out)["note"] == "Compare with *ResNet*.\nSecond line."

    code, out, _ = run(capsys, home, "note", GEO, "--set", "")
    assert (code, out) == (0, f"removed the note of {GEO}\n")
    assert ids_of(capsys, home, "has:note") == set()


def test_note_of_a_paper_not_in_the_library_is_refused(capsys, home: Path) -> None:
    code, out, err = run(capsys, home, "note", "9912.99999", "--set", "x")
    assert code == 1 and out == ""
    assert "not an arXiv id in the library" in err and "nothing changed" in err
    code, _, err = run(capsys, home, "note", "not-an-id")
    assert code == 1 and "not an arXiv id" in err


def _editor(tmp_path: Path, body: str) -> str:
    """An $EDITOR command that replaces the file it is given by ``body`` (and saves what it saw)."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "path = pathlib.Path(sys.argv[1])\n"
        f"pathlib.Path({str(tmp_path / 'seen.md')!r}).write_text(path.read_text())\n"
        f"path.write_text({body!r})\n"
    )
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"


def test_note_edit_opens_the_editor_on_the_current_note(capsys, home: Path, tmp_path: Path, monkeypatch) -> None:
    run(capsys, home, "note", CAPTION, "--set", "first thoughts")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "first thoughts\n\nmore after reading\n"))
    code, out, _ = run(capsys, home, "note", CAPTION, "--edit")
    assert code == 0, out
    assert (tmp_path / "seen.md").read_text() == "first thoughts\n"
    assert run(capsys, home, "note", CAPTION)[1] == "first thoughts\n\nmore after reading\n"

    monkeypatch.setenv("EDITOR", _editor(tmp_path, "first thoughts\n\nmore after reading\n"))
    code, out, _ = run(capsys, home, "note", CAPTION, "--edit")
    assert (code, out) == (0, f"the note of {CAPTION} is unchanged\n")


def test_note_edit_without_an_editor_or_with_a_failing_one_changes_nothing(
    capsys, home: Path, monkeypatch
) -> None:
    run(capsys, home, "note", CAPTION, "--set", "kept")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    code, _, err = run(capsys, home, "note", CAPTION, "--edit")
    assert code == 1 and "no editor" in err
    monkeypatch.setenv("EDITOR", "false")
    code, _, err = run(capsys, home, "note", CAPTION, "--edit")
    assert code == 1 and "exited with status 1" in err
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    code, _, err = run(capsys, home, "note", CAPTION, "--edit")
    assert code == 1 and "cannot run the editor" in err
    assert run(capsys, home, "note", CAPTION)[1] == "kept\n"


def _recovered(err: str) -> str:
    """The text of the recovery file the message names."""
    return Path(err.split("kept in ")[1].split()[0].rstrip(".")).read_text()


def test_note_edit_keeps_a_too_long_text_in_a_recovery_file(capsys, home: Path, tmp_path: Path, monkeypatch):
    run(capsys, home, "note", CAPTION, "--set", "kept")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "y" * 100_001))
    code, _, err = run(capsys, home, "note", CAPTION, "--edit")
    assert code == 1 and "at most 100,000" in err and "nothing changed" in err
    assert _recovered(err) == "y" * 100_001
    assert run(capsys, home, "note", CAPTION)[1] == "kept\n"


def test_note_edit_refuses_when_the_note_changed_meanwhile(capsys, home: Path, tmp_path: Path, monkeypatch):
    run(capsys, home, "note", CAPTION, "--set", "before")
    script = tmp_path / "meanwhile.py"  # another process saves the note while the editor is open
    script.write_text(
        "import subprocess, sys\n"
        f"subprocess.run([sys.executable, '-m', 'tui', '--home', {str(home)!r}, 'note', {CAPTION!r}, "
        "'--set', 'from elsewhere'], check=True, capture_output=True)\n"
        "open(sys.argv[1], 'w').write('mine\\n')\n"
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    code, _, err = run(capsys, home, "note", CAPTION, "--edit")
    assert code == 1 and "changed elsewhere" in err
    assert _recovered(err) == "mine\n"
    assert run(capsys, home, "note", CAPTION)[1] == "from elsewhere\n"


def test_note_edit_keeps_what_a_failing_editor_left(capsys, home: Path, tmp_path: Path, monkeypatch):
    run(capsys, home, "note", CAPTION, "--set", "kept")
    script = tmp_path / "fails.py"
    script.write_text("import sys\nopen(sys.argv[1], 'w').write('half written')\nsys.exit(1)\n")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    code, _, err = run(capsys, home, "note", CAPTION, "--edit")
    assert code == 1 and "status 1" in err and _recovered(err) == "half written"
    assert run(capsys, home, "note", CAPTION)[1] == "kept\n"


def test_a_non_ascii_note_into_a_latin1_bib_is_refused_with_a_fix_that_works(capsys, home: Path,
                                                                               tmp_path: Path) -> None:
    run(capsys, home, "note", GEO, "--set", "unicode: café 日本語 a\u200bb")
    bib = tmp_path / "latin1.bib"
    before = b"@misc{old,\n title = {Caf\xe9}\n}\n"
    bib.write_bytes(before)
    code, _, err = run(capsys, home, "export", "-q", f"id:{GEO}", "--notes", "--append", str(bib))
    assert code != 0 and bib.read_bytes() == before
    assert "your notes" in err and "日" in err and "\u200b" not in err
    assert "leave out --notes" in err and "use -f bibtex" not in err  # it already is -f bibtex
    code, _, err = run(capsys, home, "export", "-q", f"id:{GEO}", "--append", str(bib))  # the fix it gave
    assert code == 0, err
    assert bib.read_bytes().startswith(before) and GEO in bib.read_text(encoding="latin-1")
    code, out, _ = run(capsys, home, "export", "-q", f"id:{GEO}", "--notes")
    assert "a\u200bb" not in out and "ab" in out  # the zero-width space is dropped from the annote


# -- saved searches ------------------------------------------------------------------------


def test_search_save_list_use_and_remove(capsys, home: Path) -> None:
    code, out, _ = run(capsys, home, "search", "save", "Mine", "tag:ml", "OR", "id:2306.00451")
    assert (code, out) == (0, "saved @mine: tag:ml OR id:2306.00451\n")
    code, out, _ = run(capsys, home, "search", "save", "no-deep", "-deep", "cat:cs.CV")  # starts with -
    assert code == 0 and "saved @no-deep: -deep cat:cs.CV" in out
    run(capsys, home, "tag", "add", "ml", CAPTION)
    assert ids_of(capsys, home, "@mine") == {CAPTION, S2ME}
    assert ids_of(capsys, home, "@mine -tag:ml") == {S2ME}
    no_deep = ids_of(capsys, home, "@no-deep")
    assert no_deep and CAPTION not in no_deep

    run(capsys, home, "read", S2ME)
    code, out, _ = run(capsys, home, "search", "list", "--format", "jsonl")
    rows = {row["name"]: row for row in map(json.loads, out.splitlines())}
    assert rows["mine"] == {"name": "mine", "query": "tag:ml OR id:2306.00451", "papers": 2, "unread": 1,
                            "warnings": []}
    assert rows["no-deep"]["papers"] == len(no_deep)
    code, out, _ = run(capsys, home, "search", "list")
    assert out.splitlines()[0].split()[:5] == ["@mine", "2", "papers", "1", "unread"]

    code, out, _ = run(capsys, home, "export", "-q", "@mine", "-f", "id")
    assert (code, sorted(out.split())) == (0, [f"arXiv:{CAPTION}", f"arXiv:{S2ME}"])

    assert run(capsys, home, "search", "remove", "MINE")[:2] == (0, "removed the saved search @mine\n")
    code, _, err = run(capsys, home, "search", "remove", "mine")
    assert code == 1 and "no saved search named mine" in err
    code, _, err = run(capsys, home, "list", "-q", "@mine")
    assert "unknown saved search @mine" in err


def test_search_cycles_and_unknown_names_are_said(capsys, home: Path) -> None:
    code, _, err = run(capsys, home, "search", "save", "a", "@b")
    assert code == 0 and "unknown saved search @b" in err
    run(capsys, home, "search", "save", "b", "@a cat:cs.CV")
    code, out, _ = run(capsys, home, "search", "list")
    assert "refers back to itself (@a -> @b -> @a)" in out
    code, _, err = run(capsys, home, "export", "-q", "@a", "-f", "id")
    assert code == 2 and "refers back to itself" in err  # an export refuses a query it had to cut


def test_search_save_needs_a_query_and_a_good_name(capsys, home: Path) -> None:
    assert run(capsys, home, "search", "save", "empty")[0] == 2
    code, _, err = run(capsys, home, "search", "save", "bad name!", "x")
    assert code == 2 and "saved search name" in err


# -- muting --------------------------------------------------------------------------------


def test_the_mute_search_hides_its_matches_unless_is_muted(capsys, home: Path) -> None:
    everything = ids_of(capsys, home, "")
    code, out, _ = run(capsys, home, "search", "save", "mute", f"id:{CAPTION}", "OR", f"id:{GEO}")
    assert code == 0 and "hidden everywhere" in out
    code, out, err = run(capsys, home, "list", "--format", "jsonl")
    assert {json.loads(line)["id"] for line in out.splitlines()} == everything - {CAPTION, GEO}
    assert "2 muted paper(s) left out" in err
    assert ids_of(capsys, home, "is:muted") == {CAPTION, GEO}
    assert ids_of(capsys, home, "cat:cs.CV") & {CAPTION, GEO} == set()
    code, out, _ = run(capsys, home, "export", "-f", "id", "-q", "deep")
    assert CAPTION not in out.split()
    run(capsys, home, "search", "remove", "mute")
    assert ids_of(capsys, home, "") == everything


# -- notes in exports ----------------------------------------------------------------------


def test_export_with_notes_in_every_format(capsys, home: Path, tmp_path: Path) -> None:
    run(capsys, home, "note", GEO, "--set", "Uses *Big Data* labels,\nsee §3 & 50% off")
    query = f"id:{GEO} OR id:{CAPTION}"
    code, out, _ = run(capsys, home, "export", "-q", query, "-f", "bibtex", "--notes")
    assert code == 0
    assert r"annote        = {Uses *Big Data* labels, see {\textsection}3 \& 50\% off}" in out
    assert out.count("annote") == 1  # the paper without a note has none
    code, plain, _ = run(capsys, home, "export", "-q", query, "-f", "bibtex")
    assert "annote" not in plain  # only with --notes

    code, out, _ = run(capsys, home, "export", "-q", query, "-f", "biblatex", "--notes")
    assert "annote      = {Uses *Big Data* labels, see §3 \\& 50\\% off}" in out
    code, out, _ = run(capsys, home, "export", "-q", query, "-f", "text", "--notes")
    lines = out.splitlines()
    geo_line = lines.index(next(line for line in lines if GEO in line))
    assert lines[geo_line + 1] == "    Note: Uses *Big Data* labels, see §3 & 50% off"
    code, out, _ = run(capsys, home, "export", "-q", query, "-f", "markdown", "--notes")
    assert "    Note: Uses \\*Big Data\\* labels, see §3 & 50% off" in out

    bib = tmp_path / "mine.bib"
    code, _, err = run(capsys, home, "export", "-q", f"id:{GEO}", "--append", str(bib), "--notes")
    assert code == 0, err
    assert "annote" in bib.read_text()
