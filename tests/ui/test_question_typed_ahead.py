"""A question that would throw something away (discard a changed note, replace a saved search) is
not answered yes by a key typed before it was shown: ``Esc y`` typed fast in the note editor
(y meant for the list: copy BibTeX) discarded the note without the question ever being seen."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui_helpers import burst, loaded, settle

from tui.core.readinglist import ReadingList
from tui.core.store import Store
from tui.screens.dialogs import ConfirmDialog
from tui.screens.note_editor import NoteEditor


async def test_escape_y_typed_fast_in_a_changed_note_asks_and_waits(make_app, no_editor):
    async with loaded(make_app) as (app, pilot):
        await pilot.press("N", *"my note")
        burst(app, "alt+y")  # Escape and y in one read
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog), "the question was answered before it was shown"
        editor = app.screen_stack[-2]
        assert isinstance(editor, NoteEditor) and editor.text_area.text == "my note"
        await pilot.press("y")  # typed once the question is there: it answers
        await settle(app, pilot)
        assert not isinstance(app.screen, (ConfirmDialog, NoteEditor))


async def test_a_name_in_use_then_y_typed_ahead_does_not_replace_the_saved_search(make_app, home: Path):
    async with loaded(make_app) as (app, pilot):
        await pilot.press("slash", "a", "enter", "at", *"mine", "enter")
        await settle(app, pilot)
        await pilot.press("slash", "end", "b", "enter", "at")
        burst(app, *"mine", "enter", "y")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog), (ReadingList(Store(home)).searches(), app.screen.query_text)
        assert ReadingList(Store(home)).searches() == {"mine": "a"}
        await pilot.press("n")
        await settle(app, pilot)
        assert ReadingList(Store(home)).searches() == {"mine": "a"}


@pytest.mark.parametrize("answer", ["y", "enter", "n"])
async def test_at_name_enter_answer_in_one_read_leaves_the_question_up(make_app, home: Path, answer: str):
    """``@robots⏎y`` in one read: the keys after ``@`` were queued on the list and reach the app from
    there, where the question's own bindings ran (its key handler never saw the ``y``)."""
    async with loaded(make_app) as (app, pilot):
        await pilot.press("slash", "a", "enter", "at", *"mine", "enter")
        await settle(app, pilot)
        await pilot.press("slash", "end", "b", "enter")
        burst(app, "at", *"mine", "enter", answer)
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog), ReadingList(Store(home)).searches()
        assert ReadingList(Store(home)).searches() == {"mine": "a"}
        await pilot.press("y")  # typed once the question is there: it answers
        await settle(app, pilot)
        assert ReadingList(Store(home)).searches() == {"mine": "ab"}


def _read(home: Path) -> set[str]:
    return {paper_id for paper_id, state in Store(home).states().items() if state.read}


@pytest.mark.parametrize("answer", ["y", "enter"])
async def test_mark_all_read_takes_no_answer_typed_with_a(make_app, home: Path, answer: str):
    """``A y`` or ``A⏎`` in one read (no undo): the question stays, No has the focus."""
    async with loaded(make_app) as (app, pilot):
        await pilot.press("slash", *"cat:cs.IR", "enter")
        await settle(app, pilot)
        shown = {paper.id for paper in app.screen.results.papers}
        burst(app, "A", answer)
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog) and _read(home) == set()
        assert app.screen.focused is not None and app.screen.focused.id == "no"
        await pilot.press("y")  # typed once the question is there: it answers
        await settle(app, pilot)
        assert _read(home) == shown


def test_every_question_that_loses_something_is_destructive():
    """Each ConfirmDialog the reader asks passes ``destructive=True`` (read from the sources:
    the questions are built deep inside actions, some only after a file changed elsewhere)."""
    import re

    import tui

    root = Path(tui.__file__).parent
    calls = [(path.name, call) for path in root.rglob("*.py")
             for call in re.findall(r"ConfirmDialog\((.*?)\),\s*\w+\)", path.read_text(), re.S)]
    assert len(calls) >= 4
    assert [name for name, call in calls if "destructive=True" not in call] == []
