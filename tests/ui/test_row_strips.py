"""RowStrips: the paper list's row cache gives the same strip back for a row that shows the same,
another one as soon as anything the row shows changes, and strips exactly as wide as asked."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from rich.console import Console
from rich.style import Style

from tui.core.digest import parse_digest_file
from tui.widgets.paper_rows import RowStyles
from tui.widgets.row_strips import RowStrips

DIGEST = Path(__file__).resolve().parents[1] / "data" / "digests" / "cs.IR" / "2026" / "07" / "20260701.md"
STYLES = RowStyles(**{field.name: Style() for field in fields(RowStyles)})


def _row(strips: RowStrips, paper, **change):
    options = dict(is_cursor=False, unread=True, starred=False, marked=False, focused=True, tags=(), spans=None)
    options.update(change)
    return strips.paper(paper, 70, STYLES, **options)


def test_a_row_that_shows_the_same_is_drawn_once_and_any_change_draws_it_anew():
    paper = parse_digest_file(DIGEST).papers[0]
    strips = RowStrips(Console, maxsize=64)
    first = _row(strips, paper)
    assert _row(strips, paper) is first and first.cell_length == 70
    for change in ({"is_cursor": True}, {"unread": False}, {"starred": True}, {"marked": True},
                   {"focused": False}, {"tags": ("ml",)}):
        other = _row(strips, paper, **change)
        assert other is not first and other.cell_length == 70, change
    assert "★" in _row(strips, paper, starred=True).text and "#ml" in _row(strips, paper, tags=("ml",)).text
    strips.clear()
    assert _row(strips, paper) is not first


def test_a_day_header_is_cached_by_its_counts():
    strips = RowStrips(Console, maxsize=64)
    header = strips.header("2026-07-01", (39, 12, 3), 70, STYLES)
    assert strips.header("2026-07-01", (39, 12, 3), 70, STYLES) is header
    changed = strips.header("2026-07-01", (39, 11, 3), 70, STYLES)
    assert changed is not header and "11 unread" in changed.text and changed.cell_length == 70
