"""Copy text to the user's clipboard, from a local terminal or over SSH, and say how.

Two routes, used together when both work:

* the terminal, through OSC 52 (``App.copy_to_clipboard``): works over SSH and
  in tmux when the terminal allows it, but nothing confirms that it did, so the
  reader says the text was "sent to the terminal", never "copied". Inside tmux
  the sequence only goes anywhere when tmux's ``set-clipboard`` option is on
  (or external): that is checked, and when it is off the user is told so and how
  to turn it on;
* the system clipboard, through pyperclip: only where a local clipboard exists
  (it raises ``PyperclipException`` on a headless server).

``ARXIV_READER_CLIPBOARD`` chooses the routes: ``auto`` (default: both),
``osc52`` (terminal only), ``system`` (pyperclip only) or ``none`` (neither:
the reader then shows the text to copy by hand).
"""

from __future__ import annotations

import os
import shutil
import subprocess
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
    def tmux_off(self) -> bool:
        return self.tmux == "off"

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
        if self.tmux_off:
            text += f". tmux's set-clipboard is off, so tmux kept it from the terminal: {TMUX_HINT}"
        return text


class Clipboard:
    """Copies text by the routes its mode allows; see the module docstring."""

    def __init__(self, mode: str | None = None, tmux_option: Callable[[], str | None] | None = None) -> None:
        chosen = (mode or os.environ.get(ENV_VAR) or "auto").strip().lower()
        #: One of :data:`MODES`; an unknown value falls back to ``auto``.
        self.mode = chosen if chosen in MODES else "auto"
        self._tmux_option = tmux_option if tmux_option is not None else tmux_set_clipboard

    def copy(self, app: _CopiesToTerminal, text: str) -> Copied:
        """Copy ``text`` by every allowed route; says which took it.

        In a web browser only the page's clipboard is used, whatever the mode."""
        if getattr(app, "is_web", False):
            app.copy_to_clipboard(text)
            return Copied(terminal=True, browser=True)
        terminal = False
        tmux = None
        if self.mode in ("auto", "osc52"):
            # Always recorded in app.clipboard; the escape sequence goes to the terminal.
            app.copy_to_clipboard(text)
            tmux = self._tmux_option()
            terminal = tmux != "off"
        system = self.mode in ("auto", "system") and _system_copy(text)
        return Copied(system=system, terminal=terminal, tmux=tmux)


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
    """Copy with pyperclip; False when there is no usable local clipboard."""
    try:
        import pyperclip
    except ImportError:  # pragma: no cover - a declared dependency
        return False
    try:
        pyperclip.copy(text)
    except pyperclip.PyperclipException:
        return False
    except Exception:  # a broken xclip/xsel/wl-copy must not crash the reader
        return False
    return True
