"""``arxiv-reader import --watch`` as a server runs it: a real process, real file events.

Files arrive whole, in a new month folder, and half-written (waiting, said, then
imported whole); Ctrl-C ends it with status 0 and no traceback. Waits are
generous (a loaded machine) and never asserted as speed.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tui.core.store import Store

DIGESTS = Path(__file__).resolve().parents[1] / "data" / "digests"
WAIT = 60.0


class Lines:
    """The lines a process prints, read in a thread; :meth:`until` waits for one."""

    def __init__(self, stream) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def until(self, text: str) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                break
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} never printed; printed: {self.seen}")


def test_watching_a_folder_from_the_command_line(tmp_path: Path) -> None:
    home, folder = tmp_path / "home", tmp_path / "digests"
    shutil.copytree(DIGESTS / "cs.IR", folder / "cs.IR")
    for file in folder.rglob("*.md"):
        os.utime(file, (1_700_000_000, 1_700_000_000))
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "--home", str(home), "import", "--watch", str(folder), "--settle", "0.5"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    try:
        out = Lines(process.stdout)
        out.until("16 new papers in cs.IR, 2026-07-01")  # caught up first
        out.until(f"watching {folder} (Ctrl-C stops)")

        month = folder / "cs.CL" / "2026" / "08"  # a new month: folders made, a file dropped in
        month.mkdir(parents=True)
        shutil.copy(DIGESTS / "cs.CL" / "2026" / "08" / "20260804.md", month)
        out.until("new papers in cs.CL, 2026-08-04")

        day = DIGESTS / "cs.CL" / "2026" / "07" / "20260725.md"
        data = day.read_bytes()
        target = folder / "cs.CL" / "2026" / "07" / day.name
        target.parent.mkdir(parents=True)
        with open(target, "wb") as handle:  # a slow writer: half now, the rest later
            handle.write(data[: len(data) // 2])
            handle.flush()
            out.until(f"{target} ends in the middle of a line: waiting for it to be finished")
            assert "2607.22961" not in Store(home, device="check").known_ids()  # its first paper: not in yet
            handle.write(data[len(data) // 2 :])
        out.until("new papers in cs.CL, 2026-07-25")
    finally:
        process.send_signal(signal.SIGINT)
        status = process.wait(WAIT)
    out.until("stopped watching")
    assert status == 0
    errors = process.stderr.read()
    assert "Traceback" not in errors, errors
    assert len(Store(home, device="check").known_ids()) > 16 + 24
