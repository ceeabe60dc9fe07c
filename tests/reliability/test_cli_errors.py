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


COMMANDS = [["list", "-q", "is:starred"], ["stats"], ["export", "-f", "id"], ["star", "2607.16660"],
            ["import", str(DAY)]]


def _cut_line_1(path: Path) -> None:
    os.truncate(path, 60)


def _cut_last_line(path: Path) -> None:
    os.truncate(path, path.stat().st_size - 30)


def _emptied(path: Path) -> None:
    os.truncate(path, 0)


@pytest.mark.parametrize("damage", [_cut_line_1, _cut_last_line, _emptied], ids=lambda f: f.__name__[1:])
@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_state_file_cut_short_is_said_by_every_command(capsys, home: Path, monkeypatch, command, whose,
                                                         damage) -> None:
    """Review finding 4: `truncate -s 60` of the state file, then `list -q is:starred` printed
    nothing, exit 0; cutting the last line lost a read mark silently; another device's file
    cut mid-line was never reported."""
    monkeypatch.setenv("ARXIV_READER_DEVICE", "desk")
    assert main(["--home", str(home), "read", "2607.16633", "2607.16660"]) == 0
    monkeypatch.setenv("ARXIV_READER_DEVICE", "desk" if whose == "own" else "lap")
    capsys.readouterr()
    path = home / "state" / "desk.jsonl"
    damage(path)
    code, _, err = run(capsys, "--home", str(home), *command)
    assert code == 0 and "Traceback" not in err
    assert "desk.jsonl" in err and ("cut short" in err or "incomplete" in err or "empty" in err), err


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
    # list answers from the search index alone; star needs the library's ids, so reads index.json.
    code, out, err = run(capsys, "--home", str(home), "star", "2607.16660")
    assert code == 0 and "index.json" in err and "Permission denied" in err and "rebuilt" in err
    code, out, err = run(capsys, "--home", str(home), "list")
    assert code == 0 and "2607.16633" in out and "2607.16660" in out


def test_an_index_with_mode_000_is_rebuilt_once_and_readable_again(capsys, home: Path, monkeypatch) -> None:
    """Review (minor): rebuilt, then written in place keeping mode 000: rebuilt at every run."""
    from tui.core import storage

    index = home / "library" / "index.json"
    real = storage.AtomicJSONStorage.read

    def as_a_user(self):  # (the tests may run as root, who reads anything)
        if self.path == index and not index.stat().st_mode & 0o444:
            raise PermissionError(13, "Permission denied", str(index))
        return real(self)

    monkeypatch.setattr(storage.AtomicJSONStorage, "read", as_a_user)
    index.chmod(0)
    code, out, err = run(capsys, "--home", str(home), "star", "2607.16660")
    assert code == 0 and "wrote it anew, readable" in err, err
    assert index.stat().st_mode & 0o777 == 0o666 & ~_umask()
    code, out, err = run(capsys, "--home", str(home), "list")  # the search index follows the rebuilt library
    assert code == 0 and "2607.16660" in out and "index.json" not in err.replace("search index", ""), err
    code, out, err = run(capsys, "--home", str(home), "list")
    assert code == 0 and err == ""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# -- never a traceback -----------------------------------------------------------------------


def test_invalid_utf8_in_a_query_is_no_traceback(home: Path) -> None:
    done = run_process("--home", os.fsdecode(bytes(home)), "list", "-q", os.fsdecode(b"ti:\xff"))
    # Read as Latin-1 ("ti:ÿ", which folds to "y" and so matches), with a note.
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    assert "read as Latin-1: 'ti:ÿ'" in done.stderr.decode()


@pytest.mark.parametrize("command", [["star", "2607.16633"], ["unstar", "2607.16633"], ["read", "2607.16633"],
                                     ["unread", "2607.16633"], ["import", str(DAY)], ["list"], ["stats"],
                                     ["export", "-f", "id"], ["remove", str(DAY)]])
@pytest.mark.parametrize("how", ["--home", "XDG_DATA_HOME"])
def test_home_pointing_at_a_file_is_one_line_and_exit_1(tmp_path: Path, command: list[str], how: str) -> None:
    """Review finding 11: list and stats printed three notices, empty output, exit 0; star
    said 'not an arXiv id in the library'. One line naming what failed and where, exit 1."""
    target = tmp_path / "a-file"
    target.write_text("not a folder")
    if how == "--home":
        done = run_process("--home", str(target), *command)
    else:
        done = run_process(*command, env={"XDG_DATA_HOME": str(target), "ARXIV_READER_HOME": ""})
    err = done.stderr.decode()
    assert done.returncode == 1 and done.stdout == b"", err
    (line,) = err.splitlines()
    assert str(target) in line and "Not a directory" in line and "data folder" in line, line


def test_a_state_write_that_fails_is_one_line_and_exit_1(capsys, home: Path, monkeypatch) -> None:
    import tui.core.store.statewrite as statefile

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


# -- nothing from a file reaches the terminal raw (review finding 9) ----------------------------

HOSTILE = "\x1b]0;PWNED\x07\x1b[2J\u202e\x9b31m"
_RAW = ("\x1b", "\x07", "\u202e", "\x9b")


def hostile_library(tmp_path: Path) -> Path:
    """A digest whose header category, folder name and first title carry escape sequences."""
    text = DAY.read_text(encoding="utf-8")
    text = text.replace("# Arxiv Papers in cs.IR", f"# Arxiv Papers in cs.{HOSTILE}IR", 1)
    first = text.index("### ") + 4
    text = text[:first] + f"Evil{HOSTILE} title " + text[first:]
    folder = tmp_path / f"cs.{HOSTILE}X"
    folder.mkdir()
    (folder / "20260718.md").write_text(text, encoding="utf-8")
    home = tmp_path / "home"
    assert main(["--home", str(home), "import", str(folder)]) == 0
    return home


@pytest.mark.parametrize("command", [["stats"], ["list"], ["list", "--format", "jsonl"], ["star", "2607.16633"]])
def test_fields_from_files_are_printed_inert(tmp_path: Path, capsys, command) -> None:
    """Review finding 9: stats printed a category holding an OSC title sequence and a
    clear-screen raw; list printed U+202E in titles raw."""
    home = hostile_library(tmp_path)
    capsys.readouterr()
    code, out, err = run(capsys, "--home", str(home), *command)
    assert code == 0, err
    for char in _RAW:
        assert char not in out and char not in err, (command, char, out)
    if command[0] == "list" and len(command) > 1:
        titles = [orjson.loads(line)["title"] for line in out.splitlines()]
        assert any("Evil]0;PWNED[2J\u202e31m title" in title for title in titles)  # the same data
    elif command == ["stats"]:
        assert "\\x1b]0;PWNED\\x07" in out and "\\u202e" in out


def test_export_failures_name_the_file_and_success_is_escaped(tmp_path: Path, capsys, monkeypatch) -> None:
    """Review (minor): on a full disk export said "can't write : No space left on device"; into
    a read-only folder it named its temporary file; "wrote ... to PATH" printed PATH raw."""
    from tui.core import atomic

    home = tmp_path / "home"
    assert main(["--home", str(home), "import", str(DAY)]) == 0
    capsys.readouterr()
    target = tmp_path / "refs\x1b[2J.bib"
    code, _, err = run(capsys, "--home", str(home), "export", "-o", str(target))
    assert code == 0 and "\x1b" not in err and "refs\\x1b[2J.bib" in err, err
    real_open = os.open

    def read_only(path, flags, *args):
        if str(path).endswith(".tmp"):
            raise OSError(30, "Read-only file system", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(atomic.os, "open", read_only)
    code, _, err = run(capsys, "--home", str(home), "export", "-o", str(tmp_path / "new.bib"))
    assert code == 1 and f"{tmp_path / 'new.bib'}: Read-only file system" in err and ".tmp" not in err, err
    monkeypatch.undo()

    def full(fd):
        raise OSError(28, "No space left on device")  # as a write or fsync says it: no file name

    monkeypatch.setattr(atomic.os, "fsync", full)
    code, _, err = run(capsys, "--home", str(home), "export", "-o", str(tmp_path / "full.bib"))
    assert code == 1 and f"{tmp_path / 'full.bib'}: No space left on device" in err, err


@pytest.mark.parametrize("form", ["text", "bibtex", "markdown", "jsonl"])
def test_export_to_a_terminal_is_inert(tmp_path: Path, form: str) -> None:
    import pty

    home = hostile_library(tmp_path)
    leader, follower = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "tui", "--home", str(home), "export", "-f", form],
                             cwd=ROOT, stdout=follower, stderr=subprocess.PIPE)
    os.close(follower)
    shown = b""
    try:
        while True:  # read as it comes: a full terminal buffer would stop the writer
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the writer closed the terminal
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert child.wait(60) == 0, child.stderr.read()
    assert b"Evil" in shown and not any(char.encode() in shown for char in _RAW), shown


@pytest.mark.parametrize("command", [["import", str(DAY)], ["list"], ["stats"], ["export", "-f", "id"],
                                     ["star", "2607.16660"], ["unstar", "2607.16633"], ["read", "2607.16660"],
                                     ["unread", "2607.16660"], ["config"], ["remove", str(DAY)]])
def test_a_closed_stdout_is_one_line_for_every_command_and_the_work_is_done(home: Path, command) -> None:
    """Review finding 8: with stdout closed (>&-) every command printed a traceback after
    doing its work. One wrapper in the entry point: one line, exit 1, and the change saved."""
    done = subprocess.run(["bash", "-c", 'exec "$@" >&-', "-", sys.executable, "-m", "tui", "--home", str(home),
                           *command], cwd=ROOT, capture_output=True, timeout=60)
    err = done.stderr.decode()
    assert done.returncode == 1 and "Traceback" not in err, err
    assert err.strip().splitlines()[-1].endswith("standard output is closed; nothing could be printed"), err
    store = Store(home)
    if command[0] == "star":
        assert store.get_state("2607.16660").starred
    elif command[0] == "unstar":
        assert not store.get_state("2607.16633").starred
    elif command[0] == "remove":
        assert store.load_papers() == []
