"""The reading list in the reader, at its edges: Ctrl-C in the user's editor, an editor that
writes another encoding, replacing a saved search, what the tag dialog says."""

from __future__ import annotations

import shlex
import signal
import sys
from pathlib import Path

from test_reading_list_ui import reading, textual_like_suspend, type_query
from textual.widgets import Button, Label
from ui_helpers import SIZE, loaded, settle, wait_loaded

from tui.screens import reading_list_actions
from tui.screens.dialogs import ConfirmDialog
from tui.screens.note_editor import NoteEditor
from tui.screens.save_search import SaveSearchDialog


def _editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text("import os, pathlib, signal, sys, time\npath = pathlib.Path(sys.argv[1])\n" + body)
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"


def _notices(app) -> str:
    return " ".join(str(notification.message) for notification in app._notifications)


async def test_ctrl_c_in_the_editor_leaves_the_reader_running(make_app, home: Path, tmp_path: Path, monkeypatch):
    """Ctrl-C reaches the reader too while the editor runs (the terminal is cooked then): the
    reader lets it pass, the editor (one that ignores it, like ed) goes on and its note is saved."""
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, (
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "os.kill(os.getppid(), signal.SIGINT)\n"
        "time.sleep(0.3)\n"
        "path.write_text('typed after Ctrl-C\\n')\n"
    )))
    monkeypatch.setattr(reading_list_actions, "terminal_editor_usable", lambda app: True)
    reached: list[int] = []  # stands for asyncio's handler, which would cancel the app

    def reader_handler(signum, frame) -> None:
        reached.append(signum)

    previous = signal.signal(signal.SIGINT, reader_handler)
    try:
        events: list[str] = []
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            monkeypatch.setattr(app, "suspend", textual_like_suspend(events))
            await wait_loaded(app, pilot)
            paper = app.screen.highlighted.id
            await pilot.press("N")
            await settle(app, pilot)
            assert events == ["suspended", "resumed"]
            assert reached == []
            assert signal.getsignal(signal.SIGINT) is reader_handler  # put back after the editor
            assert not isinstance(app.screen, NoteEditor)
            assert app.is_running
            assert reading(home).note(paper) == "typed after Ctrl-C"
    finally:
        signal.signal(signal.SIGINT, previous)


async def test_an_editor_writing_latin1_is_not_saved_but_offered_again(make_app, home: Path, tmp_path: Path,
                                                                       monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, "path.write_bytes(b'Caf\\xe9 na\\xefve\\n')\n"))
    monkeypatch.setattr(reading_list_actions, "terminal_editor_usable", lambda app: True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app, "suspend", textual_like_suspend([]))
        await wait_loaded(app, pilot)
        paper = app.screen.highlighted.id
        await pilot.press("N")
        await settle(app, pilot)
        assert reading(home).note(paper) == ""  # nothing saved with replacement characters
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.text_area.text.strip() == "Café naïve"
        assert "not UTF-8" in _notices(app) and "Latin-1" in _notices(app) and "not saved" in _notices(app)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert reading(home).note(paper).strip() == "Café naïve"


async def test_saving_a_search_under_a_used_name_asks_first_showing_the_old_query(make_app, home: Path):
    reading(home).save_search("llmq", "ti:llm")
    async with loaded(make_app) as (app, pilot):
        await type_query(pilot, "cat:cs.IR")
        await pilot.press("at", *"llmq", "enter")
        await settle(app, pilot)
        question = app.screen
        assert isinstance(question, ConfirmDialog)
        assert "ti:llm" in question.question and "cat:cs.IR" in question.question
        assert question.focused is question.query_one("#no", Button)  # a stray Enter keeps the old query
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SaveSearchDialog)
        assert "kept as it was" in str(app.screen.query_one("#save-search-note", Label).render())
        assert reading(home).searches() == {"llmq": "ti:llm"}
        await pilot.press("enter", "y")  # asked again: yes replaces
        await settle(app, pilot)
        assert reading(home).searches() == {"llmq": "cat:cs.IR"}
        assert "Replaced @llmq (was: ti:llm): cat:cs.IR" in _notices(app)


async def test_discarding_a_note_is_not_the_default(make_app, home: Path, no_editor):
    async with loaded(make_app) as (app, pilot):
        paper = app.screen.highlighted.id
        await pilot.press("N", *"draft", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # Escape then Enter: the draft is kept
        await settle(app, pilot)
        assert isinstance(app.screen, NoteEditor) and app.screen.text_area.text == "draft"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert reading(home).note(paper) == "draft"


def test_the_tag_notice_says_only_what_changed():
    from tui.screens.reading_list_actions import tag_notice
    from tui.screens.tag_input import parse_tag_words

    change = parse_tag_words("good keep -old -nonexist")
    one = tag_notice(change, "2607.00292", {"good": 0, "keep": 1, "old": 1, "nonexist": 0}, 1)
    assert one == ("2607.00292: tagged #good; already tagged #keep; untagged #old; "
                   "nothing to take off: #nonexist (saved).")
    many = tag_notice(change, "3 marked papers", {"good": 1, "keep": 3, "old": 2, "nonexist": 0}, 3)
    assert many == ("3 marked papers: tagged #good (1 already was); all already tagged #keep; "
                    "untagged #old (only 2 had it); no paper had #nonexist (saved).")
    two = tag_notice(parse_tag_words("a b"), "3 marked papers", {"a": 2, "b": 0}, 3)
    assert two == "3 marked papers: tagged #a #b (#a: 2 already were) (saved)."
    assert tag_notice(parse_tag_words("keep"), "2607.00292", {"keep": 1}, 1).endswith(
        "already tagged #keep (nothing changed).")


async def test_the_tag_dialog_does_not_say_untagged_for_a_tag_never_there(make_app, home: Path):
    async with loaded(make_app) as (app, pilot):
        paper = app.screen.highlighted.id
        await pilot.press("t", *"good -nonexist", "enter")
        await settle(app, pilot)
        assert reading(home).tags() == {"good": frozenset({paper})}
        assert "untagged" not in _notices(app) and "nothing to take off: #nonexist" in _notices(app)


def test_sidebar_rows_line_up_by_terminal_cells():
    """CJK names take two cells a character, combining marks none: every row is exactly as
    wide as asked, its counts ending at the same column (a long name is cut by cells)."""
    from rich.cells import cell_len

    from tui.core.readinglist import ListCount
    from tui.widgets.sidebar import row_text

    labels = ["#abc", "#i\u0307stanbul", "#日本語", "#" + "長い名前" * 10, "@" + "e\u0301" * 40]
    for current in (False, True):
        rows = [row_text(ListCount(f"tag:{n}", n, n, 1, 12), 28, current).plain for n in labels]
        assert {cell_len(row) for row in rows} == {28}, rows
        assert all(row.endswith("1/12") for row in rows)
    assert rows[3].rstrip("1/2 ").endswith("…")


def test_the_mute_row_keeps_its_name_whole_beside_long_counts() -> None:
    """Review F8: at 5-digit counts the row read ``@mute (hi… 16,831/16,831``."""
    from tui.core.readinglist import ListCount
    from tui.widgets.sidebar import row_text

    mute = ListCount("search:mute", "@mute (hidden)", "is:muted", 16831, 16831)
    assert row_text(mute, 26).plain == "  @mute      16,831/16,831"
    assert row_text(ListCount("search:mute", "@mute (hidden)", "is:muted", 66, 66), 26).plain == (
        "  @mute (hidden)     66/66")


async def test_the_sidebar_lists_mute_as_what_it_hides_and_enter_shows_them(make_app, home: Path):
    from tui.widgets.sidebar import Sidebar

    reading(home).save_search("mute", "cat:cs.CL")
    async with loaded(make_app) as (app, pilot):
        await settle(app, pilot)
        screen = app.screen
        sidebar = screen.query_one(Sidebar)
        item = next(item for item in sidebar.lists if item.key == "search:mute")
        assert item.label == "@mute (hidden)" and item.query == "is:muted"
        assert item.total == screen.reading_list.muted_count > 0
        sidebar.focus()
        sidebar.highlighted = sidebar.get_option_index("search:mute")
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.query_text == "is:muted"
        shown = screen.paper_list.papers
        assert len(shown) == item.total and all("cs.CL" in paper.categories for paper in shown)


async def test_a_typed_bidi_control_stops_the_next_enter_from_tagging(make_app, home: Path):
    """A bidi control typed (not pasted) in a burst that ends in Enter: the character is left
    out and said, and that Enter does not tag; the next one applies what the field shows."""
    from textual import events

    async with loaded(make_app) as (app, pilot):
        paper = app.screen.highlighted.id
        await pilot.press("t", "o", "k")
        field = app.screen.query_one("#tag-field")
        field.post_message(events.Key("right_to_left_override", "\u202e"))
        await pilot.press(*"evil", "enter")
        await settle(app, pilot)
        assert reading(home).tags() == {}
        assert field.value == "okevil"
        assert "Not applied" in str(app.screen.query_one("#tag-error").render())
        await pilot.press("enter")
        await settle(app, pilot)
        assert reading(home).tags() == {"okevil": frozenset({paper})}


async def test_the_not_applied_message_names_what_was_left_out_and_what_enter_applies(make_app, home: Path):
    """It named the word as it was when the character came (``ab\\u202e``), neither the character
    nor the tag the next Enter gives."""
    from textual import events

    async with loaded(make_app) as (app, pilot):
        await pilot.press("t", "a", "b")
        field = app.screen.query_one("#tag-field")
        field.post_message(events.Key("right_to_left_override", "\u202e"))
        await pilot.press("c", "d", "space", "minus", *"old", "enter")
        await settle(app, pilot)
        message = str(app.screen.query_one("#tag-error").render())
        assert "\\u202e" in message and "#abcd" in message and "#old" in message, message
        assert "ab\\u202e" not in message and "\\\\" not in message, message
