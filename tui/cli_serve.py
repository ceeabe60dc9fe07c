"""``arxiv-reader serve``: the reader in a web browser, through textual-serve.

Every browser tab that opens the page starts its own reader process on the
same data folder (as two readers in two terminals would be: stars made in
either are saved and seen by the other). The server listens on 127.0.0.1 unless
told otherwise; on any other address whoever can reach it can use the reader,
with the user's library and state, and is told so.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import sys
from pathlib import Path

#: The port when none is given.
DEFAULT_PORT = 8537
LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (``localhost``, 127.x, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def reader_command(home: Path, mark_read_delay: float) -> str:
    """The shell command each tab runs: this Python, this package, this data folder."""
    return shlex.join([
        sys.executable, "-m", "tui", "--home", os.path.abspath(home), "--mark-read-delay", str(mark_read_delay),
    ])


def public_url(host: str, port: int, given: str | None) -> str:
    """The address the page tells the browser to connect back to."""
    if given:
        return given.rstrip("/")
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def cmd_serve(args) -> int:
    """``arxiv-reader serve``: check the data folder once, then serve it."""
    from .cli import open_store
    from .core.store import default_home

    home = args.home or default_home()
    open_store(home)  # a data folder that can't be used is said now, not in every tab
    return serve(home, args.host, args.port, args.public_url, args.mark_read_delay)


def serve(home: Path, host: str, port: int, url: str | None, mark_read_delay: float) -> int:
    """Serve the reader until Ctrl-C; returns the exit status."""
    from textual_serve.server import Server

    if not is_loopback(host):
        print(
            f"arxiv-reader: warning: serving on {host}: anyone who can reach this address and port can "
            "use the reader, with your library and your reading state (there is no password). "
            "Prefer the default 127.0.0.1 with an SSH tunnel (ssh -L).",
            file=sys.stderr, flush=True,
        )
    address = public_url(host, port, url)

    class ReaderServer(Server):
        async def on_startup(self, app) -> None:  # (textual-serve's own banner replaced)
            print(f"arxiv-reader: serving the reader on {address} (data folder {os.path.abspath(home)}); "
                  "each browser tab is a reader; Ctrl-C stops", flush=True)

    server = ReaderServer(
        reader_command(home, mark_read_delay), host=host, port=port, title="arxiv-reader", public_url=address,
    )
    server.serve()
    return 0
