"""The help and the questions say what the keys do, no more: no key listed twice under two names
(``G shift+g``), no "next pane" where there is one pane, and a question says that y and n answer it."""

from __future__ import annotations

from textual.widgets import Label
from ui_helpers import loaded, settle

from tui.screens.dialogs import ConfirmDialog
from tui.screens.help import HelpScreen
from tui.screens.reading import ReadingScreen


def _rows(app) -> dict[str, str]:
    """Help row description -> its keys."""
    assert isinstance(app.screen, HelpScreen)
    return {row[1]: row[0] for _, rows in app.screen.sections for row in rows}


async def test_the_last_paper_key_is_listed_once(make_app):
    async with loaded(make_app) as (app, pilot):
        await pilot.press("question_mark")
        keys = _rows(app)["Last paper"].split()
        assert "G" in keys and not any(key.startswith("shift+") for key in keys), keys


async def test_the_reading_view_help_lists_no_pane_keys_the_main_screen_does(make_app):
    async with loaded(make_app) as (app, pilot):
        await pilot.press("question_mark")
        assert "Next pane" in _rows(app)  # the main screen has a list, a detail, a sidebar
        await pilot.press("escape", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReadingScreen)
        await pilot.press("question_mark")
        rows = _rows(app)
        assert "Next pane" not in rows and "Previous pane" not in rows, rows


async def test_a_question_says_y_and_n_answer_it(make_app):
    async with loaded(make_app) as (app, pilot):
        await pilot.press("A")
        assert isinstance(app.screen, ConfirmDialog)
        words = " ".join(str(label.render()) for label in app.screen.query(Label))
        assert "y: Mark read" in words and "n or Esc: Cancel" in words, words
