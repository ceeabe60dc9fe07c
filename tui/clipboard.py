"""Copy text to the user's clipboard, from a local terminal or over SSH, and say how.

Two routes, used together when both work:

* the terminal, through OSC 52 (``App.copy_to_clipboard``): works over SSH and
  in tmux when the terminal allows it, but nothing confirms that it did, so the
  reader says the text was "sent to the terminal", never "copied". Inside tmux
  the sequence only goes anywhere when tmux's ``set-clipboard`` option is
  ``on``: with ``external`` (tmux's default) or ``off``, tmux drops what an
  application sends, so the reader says it was held back and how to turn it on;
* the system clipboard, through pyperclip: only where a local clipboard exists
  (it raises ``PyperclipException`` on a headless server). pyperclip does not
  check its helper's exit status (``xclip`` with a stale ``$DISPLAY`` "copies"
  nothing), so the text is read back, and only a clipboard that gives it back
  counts as copied.

``ARXIV_READER_CLIPBOARD`` chooses the routes: ``auto`` (default: both),
``osc52`` (terminal only), ``system`` (pyperclip only) or ``none`` (neither:
the reader then shows the text to copy by hand).

The system clipboard and the tmux question run helper programs: call
:meth:`Clipboard.ask` from a worker thread, then :meth:`Clipboard.send` on the
UI thread (:meth:`Clipboard.copy` does both, for callers that may block).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

ENV_VAR = "ARXIV_READER_CLIPBOARD"
MODES = ("auto", "osc52", "system", "none")
#: How to turn OSC 52 on in tmux, for the notices.
TMUX_HINT = "add 'set -g set-clipboard on' to ~/.tmux.conf and run 'tmux source ~/.tmux.conf'"


class _CopiesToTerminal(Protocol):
    def copy_to_clipboard(self, text: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Copied:
    """Which routes took the text."""

    system: bool = False
    terminal: bool = False
    #: The reader is in a web browser: the terminal route is the page's clipboard (see :mod:`tui.web`).
    browser: bool = False
    #: tmux's set-clipboard value when running inside tmux ("on", "external", "off"), else None.
    tmux: str | None = None

    @property
    def worked(self) -> bool:
        """Whether any route took the text (else: show it to copy by hand)."""
        return self.system or self.terminal

    @property
    def tmux_blocks(self) -> bool:
        """Whether tmux drops the terminal route (set-clipboard not ``on``)."""
        return tmux_blocks(self.tmux)

    def message(self, what: str) -> str:
        """What happened to ``what`` ("BibTeX for 2201.12944"), in words that are true."""
        through = " through tmux" if self.tmux and self.terminal else ""
        if self.browser:
            return f"{what} offered to the browser's clipboard (pasting works if the browser allowed it)"
        if self.system and self.terminal:
            text = f"{what} copied to the clipboard and sent to the terminal{through} (OSC 52)"
        elif self.system:
            text = f"{what} copied to the clipboard"
        elif self.terminal:
            text = f"{what} sent to the terminal{through} (OSC 52); pasting works if the terminal allows OSC 52"
        else:
            text = f"{what} could not be copied"
        if self.tmux_blocks:
            text += f". {tmux_held_back(self.tmux)}"
        return text


def tmux_blocks(option: str | None) -> bool:
    """Whether tmux with ``set-clipboard`` at ``option`` drops an application's OSC 52."""
    return option in ("off", "external")


def tmux_held_back(option: str | None) -> str:
    """Why tmux kept a copy from the terminal, and how to change that."""
    return f"tmux's set-clipboard is {option}, so tmux kept it from the terminal: {TMUX_HINT}"


@dataclass(frozen=True, slots=True)
class Asked:
    """What the slow half of a copy found (see :meth:`Clipboard.ask`)."""

    system: bool
    tmux: str | None


class Clipboard:
    """Copies text by the routes its mode allows; see the module docstring."""

    def __init__(self, mode: str | None = None, tmux_option: Callable[[], str | None] | None = None) -> None:
        chosen = (mode or os.environ.get(ENV_VAR) or "auto").strip().lower()
        #: One of :data:`MODES`; an unknown value falls back to ``auto``.
        self.mode = chosen if chosen in MODES else "auto"
        self._tmux_option = tmux_option if tmux_option is not None else tmux_set_clipboard
        #: Shown in a web browser (``serve``): only the page's clipboard is used, whatever
        #: the mode (the server's clipboard and tmux are not the user's). Set by the app.
        self.browser = False
        #: Where a text no route took is kept, to take whole (one file per session).
        self.hand_copy = HandCopyFile()

    @property
    def uses_terminal(self) -> bool:
        return self.browser or self.mode in ("auto", "osc52")

    def ask(self, text: str) -> Asked:
        """The half of a copy that runs helper programs (blocks: call it from a worker):
        copy to the system clipboard and check it took the text; ask tmux about OSC 52."""
        if self.browser:
            return Asked(False, None)
        system = self.mode in ("auto", "system") and _system_copy(text)
        tmux = self._tmux_option() if self.uses_terminal else None
        return Asked(system, tmux)

    def send(self, app: _CopiesToTerminal, text: str, asked: Asked) -> Copied:
        """The other half, on the UI thread: send ``text`` to the terminal; says which
        routes took it."""
        if self.browser:
            app.copy_to_clipboard(text)
            return Copied(terminal=True, browser=True)
        terminal = False
        if self.uses_terminal:
            # Always recorded in app.clipboard; the escape sequence goes to the terminal.
            app.copy_to_clipboard(text)
            terminal = not tmux_blocks(asked.tmux)
        return Copied(system=asked.system, terminal=terminal, tmux=asked.tmux)

    def copy(self, app: _CopiesToTerminal, text: str) -> Copied:
        """Copy ``text`` by every allowed route; says which took it (blocks while
        helper programs run)."""
        return self.send(app, text, self.ask(text))


class HandCopyFile:
    """The one file of a reader session that holds the last text no route could copy,
    for the user to take whole (readable by this user only).

    Each such copy replaces it (a new file only when the suffix changes, .txt or
    .bib); :meth:`remove` deletes it when the reader quits, so copies that
    failed do not pile up in the temporary folder.
    """

    PREFIX = "arxiv-reader-copy-"

    def __init__(self) -> None:
        #: The file's path, None before the first copy by hand.
        self.path: str | None = None
        self._lock = threading.Lock()  # copies are made in worker threads

    def write(self, text: str, suffix: str = ".txt") -> str | None:
        """Put ``text`` in the session's file; its path, or None when it cannot be written."""
        data = text if text.endswith("\n") else text + "\n"
        with self._lock:
            if self.path is not None and not self.path.endswith(suffix):
                self._remove()
            try:
                fd = self._reopen() if self.path is not None else None
                if fd is None:
                    fd, self.path = tempfile.mkstemp(prefix=self.PREFIX, suffix=suffix)
                with os.fdopen(fd, "w", encoding="utf-8") as file:
                    file.write(data)
            except OSError:
                self.path = None
                return None
            return self.path

    def _reopen(self) -> int | None:
        """The session's file opened empty, or None when it is gone or no longer ours
        (then a new one is made: never a file someone else put in its place)."""
        assert self.path is not None
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        if os.fstat(fd).st_uid != os.getuid():
            os.close(fd)
            return None
        return fd

    def remove(self) -> None:
        """Delete the file (when the reader quits)."""
        with self._lock:
            self._remove()

    def _remove(self) -> None:
        if self.path is not None:
            try:
                os.unlink(self.path)
            except OSError:
                pass  # gone already (the user took it)
            self.path = None


def tmux_set_clipboard(environ: dict[str, str] | None = None) -> str | None:
    """tmux's ``set-clipboard`` ("on", "external", "off") when running inside tmux, else None.

    Asked of the tmux server each time (the user may have just turned it on);
    an answer that can't be had counts as "on" (say nothing untrue about tmux).
    """
    env = os.environ if environ is None else environ
    if not env.get("TMUX"):
        return None
    tmux = shutil.which("tmux")
    if tmux is None:
        return "on"
    for scope in ("-sv", "-gv"):  # a server option since tmux 3.2, global before
        try:
            done = subprocess.run(
                [tmux, "show-options", scope, "set-clipboard"],
                capture_output=True, text=True, timeout=1, check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return "on"
        value = done.stdout.strip()
        if done.returncode == 0 and value in ("on", "off", "external"):
            return value
    return "on"


def _system_copy(text: str) -> bool:
    """Copy with pyperclip and read it back; False unless the clipboard gave it back."""
    try:
        import pyperclip
    except ImportError:  # pragma: no cover - a declared dependency
        return False
    with _quiet_stderr():
        try:
            pyperclip.copy(text)
            back = pyperclip.paste()
        except Exception:  # no mechanism (PyperclipException), or a broken one: never a crash
            return False
    return isinstance(back, str) and _same_text(back, text)


def _same_text(back: str, text: str) -> bool:
    """Whether a clipboard gave ``text`` back (its helper may change line ends or the last one)."""
    return back.replace("\r\n", "\n").rstrip("\n") == text.replace("\r\n", "\n").rstrip("\n")


_STDERR_LOCK = threading.Lock()


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Send what helper programs write to the standard error to /dev/null meanwhile.

    pyperclip starts ``xclip`` and the like with this process's stderr: their
    complaints ("Can't open display") would land on top of the reader's screen.
    The reader itself never writes to the terminal through descriptor 2.
    """
    with _STDERR_LOCK:
        try:
            saved = os.dup(2)
            devnull = os.open(os.devnull, os.O_WRONLY)
        except OSError:
            yield
            return
        try:
            os.dup2(devnull, 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)
