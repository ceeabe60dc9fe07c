"""A real digest day, edited by a test, written where an import finds it (the hostile-digest tests)."""

from __future__ import annotations

from pathlib import Path

def write_day(tmp_path: Path, text: str) -> Path:
    """Write ``text`` as cs.CL's digest of 2026-07-01 under ``tmp_path / "digests"``; its path."""
    day = tmp_path / "digests" / "cs.CL" / "2026" / "07" / "20260701.md"
    day.parent.mkdir(parents=True)
    day.write_text(text, encoding="utf-8")
    return day
