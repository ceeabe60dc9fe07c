"""The reading list's commands at their edges: arguments that are not UTF-8, replacing a
saved search, tagging what is already tagged, a broken mute search, notes through a pipe.

As in ``test_cli_reading``, ``main`` runs in-process on the ``home`` fixture (two cs.CV days).
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import pytest

from tui.cli import main

CAPTION = "2201.12944"
GEO = "2202.00067"


def run(capsys, home: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def latin1(text: str) -> str:
    """``text`` as Python shows a Latin-1 command-line argument on a UTF-8 system (lone surrogates)."""
    return os.fsdecode(text.encode("latin-1"))


# -- arguments that are not UTF-8 ---------------------------------------------------------------


def test_a_latin1_note_is_read_as_latin1_and_said(capsys, home: Path) -> None:
    code, out, err = run(capsys, home, "note", CAPTION, "--set", latin1("Café"))
    assert code == 0, err
    assert err == "arxiv-reader: the note is not UTF-8; read as Latin-1: 'Café'\n"
    assert run(capsys, home, "note", CAPTION)[1] == "Café\n"


@pytest.mark.parametrize("argv", [
    ("tag", "add", latin1("café"), CAPTION),
    ("tag", "remove", latin1("café"), CAPTION),
    ("search", "save", latin1("café"), "x"),
    ("search", "save", "latq", latin1("café")),
    ("search", "remove", latin1("café")),
    ("export", "-q", CAPTION, "--key-template", latin1("{auth}é")),
    ("list", "-q", latin1("café")),
])
def test_every_text_argument_that_is_not_utf8_gets_one_line_never_a_traceback(capsys, home: Path, argv) -> None:
    code, _, err = run(capsys, home, *argv)
    assert code in (0, 1, 2)
    assert "read as Latin-1" in err.splitlines()[0]
    assert "\\udc" not in err and "Traceback" not in err


def test_latin1_names_and_queries_are_stored_readable(capsys, home: Path) -> None:
    run(capsys, home, "tag", "add", latin1("Café"), CAPTION)
    run(capsys, home, "search", "save", latin1("Thé"), latin1("café"))
    assert run(capsys, home, "tags")[1].startswith("café ")
    assert "@thé" in run(capsys, home, "search", "list")[1]
    assert " café" in run(capsys, home, "search", "list")[1]


def test_note_edit_refuses_an_editors_latin1_text_and_keeps_it(capsys, home: Path, tmp_path: Path,
                                                                 monkeypatch) -> None:
    run(capsys, home, "note", CAPTION, "--set", "kept")
    script = tmp_path / "latin1.py"
    script.write_text("import sys\nopen(sys.argv[1], 'wb').write(b'Caf\\xe9 na\\xefve\\n')\n")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    code, out, err = run(capsys, home, "note", CAPTION, "--edit")
    assert code == 1 and out == ""
    assert "not UTF-8 (first at line 1)" in err and "the note is left as it was" in err
    assert Path(err.split("kept in ")[1].split()[0]).read_text(encoding="utf-8") == "Café naïve\n"
    assert run(capsys, home, "note", CAPTION)[1] == "kept\n"


# -- replacing a saved search ------------------------------------------------------------------


def test_search_save_over_an_existing_name_needs_force_and_says_the_old_query(capsys, home: Path) -> None:
    assert run(capsys, home, "search", "save", "llmq", "ti:llm")[:2] == (0, "saved @llmq: ti:llm\n")
    code, out, err = run(capsys, home, "search", "save", "llmq", "ti:other")
    assert (code, out) == (1, "")
    assert err == "arxiv-reader: not saved: @llmq already holds: ti:llm; to replace it, add --force\n"
    assert "@llmq" in run(capsys, home, "search", "list")[1] and "ti:llm" in run(capsys, home, "search", "list")[1]
    assert run(capsys, home, "search", "save", "llmq", "ti:llm")[:2] == (
        0, "@llmq already holds this query; nothing changed\n")
    assert run(capsys, home, "search", "save", "--force", "llmq", "ti:other")[:2] == (
        0, "replaced @llmq (was: ti:llm): ti:other\n")
    assert run(capsys, home, "search", "save", "LLMQ", "ti:third", "--force")[:2] == (  # --force last, too
        0, "replaced @llmq (was: ti:other): ti:third\n")


def test_a_mute_search_that_matches_nothing_says_it_hides_nothing(capsys, home: Path) -> None:
    code, out, err = run(capsys, home, "search", "save", "mute", "@mute")
    assert code == 0 and "refers back to itself" in err
    assert "it hides nothing" in out and "now hidden" not in out
    run(capsys, home, "search", "save", "--force", "mute", "@nosuch")
    code, _, err = run(capsys, home, "export", "-q", "cat:cs.CV", "-f", "id")
    assert code == 2 and "in @mute, the saved search that hides papers (not in your query)" in err
    code, out, _ = run(capsys, home, "search", "save", "--force", "mute", f"id:{CAPTION}")
    assert "its matches are now hidden everywhere" in out


# -- a name written -name -----------------------------------------------------------------------


@pytest.mark.parametrize("argv, said", [
    (("tag", "add", "-x", CAPTION), "a tag name cannot start with '-' ('-x')"),
    (("tag", "add", "-x", CAPTION, GEO), "a tag name cannot start with '-' ('-x')"),
    (("tag", "remove", "-x", CAPTION, GEO), "a tag name cannot start with '-' ('-x')"),
    (("search", "save", "-x", "ti:llm"), "a saved search's name cannot start with '-' ('-x')"),
    (("search", "save", "-x", "ti:llm", "cat:cs.CV"), "a saved search's name cannot start with '-' ('-x')"),
    (("search", "remove", "-x"), "a saved search's name cannot start with '-' ('-x')"),
])
def test_a_name_written_with_a_dash_is_said_however_many_words_follow(capsys, home: Path, argv, said) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--home", str(home), *argv])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "unrecognized" not in err


def test_a_query_word_starting_with_a_dash_is_still_a_query(capsys, home: Path) -> None:
    assert run(capsys, home, "search", "save", "no-deep", "-deep", "-x")[:2] == (0, "saved @no-deep: -deep -x\n")


def test_tag_add_says_which_papers_already_had_the_tag(capsys, home: Path) -> None:
    assert run(capsys, home, "tag", "add", "keep", CAPTION)[:2] == (0, f"tagged keep: {CAPTION}\n")
    code, out, _ = run(capsys, home, "tag", "add", "keep", CAPTION, GEO)
    assert (code, out) == (0, f"tagged keep: {GEO}\nalready tagged keep (nothing to add): {CAPTION}\n")
    assert run(capsys, home, "tag", "add", "keep", CAPTION)[1] == f"already tagged keep (nothing to add): {CAPTION}\n"


def test_note_prints_the_stored_text_into_a_pipe_and_escapes_it_only_on_a_terminal(capsys, home: Path,
                                                                                     monkeypatch) -> None:
    import tui.cli_reading

    note = "bold \x1b[1mword\x1b[0m and \u202eevil"
    run(capsys, home, "note", CAPTION, "--set", note)
    assert run(capsys, home, "note", CAPTION)[1] == note + "\n"  # capsys is not a terminal
    monkeypatch.setattr(tui.cli_reading, "stdout_is_terminal", lambda: True)
    shown = run(capsys, home, "note", CAPTION)[1]
    assert "\x1b" not in shown and "\u202e" not in shown and "\\x1b[1mword" in shown


# -- a note set to what it already is -----------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "  \n", "\r\n"])
def test_removing_a_note_that_is_not_there_says_so_and_writes_nothing(capsys, home: Path, monkeypatch, blank) -> None:
    """Review L3: ``note ID --set ''`` on a paper without a note said "removed the note"."""
    from tui.core.store import Store

    written: list[object] = []
    monkeypatch.setattr(Store, "change_state", lambda self, changes, *a, **k: written.append(changes))
    code, out, err = run(capsys, home, "note", GEO, "--set", blank)
    assert (code, out, err) == (0, f"{GEO} has no note; nothing removed\n", "")
    assert written == []


def test_setting_a_note_to_the_same_text_says_it_is_unchanged(capsys, home: Path, monkeypatch) -> None:
    from tui.core.store import Store

    assert run(capsys, home, "note", GEO, "--set", "keep me")[0] == 0
    written: list[object] = []
    monkeypatch.setattr(Store, "change_state", lambda self, changes, *a, **k: written.append(changes))
    assert run(capsys, home, "note", GEO, "--set", "keep me  \n") == (0, f"the note of {GEO} is unchanged\n", "")
    assert written == []
    monkeypatch.undo()
    assert run(capsys, home, "note", GEO, "--set", "")[1] == f"removed the note of {GEO}\n"
    assert run(capsys, home, "note", GEO, "--set", "")[1] == f"{GEO} has no note; nothing removed\n"
