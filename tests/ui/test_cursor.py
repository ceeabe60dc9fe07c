"""Where the cursor goes when the result changes, and that it is always in sight.

* The paper highlighted when the user starts typing in the filter (the anchor)
  stays highlighted whenever it is in the result, for the whole edit: a prefix
  that drops it on the way (``d`` of ``date:latest``) does not lose it.
* After every result change (query, view, sort, day) the cursor row is on screen.
"""

from __future__ import annotations

from ui_helpers import settle, wait_loaded

SMALL = (80, 24)


def cursor_row_visible(screen) -> bool:
    plist = screen.paper_list
    row = plist.row_of(plist.cursor)
    top = round(plist.scroll_y)
    return top <= row < top + plist.scrollable_content_region.height


async def test_the_anchor_paper_survives_prefixes_that_drop_it(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        first = screen.highlighted
        await pilot.press("slash")
        for key in "date:latest":
            await pilot.press(key)
            await settle(app, pilot)
        assert first in list(screen.results.papers)
        assert screen.highlighted is first and screen.cursor == 0


async def test_the_anchor_holds_mid_list_and_until_the_filter_is_left(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        for _ in range(30):
            await pilot.press("j")
        anchor = screen.highlighted
        await pilot.press("slash", "z")  # no paper has a word starting with z...: first row
        await settle(app, pilot)
        await pilot.press("backspace")  # everything again: back on the anchor
        await settle(app, pilot)
        assert screen.highlighted is anchor and cursor_row_visible(screen)
        # Typing a query the anchor is not in, then leaving the filter: the edit is over.
        await pilot.press(*"cat:cs.IR", "enter")
        await settle(app, pilot)
        landed = screen.highlighted
        assert landed is not anchor
        await pilot.press("slash", *("backspace" for _ in "cat:cs.IR"))
        await settle(app, pilot)
        assert screen.highlighted is landed  # the new edit's anchor


async def test_the_cursor_row_is_in_view_after_a_view_change(make_app):
    """Cold reviewer C3: g, j x15, s, 3, 1 left the list at the top, its cursor row off-screen."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await pilot.press("g", *("j" for _ in range(15)), "s", "3")
        await settle(app, pilot)
        assert cursor_row_visible(screen)
        await pilot.press("1")
        await settle(app, pilot)
        assert screen.cursor == 15 and cursor_row_visible(screen)


async def test_the_cursor_row_is_in_view_after_any_result_change(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        for _ in range(40):
            await pilot.press("j")
        for keys in (("S",), ("S",), ("S",), ("left_square_bracket",), ("escape",), ("2",), ("1",),
                     ("slash", "a", "backspace", "enter")):
            await pilot.press(*keys)
            await settle(app, pilot)
            assert cursor_row_visible(screen), keys
