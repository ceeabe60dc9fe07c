"""The command line is never silent about the user's data and never shows a traceback.

Every notice the store raises, even after it opened, reaches stderr; every
failure to read or write is one line naming what failed and where, exit 1;
nothing from a file name reaches the terminal raw; the reader refuses to run
without a terminal.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tui.cli import main
from tui.core.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
DAY = DATA / "cs.IR" / "2026" / "07" / "20260718.md"
ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*argv: str, env: dict | None = None, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    environment = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "tui", *argv], cwd=ROOT, env=environment, stdin=stdin,
                          capture_output=True, timeout=60)


@pytest.fixture
def home(tmp_path: Path, capsys) -> Path:
    home = tmp_path / "home"
    assert main(["--home", str(home), "import", str(DAY)]) == 0
    assert main(["--home", str(home), "star", "2607.16633"]) == 0
    capsys.readouterr()
    return home


# -- never silent ------------------------------------------------------------------------


def test_a_damaged_state_file_is_said_by_every_command(capsys, home: Path) -> None:
    state = Store(home).state_path
    state.write_bytes(state.read_bytes()[:-10])  # a line cut short
    for command in (["list", "-q", "-is:starred"], ["stats"], ["star", "2607.16660"]):
        state.write_bytes(b'{"_meta": broken\n')
        code, _, err = run(capsys, "--home", str(home), *command)
        assert state.name in err and "copy" in err, (command, err)
        assert code == 0


def test_a_newer_state_file_is_refused_loudly_and_left_as_it_is(capsys, home: Path) -> None:
    state = Store(home).state_path
    newer = orjson.dumps({"_meta": {"1": {"schema": 99}}, "columns": {}}) + b"\n"
    state.write_bytes(newer)
    code, out, err = run(capsys, "--home", str(home), "list", "-q", "is:starred")
    assert code == 1 and out == "" and "newer" in err and state.name in err and "no paper matches" in err
    code, _, err = run(capsys, "--home", str(home), "star", "2607.16660")
    assert code == 1 and "newer" in err and "Traceback" not in err
    assert state.read_bytes() == newer


def test_an_unreadable_index_is_rebuilt_and_said(capsys, home: Path, monkeypatch) -> None:
    from tui.core import storage

    index = home / "library" / "index.json"
    real = storage.AtomicJSONStorage.read

    def unreadable(self):
        if self.path == index:
            raise PermissionError(13, "Permission denied", str(index))
        return real(self)

    monkeypatch.setattr(storage.AtomicJSONStorage, "read", unreadable)
    code, out, err = run(capsys, "--home", str(home), "list")
    assert code == 0 and "2607.16633" in out
    assert "index.json" in err and "Permission denied" in err and "rebuilt" in err


# -- never a traceback -----------------------------------------------------------------------


def test_invalid_utf8_in_a_query_is_no_traceback(home: Path) -> None:
    done = run_process("--home", os.fsdecode(bytes(home)), "list", "-q", os.fsdecode(b"ti:\xff"))
    # Read as Latin-1 ("ti:ÿ", which folds to "y" and so matches), with a note.
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    assert "read as Latin-1: 'ti:ÿ'" in done.stderr.decode()


@pytest.mark.parametrize("command", [["star", "2607.16633"], ["unstar", "2607.16633"], ["read", "2607.16633"],
                                     ["unread", "2607.16633"], ["import", str(DAY)]])
def test_home_pointing_at_a_file_is_one_line_and_exit_1(tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "a-file"
    target.write_text("not a folder")
    for how in ({"XDG_DATA_HOME": str(target)}, {}):
        argv = command if how else ["--home", str(target / "arxiv-reader"), *command]
        env = {**how, "ARXIV_READER_HOME": ""} if how else {}
        done = run_process(*argv, env=env)
        err = done.stderr.decode()
        assert b"Traceback" not in done.stderr, err
        if command[0] in ("star", "unstar", "read", "unread"):
            assert done.returncode == 1, err  # no library: the ids are unknown, said in one line
        else:
            assert done.returncode == 1 and str(target) in err, err


def test_a_state_write_that_fails_is_one_line_and_exit_1(capsys, home: Path, monkeypatch) -> None:
    import tui.core.store.statefile as statefile

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(statefile.os, "write", full)
    code, out, err = run(capsys, "--home", str(home), "star", "2607.16660")
    assert code == 1 and out == ""
    (line,) = [line for line in err.splitlines() if line.strip()]
    assert "No space left on device" in line and str(home) in line


def test_an_import_into_a_library_that_cannot_be_written_is_one_line(capsys, home: Path, monkeypatch) -> None:
    import tui.core.store.library as library_module

    def refuse(*args, **kwargs):
        raise PermissionError(30, "Read-only file system", str(home / "library"))

    monkeypatch.setattr(library_module, "lock_for", refuse)
    code, _, err = run(capsys, "--home", str(home), "import", str(DAY))
    assert code == 1 and "Read-only file system" in err and "Traceback" not in err


# -- nothing from a file reaches the terminal raw ----------------------------------------------


def test_control_characters_in_paths_and_problems_are_escaped(capsys, tmp_path: Path) -> None:
    folder = tmp_path / "evil\x1b]52;c;aGk=\x07\x1b[2J"
    folder.mkdir()
    (folder / "20260718.md").write_bytes(DAY.read_bytes()[:300])  # a problem: truncated
    (folder / "x\x9b.md").write_bytes(b"\x00binary")
    code, out, err = run(capsys, "--home", str(tmp_path / "home"), "import", str(folder))
    assert "\x1b" not in out + err and "\x07" not in err and "\x9b" not in err
    assert "\\x1b]52" in err


# -- never a hang ------------------------------------------------------------------------------


def test_the_reader_refuses_without_a_terminal(tmp_path: Path) -> None:
    done = run_process("--home", str(tmp_path / "home"))
    assert done.returncode == 1 and b"terminal" in done.stderr and not done.stdout
    assert b"Traceback" not in done.stderr
    listed = run_process("--home", str(tmp_path / "home"), "list")  # subcommands work in pipes
    assert listed.returncode == 0


def test_an_unreadable_state_file_is_said_and_a_change_fails_in_one_line(capsys, home: Path, monkeypatch) -> None:
    state = Store(home).state_path
    real_open = os.open

    def denied(path, *args, **kwargs):
        if os.fspath(path) == str(state):
            raise PermissionError(13, "Permission denied", str(state))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    code, out, err = run(capsys, "--home", str(home), "list", "-q", "is:starred")
    assert code == 1 and out == "" and "Permission denied" in err and state.name in err and "no paper matches" in err
    code, out, err = run(capsys, "--home", str(home), "star", "2607.16660")
    assert code == 1 and "Traceback" not in err
    assert "Permission denied" in err.splitlines()[-1] and str(home) in err.splitlines()[-1]
    monkeypatch.undo()
    assert Store(home).states()["2607.16633"].starred  # nothing was lost or replaced
