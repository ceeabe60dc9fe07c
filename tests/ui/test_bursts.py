"""Keys that arrive together act in order: each on the paper the keys before it left under the cursor.

A terminal hands over every key of one read at once (fast typing over SSH, a
paste, key repeat followed by a letter). :func:`ui_helpers.burst` queues keys
that way: none is handled before all are queued. Every act (star, read, mark,
copy, open, Enter, day, sort) must land on the paper the moves before it put
under the cursor, and keys typed right after Enter or Escape in the filter are
list keys, not query text.
"""

from __future__ import annotations

import pytest

from tui.screens.dialogs import CopyMenu
from tui.screens.reading import ReadingScreen
from tui.widgets.paper_list import PaperList
from ui_helpers import burst, loaded, settle, terminal_read


def notices(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


def starred(screen) -> list[str]:
    return [paper.id for paper in screen.results.papers if screen.user.is_starred(paper.id)]


def read(screen) -> list[str]:
    return [paper.id for paper in screen.results.papers if screen.user.is_read(paper.id)]


async def test_star_read_and_mark_land_where_the_moves_of_the_same_read_went(make_app):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        papers = list(screen.results.papers)
        burst(app, "j", "s")
        await settle(app, pilot)
        assert screen.cursor == 1 and starred(screen) == [papers[1].id]
        burst(app, "j", "m")
        await settle(app, pilot)
        assert screen.cursor == 2 and read(screen) == [papers[2].id]
        burst(app, "j", "space", "space")
        await settle(app, pilot)
        assert screen.marks == {papers[3].id, papers[4].id} and screen.cursor == 5
        burst(app, "k", "k", "k", "k", "s", "j", "j", "s")  # unstar the second paper, star the fourth
        await settle(app, pilot)
        assert starred(screen) == [papers[3].id] and screen.cursor == 3
        assert screen.paper_list.cursor == screen.cursor and screen.detail.paper is papers[3]


async def test_next_unread_sort_and_day_start_from_the_moved_to_paper(make_app):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        papers = list(screen.results.papers)
        burst(app, "G", "p")  # the previous unread paper above the last one
        await settle(app, pilot)
        assert screen.highlighted is papers[-2]
        burst(app, "g", "j", "S")  # the sort keeps the highlighted paper: the second one
        await settle(app, pilot)
        assert screen.sort != "date" and screen.highlighted is papers[1]
        while screen.sort != "date":
            await pilot.press("S")
        burst(app, "G", "left_square_bracket")  # the day of the last paper, not of the first
        await settle(app, pilot)
        assert papers[-1].first_digest_date != papers[0].first_digest_date
        assert screen.day == papers[-1].first_digest_date and screen.highlighted is papers[-1]


async def test_copy_and_open_use_the_moved_to_paper(make_app, monkeypatch):
    import tui.screens.actions as actions

    monkeypatch.setattr(actions, "browser_reachable", lambda: False)
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        papers = list(screen.results.papers)
        burst(app, "j", "y")
        await settle(app, pilot)
        assert f"BibTeX for {papers[1].id}" in notices(app) and papers[0].id not in notices(app)
        burst(app, "j", "o")
        await settle(app, pilot)
        assert app.clipboard == papers[2].abs_url
        burst(app, "j", "Y")
        await settle(app, pilot)
        assert isinstance(app.screen, CopyMenu) and app.screen.what == f"the highlighted paper {papers[3].id}"


async def test_enter_opens_the_moved_to_paper_and_the_next_keys_go_to_the_reading_view(make_app):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        papers = list(screen.results.papers)
        burst(app, "j", "j", "enter", "n")  # n: the reading view's next paper
        await settle(app, pilot)
        assert isinstance(app.screen, ReadingScreen)
        assert read(screen) == [papers[2].id, papers[3].id] and screen.highlighted is papers[3]


@pytest.mark.parametrize("leave", ["escape", "enter"])
async def test_keys_right_after_leaving_the_filter_are_list_keys(make_app, leave: str):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await pilot.press("slash", *"ti:a")
        await settle(app, pilot)
        shown = list(screen.results.papers)
        assert len(shown) > 3
        burst(app, leave, "j", "j", "s")
        await settle(app, pilot)
        assert screen.query_text == "ti:a" and screen.filter_bar.input.value == "ti:a"
        assert isinstance(app.focused, PaperList)
        assert starred(screen) == [shown[2].id]
        # All in one read: "/" and the text go to the filter, the keys after Enter/Escape to the list.
        burst(app, "slash", "n", leave, "j", "m")
        await settle(app, pilot)
        assert screen.query_text == "ti:an" and isinstance(app.focused, PaperList)
        assert read(screen) == [screen.results.papers[1].id] and screen.cursor == 1


async def test_escape_read_with_the_next_key_as_alt_key_leaves_the_filter(make_app):
    """Escape then ``jjs`` in one read is parsed as alt+j, j, s (a terminal sends Alt as ESC):
    in the filter that is Escape and j, not a "j" typed into the query."""
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await pilot.press("slash", *"ti:a")
        await settle(app, pilot)
        shown = list(screen.results.papers)
        burst(app, "alt+j", "j", "s")
        await settle(app, pilot)
        assert screen.query_text == "ti:a" and isinstance(app.focused, PaperList)
        assert starred(screen) == [shown[2].id]


async def test_escape_read_with_the_next_key_on_the_list_is_both(make_app):
    """On the list, Escape then ``2`` in one read (``tmux send-keys Escape 2``) arrives as one
    key (alt+2, see tests/ui/test_escaped_keys.py): nothing is bound to it, so
    it is Escape (the filter cleared) then 2 (the unread view), and the keys after it act after
    both. Escape then a letter (alt+shift+g: Escape G) likewise."""

    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await pilot.press("slash", *"ti:a", "enter")
        await settle(app, pilot)
        assert screen.query_text == "ti:a" and isinstance(app.focused, PaperList)
        terminal_read(app, "\x1b2js")
        await settle(app, pilot)
        assert screen.query_text == "" and screen.view == "unread"
        assert screen.cursor == 1 and starred(screen) == [screen.results.papers[1].id]
        terminal_read(app, "\x1bG")  # Escape G: the last paper
        await settle(app, pilot)
        assert screen.cursor == len(screen.results) - 1 and screen.view == "unread"


@pytest.mark.parametrize(("read", "view"), [("\x1b2", "unread"), ("\x1b3", "starred"), ("\x1b1", "all")])
async def test_escape_and_a_digit_read_together_leave_the_filter_and_switch_the_view(make_app, read, view):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await pilot.press("2", "slash", *"ti:a")  # (from the unread view, so "1" changes it too)
        await settle(app, pilot)
        terminal_read(app, read)
        await settle(app, pilot)
        assert screen.query_text == "ti:a" and isinstance(app.focused, PaperList)
        assert screen.view == view


async def test_escape_and_question_mark_read_together_leave_the_filter_and_show_help(make_app):
    from tui.screens.help import HelpScreen

    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await pilot.press("slash", *"ti:a")
        await settle(app, pilot)
        terminal_read(app, "\x1b?")
        await settle(app, pilot)
        assert screen.query_text == "ti:a" and isinstance(app.screen, HelpScreen)


async def test_a_pound_sign_typed_in_the_filter_is_text(make_app):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await pilot.press("slash")
        terminal_read(app, "x£y™")
        await settle(app, pilot)
        assert screen.filter_bar.input.value == "x£y™" and app.focused is screen.filter_bar.input


@pytest.mark.parametrize("where", ["list", "filter", "tag dialog"])
@pytest.mark.parametrize("letter", ["S", "L", "Y", "A"])
async def test_escape_and_a_capital_letter_read_together_act_on_the_list(make_app, where: str, letter: str):
    """A terminal sends ESC then ``L`` for Escape L typed fast, which Textual reports as alt+shift+l:
    the capital's key after Escape (only G was bound as shift+g too: S, L, Y, A were lost)."""
    from tui.screens.dialogs import ConfirmDialog
    from tui.screens.tag_input import TagInput
    from tui.widgets.sidebar import Sidebar

    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        sort = screen.sort
        await pilot.press(*{"list": [], "filter": ["slash"], "tag dialog": ["t", "x"]}[where])
        await settle(app, pilot)
        terminal_read(app, "\x1b" + letter)
        await settle(app, pilot)
        assert not isinstance(app.screen, TagInput)
        if letter == "S":
            assert screen.sort != sort
        elif letter == "L":
            assert isinstance(app.focused, Sidebar)
        elif letter == "Y":
            assert isinstance(app.screen, CopyMenu)
        else:
            assert isinstance(app.screen, ConfirmDialog) and "as read" in app.screen.question
