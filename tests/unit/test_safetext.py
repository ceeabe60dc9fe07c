"""Text from files made safe to print: escapes for controls, bidi and undecodable bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.core.safetext import Notices, escape_controls, show_path
from tui.core.store import Store


@pytest.mark.parametrize(
    "text,shown",
    [
        ("plain Dünnwald 論文 🙂", "plain Dünnwald 論文 🙂"),
        ("a\x1b]52;c;aGk=\x07b", "a\\x1b]52;c;aGk=\\x07b"),
        ("\x1b[2J\x9b1m", "\\x1b[2J\\x9b1m"),
        ("line\nbreak\ttab\r", "line\\x0abreak\\x09tab\\x0d"),
        ("abc\u202edef\u2066x\u2069", "abc\\u202edef\\u2066x\\u2069"),
        (os.fsdecode(b"name\xff.md"), "name\\xff.md"),
        ("\ud800", "\\ud800"),
    ],
)
def test_escape_controls(text: str, shown: str) -> None:
    assert escape_controls(text) == shown
    shown.encode("utf-8")  # always printable, whatever the terminal's encoding


def test_show_path_takes_bytes_and_paths() -> None:
    assert show_path(Path("/a/\x1bb")) == "/a/\\x1bb"
    assert show_path(b"/a/\xff") == "/a/\\xff"


def test_notices_escape_and_tell_subscribers() -> None:
    notices = Notices()
    heard: list[str] = []
    notices.append("before \x1b")
    notices.subscribe(heard.append)
    notices.append("after \x07")
    assert list(notices) == ["before \\x1b", "after \\x07"] and heard == ["after \\x07"]


def test_store_messages_are_escaped(tmp_path: Path) -> None:
    home = tmp_path / "evil\x1b]0;title\x07"
    home.mkdir()
    (home / "library").write_text("a file where the library folder should be")
    store = Store(home)
    assert store.messages and all("\x1b" not in m and "\x07" not in m for m in store.messages)
    assert any("\\x1b]0;title" in m for m in store.messages)
