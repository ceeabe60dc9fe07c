"""The reading list's keys typed in one burst with the moves before them act on the moved-to paper.

``t`` (tag), ``N`` (note) and space (mark) arrive in the same read as the
``j`` presses before them (fast typing, key repeat); each must act on the paper
those moves put under the cursor, not on the one the cursor left.
"""

from __future__ import annotations

from tui.screens.note_editor import NoteEditor
from tui.screens.tag_input import TagInput
from ui_helpers import burst, loaded, settle


async def test_tag_after_two_moves_names_the_moved_to_paper(make_app, no_editor):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        papers = list(screen.results.papers)
        burst(app, "j", "j", "t")
        await settle(app, pilot)
        assert isinstance(app.screen, TagInput)
        await pilot.press(*"burst", "enter")
        await settle(app, pilot)
        assert screen.reading_list.tags_of(papers[2].id) == ("burst",)
        assert screen.reading_list.tags_of(papers[0].id) == ()


async def test_note_after_two_moves_is_on_the_moved_to_paper(make_app, no_editor):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        papers = list(screen.results.papers)
        burst(app, "j", "j", "N")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteEditor)
        assert papers[2].id in app.screen.title_text
        await pilot.press(*"hi", "ctrl+s")
        await settle(app, pilot)
        assert screen.reading_list.note(papers[2].id) == "hi"
        assert screen.reading_list.note(papers[0].id) == ""


async def test_mark_after_two_moves_marks_the_moved_to_paper(make_app):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        papers = list(screen.results.papers)
        burst(app, "j", "j", "space")
        await settle(app, pilot)
        assert screen.marks == {papers[2].id}


async def test_text_typed_in_the_same_read_as_ctrl_s_is_saved(make_app, no_editor):
    """A fast typist's last characters and ctrl+s arrive together: the note saved has them all."""
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        paper = screen.highlighted.id
        await pilot.press("N")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteEditor)
        burst(app, "h", "i", "ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, NoteEditor)
        assert screen.reading_list.note(paper) == "hi"


async def test_text_typed_in_the_same_read_as_escape_is_not_dropped_unasked(make_app, no_editor):
    """Escape right after typing asks before dropping the text, even when they arrive together."""
    from tui.screens.dialogs import ConfirmDialog

    async with loaded(make_app) as (app, pilot):
        await pilot.press("N")
        await settle(app, pilot)
        burst(app, "h", "i", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
