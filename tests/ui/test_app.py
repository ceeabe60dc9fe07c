"""Pilot tests of the reader: every key of the main screen, dialogs, persistence."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import OptionList, TextArea

from tui.clipboard import Clipboard
from tui.commands import APP_COMMANDS, MAIN_COMMANDS
from tui.core.query import parse_query
from tui.core.store import Store
from tui.screens.dialogs import ConfirmDialog, CopyFallbackDialog, CopyMenu
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.widgets.filter_bar import FilterBar
from tui.widgets.paper_list import MoveRequest
from tui.widgets.status_line import StatusLine
from ui_helpers import SIZE, settle, wait_loaded

TOTAL = 194  # papers in the conftest digests (197 blocks, 3 cs.CL/cs.IR cross-lists)
IR = 27  # of them in cs.IR (primary or cross-list)


def main(app) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def status(app) -> str:
    return str(app.screen.query_one(StatusLine).render())


async def test_loads_and_shows_every_paper(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        assert len(screen.paper_list.papers) == TOTAL
        assert screen.paper_list.cursor == 0
        # Newest digest first: the 2026-07-27 cs.CL digest is the latest one.
        assert screen.paper_list.highlighted.first_digest_date == "2026-07-27"
        assert status(app).startswith(f"{TOTAL} of {TOTAL} papers")
        assert f"{TOTAL} unread" in status(app)
        assert screen.has_class("-wide")


async def test_narrow_terminal_stacks_the_panes(make_app):
    app = make_app()
    async with app.run_test(size=(80, 30)) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        assert screen.has_class("-narrow")
        papers, detail = screen.paper_list.region, screen.detail.region
        assert detail.y >= papers.bottom  # below, not beside


async def test_cursor_keys(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        papers = main(app).paper_list
        await pilot.press("j", "j", "down")
        assert papers.cursor == 3
        await pilot.press("k", "up")
        assert papers.cursor == 1
        await pilot.press("G")
        assert papers.cursor == TOTAL - 1
        await pilot.press("g")
        assert papers.cursor == 0
        await pilot.press("pagedown")
        assert papers.cursor > 5


async def test_the_cursor_has_one_path_the_users_move(make_app):
    """A key asks the screen for another paper (the list's move_request); the screen moves
    cursor and detail together, while the key is handled."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        papers = screen.paper_list
        seen: list[MoveRequest | None] = []
        original = screen.move_to
        screen.move_to = lambda position, timer=True: (seen.append(papers.move_request), original(position, timer))
        for key, index in (("j", 1), ("j", 2), ("k", 1), ("G", TOTAL - 1)):
            await pilot.press(key)
            assert papers.cursor == screen.cursor == index
            assert papers.highlighted is screen.highlighted is screen.detail.paper
            assert papers.highlighted.versioned_id in screen.detail.source
        assert seen == [MoveRequest(1), MoveRequest(1), MoveRequest(-1), MoveRequest(position=-1)]


async def test_a_keystroke_searches_once(make_app):
    """Each keystroke searches once (the filter's one message), a query set by the screen once too."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        calls = []
        original = screen.refilter
        screen.refilter = lambda *a, **k: (calls.append(screen.query_text), original(*a, **k))[1]
        await pilot.press("slash", *"cat:cs.IR")
        await settle(app, pilot)
        assert calls == [("cat:cs.IR")[:end] for end in range(1, 10)]
        assert len(screen.paper_list.papers) == IR
        assert status(app).startswith(f"{IR} of {TOTAL} papers")
        calls.clear()
        screen.query_text = ""  # a program change: shown in the filter bar, searched once
        await settle(app, pilot)
        assert calls == [""] and len(screen.paper_list.papers) == TOTAL
        assert screen.filter_bar.text == ""


async def test_detail_highlights_follow_the_query_after_the_rows(make_app):
    """Same paper, new query: the detail's highlights are redone after the new rows are painted
    (while the query is typed, once the keys pause: detail_follow.DETAIL_WHILE_TYPING)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        paper = screen.paper_list.highlighted
        word = paper.title.split()[0]
        screen.filter_bar.input.value = word
        assert screen.paper_list.highlighted is paper  # still the first match
        assert "~~" not in screen.detail.source  # (not in the key's own frame)
        for _ in range(200):  # the pause's timer fires whatever the load; no speed asserted
            await settle(app, pilot)
            if "~~" in screen.detail.source:
                break
        assert screen.detail.paper is paper
        assert "~~" in screen.detail.source  # the query's match is highlighted


async def test_the_detail_waits_for_the_typed_keys_to_pause_or_the_filter_left(make_app, monkeypatch):
    import tui.screens.detail_follow as detail_follow

    monkeypatch.setattr(detail_follow, "DETAIL_WHILE_TYPING", 3600)  # no pause in the test's time
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        first = screen.detail.paper
        await pilot.press("slash", *"ti:zero")
        await settle(app, pilot)
        highlighted = screen.paper_list.highlighted
        assert highlighted is not None and highlighted.id != first.id
        assert screen.detail.paper.id == first.id  # waiting for the keys to pause
        await pilot.press("enter")  # leaving the filter: shown at once
        await settle(app, pilot)
        assert screen.detail.paper.id == highlighted.id and "~~" in screen.detail.source


async def test_typing_a_query_narrows_the_list_and_escape_twice_clears(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        await pilot.press("slash")
        assert screen.focused is screen.filter_bar.input
        await pilot.press(*"cat:cs.IR")
        await settle(app, pilot)
        assert len(screen.paper_list.papers) == IR
        assert all("cs.IR" in p.categories for p in screen.paper_list.papers)
        assert status(app).startswith(f"{IR} of {TOTAL} papers · ")
        # One more keystroke re-filters at once.
        await pilot.press("space", *"llm")
        await settle(app, pilot)
        narrowed = len(screen.paper_list.papers)
        assert narrowed == len(screen.library.search(parse_query("cat:cs.IR llm"), "all", "date", {})) == 5
        await pilot.press("backspace", "backspace", "backspace")  # widening: not searched within
        await settle(app, pilot)
        assert len(screen.paper_list.papers) == IR
        await pilot.press(*"llm")
        await settle(app, pilot)
        await pilot.press("escape")  # back to the list, query kept
        assert screen.focused is screen.paper_list
        assert len(screen.paper_list.papers) == narrowed
        await pilot.press("escape")  # on the list: clears the query
        await settle(app, pilot)
        assert screen.filter_bar.text == ""
        assert len(screen.paper_list.papers) == TOTAL


async def test_query_warnings_show_in_the_filter_bar(make_app, monkeypatch):
    # Typed: a new warning waits for the user to pause (here: never, in the test's time), so the
    # next key that completes the term ("au:w") lays nothing out; leaving the filter shows it.
    monkeypatch.setattr(FilterBar, "WARNING_DELAY", 3600)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        warnings = app.screen.query_one("#filter-warnings")
        await pilot.press("slash", *"au:")
        await settle(app, pilot)
        assert not warnings.display
        await pilot.press("w")
        await settle(app, pilot)
        await pilot.press("backspace")
        await settle(app, pilot)
        assert not warnings.display
        await pilot.press("enter")
        await settle(app, pilot)
        assert warnings.display
        assert "au:" in str(warnings.render())
        # Said as the command line says it (which lists nothing then: review L2).
        assert "nothing left to search for, so nothing is filtered" in str(warnings.render())
        # Gone at once when the query is complete again.
        await pilot.press("slash", "w")
        await settle(app, pilot)
        assert not warnings.display


async def test_a_typed_warning_shows_when_the_user_pauses(make_app, monkeypatch):
    monkeypatch.setattr(FilterBar, "WARNING_DELAY", 0.05)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        warnings = app.screen.query_one("#filter-warnings")
        await pilot.press("slash", *"au:")
        for _ in range(200):  # (the timer fires whatever the machine's load; no speed asserted)
            await pilot.pause(0.05)
            if warnings.display:
                break
        assert warnings.display and "au:" in str(warnings.render())
        assert app.screen.focused is app.screen.filter_bar.input  # still typing


async def test_abstract_query_runs_in_a_worker(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        await pilot.press("slash", *"abs:retrieval")
        await settle(app, pilot)
        shown = screen.paper_list.papers
        assert 0 < len(shown) < TOTAL
        assert all("retrieval" in p.summary.lower() for p in shown)


async def test_star_and_read_persist(make_app, home: Path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        first = screen.paper_list.highlighted.id
        await pilot.press("s", "m", "j", "s", "s")  # second paper: starred then unstarred
        second = screen.paper_list.highlighted.id
        assert f"{TOTAL - 1} unread · 1 starred" in status(app)
    # A new store on the same home sees what was written, without a clean quit.
    states = Store(home).states()
    assert states[first].starred and states[first].read
    assert second not in states or not states[second].starred


async def test_m_toggles_read_back(make_app, home: Path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        first = screen.paper_list.highlighted.id
        await pilot.press("m")
        assert screen.states[first].read
        assert Store(home).states()[first].read  # written, as another process sees it
        await pilot.press("m")
        assert first not in screen.states or not screen.states[first].read
    final = Store(home).states().get(first)
    assert final is None or not final.read


async def test_s_and_m_repaint_the_row(make_app):
    """The highlighted row itself shows the change at once (not only the detail or a snapshot)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        papers = main(app).paper_list

        def row() -> str:
            return papers.render_line(papers.row_of(papers.cursor) - round(papers.scroll_y)).text

        assert row()[1:3] == "● " and "★" not in row()  # unread, not starred
        await pilot.press("s")
        await pilot.pause()
        assert row()[1:4] == "●★ "
        await pilot.press("m")
        await pilot.pause()
        assert row()[1:4] == " ★ "
        await pilot.press("s", "m")
        await pilot.pause()
        assert row()[1:4] == "●  "


async def test_enter_marks_read(make_app, home: Path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        await pilot.press("j")
        paper = screen.paper_list.highlighted
        await pilot.press("enter")
        assert screen.states[paper.id].read
    assert Store(home).states()[paper.id].read


async def test_mark_read_timer(make_app, home: Path):
    app = make_app(mark_read_delay=3600)  # runs out only when the test says (run_out_now)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        await pilot.press("j")
        passed = screen.paper_list.papers[1].id
        await pilot.press("j")  # moved on before the delay: stays unread
        stayed = screen.paper_list.highlighted.id
        assert stayed not in screen.states  # not yet
        screen.read_timer.run_out_now()  # the user waited
        await pilot.pause()
        assert screen.states[stayed].read
        assert passed not in screen.states
    assert Store(home).states()[stayed].read


async def test_next_and_previous_unread(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        papers = main(app).paper_list
        await pilot.press("j", "m", "j", "m", "k", "k")  # rows 1 and 2 read
        assert papers.cursor == 0
        await pilot.press("n")
        assert papers.cursor == 3
        await pilot.press("p")
        assert papers.cursor == 0


async def test_mark_all_read_asks_first(make_app, home: Path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        await pilot.press("slash", *"cat:cs.IR", "enter")
        await settle(app, pilot)
        await pilot.press("A")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # declined: nothing changes
        assert app.screen is screen
        assert not any(s.read for s in screen.states.values())
        await pilot.press("A")
        await pilot.press("y")
        await settle(app, pilot)
        assert "0 unread" in status(app)
    states = Store(home).states()
    assert sum(1 for s in states.values() if s.read) == IR


async def test_views_all_unread_starred(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        await pilot.press("s", "j", "m", "j", "s", "m")  # 2 starred, 2 read
        await pilot.press("2")
        await settle(app, pilot)
        assert screen.view == "unread"
        assert len(screen.paper_list.papers) == TOTAL - 2
        await pilot.press("3")
        await settle(app, pilot)
        assert len(screen.paper_list.papers) == 2
        assert "starred only" in status(app)
        await pilot.press("1")
        await settle(app, pilot)
        assert len(screen.paper_list.papers) == TOTAL


async def test_shift_s_cycles_the_sort(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        await pilot.press("S")
        await settle(app, pilot)
        assert screen.sort == "title"
        titles = [p.title.casefold() for p in screen.paper_list.papers]
        assert titles == sorted(titles)
        await pilot.press("S")
        await settle(app, pilot)
        assert screen.sort == "category"
        cats = [p.primary_category for p in screen.paper_list.papers]
        assert cats == sorted(cats)
        await pilot.press("S")
        assert screen.sort == "date"


async def test_y_copies_bibtex(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        paper = main(app).paper_list.highlighted
        await pilot.press("y")
        await app.workers.wait_for_complete()  # citations are made in a worker
        await pilot.pause()
        assert "@misc{" in app.clipboard or "@article{" in app.clipboard
        assert paper.id in app.clipboard
        messages = [n.message for n in app._notifications]
        assert f"BibTeX for {paper.id} sent to the terminal (OSC 52)" in "".join(messages)
        assert not any("copied" in m.lower() for m in messages)  # OSC 52 can't be confirmed


async def test_copy_menu_copies_marked_in_the_chosen_format(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = main(app)
        first = screen.paper_list.highlighted.id
        await pilot.press("space")  # marks, then moves down
        second = screen.paper_list.highlighted.id
        await pilot.press("space", "Y")
        assert isinstance(app.screen, CopyMenu)
        assert "2 marked papers" in str(app.screen.query(".dialog-title").first().render())
        options = app.screen.query_one(OptionList)
        assert options.option_count == 7  # six formats, then "added to a .bib file"
        await pilot.press("down", "down", "down", "down")  # arXiv id
        await pilot.press("enter")
        await app.workers.wait_for_complete()  # citations are made in a worker
        await pilot.pause()
        assert app.screen is screen
        assert first in app.clipboard and second in app.clipboard
        assert "@" not in app.clipboard


async def test_copy_menu_falls_back_to_starred_then_escape_cancels(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("j", "s")
        await pilot.press("Y")
        assert "1 starred paper" in str(app.screen.query(".dialog-title").first().render())
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert app.clipboard == ""


async def test_without_a_clipboard_the_text_is_shown(make_app):
    app = make_app(clipboard=Clipboard("none"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        paper = main(app).paper_list.highlighted
        await pilot.press("y")
        await app.workers.wait_for_complete()  # citations are made in a worker
        await pilot.pause()
        assert isinstance(app.screen, CopyFallbackDialog)
        text = app.screen.query_one(TextArea).text
        assert paper.id in text and text.lstrip().startswith("@")
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_help_lists_every_binding(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        descriptions = {row[1] for _, rows in app.screen.sections for row in rows}
        for command in MAIN_COMMANDS + APP_COMMANDS:
            assert command.description in descriptions
        titles = [title for title, _ in app.screen.sections]
        assert "Paper list" in titles and "Main screen" in titles and "Everywhere" in titles
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_command_palette_lists_actions(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"star or unstar")
        await pilot.pause(0.3)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Star or unstar" in p for p in prompts)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = main(app)
        assert screen.states[screen.paper_list.highlighted.id].starred


async def test_quit_and_reopen_where_the_user_was(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("slash", *"cat:cs.IR", "escape")
        await settle(app, pilot)
        await pilot.press("m", "2", "S", "S")  # unread view (one fewer), sorted by category
        await settle(app, pilot)
        await pilot.press("j", "j")
        paper = main(app).paper_list.highlighted.id
        await pilot.press("q")
    assert app.return_code == 0 or app.return_code is None

    again = make_app(paths=None)
    async with again.run_test(size=SIZE) as pilot:
        await wait_loaded(again, pilot)
        screen = main(again)
        assert screen.filter_bar.text == "cat:cs.IR"
        assert screen.view == "unread"
        assert screen.sort == "category"
        assert len(screen.paper_list.papers) == IR - 1
        assert screen.paper_list.highlighted.id == paper


async def test_command_palette_offers_every_command(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        options = app.screen.query_one(OptionList)
        prompts = " | ".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))
        for command in MAIN_COMMANDS + APP_COMMANDS:
            assert command.help in prompts


async def test_help_explains_the_query_language_and_the_reading_keys(make_app):
    from rich.console import Console

    from tui.commands import READING_COMMANDS
    from tui.screens.help import QUERY_EXAMPLES, query_table

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("question_mark")
        help_screen = app.screen
        assert help_screen.query_one("#help-query")
        console = Console(width=110, record=True)
        console.print(query_table())
        query_help = console.export_text()
        for example, _ in QUERY_EXAMPLES:
            assert example.split()[0] in query_help
        for needle in ("is:new", "date:latest", "au:wang", "OR", "cat:cs.CV"):
            assert needle in query_help
        rows = {row[1]: row[0] for _, rows in help_screen.sections for row in rows}
        assert rows["Read"] in ("enter", "⏎")  # the list's Enter, described for what it does
        assert {"Next paper", "Previous paper", "Prev day", "Next day", "Unmark all"} <= set(rows)
        await pilot.press("escape", "enter", "question_mark")  # help over the reading view
        descriptions = {row[1] for _, rows in app.screen.sections for row in rows}
        for command in READING_COMMANDS:
            assert command.description in descriptions


def test_the_query_examples_leave_half_of_an_80_column_help_to_their_meanings():
    """The widest example (48 cells) left the meanings 22 columns at 80x24, three lines each."""
    from rich.cells import cell_len

    from tui.screens.help import EXAMPLE_WIDTH, QUERY_EXAMPLES

    assert EXAMPLE_WIDTH <= 36
    assert max(cell_len(example) for example, _ in QUERY_EXAMPLES) <= EXAMPLE_WIDTH


async def test_the_palette_shows_each_commands_key(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        star = next(p for p in prompts if "Star or unstar" in p)
        assert star.startswith("Star  s\n")  # the name first, then the key; the sentence under them
        older = next(p for p in prompts if "previous digest day" in p)
        assert older.startswith("Prev day  [\n")
        assert any(p.startswith("Read  ⏎\n") for p in prompts)  # the reading view, from the palette too
        assert sum(p.startswith("Quit") for p in prompts) == 1  # Textual's own Quit is not offered twice
        assert not any(p.startswith("Keys") for p in prompts)
        await pilot.press(*"reading view", "enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "ReadingScreen"
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        quit_ = next(p for p in prompts if p.startswith("Quit"))
        assert quit_.startswith("Quit  ctrl+q\n")  # q closes the reading view: not offered as Quit's key


async def test_help_leaves_out_keys_that_do_something_else_there(make_app):
    """Hostile 11: the reading view's q is Back, not Quit; in the filter, letters type."""
    from tui.screens.help import binding_sections

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)

        def rows() -> dict[str, str]:
            return {row[1]: row[0] for _, found in binding_sections(app.screen) for row in found}

        listing = rows()
        assert listing["Quit"].split() == ["q", "^q"] and listing["Star"] == "s"
        assert all(key for key in listing.values())  # (no row without a key)
        await pilot.press("slash")
        typing = rows()
        assert "Star" not in typing and "Mark" not in typing and typing["Quit"] == "^q"
        sections = dict(binding_sections(app.screen))
        filter_rows = [row[1] for row in sections["Filter input"]]
        assert not any("Scroll" in name or "Page" in name for name in filter_rows), filter_rows
        assert not any("completion" in name for name in filter_rows)
        await pilot.press("escape", "enter")
        reading = rows()
        assert reading["Quit"] == "^q" and "q" in reading["Back"].split()
        every_row = [row for _, found in binding_sections(app.screen) for row in found]
        assert all(tip for _, _, tip in every_row if _ in ("tab", "shift+tab"))


async def test_the_filters_placeholder_tells_the_truth_about_help(make_app):
    """Re-check R4: while the filter has the focus "?" types; its placeholder says how to get help."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        field = main(app).filter_bar.input
        assert field.placeholder.endswith("(? for help)")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "slash")
        await settle(app, pilot)
        assert "(? for help)" not in field.placeholder and field.placeholder.endswith("(Esc, then ? for help)")
        await pilot.press("question_mark")
        assert field.value == "?" and not isinstance(app.screen, HelpScreen)
        await pilot.press("backspace", "escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert field.placeholder.endswith("(? for help)")


async def test_typing_holds_full_collections_until_the_reader_ends(make_app, monkeypatch):
    import gc

    from tui.screens.collector import CollectorPacing

    monkeypatch.setattr(CollectorPacing, "IDLE", 3600)  # no pause in the test's time
    before = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash", *"au:w")
        await settle(app, pilot)
        assert screen.collector.holding and gc.get_threshold()[2] > before[2]
    assert gc.get_threshold() == before
