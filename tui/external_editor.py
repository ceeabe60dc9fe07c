"""Editing a text in the user's own editor (``$VISUAL``, else ``$EDITOR``): the note command and ``N``.

The text goes to a temporary Markdown file, the editor runs on it in the
foreground, and what it left there comes back; the file is removed whatever
happens. Nothing here decides what to do with the result.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path


class EditorError(Exception):
    """The editor could not be run or did not finish well; the message says why (nothing was changed).

    ``text`` is what the editor left in its file (``None`` when it could not be
    read), so that the caller can offer it again instead of losing it.
    """

    def __init__(self, message: str, text: str | None = None) -> None:
        super().__init__(message)
        self.text = text


def configured_editor() -> str:
    """The editor command the user chose (``$VISUAL``, else ``$EDITOR``), or "" when none."""
    return os.environ.get("VISUAL", "").strip() or os.environ.get("EDITOR", "").strip()


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
            status = subprocess.run([*shlex.split(editor), str(path)]).returncode
        except (OSError, ValueError) as error:  # not found, not executable, bad quoting
            raise EditorError(f"cannot run the editor {editor!r}: {error}") from None
        if status != 0:
            try:
                left = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                left = None
            raise EditorError(f"the editor exited with status {status}", left)
        try:
            edited = path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            raise EditorError("the editor removed the file") from None
    finally:
        path.unlink(missing_ok=True)
    return None if edited.rstrip() == text.rstrip() else edited


def keep_recovery(text: str, folder: Path, name: str = "note") -> Path:
    """Write ``text`` to a new file in ``folder`` (made when missing) and answer its path: the
    user's words when they cannot be saved where they were meant to go."""
    safe = "".join(c if c.isalnum() or c in ".-_" else "_" for c in name)
    folder.mkdir(parents=True, exist_ok=True)
    handle, file_name = tempfile.mkstemp(prefix=f"{safe}-", suffix=".md", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    return Path(file_name)
