"""Snapshot tests: what the reader looks like, on a fixed data set.

Timers are off (``mark_read_delay=0``), the filter's cursor does not blink and
every test waits for the loading worker, so the pictures are repeatable.
Regenerate with ``pytest tests/snapshots --snapshot-update`` and look at them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tui.app import ArxivReaderApp
from tui.clipboard import Clipboard
from tui.core.store import Store
from tui.screens.main import MainScreen

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
DIGEST_DIRS = [DATA / "cs.IR" / "2026" / "07", DATA / "cs.CL" / "2026" / "07"]


@pytest.fixture
def app(tmp_path: Path) -> ArxivReaderApp:
    return ArxivReaderApp(
        Store(tmp_path / "home"), paths=DIGEST_DIRS, mark_read_delay=0, clipboard=Clipboard("osc52")
    )


async def loaded(pilot: Pilot) -> None:
    """Wait for the library, then stop the filter's cursor blinking."""
    app = pilot.app
    for _ in range(200):
        await pilot.pause()
        if isinstance(app.screen, MainScreen) and app.screen.loaded:
            break
    await app.workers.wait_for_complete()
    app.screen.query_one(Input).cursor_blink = False
    await pilot.pause()


def test_main_screen_80x24(app, snap_compare):
    """Narrow: filter on top, the list above the detail of the first paper
    (stacked panes), status line "194 of 194 papers · 194 unread · ...", and the footer
    whole within 80 columns: ⏎ Read, s Star, [ ] Day, Y Copy…, t Tag, N Note, L Lists,
    ? Help, then ^p palette (the filter's / and q left out: see tui/widgets/key_footer.py)."""
    assert snap_compare(app, terminal_size=(80, 24), run_before=loaded)


def test_main_screen_160x48(app, snap_compare):
    """Wide: the sidebar of lists at the left (All, Unread, New, Starred with their
    counts, and a hint that tags and saved searches appear there), the list, and the
    detail of the highlighted paper at the right; footer with the main keys."""
    assert snap_compare(app, terminal_size=(160, 48), run_before=loaded)


def test_filtered_view(app, snap_compare):
    """The query "cat:cs.IR llm": five papers, matches highlighted in titles, the
    third one highlighted and starred; the status line shows the query."""

    async def run_before(pilot: Pilot) -> None:
        await loaded(pilot)
        await pilot.press("slash", *"cat:cs.IR llm", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.press("j", "j", "s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 35), run_before=run_before)


def test_help_screen(app, snap_compare):
    """The help screen over the main screen: "Keys", the "Main screen" section
    first (/ Filter, esc Back, s Star, m Read/unread, space Mark, ... [ Prev day,
    ] Next day, 1-4 views, S Sort, o Open), each key with its description and a
    sentence; the list's keys, "Everywhere" and the query language scroll below."""

    async def run_before(pilot: Pilot) -> None:
        await loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 35), run_before=run_before)


def test_copy_menu(app, snap_compare):
    """The copy menu for two marked papers: six formats, BibTeX highlighted."""

    async def run_before(pilot: Pilot) -> None:
        await loaded(pilot)
        await pilot.press("space", "j", "space", "Y")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_copy_fallback_dialog(tmp_path, snap_compare, monkeypatch):
    """No clipboard reachable: the BibTeX of the first paper, wrapped, in a read-only
    text area without cursor or scrollbar, the file that also holds it named above."""
    from tui.clipboard import HandCopyFile

    monkeypatch.setattr(HandCopyFile, "write", lambda self, text, suffix=".txt": f"/tmp/arxiv-reader-copy-x{suffix}")
    app = ArxivReaderApp(
        Store(tmp_path / "home"), paths=DIGEST_DIRS, mark_read_delay=0, clipboard=Clipboard("none")
    )

    async def run_before(pilot: Pilot) -> None:
        await loaded(pilot)
        await pilot.press("y")
        await pilot.app.workers.wait_for_complete()  # citations are made in a worker
        await pilot.pause()
        pilot.app.screen.query_one("TextArea").cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(110, 30), run_before=run_before)


def test_reading_view_80x24(app, snap_compare):
    """Enter on the first paper at 80x24: a head line "Paper 1 of 194 · n/p...", the
    title, a one-line author summary, categories and dates, status and links, then
    the abstract starting on the first screen; footer with Back, Next, Previous."""

    async def run_before(pilot: Pilot) -> None:
        await loaded(pilot)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_day_headers(app, snap_compare):
    """cat:cs.IR, sorted by date: a header per digest day ("── Mon 2026-07-27 · 6
    papers · 5 unread ──", then 07-25, 07-18...) above its papers; the second
    paper read (grey, no ●), the third starred under the cursor."""

    async def run_before(pilot: Pilot) -> None:
        await loaded(pilot)
        await pilot.press("slash", *"cat:cs.IR", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.press("j", "m", "j", "s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_cursor_row_without_colour(tmp_path, snap_compare, monkeypatch):
    """NO_COLOR=1: greys only; the cursor row (second paper: marked, unread, starred)
    is in reverse video with its markers ▸ ● ★ as characters; the first paper,
    read, has no ● and grey text."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = ArxivReaderApp(
        Store(tmp_path / "home"), paths=DIGEST_DIRS, mark_read_delay=0, clipboard=Clipboard("osc52")
    )

    async def run_before(pilot: Pilot) -> None:
        await loaded(pilot)
        await pilot.press("m", "j", "space", "k", "s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 24), run_before=run_before)


def test_sidebar_and_note(tmp_path, snap_compare):
    """The reading list at 130x35: the sidebar at the left, focused (All 166/166, Unread,
    New, Starred; @llm; "@mute (hidden)" counting the 28 muted papers; #survey 1/1 and #to-read
    2/2, counts without the muted papers),
    "#to-read" highlighted and applied: two papers with their tags after the title, the
    second under the cursor; the detail shows "Tags: #survey #to-read" and "Your note"
    above the abstract; the status line says "2 of 166 papers" (All's total) and ends
    "1 muted hidden" (a third to-read paper)."""
    from tui.core.readinglist import ReadingList

    home = tmp_path / "home"
    reading = ReadingList(Store(home))
    reading.change_tags(["2607.01276", "2607.00374", "2607.00293"], add=["to-read"])
    reading.change_tags(["2607.00374"], add=["survey"])
    reading.set_note("2607.00374", "Compare the **retrieval** baseline with ours (table 3).")
    reading.save_search("llm", "ti:llm")
    reading.save_search("mute", "au:zhang -cat:cs.IR")
    app = ArxivReaderApp(Store(home), paths=DIGEST_DIRS, mark_read_delay=0, clipboard=Clipboard("osc52"))

    async def run_before(pilot: Pilot) -> None:
        await loaded(pilot)
        sidebar = pilot.app.screen.query_one("#sidebar")
        sidebar.focus()
        sidebar.highlighted = sidebar.get_option_index("tag:to-read")
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.press("j")
        pilot.app.screen.query_one("#sidebar").focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(130, 35), run_before=run_before)
