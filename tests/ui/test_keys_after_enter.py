"""Keys typed right after the key that closes a dialog, in the same read, act on the screen beneath.

``t foo⏎js`` arriving in one read (fast typing over SSH) tags the paper #foo,
then moves down and stars the next one, as the user typing ahead meant: the
dialog closes while its Enter is handled, before the field takes ``j`` (it
used to answer through a message that reached the dialog after the field had
typed ``js`` into itself, lost with it). Same for the @ (save search) and
.bib dialogs, and the note editor's ctrl+s. A dialog that stays open (a name
it refuses) keeps the keys that follow, as typed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input
from ui_helpers import burst, loaded, settle

from tui.core.readinglist import ReadingList
from tui.core.store import Store
from tui.screens.dialogs import BibFileDialog, CopyMenu
from tui.screens.main import MainScreen
from tui.screens.note_editor import NoteEditor
from tui.screens.save_search import SaveSearchDialog
from tui.screens.tag_input import TagInput


def starred(screen) -> list[str]:
    return [paper.id for paper in screen.results.papers if screen.user.is_starred(paper.id)]


@pytest.mark.parametrize("opened", [False, True], ids=["one-read", "dialog-open-first"])
async def test_keys_after_enter_in_the_tag_dialog_move_and_star_on_the_list(make_app, home: Path, opened: bool):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        papers = list(screen.results.papers)
        if opened:
            await pilot.press("t")
            assert isinstance(app.screen, TagInput)
        burst(app, *([] if opened else ["t"]), "f", "o", "o", "enter", "j", "s")
        await settle(app, pilot)
        assert app.screen is screen
        assert ReadingList(Store(home)).tags() == {"foo": {papers[0].id}}
        assert screen.cursor == 1 and starred(screen) == [papers[1].id]


async def test_keys_after_enter_in_the_save_search_dialog_act_on_the_list(make_app, home: Path):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await pilot.press("slash", "a", "enter", "at")
        assert isinstance(app.screen, SaveSearchDialog)
        papers = list(screen.results.papers)
        burst(app, *"mine", "enter", "j", "j", "s")
        await settle(app, pilot)
        assert app.screen is screen
        assert ReadingList(Store(home)).searches() == {"mine": "a"}
        assert screen.cursor == 2 and starred(screen) == [papers[2].id]


async def test_keys_after_ctrl_s_in_the_note_editor_act_on_the_list(make_app, home: Path, no_editor):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        papers = list(screen.results.papers)
        await pilot.press("N")
        assert isinstance(app.screen, NoteEditor)
        burst(app, *"hi", "ctrl+s", "j", "s")
        await settle(app, pilot)
        assert app.screen is screen
        assert ReadingList(Store(home)).note(papers[0].id) == "hi"
        assert screen.cursor == 1 and starred(screen) == [papers[1].id]


async def test_keys_after_enter_in_the_bib_dialog_act_on_the_list(make_app, tmp_path: Path):
    refs = tmp_path / "refs.bib"
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        papers = list(screen.results.papers)
        await pilot.press("Y")
        assert isinstance(app.screen, CopyMenu)
        await pilot.press("end", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BibFileDialog)
        app.screen.query_one(Input).value = str(refs)
        burst(app, "enter", "j", "s")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert papers[0].id in refs.read_text()
        assert screen.cursor == 1 and starred(screen) == [papers[1].id]


async def test_a_dialog_that_refuses_the_name_keeps_the_keys_typed_after_enter(make_app, home: Path):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await pilot.press("t")
        burst(app, *"a:b", "enter", "backspace", "backspace", "c")
        await settle(app, pilot)
        assert isinstance(app.screen, TagInput)
        assert app.screen.query_one(Input).value == "ac"
        assert screen.cursor == 0 and starred(screen) == [] and ReadingList(Store(home)).tags() == {}

