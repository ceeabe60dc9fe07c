"""A command-line question is answered only by keys typed after it was printed (review H3)."""

from __future__ import annotations

import io
import os
import select
import sys
from pathlib import Path

import pytest

from tui import cli_ask
from tui.cli import main
from tui.core.store import Store

termios = pytest.importorskip("termios")

IR = Path(__file__).resolve().parents[1] / "data" / "digests" / "cs.IR" / "2026" / "07"


class QuestionWatcher(io.StringIO):
    """A standard error that, once the question is on it, has the person type ``later``."""

    def __init__(self, master: int, later: bytes) -> None:
        super().__init__()
        self.master, self.later = master, later

    def flush(self) -> None:
        super().flush()
        if "[y/N]" in self.getvalue() and self.later:
            os.write(self.master, self.later)
            self.later = b""


@pytest.fixture
def terminal(monkeypatch):
    """A pseudo-terminal as standard input; yields a function that types on it."""
    master, slave = os.openpty()
    stdin = io.TextIOWrapper(io.FileIO(slave, "r", closefd=True))
    monkeypatch.setattr(sys, "stdin", stdin)

    def type_ahead(keys: bytes) -> None:
        os.write(master, keys)
        # Wait until the line sits in the terminal's input queue, as keys typed seconds ago do.
        assert select.select([slave], [], [], 5)[0]

    yield master, type_ahead
    stdin.close()
    os.close(master)


@pytest.mark.parametrize(("ahead", "later", "expected"), [
    (b"y\n", b"\n", False),   # the y typed early is thrown away; Enter after the question says no
    (b"y\n", b"n\n", False),
    (b"n\n", b"y\n", True),   # only what is typed after the question counts
    (b"", b"yes\n", True),
])
def test_keys_typed_before_the_question_do_not_answer_it(terminal, monkeypatch, ahead, later, expected):
    master, type_ahead = terminal
    if ahead:
        type_ahead(ahead)
    monkeypatch.setattr(sys, "stderr", QuestionWatcher(master, later))
    assert cli_ask.ask_yes("remove everything?") is expected


def test_remove_is_not_answered_by_a_y_typed_ahead(tmp_path: Path, terminal, monkeypatch):
    """The review's steps: `y⏎` typed while the command starts, Enter after the question."""
    master, type_ahead = terminal
    home = tmp_path / "home"
    assert main(["--home", str(home), "import", str(IR)]) == 0
    type_ahead(b"y\n")
    watcher = QuestionWatcher(master, b"\n")
    monkeypatch.setattr(sys, "stderr", watcher)
    assert main(["--home", str(home), "remove", "/"]) == 1
    assert "[y/N]" in watcher.getvalue() and "nothing removed" in watcher.getvalue()
    assert len(Store(home).load_papers()) > 0


def test_no_terminal_behind_standard_input_is_left_alone():
    cli_ask.discard_typed_ahead(io.StringIO("y\n"))  # no fileno: nothing to flush, no error
    read, write = os.pipe()
    try:
        os.write(write, b"y\n")
        with open(read, "rb", closefd=False) as pipe:
            cli_ask.discard_typed_ahead(pipe)  # not a terminal: its data stays
            assert os.read(read, 10) == b"y\n"
    finally:
        os.close(read)
        os.close(write)
