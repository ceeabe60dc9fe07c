"""``arxiv-reader serve``: the reader in a web browser, through textual-serve.

Every browser tab that opens the page starts its own reader process on the
same data folder (as two readers in two terminals would be: stars made in
either are saved and seen by the other). The server listens on 127.0.0.1 unless
told otherwise; on any other address whoever can reach it can use the reader,
with the user's library and state, and is told so.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import shlex
import socket
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


def is_wildcard(host: str) -> bool:
    """Whether ``host`` means every address of this machine (``0.0.0.0``, ``::``)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return host == ""


def public_url(host: str, port: int, given: str | None) -> str:
    """The address the page tells the browser to connect back to: ``given``, else
    ``http://HOST:PORT`` (for a wildcard HOST, this machine's name: a browser
    can't connect to 0.0.0.0)."""
    if given:
        return given.rstrip("/")
    if is_wildcard(host):
        host = socket.getfqdn()
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def check_listen(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port`` (``None``: it can), found by
    binding a socket there for a moment, as the server will."""
    try:
        addresses = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        return f"cannot listen on {host}: {error.strerror or error} (give an address of this machine to --host)"
    for family, kind, proto, _, address in addresses:
        try:
            with socket.socket(family, kind, proto) as probe:
                if os.name == "posix":  # (as the server does: a port in TIME_WAIT is free)
                    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return f"port {port} is in use (another serve?): try --port {port + 1 if port < 65535 else port - 1}"
            return f"cannot listen on {host} port {port}: {error.strerror or error}"
    return None


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
    if is_wildcard(host) and not url:
        print(f"arxiv-reader: browsers are sent to {address}; if that name doesn't lead to this machine from "
              f"theirs, pass --public-url http://ADDRESS:{port} (an address they can reach)",
              file=sys.stderr, flush=True)
    why = check_listen(host, port)
    if why is not None:
        print(f"arxiv-reader: {why}", file=sys.stderr, flush=True)
        return 1

    class ReaderServer(Server):
        async def on_startup(self, app) -> None:  # (textual-serve's own banner replaced; bind checked above)
            print(f"arxiv-reader: serving the reader on {address} (data folder {os.path.abspath(home)}); "
                  "each browser tab is a reader; Ctrl-C stops", flush=True)

    server = ReaderServer(
        reader_command(home, mark_read_delay), host=host, port=port, title="arxiv-reader", public_url=address,
    )
    try:
        server.serve()
    except OSError as error:  # (taken between the check and the bind)
        print(f"arxiv-reader: cannot listen on {host} port {port}: {error.strerror or error}",
              file=sys.stderr, flush=True)
        return 1
    return 0
