"""Opening a page: the opener's exit status is checked, its output never reaches the
screen, and one that keeps running (a browser started afresh) does not hold the reader."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tui.browser import open_url, opener_command

URL = "https://arxiv.org/abs/2607.00001"


def fake_browser(folder: Path, name: str, body: str) -> Path:
    """A shell script standing for a browser; it records the URL it was given."""
    script = folder / name
    script.write_text(f"#!/bin/sh\necho \"$1\" > {folder / 'got'}\necho complaining >&2\necho chatting\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def env_with(folder: Path, **values: str) -> dict[str, str]:
    return {"PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}", **values}


def test_a_browser_that_took_the_url(tmp_path: Path, capfd):
    fake_browser(tmp_path, "goodbrowser", "exit 0")
    opened = open_url(URL, env_with(tmp_path, BROWSER="goodbrowser"), "linux", wait=60)
    assert opened.ok and not opened.runs and opened.program == "goodbrowser"
    assert opened.message("the arXiv page", URL) == f"goodbrowser opened the arXiv page: {URL}"
    assert (tmp_path / "got").read_text().strip() == URL
    out, err = capfd.readouterr()
    assert "complaining" not in err and "chatting" not in out  # nothing on the reader's screen


def test_a_failing_browser_is_said(tmp_path: Path):
    fake_browser(tmp_path, "badbrowser", "exit 3")
    opened = open_url(URL, env_with(tmp_path, BROWSER="badbrowser"), "linux", wait=60)
    assert not opened.ok and opened.detail == "badbrowser failed (exit status 3)"


def test_a_browser_that_keeps_running_is_left_to_run(tmp_path: Path):
    fake_browser(tmp_path, "slowbrowser", "sleep 30")
    opened = open_url(URL, env_with(tmp_path, BROWSER="slowbrowser"), "linux", wait=0.5)
    assert opened.ok and opened.runs
    assert opened.message("the PDF", URL) == f"Started slowbrowser with the PDF: {URL}"


def test_the_opener_command(tmp_path: Path):
    fake_browser(tmp_path, "xdg-open", "exit 0")
    fake_browser(tmp_path, "mybrowser", "exit 0")
    env = env_with(tmp_path)
    assert opener_command(URL, env, "linux") == [str(tmp_path / "xdg-open"), URL]
    env["BROWSER"] = f"nosuchbrowser{os.pathsep}mybrowser --new-tab %s"  # the first that exists
    assert opener_command(URL, env, "linux") == [str(tmp_path / "mybrowser"), "--new-tab", URL]
    assert opener_command(URL, {"PATH": str(tmp_path / "empty")}, "darwin") == ["open", URL]
    assert opener_command(URL, {"PATH": str(tmp_path / "empty")}, "linux") is None


def test_no_opener_at_all_is_said(tmp_path: Path):
    opened = open_url(URL, {"PATH": str(tmp_path)}, "linux")
    assert not opened.ok and "no program to open it with" in opened.detail


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX shells")
def test_an_opener_that_cannot_start(tmp_path: Path):
    script = tmp_path / "broken"
    script.write_text("#!/nonexistent/interpreter\n")
    script.chmod(0o755)
    opened = open_url(URL, env_with(tmp_path, BROWSER="broken"), "linux")
    assert not opened.ok and "could not be started" in opened.detail
