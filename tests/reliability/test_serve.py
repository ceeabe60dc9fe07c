"""``arxiv-reader serve``: a real server process answering the page, and two browser tabs
(websockets, as textual-serve's page opens them) each a reader whose star is saved.

Waits are generous (a loaded machine) and never asserted as speed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tui.cli_serve import is_loopback, public_url
from tui.core.store import Store

DAY = Path(__file__).resolve().parents[1] / "data" / "digests" / "cs.IR" / "2026" / "07" / "20260718.md"
ROOT = Path(__file__).resolve().parents[2]
WAIT = 90.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(home: Path, port: int, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tui", "--home", str(home), "serve", "--port", str(port), "--mark-read-delay", "0",
         *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "ARXIV_READER_DEVICE": "web"},
    )


def get_page(port: int, process: subprocess.Popen) -> tuple[int, str]:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server ended: {process.communicate()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server never answered")


def stop(process: subprocess.Popen) -> tuple[int, str, str]:
    process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    return process.returncode, out, err


async def _tab(port: int, keys: list[str], home: Path, want: int) -> None:
    """One browser tab: wait for the list, press ``keys``, stay until ``want`` stars are saved."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"ws://127.0.0.1:{port}/ws?width=110&height=32") as ws:
            await ws.send_json(["resize", {"width": 110, "height": 32}])
            screen = b""
            deadline = time.monotonic() + WAIT
            while b"Beyond Fixed" not in screen:  # the first paper's title is painted: the list is there
                assert time.monotonic() < deadline, screen[-2000:]
                message = await ws.receive(timeout=WAIT)
                if message.type == aiohttp.WSMsgType.BINARY:
                    screen += message.data
                elif message.type == aiohttp.WSMsgType.TEXT:
                    screen += message.data.encode()
                else:
                    raise AssertionError(f"the tab closed: {message}")
            for key in keys:
                await ws.send_json(["stdin", key])
                await asyncio.sleep(0.3)
            while len(_starred(home)) < want:
                assert time.monotonic() < deadline, _starred(home)
                try:
                    await ws.receive(timeout=0.2)
                except asyncio.TimeoutError:
                    pass


def _starred(home: Path) -> set[str]:
    return {key for key, value in Store(home, device="check").state_values("starred").items() if value}


def test_the_page_is_served_and_two_tabs_stars_both_persist(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Store(home).import_paths([DAY])
    port = free_port()
    process = start_server(home, port)
    try:
        status, page = get_page(port, process)
        assert status == 200
        assert "arxiv-reader" in page and f"ws://127.0.0.1:{port}/ws" in page

        async def both() -> None:
            await asyncio.gather(_tab(port, ["s"], home, 2), _tab(port, ["j", "s"], home, 2))

        asyncio.run(both())
        # the first paper of the list (newest id first) in one tab, the second in the other
        assert _starred(home) == {"2607.16973", "2607.16963"}
    finally:
        code, out, err = stop(process)
    assert code == 0, err
    assert f"serving the reader on http://127.0.0.1:{port}" in out
    assert "Traceback" not in err and "warning" not in err


def test_another_address_than_loopback_is_warned_about(tmp_path: Path) -> None:
    port = free_port()
    process = start_server(tmp_path / "home", port, "--host", "0.0.0.0", "--public-url", f"http://127.0.0.1:{port}")
    try:
        assert get_page(port, process)[0] == 200
    finally:
        code, _, err = stop(process)
    assert "warning: serving on 0.0.0.0: anyone who can reach this address and port can use the reader" in err


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.1.1", True),
    ("0.0.0.0", False), ("192.168.1.5", False), ("lab.example.org", False), ("::", False),
])
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_public_url() -> None:
    assert public_url("127.0.0.1", 8537, None) == "http://127.0.0.1:8537"
    assert public_url("::1", 8537, None) == "http://[::1]:8537"
    assert public_url("0.0.0.0", 80, "https://reader.example.org/") == "https://reader.example.org"


def test_a_port_in_use_is_said_before_any_serving_line(tmp_path: Path, capsys) -> None:
    import socket

    from tui.cli_serve import serve

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert serve(tmp_path / "home", "127.0.0.1", port, None, 1.5) == 1
    out, err = capsys.readouterr()
    assert "serving" not in out
    assert f"port {port} is in use (another serve?): try --port {port + 1}" in err


def test_a_host_that_is_no_address_is_said(tmp_path: Path, capsys) -> None:
    from tui.cli_serve import serve

    assert serve(tmp_path / "home", "nonexistent.invalid", free_port(), None, 1.5) == 1
    out, err = capsys.readouterr()
    assert "serving" not in out and "cannot listen on nonexistent.invalid" in err


def test_a_wildcard_host_sends_browsers_to_the_machine_name() -> None:
    import socket

    assert public_url("0.0.0.0", 8611, None) == f"http://{socket.getfqdn()}:8611"
    assert "0.0.0.0" not in public_url("::", 8611, None)
