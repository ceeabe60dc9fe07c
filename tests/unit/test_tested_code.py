"""The tests run against this checkout's code, never a stale installed copy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import tui
from _checkout import SOURCE, digest_of


def test_the_package_under_test_is_this_checkouts_code() -> None:
    tested = Path(tui.__file__).resolve().parent
    assert tested == SOURCE or digest_of(tested) == digest_of(SOURCE), tested


def test_processes_the_tests_start_run_the_same_code() -> None:
    done = subprocess.run([sys.executable, "-c", "import tui; print(tui.__file__)"], cwd="/",
                          capture_output=True, text=True, check=True)
    tested = Path(done.stdout.strip()).resolve().parent
    assert tested == SOURCE or digest_of(tested) == digest_of(SOURCE), tested
