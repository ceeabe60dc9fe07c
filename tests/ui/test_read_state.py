"""Read state means "I looked at it": only an act of the user on a paper marks it read.

Every test runs with the read timer ON, and none depends on the machine's speed:
the timer's delay is an hour, so it never runs out on its own while a test sets
things up, and ``linger`` makes the pending timer (if any) run out when the test
says the user waited. That is waiting forever, not a little: a paper the reader
would mark read behind the user's back shows up on any machine. Two tests use a
short real delay and wait for Textual's own timer, checking only for what must
happen (never that something did not happen in time).
What counts is what the store saved (a fresh Store on the same home).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui.core.store import Store
from tui.screens.main import MainScreen
from ui_helpers import SIZE, settle, wait_loaded

LONG = 3600  # the read timer's delay while setting up: it never runs out by itself
SHORT = 0.2  # a real delay, for the tests that wait for Textual's timer


def read_ids(home: Path) -> set[str]:
    """The papers the store has as read."""
    return {paper_id for paper_id, state in Store(home).states().items() if state.read}


def main_screen(app) -> MainScreen:
    return next(screen for screen in app.screen_stack if isinstance(screen, MainScreen))


async def linger(app, pilot) -> None:
    """The user waits past the delay: the pending read timer, if any, runs out now."""
    await pilot.pause()
    main_screen(app).read_timer.run_out_now()
    await pilot.pause()


async def wait_until_read(home: Path, paper_id: str, pilot, limit: float = 30) -> None:
    """Wait (for a real timer) until the store has ``paper_id`` read; fail after ``limit`` s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while paper_id not in read_ids(home):
        assert loop.time() < deadline, f"{paper_id} was not read within {limit} s"
        await pilot.pause(0.05)


async def test_nothing_is_read_at_start_up(make_app, home: Path):
    app = make_app(mark_read_delay=SHORT)  # real time: nothing may start it
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.pause(SHORT * 3)
        assert not app.screen.read_timer.running
        await linger(app, pilot)
        assert read_ids(home) == set()


async def test_nothing_is_read_when_the_session_is_restored(make_app, home: Path):
    app = make_app(mark_read_delay=LONG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("G")  # the user's move: its timer runs...
        assert app.screen.read_timer.running
        last = app.screen.paper_list.highlighted.id
        await pilot.press("q")  # ...but they quit before it ran out
    assert read_ids(home) == set()
    again = make_app(paths=None, mark_read_delay=SHORT)
    async with again.run_test(size=SIZE) as pilot:
        await wait_loaded(again, pilot)
        assert again.screen.paper_list.highlighted.id == last  # restored there...
        await pilot.pause(SHORT * 3)
        assert not again.screen.read_timer.running
        await linger(again, pilot)
        assert read_ids(home) == set()  # ...and not read for it


async def test_typing_in_the_filter_reads_nothing(make_app, home: Path):
    app = make_app(mark_read_delay=LONG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await pilot.press("slash")
        seen = set()
        for query in ("llm", "cat:cs.IR", "agent"):
            await pilot.press(*query)
            await settle(app, pilot)
            seen.add(screen.paper_list.highlighted.id)
            await linger(app, pilot)  # the filter keeps the focus all along
            for _ in query:
                await pilot.press("backspace")
        await settle(app, pilot)
        await linger(app, pilot)
        assert len(seen) >= 2  # the cursor did land on several papers
        assert read_ids(home) == set()


async def test_a_view_change_reads_nothing(make_app, home: Path):
    app = make_app(mark_read_delay=LONG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await pilot.press("s")  # star the first paper
        await pilot.press("G", "s")  # and the last one (its timer runs: the user moved there)
        await pilot.press("3")  # the starred view: the cursor lands on a starred paper
        await settle(app, pilot)
        assert len(screen.paper_list.papers) == 2
        await linger(app, pilot)
        await pilot.press("2", "1")  # unread view, all: more landings
        await settle(app, pilot)
        await linger(app, pilot)
        assert read_ids(home) == set()


async def test_a_sort_or_a_day_step_reads_nothing(make_app, home: Path):
    app = make_app(mark_read_delay=LONG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("S")  # by title: another paper under the cursor
        await settle(app, pilot)
        await linger(app, pilot)
        await pilot.press("S", "S", "right_square_bracket", "left_square_bracket")
        await settle(app, pilot)
        await linger(app, pilot)
        assert read_ids(home) == set()


async def test_a_filter_result_puts_the_cursor_on_the_first_row(make_app, home: Path):
    """The highlighted paper drops out: first row (not the same row number), and nothing is read."""
    app = make_app(mark_read_delay=LONG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        for _ in range(20):
            await pilot.press("j")
        dropped = screen.paper_list.highlighted
        assert screen.paper_list.cursor == 20 and screen.read_timer.paper_id == dropped.id
        await pilot.press("slash", *"cat:cs.IR", "enter")  # filtered away while its timer runs
        await settle(app, pilot)
        papers = screen.paper_list
        assert dropped not in list(papers.papers)
        assert papers.cursor == 0 and papers.highlighted is papers.papers[0]
        await linger(app, pilot)
        assert read_ids(home) == set()


async def test_the_timer_reads_what_the_user_moved_onto(make_app, home: Path):
    """The one timed case: the user moved the cursor there, with the list focused, and stayed."""
    app = make_app(mark_read_delay=LONG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await pilot.press("j")
        stayed = screen.paper_list.highlighted.id
        assert screen.read_timer.paper_id == stayed
        assert read_ids(home) == set()  # not before the delay
        await linger(app, pilot)
        assert read_ids(home) == {stayed}
        # Moved on, then left the list for the filter before the delay: not read.
        await pilot.press("j")
        left = screen.paper_list.highlighted.id
        await pilot.press("slash")
        await linger(app, pilot)
        assert left not in read_ids(home)
        # Moved on, then opened a dialog over the list: not read either.
        await pilot.press("escape", "j")
        covered = screen.paper_list.highlighted.id
        await pilot.press("question_mark")
        await linger(app, pilot)
        assert covered not in read_ids(home)


async def test_textual_timer_runs_out_by_itself(make_app, home: Path):
    """Real time, with Textual's own timer: a paper the user stays on is read after the delay."""
    app = make_app(mark_read_delay=SHORT)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("j")
        stayed = app.screen.paper_list.highlighted.id
        await wait_until_read(home, stayed, pilot)
        assert read_ids(home) == {stayed}
        assert not app.screen.read_timer.running


async def test_enter_m_and_a_read_on_request(make_app, home: Path):
    app = make_app(mark_read_delay=LONG)
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


async def test_keys_that_do_not_move_the_cursor_start_no_timer(make_app, home: Path):
    """k, g, Home, PageUp on the first row; j, G, End, PageDown on the last: nothing is read."""
    app = make_app(mark_read_delay=LONG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        for key in ("k", "g", "home", "pageup"):
            await pilot.press(key)
            assert not screen.read_timer.running, key
            await linger(app, pilot)
        assert read_ids(home) == set()
        await pilot.press("G")  # moved: this one starts the timer...
        last = screen.highlighted.id
        await linger(app, pilot)
        assert read_ids(home) == {last}  # ...which reads it
        await pilot.press("m")  # unread again by hand
        for key in ("j", "G", "end", "pagedown"):
            await pilot.press(key)
            assert not screen.read_timer.running, key
            await linger(app, pilot)
        assert read_ids(home) == set()


async def test_a_view_sort_or_day_change_cancels_a_pending_timer(make_app, home: Path):
    """j, then before the delay a view, sort or day key: the paper moved onto is not read."""
    app = make_app(mark_read_delay=LONG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        for key in ("2", "S", "left_square_bracket", "1", "escape"):
            await pilot.press("j")
            assert screen.read_timer.running, key  # the move started it...
            await pilot.press(key)
            await settle(app, pilot)
            await linger(app, pilot)
            assert read_ids(home) == set(), key  # ...the change cancelled it


async def test_marking_with_space_reads_nothing(make_app, home: Path):
    """Space marks and moves down: the paper it lands on is not read by lingering there."""
    app = make_app(mark_read_delay=LONG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await pilot.press("j")  # a move: its timer runs...
        await pilot.press("space", "space")  # ...marking cancels it and starts none
        await linger(app, pilot)
        assert len(screen.marks) == 2 and screen.cursor == 3
        assert read_ids(home) == set()
        await pilot.press("j")  # a plain move still reads by lingering
        await linger(app, pilot)
        assert read_ids(home) == {screen.highlighted.id}


async def test_a_is_refused_while_a_search_runs_and_acts_on_the_shown_result(make_app, home: Path):
    """A while the abstracts are searched: no dialog for the old result; once shown, the new one."""
    import threading

    app = make_app(mark_read_delay=LONG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        release = threading.Event()
        match = screen.library.match

        def slow_match(query, *args, **kwargs):
            if query.text == 'abs:"language model"':
                release.wait(30)
            return match(query, *args, **kwargs)

        screen.library.match = slow_match
        # A phrase: checked against the text, in a worker (held here until released).
        await pilot.press("slash", *'abs:"language model"', "enter", "A")
        await pilot.pause()
        assert screen.searching  # (the search is held until released)
        assert app.screen is screen  # no dialog for the result still shown
        assert any("search" in notice.message.lower() for notice in app._notifications)
        assert read_ids(home) == set()
        release.set()
        await settle(app, pilot)
        shown = {paper.id for paper in screen.results.papers}
        assert 0 < len(shown) < len(screen.library)
        await pilot.press("A")
        assert "shown papers" in str(app.screen.question) and f"{len(shown):,}" in app.screen.question
        await pilot.press("y")
        await settle(app, pilot)
        assert read_ids(home) == shown


async def test_a_cancels_when_the_result_changed_while_asking(make_app, home: Path):
    app = make_app(mark_read_delay=LONG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await pilot.press("A")
        asking = app.screen
        assert asking is not screen
        screen.query_text = "cat:cs.IR"  # a new result under the dialog (as a search finishing would)
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert read_ids(home) == set()
        assert any("changed" in notice.message for notice in app._notifications)


async def test_a_on_an_empty_list_says_so(make_app, home: Path):
    app = make_app(mark_read_delay=LONG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("slash", *"zzzqqqxxx", "enter", "A")
        await settle(app, pilot)
        messages = [notice.message for notice in app._notifications]
        assert any("No papers are shown" in message for message in messages), messages
        assert not any("already read" in message for message in messages)
