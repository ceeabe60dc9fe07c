"""Opening a paper's page: in a browser when one can be reached, else copy its URL.

Over SSH there is no browser on the user's side of the connection: Python's
``webbrowser`` would start a text browser inside the terminal, or nothing. The
reader then copies the URL instead (the terminal's clipboard reaches the user's
machine) and says so.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

__all__ = ["browser_reachable"]

_SSH_VARIABLES = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")


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
