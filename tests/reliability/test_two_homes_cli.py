"""Two machines synced by copying state files, through the real command line.

Home A is chosen by ``$ARXIV_READER_HOME``, home B by ``--home``; each device is
named by ``$ARXIV_READER_DEVICE``. Star on A, copy A's state file to B, un-star
it there and star another, copy B's file back: both homes agree, and ``stats``
lists both devices in each.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

DAY = Path(__file__).resolve().parents[1] / "data" / "digests" / "cs.IR" / "2026" / "07" / "20260718.md"
ROOT = Path(__file__).resolve().parents[2]


def run(device: str, home: Path, by_env: bool, *argv: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARXIV_READER_DEVICE": device}
    env.pop("ARXIV_READER_HOME", None)
    if by_env:
        env["ARXIV_READER_HOME"] = str(home)
    else:
        argv = ("--home", str(home), *argv)
    done = subprocess.run([sys.executable, "-m", "tui", *argv], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def test_star_on_a_copy_unstar_and_star_on_b_copy_back(tmp_path: Path) -> None:
    a, b = tmp_path / "laptop-data", tmp_path / "server-data"
    on_a = lambda *argv: run("laptop", a, True, *argv)  # noqa: E731
    on_b = lambda *argv: run("server", b, False, *argv)  # noqa: E731
    on_a("import", str(DAY))
    on_b("import", str(DAY))

    on_a("star", "2607.16633")
    (b / "state").mkdir(exist_ok=True)
    shutil.copy(a / "state" / "laptop.jsonl", b / "state")
    assert on_b("unstar", "2607.16633") == "unstarred: 2607.16633\n"
    assert on_b("star", "2607.16660") == "starred: 2607.16660\n"
    shutil.copy(b / "state" / "server.jsonl", a / "state")

    for side in (on_a, on_b):
        listed = side("list", "-q", "is:starred", "--format", "jsonl")
        starred = [json.loads(line)["id"] for line in listed.splitlines()]
        assert starred == ["2607.16660"]
        stats = side("stats")
        devices = stats[stats.index("devices"):].splitlines()[1:]
        assert sorted(line.split()[0] for line in devices) == ["laptop", "server"]
    assert (a / "state" / "server.jsonl").read_bytes() == (b / "state" / "server.jsonl").read_bytes()
