"""Fixtures of the command-line tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"


@pytest.fixture
def home(tmp_path: Path, capsys) -> Path:
    """A data directory holding two real digest days: cs.CV 2022-01-31 (39 papers,
    2202.00067 with the "Big Data" reference) and 2023-06-01 (S$^2$ME, 2306.00451).
    (A test module may define its own ``home``.)"""
    home = tmp_path / "home"
    days = [DATA / "cs.CV" / "2022" / "01" / "20220131.md", DATA / "cs.CV" / "2023" / "06" / "20230601.md"]
    assert main(["--home", str(home), "import", *map(str, days)]) == 0
    capsys.readouterr()
    return home
