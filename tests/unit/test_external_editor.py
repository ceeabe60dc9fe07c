"""Running the user's editor (:mod:`tui.external_editor`): Ctrl-C belongs to the editor, and the
editor's file comes back as written."""

from __future__ import annotations

import shlex
import signal
import sys
from pathlib import Path

import pytest

from tui.external_editor import EditorError, edit_text


def _editor(tmp_path: Path, body: str) -> str:
    """A shell-quoted editor command running the Python ``body`` (``path`` is the file it edits)."""
    script = tmp_path / "editor.py"
    script.write_text("import os, pathlib, signal, sys, time\npath = pathlib.Path(sys.argv[1])\n" + body)
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"


def test_ctrl_c_during_the_editor_is_the_editors(tmp_path: Path) -> None:
    """The terminal sends Ctrl-C to the whole foreground group: the editor (here one that
    ignores it, like ed) goes on, and so does the caller, which gets the text."""
    before = signal.getsignal(signal.SIGINT)
    editor = _editor(tmp_path, (
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "os.kill(os.getppid(), signal.SIGINT)\n"
        "time.sleep(0.3)\n"
        "path.write_text('kept after Ctrl-C\\n')\n"
    ))
    try:
        edited = edit_text("", editor)
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C in the editor reached the caller")
    assert edited == "kept after Ctrl-C\n"
    assert signal.getsignal(signal.SIGINT) is before  # put back afterwards


def test_the_editor_gets_ctrl_c_as_usual(tmp_path: Path) -> None:
    """The editor does not inherit an ignored SIGINT: Python in it has its usual handler."""
    editor = _editor(tmp_path, "path.write_text(repr(signal.getsignal(signal.SIGINT)))\n")
    assert "default_int_handler" in edit_text("", editor)


def test_an_editor_ended_by_ctrl_c_is_said_so(tmp_path: Path) -> None:
    editor = _editor(tmp_path, "path.write_text('half')\nos.kill(os.getpid(), signal.SIGINT)\ntime.sleep(5)\n")
    with pytest.raises(EditorError) as caught:
        edit_text("", editor)
    assert "ended by SIGINT (Ctrl-C)" in str(caught.value)
    assert caught.value.interrupted and caught.value.text == "half"


def test_an_editor_writing_latin1_is_refused_with_the_text_read_as_latin1(tmp_path: Path) -> None:
    """Not saved with replacement characters: refused, with the text read as Latin-1 where it is
    not UTF-8 (the UTF-8 part as it is), for the caller to offer again."""
    editor = _editor(tmp_path, "path.write_bytes('日本\\n'.encode() + b'Caf\\xe9 na\\xefve\\n')\n")
    with pytest.raises(EditorError) as caught:
        edit_text("日本", editor)
    assert "not UTF-8 (first at line 2)" in str(caught.value) and "Latin-1" in str(caught.value)
    assert caught.value.text == "日本\nCafé naïve\n" and not caught.value.interrupted
