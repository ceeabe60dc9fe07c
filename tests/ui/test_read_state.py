"""Read state means "I looked at it": only an act of the user on a paper marks it read.

Every test runs with the read timer ON (a short delay, then a wait well past
it), so a paper the reader would mark read behind the user's back shows up.
What counts is what the store saved (a fresh Store on the same home).
"""

from __future__ import annotations

from pathlib import Path

from tui.core.store import Store
from ui_helpers import SIZE, settle, wait_loaded

DELAY = 0.25  # the read timer (seconds)
PAST = DELAY * 2.4  # comfortably past it


def read_ids(home: Path) -> set[str]:
    """The papers the store has as read."""
    return {paper_id for paper_id, state in Store(home).states().items() if state.read}


async def test_nothing_is_read_at_start_up(make_app, home: Path):
    app = make_app(mark_read_delay=DELAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.pause(PAST)
        assert read_ids(home) == set()


async def test_nothing_is_read_when_the_session_is_restored(make_app, home: Path):
    # A long timer for the first run: quitting must surely come before it, even on
    # a loaded machine (the move to the last paper is the user's act).
    app = make_app(mark_read_delay=60)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("m", "m")  # read, then unread again: the user's own doing
        await pilot.press("G")
        await pilot.pause(0.05)
        last = app.screen.paper_list.highlighted.id
        await pilot.press("q")  # before the timer ran out
    assert read_ids(home) == set()
    again = make_app(paths=None, mark_read_delay=DELAY)
    async with again.run_test(size=SIZE) as pilot:
        await wait_loaded(again, pilot)
        assert again.screen.paper_list.highlighted.id == last  # restored there...
        await pilot.pause(PAST)
        assert read_ids(home) == set()  # ...and not read for it


async def test_typing_in_the_filter_reads_nothing(make_app, home: Path):
    app = make_app(mark_read_delay=DELAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await pilot.press("slash")
        seen = set()
        for query in ("llm", "cat:cs.IR", "agent"):
            await pilot.press(*query)
            await settle(app, pilot)
            seen.add(screen.paper_list.highlighted.id)
            await pilot.pause(PAST)  # the filter keeps the focus all along
            for _ in query:
                await pilot.press("backspace")
        assert len(seen) >= 2  # the cursor did land on several papers
        assert read_ids(home) == set()


async def test_a_view_change_reads_nothing(make_app, home: Path):
    app = make_app(mark_read_delay=DELAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await pilot.press("s")  # star the first paper (quickly: no time to read it)
        await pilot.press("G", "s")  # and the last one
        await settle(app, pilot)
        await pilot.press("m", "m")  # the last is unread (stopping its timer)
        await pilot.press("3")  # the starred view: the cursor lands on a starred paper
        await settle(app, pilot)
        assert len(screen.paper_list.papers) == 2
        await pilot.pause(PAST)
        await pilot.press("2", "1")  # unread view, all: more landings
        await settle(app, pilot)
        await pilot.pause(PAST)
        assert read_ids(home) == set()


async def test_a_sort_or_a_day_step_reads_nothing(make_app, home: Path):
    app = make_app(mark_read_delay=DELAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("S")  # by title: another paper under the cursor
        await settle(app, pilot)
        await pilot.pause(PAST)
        await pilot.press("S", "S", "right_square_bracket", "left_square_bracket")
        await settle(app, pilot)
        await pilot.pause(PAST)
        assert read_ids(home) == set()


async def test_a_filter_result_puts_the_cursor_on_the_first_row(make_app, home: Path):
    """The highlighted paper drops out: first row (not the same row number), and nothing is read."""
    app = make_app(mark_read_delay=DELAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        for _ in range(20):
            await pilot.press("j")
        dropped = screen.paper_list.highlighted
        assert screen.paper_list.cursor == 20
        await pilot.press("m", "m", "slash", *"cat:cs.IR", "enter")  # unread again; filter it away
        await settle(app, pilot)
        papers = screen.paper_list
        assert dropped not in list(papers.papers)
        assert papers.cursor == 0 and papers.highlighted is papers.papers[0]
        await pilot.pause(PAST)
        assert read_ids(home) == set()


async def test_the_timer_reads_what_the_user_moved_onto(make_app, home: Path):
    """The one timed case: the user moved the cursor there, with the list focused, and stayed."""
    app = make_app(mark_read_delay=DELAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await pilot.press("j")
        stayed = screen.paper_list.highlighted.id
        await pilot.pause(PAST)
        assert read_ids(home) == {stayed}
        # Moved on, then left the list for the filter before the delay: not read.
        await pilot.press("j")
        left = screen.paper_list.highlighted.id
        await pilot.press("slash")
        await pilot.pause(PAST)
        assert left not in read_ids(home)


async def test_enter_m_and_a_read_on_request(make_app, home: Path):
    app = make_app(mark_read_delay=DELAY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        first = screen.paper_list.highlighted.id
        await pilot.press("enter")  # the reading view: that is reading it
        assert read_ids(home) == {first}
        await pilot.press("escape", "m")  # and m makes it unread again
        assert read_ids(home) == set()
        await pilot.press("slash", *"cat:cs.IR", "enter")
        await settle(app, pilot)
        shown = {paper.id for paper in screen.paper_list.papers}
        await pilot.press("A", "y")
        await settle(app, pilot)
        assert read_ids(home) == shown
