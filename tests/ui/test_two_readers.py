"""Two readers on one data directory (two SSH sessions) see each other's changes within 2 s."""

from __future__ import annotations

import time
from pathlib import Path

from tui.core.store import Store
from ui_helpers import SIZE, wait_loaded

LIMIT = 2.0  # seconds: what the issue allows


async def wait_until(pilots, check, limit: float = LIMIT) -> float:
    """Let both apps run until ``check()``; the seconds it took (fails past ``limit``)."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < limit, "not seen in time"
        for pilot in pilots:
            await pilot.pause(0.05)
    return time.monotonic() - started


async def test_two_readers_see_each_others_stars_and_reads(make_app, home: Path):
    first = make_app()
    async with first.run_test(size=SIZE) as one:
        await wait_loaded(first, one)  # imports the digests
        second = make_app(paths=None)
        async with second.run_test(size=SIZE) as two:
            await wait_loaded(second, two)
            a, b = first.screen, second.screen
            paper_a = a.paper_list.papers[0]
            paper_b = b.paper_list.papers[1]
            await one.press("s")  # the first reader stars paper A
            await two.press("j", "m")  # the second marks paper B read (at about the same time)
            await wait_until(
                (one, two), lambda: b.user.is_starred(paper_a.id) and a.user.is_read(paper_b.id)
            )
            # Each kept its own change, and shows the other's in its list and status line.
            assert a.user.is_starred(paper_a.id) and b.user.is_read(paper_b.id)
            assert "1 starred" in str(b.query_one("#status").render())
            assert "193 unread" in str(a.query_one("#status").render())
            row = b.paper_list.render_line(b.paper_list.row_of(0) - round(b.paper_list.scroll_y)).text
            assert "★" in row[:4]
            # The command line is one more writer: seen too.
            Store(home).set_starred([paper_b.id], True)
            await wait_until((one, two), lambda: a.user.is_starred(paper_b.id) and b.user.is_starred(paper_b.id))
    states = Store(home).states()
    assert states[paper_a.id].starred and states[paper_b.id].read and states[paper_b.id].starred
