"""Copy text to the user's clipboard, from a local terminal or over SSH.

Two routes, used together when both work:

* the terminal, through OSC 52 (``App.copy_to_clipboard``): works over SSH and
  in tmux when the terminal allows it, but we can't know whether it did;
* the system clipboard, through pyperclip: only where a local clipboard exists
  (it raises ``PyperclipException`` on a headless server).

``ARXIV_READER_CLIPBOARD`` chooses the routes: ``auto`` (default: both),
``osc52`` (terminal only), ``system`` (pyperclip only) or ``none`` (neither:
the reader then shows the text to copy by hand).
"""

from __future__ import annotations

import os
from typing import Protocol

ENV_VAR = "ARXIV_READER_CLIPBOARD"
MODES = ("auto", "osc52", "system", "none")


class _CopiesToTerminal(Protocol):
    is_headless: bool

    def copy_to_clipboard(self, text: str) -> None: ...


class Clipboard:
    """Copies text by the routes its mode allows; see the module docstring."""

    def __init__(self, mode: str | None = None) -> None:
        chosen = (mode or os.environ.get(ENV_VAR) or "auto").strip().lower()
        #: One of :data:`MODES`; an unknown value falls back to ``auto``.
        self.mode = chosen if chosen in MODES else "auto"

    def copy(self, app: _CopiesToTerminal, text: str) -> str | None:
        """Copy ``text``; return how it was copied, or ``None`` when no route worked."""
        routes: list[str] = []
        if self.mode in ("auto", "osc52"):
            # Always recorded in app.clipboard; the escape goes to the terminal.
            app.copy_to_clipboard(text)
            routes.append("terminal OSC 52")
        if self.mode in ("auto", "system") and _system_copy(text):
            routes.append("system clipboard")
        if not routes:
            return None
        return " + ".join(routes)


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
