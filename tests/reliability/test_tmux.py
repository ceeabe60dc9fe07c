"""The reader in a real terminal (tmux): OSC 52 copy, SIGHUP, quit and session restore.

Each test runs ``arxiv-reader`` in a detached tmux session on a private server
(``tmux -L arxivtest-<random>``, no user config), reads the screen with
``capture-pane`` and drives it with ``send-keys``. The server is killed at the
end of every test. Skipped when tmux or the console script is missing.

OSC 52: Textual's ``App.copy_to_clipboard`` writes ``ESC ] 52 ; c ; <base64> BEL``
to the terminal. tmux stores such a sequence in its paste buffers when
``set-clipboard`` is ``on`` (``external`` would only forward it to the outer
terminal); the option must be set before the session's pane starts.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
#: One real digest: 16 cs.IR papers of 2026-07-01.
DIGEST = DATA / "cs.IR" / "2026" / "07" / "20260701.md"
WIDTH, HEIGHT = 120, 35

TMUX = shutil.which("tmux")


def _reader_script() -> str | None:
    """The console script of this venv (CI's fresh venv too), else the one on PATH."""
    beside = Path(sys.executable).parent / "arxiv-reader"
    if beside.is_file():
        return str(beside)
    return shutil.which("arxiv-reader")


READER = _reader_script()

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (needed for the real-terminal tests)"),
    pytest.mark.skipif(READER is None, reason="the arxiv-reader console script is not installed"),
]


def clean_env() -> dict[str, str]:
    """The environment for tmux and the reader, without a stale terminal size.

    GNU readline (imported by pdb and some plugins) exports LINES=24 and
    COLUMNS=80 into the C environment of the test process; ``os.environ`` does
    not show them but a child inherits them, and ``shutil.get_terminal_size``
    (Textual's size probe) would believe them over the pane's real size.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("LINES", "COLUMNS", "TMUX", "TMUX_PANE")}
    env["TERM"] = env.get("TERM") or "xterm-256color"
    return env


class Tmux:
    """A private tmux server with one session running the reader."""

    def __init__(self, home: Path) -> None:
        self.socket = f"arxivtest-{uuid.uuid4().hex[:10]}"
        self.home = home
        self.session = "reader"
        self.status_file = home.parent / "reader-exit-status"
        self.socket_path = ""

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [TMUX, "-L", self.socket, "-f", os.devnull, *args],
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=10,
            check=check,
        )

    def start(self, *reader_args: str) -> None:
        """Start the server (clipboard on, panes kept after exit) and the reader.

        A small shell wrapper writes the reader's exit status to :attr:`status_file`:
        tmux 3.3 sometimes leaves an exited reader unreaped (a zombie) and the pane
        not yet marked dead, so ``#{pane_dead_status}`` can't be relied on.
        """
        reader = " ".join(
            shlex.quote(part) for part in [READER, "--home", str(self.home), "--mark-read-delay", "0", *reader_args]
        )
        status = shlex.quote(str(self.status_file))
        command = f"rm -f {status}; {reader}; echo $? > {status}"
        # One tmux invocation: options are set before the pane starts.
        self.run(
            "start-server", ";",
            "set-option", "-g", "set-clipboard", "on", ";",
            "set-option", "-as", "terminal-features", ",*:clipboard", ";",
            "set-option", "-g", "remain-on-exit", "on", ";",
            "new-session", "-d", "-s", self.session, "-x", str(WIDTH), "-y", str(HEIGHT),
            # OSC 52 only: the test never touches the machine's system clipboard.
            "-e", "ARXIV_READER_CLIPBOARD=osc52",
            "-e", "TERM=tmux-256color",
            command,
        )  # fmt: skip
        self.socket_path = self.pane("#{socket_path}")

    def capture(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session).stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def pane(self, fmt: str) -> str:
        return self.run("display-message", "-p", "-t", self.session, fmt).stdout.strip()

    def wait_for(self, predicate: Callable[[str], bool], what: str, timeout: float = 15) -> str:
        """Poll the screen until ``predicate(screen)``; fail with the last screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.capture()
            if predicate(screen):
                return screen
            if self.pane("#{pane_dead}") == "1":
                break
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what}; screen:\n{screen}")

    def wait_exit(self, timeout: float = 10) -> int:
        """Wait for the reader to exit; its exit status (from the wrapper's file)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                text = self.status_file.read_text().strip()
            except FileNotFoundError:
                text = ""
            if text:
                return int(text)
            time.sleep(0.05)
        pytest.fail(f"the reader did not exit; screen:\n{self.capture()}")

    def kill(self) -> None:
        """Kill the server (SIGHUP to its panes) and remove its socket file."""
        socket = self.socket_path
        self.run("kill-server", check=False)
        if socket and socket.endswith(self.socket):
            # tmux 3.3 can leave the socket file behind after kill-server.
            Path(socket).unlink(missing_ok=True)


@pytest.fixture
def tmux(tmp_path: Path):
    server = Tmux(tmp_path / "home")
    try:
        yield server
    finally:
        server.kill()


def library(home: Path) -> list[dict]:
    """Every paper of the store at ``home`` as the CLI lists it (JSON lines)."""
    done = subprocess.run(
        [READER, "--home", str(home), "list", "--format", "jsonl"],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def list_loaded(screen: str) -> bool:
    return "16 of 16 papers" in screen


def row_title(line: str) -> str:
    """The visible start of the title in a list row (markers cut, ellipsis dropped; from
    120 columns the sidebar comes first, up to its edge ▕)."""
    if "▕" in line:
        line = line.split("▕", 1)[1]
    return line[4:].split("…")[0].split("  ")[0].strip()


def paper_of_row(home: Path, line: str) -> dict:
    """The one library paper whose title starts like the row ``line``."""
    start = row_title(line)
    assert len(start) >= 8, line
    found = [p for p in library(home) if " ".join(p["title"].split()).startswith(start)]
    assert len(found) == 1, (start, [p["title"] for p in found])
    return found[0]


def first_row(screen: str) -> str:
    """The first list row (under the filter bar and the day's header); the cursor starts there."""
    return next(line for line in screen.splitlines()[1:] if "2026-07-01" in line and "──" not in line)


def filtered_on(word: str) -> Callable[[str], bool]:
    """A predicate: the filter bar shows ``word`` and the status line fewer than 16 papers."""

    def check(screen: str) -> bool:
        lines = screen.splitlines()
        status = next((line for line in lines if " of 16 papers" in line), "")
        return bool(lines) and word in lines[0] and status and not status.lstrip().startswith("16 of")

    return check


def _process_gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return "\nState:\tZ" in status  # a zombie has already exited


# -- a. OSC 52 ------------------------------------------------------------------


def test_y_copies_bibtex_into_the_tmux_buffer(tmux: Tmux) -> None:
    tmux.start(str(DIGEST))
    screen = tmux.wait_for(list_loaded, "the paper list")
    expected = paper_of_row(tmux.home, first_row(screen))
    tmux.keys("y")
    tmux.wait_for(lambda s: "BibTeX for" in s and "sent to the" in s, "the copy notification")
    buffer = ""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and expected["id"] not in buffer:
        buffer = tmux.run("show-buffer", check=False).stdout
        time.sleep(0.1)
    assert buffer.lstrip().startswith(("@misc{", "@article{")), buffer
    assert f"eprint        = {{{expected['id']}}}" in buffer or f"{{{expected['id']}}}" in buffer, buffer
    assert expected["title"].split(":")[0] in buffer
    assert buffer.rstrip().endswith("}")


# -- b. SIGHUP --------------------------------------------------------------------


def test_star_survives_sighup(tmux: Tmux) -> None:
    tmux.start(str(DIGEST))
    screen = tmux.wait_for(list_loaded, "the paper list")
    row = first_row(screen)
    expected = paper_of_row(tmux.home, row)
    assert not expected["starred"]
    shell = int(tmux.pane("#{pane_pid}"))  # the wrapper; the reader is its child
    children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
    assert len(children) == 1, children
    pid = int(children[0])
    assert "arxiv-reader" in Path(f"/proc/{pid}/cmdline").read_text()
    tmux.keys("s")
    tmux.wait_for(lambda s: "1 starred" in s and row_title(row) in s and "●★" in s, "the star")
    # kill-server hangs up every pane: the reader gets SIGHUP, as when an SSH link drops.
    tmux.kill()
    deadline = time.monotonic() + 10
    while not _process_gone(pid):
        assert time.monotonic() < deadline, f"the reader (pid {pid}) ignored SIGHUP"
        time.sleep(0.05)
    papers = {p["id"]: p for p in library(tmux.home)}
    assert len(papers) == 16
    assert papers[expected["id"]]["starred"] is True
    assert [p for p in papers.values() if p["starred"]] == [papers[expected["id"]]]


# -- c. quit and session restore ------------------------------------------------------


def test_quit_and_reopen_on_the_same_query_and_paper(tmux: Tmux) -> None:
    tmux.start(str(DIGEST))
    tmux.wait_for(list_loaded, "the paper list")
    # Keys typed in the first moment after the list appears were once lost (focus
    # changes are deferred, see the xfail below); let the start-up settle.
    time.sleep(1.0)
    tmux.keys("/")
    # The footer shrinks to the filter's keys once the input has the focus.
    tmux.wait_for(lambda s: "s Star" not in s, "the filter to take the focus")
    tmux.keys("retrieval", literal=True)
    tmux.wait_for(filtered_on("retrieval"), "the filtered status line")
    tmux.keys("Enter")  # back to the list, query kept
    # Wait for the list to have the focus again (focus changes are deferred: see
    # test_type_ahead_after_slash_reaches_the_filter), then take the second match.
    tmux.wait_for(lambda s: "s Star" in s, "the list to take the focus back")
    tmux.keys("j")
    before = tmux.wait_for(filtered_on("retrieval"), "the filtered list")
    count = before.split(" of 16 papers")[0].split()[-1]
    assert 2 <= int(count) < 16, before
    time.sleep(0.3)  # the detail pane follows the cursor
    before = tmux.capture()
    tmux.keys("q")
    assert tmux.wait_exit() == 0, tmux.capture()
    session = Store(tmux.home).load_session()
    assert session.get("query") == "retrieval", (session, before)

    # Same command, same pane: the reader reopens where it was.
    tmux.run("respawn-pane", "-k", "-t", tmux.session)
    after = tmux.wait_for(
        lambda s: f"{count} of 16 papers" in s and "retrieval" in s.splitlines()[0], "the restored query"
    )
    assert "retrieval" in after.splitlines()[0]  # the filter bar shows the query
    # The detail pane (right of the list's edge ▏) shows the same paper as before quitting.
    def detail_of(screen: str) -> list[str]:
        return [line.rsplit("▏", 1)[-1].rstrip() for line in screen.splitlines()[1:8]]

    detail = detail_of(before)
    time.sleep(0.3)
    after = tmux.capture()
    assert detail_of(after) == detail, (before, after)
    # ... and it is the paper the session saved.
    saved = next(p for p in library(tmux.home) if p["id"] == session["paper"])
    assert saved["title"].split()[0] in "\n".join(detail), (saved["title"], detail)
    tmux.keys("q")
    assert tmux.wait_exit() == 0


def test_type_ahead_after_slash_reaches_the_filter(tmux: Tmux) -> None:
    tmux.start(str(DIGEST))
    tmux.wait_for(list_loaded, "the paper list")
    tmux.keys("/retrieval", literal=True)  # one write: '/' and the query arrive together
    tmux.wait_for(filtered_on("retrieval"), "the query typed right after /", timeout=4)
