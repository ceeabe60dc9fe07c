"""The reading list in the reader: tagging (one paper and marked ones), notes (in the reader and
in $EDITOR), saving a search, the sidebar and its counts, muting, changes from another process."""

from __future__ import annotations

import contextlib
import shlex
import sys
from pathlib import Path

from textual.widgets import Input, TextArea
from ui_helpers import SIZE, loaded, settle, wait_loaded

from tui.core.readinglist import ReadingList
from tui.core.store import Store
from tui.screens import reading_list_actions
from tui.screens.dialogs import ConfirmDialog
from tui.screens.note_editor import NoteEditor
from tui.screens.tag_input import TagInput
from tui.widgets.sidebar import Sidebar
from tui.widgets.status_line import StatusLine


def reading(home: Path) -> ReadingList:
    """The reading list as another process sees it (a store of its own)."""
    return ReadingList(Store(home))


def counts(screen) -> dict[str, tuple[int, int]]:
    """The sidebar's lists as label -> (unread, total)."""
    return {item.label: (item.unread, item.total) for item in screen.query_one(Sidebar).lists}


def shown_ids(screen) -> list[str]:
    return [paper.id for paper in screen.paper_list.papers]


async def type_query(pilot, text: str) -> None:
    await pilot.press("slash", *text, "enter")
    await settle(pilot.app, pilot)


async def test_tag_the_highlighted_paper_with_completion(make_app, home: Path):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        first = screen.highlighted.id
        await pilot.press("t")
        assert isinstance(app.screen, TagInput)
        await pilot.press(*"to-read", "enter")
        await settle(app, pilot)
        assert reading(home).tags() == {"to-read": frozenset({first})}
        assert counts(screen)["#to-read"] == (1, 1)

        await pilot.press("j", "t", "t", "o", "tab")  # completes the tag that exists
        assert app.screen.query_one(Input).value == "to-read "
        await pilot.press(*"Extra", "enter")
        await settle(app, pilot)
        second = screen.highlighted.id
        assert reading(home).tags_of(second) == ["extra", "to-read"]
        await type_query(pilot, "tag:to-read")
        assert sorted(shown_ids(screen)) == sorted([first, second])


async def test_tag_marked_papers_and_take_a_tag_off(make_app, home: Path):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await pilot.press("space", "space", "space")
        marked = set(screen.marks)
        assert len(marked) == 3
        await pilot.press("t", *"batch keep", "enter")
        await settle(app, pilot)
        tags = reading(home).tags()
        assert tags["batch"] == marked and tags["keep"] == marked
        await pilot.press("t", *"-batch", "enter")
        await settle(app, pilot)
        assert set(reading(home).tags()) == {"keep"}
        assert "#batch" not in counts(screen) and counts(screen)["#keep"] == (3, 3)
        await type_query(pilot, "-tag:keep")  # the marked papers are now hidden: the dialog says so
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagInput)
        assert app.screen.what == "3 marked papers, 3 of them hidden by the filter"


async def test_a_bad_tag_name_is_said_and_nothing_is_written(make_app, home: Path):
    async with loaded(make_app) as (app, pilot):
        await pilot.press("t", *"a:b", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TagInput)
        assert "must be one word" in str(app.screen.query_one("#tag-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert reading(home).tags() == {}


async def test_a_bidi_control_in_the_tag_dialog_is_refused_as_on_the_command_line(make_app, home: Path):
    """Textual's input drops a character it cannot print: the dialog says why instead,
    with the command line's message, and puts nothing of it in (typed or pasted)."""
    from textual import events

    from tui.core.readinglist import BadName, tag_name

    try:
        tag_name("ok\u202e")
    except BadName as error:
        expected = str(error)
    async with loaded(make_app) as (app, pilot):
        await pilot.press("t", "o", "k")
        field = app.screen.query_one("#tag-field")
        field.post_message(events.Key("right_to_left_override", "\u202e"))
        await pilot.pause()
        error = app.screen.query_one("#tag-error")
        assert str(error.render()) == expected and "\\u202e" in expected
        assert field.value == "ok"
        field.value = ""
        error.update("")
        field.post_message(events.Paste("ok\u202eevil"))
        await pilot.pause()
        assert "'ok\\u202eevil' must be one word" in str(error.render())
        assert field.value == ""
        await pilot.press("escape")
        await pilot.pause()
        assert reading(home).tags() == {}


async def test_note_in_the_reader_saved_only_on_save(make_app, home: Path, no_editor):
    async with loaded(make_app) as (app, pilot):
        paper = app.screen.highlighted.id
        await pilot.press("N")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"Read section 3", "ctrl+s")
        await settle(app, pilot)
        assert reading(home).note(paper) == "Read section 3"
        assert "Read section 3" in app.screen.detail.source

        await pilot.press("N", *" twice")
        await pilot.press("escape")  # changed: asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "Read section 3 twice"
        await pilot.press("escape", "y")  # discard
        await settle(app, pilot)
        assert not isinstance(app.screen, (NoteEditor, ConfirmDialog))
        assert reading(home).note(paper) == "Read section 3"

        await pilot.press("N", "escape")  # unchanged: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, (NoteEditor, ConfirmDialog))
        await type_query(pilot, "note:section")
        assert shown_ids(app.screen) == [paper]


async def test_note_in_the_users_editor(make_app, home: Path, tmp_path: Path, monkeypatch):
    script = tmp_path / "editor.py"
    script.write_text("import sys\nopen(sys.argv[1], 'a').write('written in the editor\\n')\n")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    monkeypatch.setattr(reading_list_actions, "terminal_editor_usable", lambda app: True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # headless: nothing to suspend
        await wait_loaded(app, pilot)
        paper = app.screen.highlighted.id
        await pilot.press("N")
        await settle(app, pilot)
        assert not isinstance(app.screen, NoteEditor)
        assert reading(home).note(paper) == "written in the editor"


async def test_save_the_query_as_a_search(make_app, home: Path):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await type_query(pilot, "cat:cs.IR llm")
        found = shown_ids(screen)
        assert found
        await pilot.press("at", *"IR-llm", "enter")
        await settle(app, pilot)
        assert reading(home).searches() == {"ir-llm": "cat:cs.IR llm"}
        assert counts(screen)["@ir-llm"] == (len(found), len(found))
        await pilot.press("escape")  # clear the filter
        await type_query(pilot, "@ir-llm")
        assert shown_ids(screen) == found


async def test_sidebar_counts_follow_star_read_and_tag(make_app, home: Path):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        total = len(screen.library)
        assert counts(screen)["All"] == (total, total)
        assert counts(screen)["Starred"] == (0, 0)
        await pilot.press("s")
        await settle(app, pilot)
        assert counts(screen)["Starred"] == (1, 1)
        await pilot.press("m")
        await settle(app, pilot)
        assert counts(screen)["Starred"] == (0, 1)
        assert counts(screen)["All"] == (total - 1, total)
        assert counts(screen)["Unread"] == (total - 1, total - 1)
        await pilot.press("t", *"x", "enter")
        await settle(app, pilot)
        assert counts(screen)["#x"] == (0, 1)


async def test_sidebar_applies_a_list_and_toggles(make_app, home: Path):
    reading(home).save_search("ir", "cat:cs.IR")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:  # 120 columns: shown
        await wait_loaded(app, pilot)
        screen = app.screen
        sidebar = screen.query_one(Sidebar)
        assert sidebar.display and screen.paper_list.has_focus
        await pilot.press("L")  # shown but not focused: the first L goes into it
        await pilot.pause()
        assert sidebar.display and sidebar.has_focus
        await pilot.press("L")  # from inside it: hide, the list has the keys again
        await pilot.pause()
        assert not sidebar.display and screen.paper_list.has_focus
        await pilot.press("L")  # show, focused
        await pilot.pause()
        assert sidebar.display and sidebar.has_focus
        sidebar.highlighted = 0
        await pilot.press("j", "j")  # j/k move in the sidebar as in the list
        assert sidebar.highlighted == 2
        await pilot.press("k")
        assert sidebar.highlighted == 1
        labels = [item.label for item in sidebar.lists]
        assert labels[:5] == ["All", "Unread", "New", "Starred", "@ir"]
        sidebar.highlighted = sidebar.get_option_index("search:ir")
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.query_text == "@ir" and screen.paper_list.has_focus
        assert all("cs.IR" in screen.library.paper(i).categories for i in shown_ids(screen))
        assert counts(screen)["@ir"][1] == len(shown_ids(screen))
        sidebar.focus()
        sidebar.highlighted = sidebar.get_option_index("starred")
        await pilot.press("enter")
        await settle(app, pilot)
        assert (screen.view, screen.query_text) == ("starred", "")


async def test_sidebar_hidden_when_narrow_until_toggled(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(app, pilot)
        sidebar = app.screen.query_one(Sidebar)
        assert not sidebar.display
        await pilot.press("L")
        await pilot.pause()
        assert sidebar.display


async def test_muted_papers_are_hidden_and_counted(make_app, home: Path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:  # the first run imports
        await wait_loaded(app, pilot)
        everything = set(shown_ids(app.screen))
        cl = {i for i in everything if app.screen.library.paper(i).primary_category == "cs.CL"}
    assert cl
    reading(home).save_search("mute", "cat:cs.CL")
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        shown = set(shown_ids(screen))
        muted = everything - shown
        assert muted and muted >= cl
        status = str(screen.query_one(StatusLine).render())
        assert f"{len(muted):,} muted hidden" in status
        assert counts(screen)["All"][1] == len(shown)
        # The status's total is the sidebar's All (review F8: it counted the muted papers).
        assert status.startswith(f"{len(shown):,} of {len(shown):,} papers"), status
        await type_query(pilot, "is:muted")
        assert set(shown_ids(screen)) == muted
        status = str(screen.query_one(StatusLine).render())
        assert "muted hidden" not in status and status.startswith(f"{len(muted):,} of {len(everything):,} papers")
        await pilot.press("escape", "escape")  # back to the list, clear the filter
        await settle(app, pilot)
        await type_query(pilot, "nothingmatchesthisxyz")  # the total leaves the muted out again
        assert str(screen.query_one(StatusLine).render()).startswith(f"0 of {len(shown):,} papers")
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        await type_query(pilot, "cat:cs")  # narrows the empty query: the muted are counted again
        assert shown_ids(screen) and set(shown_ids(screen)).isdisjoint(muted)
        assert f"{len(muted):,} muted hidden" in str(screen.query_one(StatusLine).render())


async def test_changes_from_another_process_reach_the_sidebar(make_app, home: Path):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        paper = screen.highlighted.id
        reading(home).change_tags([paper], add=["elsewhere"])
        for _ in range(40):  # the poll runs once a second
            await pilot.pause(0.1)
            if "#elsewhere" in counts(screen):
                break
        assert counts(screen)["#elsewhere"] == (1, 1)


def textual_like_suspend(events: list[str]):
    """A stand-in for ``App.suspend`` shaped like Textual 8's: a generator context manager with no
    try/finally, so the terminal is given back only when its body does not raise."""

    @contextlib.contextmanager
    def suspend():
        events.append("suspended")
        yield
        events.append("resumed")

    return suspend


async def test_a_failing_editor_resumes_the_reader_and_keeps_the_text(make_app, home: Path, tmp_path: Path,
                                                                      monkeypatch):
    script = tmp_path / "editor.py"  # writes, then fails (like vim's :cq)
    script.write_text("import sys\nopen(sys.argv[1], 'a').write('typed before failing\\n')\nsys.exit(3)\n")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setattr(reading_list_actions, "terminal_editor_usable", lambda app: True)
    for editor, draft in [("false", ""), (str(tmp_path / "no-such-editor"), ""),
                          (f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}", "typed before failing")]:
        monkeypatch.setenv("EDITOR", editor)
        events: list[str] = []
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            monkeypatch.setattr(app, "suspend", textual_like_suspend(events))
            await wait_loaded(app, pilot)
            paper = app.screen.highlighted.id
            await pilot.press("N")
            await settle(app, pilot)
            assert events == ["suspended", "resumed"], editor
            assert isinstance(app.screen, NoteEditor)  # the text is not lost: the reader's editor has it
            assert app.screen.text_area.text.strip() == draft
            assert "not saved" in " ".join(str(n.message) for n in app._notifications)
            await pilot.press(*"kept", "ctrl+s")
            await settle(app, pilot)
            assert reading(home).note(paper) == (draft + "\n" if draft else "") + "kept"
            reading(home).set_note(paper, "")


async def test_a_too_long_note_keeps_the_dialog_open_with_the_text(make_app, home: Path, no_editor):
    async with loaded(make_app) as (app, pilot):
        paper = app.screen.highlighted.id
        await pilot.press("N")
        await settle(app, pilot)
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        editor.text_area.text = "x" * 100_001
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is editor and len(editor.text_area.text) == 100_001
        assert "at most 100,000" in str(editor.query_one("#note-error").render())
        assert reading(home).note(paper) == ""
        editor.text_area.move_cursor(editor.text_area.document.end)
        await pilot.press("backspace", "ctrl+s")
        await settle(app, pilot)
        assert reading(home).note(paper) == "x" * 100_000


async def test_a_note_changed_elsewhere_meanwhile_is_not_overwritten_unasked(make_app, home: Path, no_editor):
    async with loaded(make_app) as (app, pilot):
        paper = app.screen.highlighted.id
        await pilot.press("N")
        await settle(app, pilot)
        reading(home).set_note(paper, "from the other terminal")
        await pilot.press(*"mine", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert reading(home).note(paper) == "from the other terminal"
        await pilot.press("n")  # keep editing: the text is still there
        await settle(app, pilot)
        assert isinstance(app.screen, NoteEditor) and app.screen.text_area.text == "mine"
        await pilot.press("ctrl+s")  # now it replaces the note it was shown
        await settle(app, pilot)
        assert reading(home).note(paper) == "mine"


async def test_the_reading_lists_notices_are_titled_as_its_own(make_app, home: Path):
    """A too-long note refused by the keeper is a reading-list notice, not a "Library" one."""
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        said: list[tuple[str, str]] = []
        screen.notify = lambda message, title="", **_: said.append((title, message))
        paper = screen.highlighted.id
        assert not screen.reading_list.set_note(paper, "x" * 100_001, screen.user.states)
        assert said and said[0][0] == "Reading list" and "at most 100,000 characters" in said[0][1]
        assert reading(home).note(paper) == ""
