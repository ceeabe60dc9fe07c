"""A FIFO where the reader expects a file it reads (the config, an index's manifest or
segment, a digest checked for being finished) is said and never waited on: ``open()``
on a FIFO waits for a writer forever, so a regression here would hang the reader."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tui.config import load_config
from tui.core.finished import unfinished
from tui.core.index.directory import MANIFEST, read_manifest
from tui.core.index.segment_file import IndexDamaged, SegmentFile


def in_time(call, seconds: float = 20.0):
    """``call()``'s result or exception, from a thread: blocking fails the test instead of hanging it."""
    done: list = []

    def run() -> None:
        try:
            done.append(("value", call()))
        except Exception as exc:  # (handed to the test)
            done.append(("error", exc))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return done[0] if done else None


@pytest.fixture
def fifo(tmp_path: Path):
    made: list[Path] = []

    def make(path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)
        made.append(path)
        return path

    yield make
    for path in made:  # (a reader stuck on one by a regression: let it go)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass


def test_a_config_file_that_is_a_fifo_is_said_and_defaults_used(tmp_path: Path, fifo) -> None:
    path = fifo(tmp_path / "config.toml")
    outcome = in_time(lambda: load_config(path))
    assert outcome is not None, "blocked on the FIFO"
    kind, config = outcome
    assert kind == "value" and len(config.problems) == 1
    assert str(path) in config.problems[0] and "not a regular file" in config.problems[0]


def test_an_index_manifest_that_is_a_fifo_is_damaged(tmp_path: Path, fifo) -> None:
    fifo(tmp_path / "index" / MANIFEST)
    outcome = in_time(lambda: read_manifest(tmp_path / "index"))
    assert outcome is not None, "blocked on the FIFO"
    assert outcome[0] == "error" and isinstance(outcome[1], IndexDamaged)


def test_an_index_segment_that_is_a_fifo_is_damaged(tmp_path: Path, fifo) -> None:
    path = fifo(tmp_path / "seg-000001.axs")
    outcome = in_time(lambda: SegmentFile(path))
    assert outcome is not None, "blocked on the FIFO"
    assert outcome[0] == "error" and isinstance(outcome[1], IndexDamaged)
    assert "not a regular file" in str(outcome[1])


def test_a_digest_that_is_a_fifo_is_not_waited_on_to_see_if_finished(tmp_path: Path, fifo) -> None:
    path = fifo(tmp_path / "cs.CL" / "2026" / "07" / "20260701.md")
    outcome = in_time(lambda: unfinished(path))
    assert outcome is not None, "blocked on the FIFO"
    assert outcome == ("value", "cannot be read (not a regular file (a FIFO, socket or device))")
