"""Opening a paper's page: in a browser when one can be reached, else copy its URL.

Over SSH there is no browser on the user's side of the connection: Python's
``webbrowser`` would start a text browser inside the terminal, or nothing. The
reader then copies the URL instead (the terminal's clipboard reaches the user's
machine) and says so.

When a browser can be reached, :func:`open_url` starts the opener itself
(``$BROWSER``, else ``xdg-open``/``gio open``, ``open`` on macOS) rather than
through ``webbrowser``, which waits for a ``$BROWSER`` command to end and lets
the child write over the reader's screen: here the child's output goes to
/dev/null, its exit status is checked, and one that keeps running (a browser
started afresh) is left to run. Call it from a worker thread: it waits a
moment for the opener's answer.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Opened", "browser_reachable", "open_url"]

_SSH_VARIABLES = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")
#: Seconds to wait for the opener's exit status before taking it as a browser that runs on.
OPENER_WAIT = 3.0


def browser_reachable(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether a graphical browser can show a page to the user of this terminal.

    ``$BROWSER`` always counts (the user chose one). Otherwise: on Linux and
    the BSDs a display (``$DISPLAY``, ``$WAYLAND_DISPLAY``); on macOS and
    Windows, not being logged in over SSH.
    """
    env = os.environ if environ is None else environ
    system = sys.platform if platform is None else platform
    if env.get("BROWSER"):
        return True
    if system == "darwin" or system.startswith("win"):
        return not any(env.get(name) for name in _SSH_VARIABLES)
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


@dataclass(frozen=True, slots=True)
class Opened:
    """What came of asking for a page to be opened."""

    #: Whether the opener took the URL (exited with 0, or runs on: a browser).
    ok: bool
    #: The program asked ("xdg-open", "firefox"); None when there was none to ask.
    program: str | None
    #: What happened, in words for a notice ("xdg-open failed (exit status 3)").
    detail: str
    #: Whether the program still ran when the reader stopped waiting (a browser started afresh).
    runs: bool = False

    def message(self, what: str, url: str) -> str:
        """The notice for an opener that took it: what is known, no more."""
        if self.runs:
            return f"Started {self.program} with {what}: {url}"
        return f"{self.program} opened {what}: {url}"


def opener_command(url: str, environ: Mapping[str, str] | None = None,
                   platform: str | None = None) -> list[str] | None:
    """The command that opens ``url``: the first of ``$BROWSER``'s commands that exists
    (``%s`` stands for the URL, else it is added at the end), else the platform's
    opener; None when there is none."""
    env = os.environ if environ is None else environ
    system = sys.platform if platform is None else platform
    for entry in env.get("BROWSER", "").split(os.pathsep):
        try:
            words = shlex.split(entry)
        except ValueError:
            continue
        found = shutil.which(words[0], path=env.get("PATH")) if words else None
        if found:
            words[0] = found
            if any("%s" in word for word in words):
                return [word.replace("%s", url) for word in words]
            return [*words, url]
    if system == "darwin":
        return ["open", url]
    for name, *args in (["xdg-open"], ["gio", "open"]):
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            return [found, *args, url]
    return None


def open_url(url: str, environ: Mapping[str, str] | None = None, platform: str | None = None,
             wait: float = OPENER_WAIT) -> Opened:
    """Ask the browser to open ``url`` (blocks up to ``wait`` seconds: run it in a worker).

    The opener runs in its own session with no terminal: nothing it writes
    reaches the screen, and it outlives the reader if it is the browser itself.
    """
    system = sys.platform if platform is None else platform
    if system.startswith("win") and not (os.environ if environ is None else environ).get("BROWSER"):
        try:
            os.startfile(url)  # type: ignore[attr-defined]  # (Windows only)
        except OSError as error:
            return Opened(False, "Windows", f"Windows could not open it: {error.strerror or error}")
        return Opened(True, "Windows", "Windows opened it")
    command = opener_command(url, environ, system)
    if command is None:
        return Opened(False, None, "no program to open it with (set $BROWSER, or install xdg-open)")
    program = os.path.basename(command[0])
    try:
        child = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, env=None if environ is None else dict(environ),
        )
    except OSError as error:
        return Opened(False, program, f"{program} could not be started: {error.strerror or error}")
    try:
        status = child.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        threading.Thread(target=child.wait, name="opener", daemon=True).start()  # reaped when it ends
        return Opened(True, program, f"{program} was started", runs=True)
    if status == 0:
        return Opened(True, program, f"{program} opened it")
    return Opened(False, program, f"{program} failed (exit status {status})")
