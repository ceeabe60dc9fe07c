"""Editing a text in the user's own editor (``$VISUAL``, else ``$EDITOR``): the note command and ``N``.

The text goes to a temporary Markdown file, the editor runs on it in the
foreground, and what it left there comes back; the file is removed whatever
happens. Nothing here decides what to do with the result.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

#: The keyboard's signals (Ctrl-C, Ctrl-\\) that belong to the editor while it runs.
_KEYBOARD_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGQUIT") if hasattr(signal, name))


class EditorError(Exception):
    """The editor could not be run or did not finish well; the message says why (nothing was changed).

    ``text`` is what the editor left in its file (``None`` when it could not be
    read), so that the caller can offer it again instead of losing it;
    ``interrupted`` says that Ctrl-C ended the editor.
    """

    def __init__(self, message: str, text: str | None = None, interrupted: bool = False) -> None:
        super().__init__(message)
        self.text = text
        self.interrupted = interrupted


def configured_editor() -> str:
    """The editor command the user chose (``$VISUAL``, else ``$EDITOR``), or "" when none."""
    return os.environ.get("VISUAL", "").strip() or os.environ.get("EDITOR", "").strip()


def _let_pass(signum, frame) -> None:  # noqa: ARG001 - a signal handler's signature
    """Do nothing: the keyboard's signal was meant for the editor, which got it too."""


@contextlib.contextmanager
def keyboard_signals_to_the_editor() -> Iterator[None]:
    """While the body runs, Ctrl-C and Ctrl-\\ do nothing to this process (as git does around
    an editor): the terminal sends them to the editor as well, which decides. The handlers
    are put back afterwards. A Python handler rather than ``SIG_IGN``, because an ignored
    signal would stay ignored in the editor too, while a handled one is reset when it starts."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may
        yield
        return
    before = {number: signal.signal(number, _let_pass) for number in _KEYBOARD_SIGNALS}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


def _describe_status(status: int) -> str:
    """How the editor ended, in words (a negative status is the signal that ended it)."""
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        return f"the editor was ended by {name}" + (" (Ctrl-C)" if -status == signal.SIGINT else "")
    return f"the editor exited with status {status}"


def edit_text(text: str, editor: str, name: str = "note") -> str | None:
    """``text`` as the user left it in ``editor`` (a shell-quoted command); ``None`` when
    unchanged (trailing white space aside). Raises :class:`EditorError`."""
    safe = "".join(c if c.isalnum() or c in ".-_" else "_" for c in name)
    handle, file_name = tempfile.mkstemp(prefix=f"arxiv-reader-{safe}-", suffix=".md")
    path = Path(file_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text + ("\n" if text else ""))
        try:
            with keyboard_signals_to_the_editor():
                status = subprocess.run([*shlex.split(editor), str(path)]).returncode
        except (OSError, ValueError) as error:  # not found, not executable, bad quoting
            raise EditorError(f"cannot run the editor {editor!r}: {error}") from None
        if status != 0:
            try:
                left = _decode(path.read_bytes())[0]
            except OSError:
                left = None
            raise EditorError(_describe_status(status), left, interrupted=status == -signal.SIGINT)
        try:
            edited, bad_line = _decode(path.read_bytes())
        except FileNotFoundError:
            raise EditorError("the editor removed the file") from None
    finally:
        path.unlink(missing_ok=True)
    if bad_line:  # an editor set to Latin-1: saving it would keep a guess, or lose characters
        raise EditorError(f"the editor wrote text that is not UTF-8 (first at line {bad_line}), read here as "
                          "Latin-1 where it is not (set the editor to write UTF-8)", edited)
    return None if edited.rstrip() == text.rstrip() else edited


def _decode(data: bytes) -> tuple[str, int]:
    """``data`` as text, and the line of its first byte that is not UTF-8 (0: none). Such bytes
    are read as Latin-1 (each one a character, so nothing is lost) rather than replaced."""
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
    kept = data.decode("utf-8", errors="surrogateescape")
    return "".join(chr(ord(c) - 0xDC00) if "\udc80" <= c <= "\udcff" else c for c in kept), line


def keep_recovery(text: str, folder: Path, name: str = "note") -> Path:
    """Write ``text`` to a new file in ``folder`` (made when missing) and answer its path: the
    user's words when they cannot be saved where they were meant to go."""
    safe = "".join(c if c.isalnum() or c in ".-_" else "_" for c in name)
    folder.mkdir(parents=True, exist_ok=True)
    handle, file_name = tempfile.mkstemp(prefix=f"{safe}-", suffix=".md", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    return Path(file_name)
