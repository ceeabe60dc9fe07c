"""Day by day: [ and ] step through the digest days under the query and view; day headers."""

from __future__ import annotations

from tui.core.days import paper_day
from tui.widgets.status_line import StatusLine
from ui_helpers import SIZE, settle, wait_loaded

#: The digest days of the conftest digests (cs.IR and cs.CL, July 2026), newest first.
DAYS = ["2026-07-27", "2026-07-25", "2026-07-18", "2026-07-01"]


def status(app) -> str:
    return str(app.screen.query_one(StatusLine).render())


def shown_days(screen) -> set[str]:
    return {paper_day(paper) for paper in screen.paper_list.papers}


async def test_brackets_step_through_the_days_and_escape_leaves(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        assert screen.library.days.days == DAYS
        await pilot.press("left_square_bracket")  # first: the highlighted paper's day
        assert screen.day == DAYS[0] and shown_days(screen) == {DAYS[0]}
        assert "day Mon 2026-07-27" in status(app)
        for day in DAYS[1:]:
            await pilot.press("left_square_bracket")
            assert screen.day == day and shown_days(screen) == {day}
        await pilot.press("left_square_bracket")  # no older day: stays, says so
        assert screen.day == DAYS[-1]
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert screen.day == DAYS[1]
        assert screen.paper_list.cursor == 0
        await pilot.press("escape")  # on the list: leave the day first
        assert screen.day is None and len(screen.paper_list.papers) == 194
        assert "day " not in status(app)


async def test_stepping_skips_days_without_papers_under_the_query(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await pilot.press("slash", *"cat:cs.IR", "enter")  # cs.IR digests: 07-18 and 07-01 (+ cross-lists)
        await settle(app, pilot)
        present = [day for day in DAYS if day in {paper_day(p) for p in screen.paper_list.papers}]
        await pilot.press("g", "right_square_bracket")
        visited = [screen.day]
        for _ in range(len(DAYS)):
            await pilot.press("left_square_bracket")
            if screen.day != visited[-1]:
                visited.append(screen.day)
        assert visited == present
        # The query changes: the day stays, showing what the new query finds on it.
        await pilot.press("slash", *" retrieval", "enter")
        await settle(app, pilot)
        assert screen.day == present[-1]
        assert all(paper_day(p) == present[-1] for p in screen.paper_list.papers)


async def test_day_headers_when_sorted_by_date(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        papers = screen.paper_list
        results = screen.results
        assert [results.day_name(g) for g in range(len(results.groups))] == DAYS
        assert papers.row_count == 194 + len(DAYS)
        header = papers.render_line(0).text
        count = sum(1 for p in papers.papers if paper_day(p) == DAYS[0])
        assert header.startswith(f"── Mon 2026-07-27 · {count} papers · {count} unread")
        assert papers.row_of(0) == 1  # the first paper sits under its header
        # The cursor steps over headers: j from the last paper of a day lands on the next day's first.
        screen.move_to(count - 1, timer=False)
        await pilot.press("j")
        assert papers.cursor == count and paper_day(papers.highlighted) == DAYS[1]
        assert papers.row_of(count) == count + 2
        await pilot.press("m")  # read: the header's unread count follows
        await settle(app, pilot)
        second = papers.render_line(papers.row_of(count) - 1 - round(papers.scroll_y)).text
        assert "1 unread" not in second and "unread" in second
        # Sorted by title: no headers.
        await pilot.press("S")
        await settle(app, pilot)
        assert screen.results.groups is None and papers.row_count == 194


async def test_date_latest_and_the_new_view_key(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await pilot.press("slash", *"date:latest", "enter")
        await settle(app, pilot)
        assert shown_days(screen) == {DAYS[0]}
        assert screen.filter_bar.query_one("#filter-warnings").display is False
        await pilot.press("4")
        await settle(app, pilot)
        assert screen.view == "new"
        assert "new only" in status(app)


async def test_new_is_what_arrived_since_the_previous_session_ended(make_app, home):
    from tui.core.store import Store

    from conftest import DATA

    first_day = DATA / "cs.IR" / "2026" / "07" / "20260701.md"
    app = make_app(paths=[first_day])
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        assert "16 new" in status(app)  # no session before: every paper is new
        await pilot.press("q")
    assert Store(home).new_baseline() is not None  # the quit ended this reader's session
    again = make_app(paths=[DATA / "cs.IR" / "2026" / "07"])  # the next day's digest arrives
    async with again.run_test(size=SIZE) as pilot:
        await wait_loaded(again, pilot)
        screen = again.screen
        arrived = {p.id for p in screen.paper_list.papers if paper_day(p) == "2026-07-18"}
        assert arrived and f"{len(arrived)} new" in status(again)
        await pilot.press("4")
        await settle(again, pilot)
        assert {p.id for p in screen.paper_list.papers} == arrived
        await pilot.press("1", "slash", *"is:new", "enter")
        await settle(again, pilot)
        assert {p.id for p in screen.paper_list.papers} == arrived
        header = screen.paper_list.render_line(0).text
        assert f"{len(arrived)} new" in header  # the day header counts them too


async def test_papers_imported_while_the_reader_ran_are_new_next_time(make_app, home):
    """Hostile 2a/2c: the open reader never showed them; after a clean quit they are new."""
    import json
    import subprocess
    import sys

    from conftest import DATA

    def cli(*args: str) -> list[str]:  # another process, as from another shell
        done = subprocess.run([sys.executable, "-m", "tui", "--home", str(home), *args],
                              capture_output=True, text=True, check=False)
        return done.stdout.splitlines()

    first_day = DATA / "cs.IR" / "2026" / "07" / "20260701.md"
    app = make_app(paths=[first_day])
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("q")
    app = make_app(paths=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        assert "0 new" in status(app)
        cli("import", str(DATA / "cs.IR" / "2026" / "07"))
        arrived = {json.loads(line)["id"] for line in cli("list", "--format", "jsonl", "-q", "is:new")}
        assert len(arrived) == 4  # the papers of 2026-07-18: the CLI's is:new, meanwhile
        await pilot.press("j")
        await pilot.pause(0.6)  # a session save or two
        await pilot.press("q")  # a clean quit, after the import
    again = make_app(paths=None)
    async with again.run_test(size=SIZE) as pilot:
        await wait_loaded(again, pilot)
        assert f"{len(arrived)} new" in status(again)
        assert set(again.screen.library.new_ids) == arrived


async def test_a_second_reader_beside_the_first_shows_the_same_new(make_app, home):
    """Hostile 2b: reader B, opened while A runs (and saves its place), is measured as A is."""
    from conftest import DATA

    first_day = DATA / "cs.IR" / "2026" / "07" / "20260701.md"
    app = make_app(paths=[first_day])
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("q")
    first = make_app(paths=[DATA / "cs.IR" / "2026" / "07"])
    async with first.run_test(size=SIZE) as one:
        await wait_loaded(first, one)
        assert "4 new" in status(first)
        await one.press("j")
        await one.pause(0.7)  # A saved its session since
        second = make_app(paths=None)
        async with second.run_test(size=SIZE) as two:
            await wait_loaded(second, two)
            assert "4 new" in status(second)
            assert set(second.screen.library.new_ids) == set(first.screen.library.new_ids)
