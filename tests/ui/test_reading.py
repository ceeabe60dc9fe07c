"""The reading view (Enter): the abstract at once, scrolling, n/p, Escape back; o/O open or copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.store import Store
from tui.screens.main import MainScreen
from tui.screens.reading import ReadingScreen, ReadingView
from ui_helpers import settle, wait_loaded


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def first_words(text: str, count: int = 6) -> str:
    return " ".join(text.split()[:count])


async def test_the_abstract_shows_without_scrolling_at_80x24(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        main = app.screen
        # The paper with the longest title and most authors: the hardest to fit.
        papers = list(main.paper_list.papers)
        hardest = max(range(len(papers)), key=lambda i: (len(papers[i].title), len(papers[i].authors)))
        main.move_to(hardest)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReadingScreen)
        paper = papers[hardest]
        shown = " ".join(screen_text(app).split())
        assert first_words(paper.summary.replace("$", "")) in shown or first_words(paper.summary, 4) in shown
        assert "and " in shown and "more" in shown if len(paper.authors) > 4 else True  # one-line summary


async def test_keys_scroll_step_and_go_back_where_the_list_was(make_app, home: Path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        main: MainScreen = app.screen
        await pilot.press(*"jjjjjjjj")
        cursor, scroll = main.paper_list.cursor, main.paper_list.scroll_y
        opened = main.paper_list.highlighted
        await pilot.press("enter")
        await settle(app, pilot)
        reading = app.screen
        body = reading.query_one(ReadingView)
        assert body.has_focus and opened.id in body.source
        assert body.max_scroll_y > 2
        for key in ("j", "down", "space", "pagedown"):
            await pilot.press("g")  # back to the top first
            await settle(app, pilot)
            assert body.scroll_y == 0
            await pilot.press(key)
            await settle(app, pilot)
            assert body.scroll_y > 0, key
        await pilot.press("G", "k")
        await settle(app, pilot)
        assert body.scroll_y == body.max_scroll_y - 1
        await pilot.press("n")  # next paper of the list: shown from its top, and read
        await settle(app, pilot)
        following = main.paper_list.papers[cursor + 1]
        assert following.id in body.source and body.scroll_y == 0
        assert main.paper_list.cursor == cursor + 1
        await pilot.press("p", "p")
        await settle(app, pilot)
        assert main.paper_list.cursor == cursor - 1
        await pilot.press("a")  # every author
        assert all(name.split()[-1] in body.source for name in main.highlighted.authors[:8])
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is main
        assert main.paper_list.cursor == cursor - 1  # the paper read last
        assert abs(main.paper_list.scroll_y - scroll) <= 2  # the list where it was
        assert main.focused is main.paper_list
        previous = main.paper_list.papers[cursor - 1]
    states = Store(home).states()
    assert {paper_id for paper_id, s in states.items() if s.read} == {opened.id, following.id, previous.id}


async def test_star_and_read_from_the_reading_view(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(app, pilot)
        main = app.screen
        paper = main.paper_list.highlighted
        await pilot.press("enter", "s")
        body = app.screen.query_one(ReadingView)
        assert main.user.is_starred(paper.id) and "★ starred · read" in body.source
        await pilot.press("m")
        assert not main.user.is_read(paper.id) and "· unread" in body.source
        await pilot.press("q")  # q closes the reading view (it does not quit)
        assert app.screen is main and app.is_running


@pytest.mark.parametrize("case", ["opens", "fails", "unreachable"])
async def test_o_opens_in_a_browser_or_copies_the_url(make_app, monkeypatch, case: str):
    import tui.screens.actions as actions
    from tui.browser import Opened

    opened: list[str] = []

    def fake_open(url: str) -> Opened:
        opened.append(url)
        if case == "fails":
            return Opened(False, "xdg-open", "xdg-open failed (exit status 3)")
        return Opened(True, "xdg-open", "xdg-open opened it")

    monkeypatch.setattr(actions, "browser_reachable", lambda: case != "unreachable")
    monkeypatch.setattr(actions, "open_url", fake_open)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(app, pilot)
        paper = app.screen.paper_list.highlighted
        await pilot.press("o")
        await settle(app, pilot)
        await pilot.press("enter", "O")  # from the reading view too: the PDF
        await settle(app, pilot)
        messages = " | ".join(str(n.message) for n in app._notifications)
        if case == "opens":
            assert opened == [paper.abs_url, paper.pdf_url]
            assert app.clipboard == ""
            assert f"xdg-open opened the arXiv page of {paper.id}: {paper.abs_url}" in messages
        else:
            assert opened == ([] if case == "unreachable" else [paper.abs_url, paper.pdf_url])
            assert app.clipboard == paper.pdf_url  # the last one copied
            assert "sent to the terminal" in messages and paper.pdf_url in messages
            assert "opened" not in messages
            if case == "fails":
                assert f"Could not open the PDF of {paper.id} (xdg-open failed (exit status 3))" in messages
            else:
                assert "No browser reachable from here" in messages


def test_browser_reachable_follows_the_environment():
    from tui.browser import browser_reachable

    assert not browser_reachable({"SSH_CONNECTION": "1 2 3 4"}, "linux")
    assert not browser_reachable({}, "linux")
    assert browser_reachable({"DISPLAY": ":0"}, "linux")
    assert browser_reachable({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert browser_reachable({"BROWSER": "lynx", "SSH_TTY": "/dev/pts/1"}, "linux")
    assert browser_reachable({}, "darwin")
    assert not browser_reachable({"SSH_CLIENT": "x"}, "darwin")


async def test_the_detail_scrolls_from_the_list(make_app):
    """J K and ctrl+d ctrl+u scroll the detail panel while the list keeps the focus (no Tab)."""
    app = make_app()
    async with app.run_test(size=(80, 30)) as pilot:
        await wait_loaded(app, pilot)
        main = app.screen
        detail = main.detail
        await pilot.press("J", "J", "J")
        assert detail.scroll_y == 3 and main.focused is main.paper_list
        await pilot.press("K")
        assert detail.scroll_y == 2
        await pilot.press("ctrl+d")
        half = detail.scrollable_content_region.height // 2
        assert detail.scroll_y == min(2 + half, detail.max_scroll_y)
        await pilot.press("ctrl+u", "ctrl+u")
        assert detail.scroll_y == 0 and main.focused is main.paper_list


async def test_the_sample_says_it_is_one(make_app):
    app = make_app(sample=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        banner = str(app.screen.query_one("#sample-banner").render())
        assert "Sample digests" in banner and "nothing kept" in banner and "arxiv-reader import" in banner


def test_an_empty_library_opens_the_sample_without_importing_it(tmp_path, monkeypatch):
    """The sample runs on a throw-away store: the user's library stays empty, and goes when digests exist."""
    from tui import cli
    from tui.app import ArxivReaderApp

    runs: list[ArxivReaderApp] = []

    def fake_run(self, *args, **kwargs):
        runs.append(self)
        if self.paths:
            self.store.import_paths(self.paths)  # what the real run does first
        return None

    monkeypatch.setattr(ArxivReaderApp, "run", fake_run)
    import sys

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)  # the reader wants a terminal
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    home = tmp_path / "home"
    assert cli.main(["--home", str(home)]) == 0
    app = runs[-1]
    assert app.sample and app.store.home != home
    assert not app.store.home.exists()  # thrown away on exit
    assert Store(home).digest_count() == 0  # nothing entered the user's library
    Store(home).import_paths([Path(__file__).resolve().parents[1] / "data" / "digests" / "cs.IR"])
    assert cli.main(["--home", str(home)]) == 0
    assert not runs[-1].sample and runs[-1].store.home == home


async def test_the_head_counts_the_paper_shown_after_turning_back(make_app):
    """Cold review C4: n n n p p n must say paper 3, the one shown."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(app, pilot)
        main = app.screen
        total = len(main.results.papers)
        await pilot.press("enter")
        for key in "nnnppn":
            await pilot.press(key)
            await settle(app, pilot)
            head = str(app.screen.query_one("#reading-head").render())
            assert head.startswith(f"Paper {main.cursor + 1} of {total}"), (key, head)
            assert main.highlighted.id in app.screen.query_one(ReadingView).source
        assert main.cursor == 2


async def test_n_lays_the_next_paper_out_once(make_app, monkeypatch):
    """Hostile 6 (the repeated layouts): n shows the next paper, already read, in one layout."""
    from tui.widgets.markdown_view import MarkdownView

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(app, pilot)
        main = app.screen
        await pilot.press("enter")
        await settle(app, pilot)
        body = app.screen.query_one(ReadingView)
        layouts = []
        original = MarkdownView._layout_document

        def counted(self):
            if self is body:
                layouts.append(self._source)
            return original(self)

        monkeypatch.setattr(MarkdownView, "_layout_document", counted)
        await pilot.press("n")
        await settle(app, pilot)
        assert main.user.is_read(main.highlighted.id) and "· read" in body.source
        assert len(layouts) == 1, len(layouts)
