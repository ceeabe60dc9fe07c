"""Text fields (the filter, the tag, save-search and .bib dialogs, the note editor) take the keys of
one read in the order typed, and Escape read together with the next key leaves the field.

A plain Textual 8.2 Input typed every letter of a read first and ran Backspace, the arrows,
ctrl+a, ctrl+u after them (bindings, run once the key bubbled up to the app): see
tui/widgets/keys_in_order.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, TextArea
from ui_helpers import burst, loaded, settle, terminal_read

from tui.core.readinglist import ReadingList
from tui.core.store import Store
from tui.screens.note_editor import NoteEditor
from tui.screens.save_search import SaveSearchDialog
from tui.screens.tag_input import TagInput

#: Keys typed in one read -> the text left in an empty field.
EDITS = [
    (["a", "b", "c", "backspace", "d"], "abd"),
    ([*"segmentatoi", "backspace", "backspace", *"ion"], "segmentation"),
    (["a", "b", "c", "left", "X"], "abXc"),
    (["a", "b", "c", "ctrl+a", "X"], "Xabc"),
    (["a", "b", "c", "ctrl+u", "x", "y", "z"], "xyz"),
    (["a", "b", "ctrl+w", "c"], "c"),
    # Alt/Option+Backspace deletes the word left, as in shells (Textual's Input deleted the word right).
    (["a", "b", "space", "c", "d", "alt+backspace", "x"], "ab x"),
    (["a", "b", "space", "c", "d", "ctrl+backspace", "x"], "ab x"),
]


@pytest.mark.parametrize(("keys", "text"), EDITS)
async def test_filter_edits_in_the_order_typed(make_app, keys: list[str], text: str):
    async with loaded(make_app) as (app, pilot):
        await pilot.press("slash")
        burst(app, *keys)
        await settle(app, pilot)
        assert app.screen.filter_bar.input.value == text
        assert app.screen.query_text == text


@pytest.mark.parametrize("dialog", ["t", "at"])
async def test_dialog_fields_edit_in_the_order_typed(make_app, dialog: str):
    async with loaded(make_app) as (app, pilot):
        await pilot.press("slash", "a", "enter", dialog)  # (@ saves the query: there must be one)
        assert isinstance(app.screen, (TagInput, SaveSearchDialog))
        field = app.screen.query_one(Input)
        for keys, text in EDITS:
            burst(app, *keys)
            await settle(app, pilot)
            assert field.value == text
            await pilot.press("end", "ctrl+u")


async def test_note_editor_edits_in_the_order_typed(make_app, no_editor):
    async with loaded(make_app) as (app, pilot):
        await pilot.press("N")
        assert isinstance(app.screen, NoteEditor)
        burst(app, "a", "b", "c", "backspace", "d", "left", "X")
        await settle(app, pilot)
        assert app.screen.query_one(TextArea).text == "abXd"


async def test_the_tag_dialog_applies_what_the_edits_of_one_read_left(make_app, home: Path):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await pilot.press("t")
        burst(app, "a", "b", "c", "backspace", "d", "enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert ReadingList(Store(home)).tags() == {"abd": {screen.highlighted.id}}


@pytest.mark.parametrize("dialog", ["t", "at"])
async def test_escape_and_a_key_read_together_close_the_dialog_and_the_key_acts_on_the_list(
        make_app, home: Path, dialog: str):
    """``Escape j`` in one read reaches the dialog as alt+j: the dialog closes unapplied, j moves
    down the list, and an Enter after it opens that paper, not "apply j"."""
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await pilot.press("slash", "a", "enter", dialog)
        papers = list(screen.results.papers)
        burst(app, "alt+j", "s")
        await settle(app, pilot)
        assert app.screen is screen, "the dialog was left open"
        assert screen.cursor == 1 and screen.user.is_starred(papers[1].id)
        reading = ReadingList(Store(home))
        assert reading.tags() == {} and reading.searches() == {}


async def test_escape_and_a_key_read_together_close_the_note_editor(make_app, home: Path, no_editor):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await pilot.press("N")
        assert isinstance(app.screen, NoteEditor)
        burst(app, "alt+j")
        await settle(app, pilot)
        assert app.screen is screen and screen.cursor == 1
        assert ReadingList(Store(home)).note(screen.results.papers[0].id) in ("", None)


@pytest.mark.parametrize("read", ["\x1b\r", "\x1b ", "\x1b?", "\x1b2"])
async def test_escape_and_any_key_read_together_never_apply_the_tag_dialog(make_app, home: Path, read: str):
    """Escape then Enter typed fast: Textual alone read it as Enter (the Escape lost), which
    tagged the paper with what the field held."""
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await pilot.press("t", *"foo")
        terminal_read(app, read)
        await settle(app, pilot)
        assert not isinstance(app.screen, TagInput)
        assert ReadingList(Store(home)).tags() == {}
        assert app.screen is not screen or screen.view == "unread" or read == "\x1b "


async def test_text_typed_in_the_same_read_as_n_lands_in_the_note(make_app, no_editor):
    """``N`` then ``hello world`` in one read: the keys after N were queued on the list (it had the
    focus when they were read) and were lost; they belong in the note, in order, Enter a new line."""
    async with loaded(make_app) as (app, pilot):
        burst(app, "N", *"hello", "space", *"world", "enter", *"abx", "backspace", "c")
        await settle(app, pilot)
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.text_area.text == "hello world\nabc"
        burst(app, *"def")  # a later read goes on where the first left the cursor
        await settle(app, pilot)
        assert app.screen.text_area.text == "hello world\nabcdef"
