"""Pilot tests: loading progress, store notices and failures shown, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Label

from tui.app import ArxivReaderApp
from tui.clipboard import Clipboard
from tui.core.store import Store, StoreError
from tui.screens.loader import LibraryLoader
from tui.screens.main import MainScreen
from ui_helpers import SIZE, wait_loaded


def notices(app: ArxivReaderApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_loading_reports_progress(make_app):
    seen: list[LibraryLoader.Progress] = []

    def hook(message) -> None:
        if isinstance(message, LibraryLoader.Progress):
            seen.append(message)

    app = make_app()
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await wait_loaded(app, pilot)
    stages = {m.stage for m in seen}
    assert {"Importing digests", "Opening the library"} <= stages
    assert "Loading papers" not in stages  # read through the search index: nothing loaded whole
    # The last progress of each stage says it is complete (never skipped by throttling).
    for stage in ("Importing digests",):
        last = [m for m in seen if m.stage == stage][-1]
        assert last.total > 0 and last.done == last.total


async def test_corrupt_state_file_is_a_notification(make_app, home: Path):
    state = Store(home).state_path
    state.parent.mkdir(parents=True)
    state.write_text("{ this is not json\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        assert any("a copy of the damaged file was kept as" in n for n in notices(app))
        assert len(app.screen.paper_list.papers) == 194  # and the reader works


class FailingLoadStore(Store):
    def load_papers(self, progress=None):
        raise OSError("disk on fire")


async def test_a_failing_load_is_reported_not_raised(home: Path, loaded_whole):
    app = ArxivReaderApp(FailingLoadStore(home), mark_read_delay=0, clipboard=Clipboard("osc52"))
    async with app.run_test(size=SIZE) as pilot:
        # (Not workers.wait_for_complete(): it raises the failed worker's error when it is
        # still listed, as on a loaded machine. The notice is what counts.)
        for _ in range(600):
            if any("disk on fire" in n for n in notices(app)):
                break
            await pilot.pause(0.05)
        await pilot.pause()
        assert app.is_running
        assert any("disk on fire" in n for n in notices(app))
        label = app.screen.query_one("#loading-label", Label)
        assert "disk on fire" in str(label.render())
        await pilot.press("q")
    assert app.return_code in (0, None)


class ReadOnlyStore(Store):
    def set_starred(self, ids, starred=True):
        raise StoreError("the data folder is read-only")


async def test_a_failing_write_is_a_notification(home: Path, make_app):
    # Import once with a normal store, then reopen read-only.
    async with make_app().run_test(size=SIZE) as pilot:
        await wait_loaded(pilot.app, pilot)
    app = ArxivReaderApp(ReadOnlyStore(home), mark_read_delay=0, clipboard=Clipboard("osc52"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        assert any("Could not save: the data folder is read-only" in n for n in notices(app))
        screen = app.screen
        assert not screen.states.get(screen.paper_list.highlighted.id)  # not pretended
        assert "0 starred" in str(screen.query_one("#status").render())


async def test_markup_in_data_is_shown_as_written(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("slash", *"[/0,1] [bold]", "escape")
        await pilot.pause()
        assert app.screen.filter_bar.text == "[/0,1] [bold]"
        assert "[/0,1] [bold]" in str(app.screen.filter_bar.input.render_line(0).text)


class FakePyperclip:
    class PyperclipException(Exception):
        pass

    def __init__(self, works: bool) -> None:
        self.works = works
        self.copied: list[str] = []

    def copy(self, text: str) -> None:
        if not self.works:
            raise self.PyperclipException("no clipboard mechanism")
        self.copied.append(text)

    def paste(self) -> str:
        return self.copied[-1] if self.copied else ""


class SilentlyFailingPyperclip(FakePyperclip):
    """pyperclip over an xclip that fails (a stale $DISPLAY): no error, nothing copied."""

    def copy(self, text: str) -> None:
        self.copied.append(text)

    def paste(self) -> str:
        return ""


class FakeApp:
    is_headless = True

    def __init__(self) -> None:
        self.clipboard = ""

    def copy_to_clipboard(self, text: str) -> None:
        self.clipboard = text


@pytest.mark.parametrize(
    ("mode", "system_works", "expected"),
    [
        ("auto", True, "X copied to the clipboard and sent to the terminal (OSC 52)"),
        ("auto", False, "X sent to the terminal (OSC 52); pasting works if the terminal allows OSC 52"),
        ("osc52", True, "X sent to the terminal (OSC 52); pasting works if the terminal allows OSC 52"),
        ("system", True, "X copied to the clipboard"),
        ("system", False, None),
        ("none", True, None),
        ("bogus", False, "X sent to the terminal (OSC 52); pasting works if the terminal allows OSC 52"),
    ],
)
def test_clipboard_routes(monkeypatch, mode, system_works, expected):
    fake = FakePyperclip(system_works)
    monkeypatch.setitem(__import__("sys").modules, "pyperclip", fake)
    app = FakeApp()
    copied = Clipboard(mode, tmux_option=lambda: None).copy(app, "text")
    assert (copied.message("X") if copied.worked else None) == expected
    assert (app.clipboard == "text") == (mode in ("auto", "osc52", "bogus"))
    assert (fake.copied == ["text"]) == (system_works and mode in ("auto", "system"))


def test_a_system_clipboard_that_does_not_give_the_text_back_did_not_copy(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "pyperclip", SilentlyFailingPyperclip(True))
    copied = Clipboard("system", tmux_option=lambda: None).copy(FakeApp(), "text")
    assert not copied.worked
    copied = Clipboard("auto", tmux_option=lambda: None).copy(FakeApp(), "text")
    assert copied.message("X") == "X sent to the terminal (OSC 52); pasting works if the terminal allows OSC 52"


@pytest.mark.parametrize(("option", "blocks"), [("on", False), ("external", True), ("off", True), (None, False)])
def test_tmux_external_and_off_hold_osc52_back(option, blocks):
    copied = Clipboard("osc52", tmux_option=lambda: option).copy(FakeApp(), "text")
    assert copied.worked is not blocks
    if blocks:
        assert f"set-clipboard is {option}" in copied.message("X") and "set -g set-clipboard on" in copied.message("X")


def test_clipboard_helpers_never_write_on_the_screen(monkeypatch, capfd):
    """pyperclip's xclip inherits the standard error: its complaints must not reach the terminal."""
    import subprocess

    class NoisyPyperclip(FakePyperclip):
        def copy(self, text: str) -> None:
            subprocess.run(["sh", "-c", "echo Error: Can\\'t open display: :99 >&2; exit 1"], check=False)

    monkeypatch.setitem(__import__("sys").modules, "pyperclip", NoisyPyperclip(True))
    copied = Clipboard("system", tmux_option=lambda: None).copy(FakeApp(), "text")
    assert not copied.worked
    assert "open display" not in capfd.readouterr().err


def test_clipboard_mode_from_the_environment(monkeypatch):
    monkeypatch.setenv("ARXIV_READER_CLIPBOARD", "NONE")
    assert Clipboard().mode == "none"
    assert Clipboard("osc52").mode == "osc52"  # an explicit mode wins


async def test_loading_state_while_the_library_loads(home: Path, make_app, loaded_whole):
    import threading

    async with make_app().run_test(size=SIZE) as pilot:  # import once
        await wait_loaded(pilot.app, pilot)
    release = threading.Event()

    class SlowStore(Store):
        def load_papers(self, progress=None):
            if progress:
                progress(1, 5)
            release.wait(5)
            return super().load_papers(progress)

    app = ArxivReaderApp(SlowStore(home), mark_read_delay=0, clipboard=Clipboard("osc52"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.has_class("-loading")
        assert "Loading papers… 1 of 5" in str(screen.query_one("#loading-label", Label).render())
        assert not screen.query_one("#main-area").display
        await pilot.press("s")  # commands wait while loading: no crash, nothing written yet
        assert not screen.states
        release.set()
        await wait_loaded(app, pilot)
        assert not screen.has_class("-loading")
        assert len(screen.paper_list.papers) == 194
        for _ in range(100):  # the s typed acts once the rows are there (tests/ui/test_early_keys.py)
            if not app.holding_early_keys:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert [paper_id for paper_id in screen.states if screen.user.is_starred(paper_id)] == [screen.highlighted.id]


class FailingIndexStore(Store):
    def current_index(self):
        raise OSError("index on fire")


async def test_a_failing_index_is_reported_not_raised(home: Path):
    app = ArxivReaderApp(FailingIndexStore(home), mark_read_delay=0, clipboard=Clipboard("osc52"))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(600):
            if any("index on fire" in n for n in notices(app)):
                break
            await pilot.pause(0.05)
        assert app.is_running
        assert "index on fire" in str(app.screen.query_one("#loading-label", Label).render())


async def test_a_large_library_without_its_index_is_shown_loaded_then_through_the_index(
    home: Path, make_app, monkeypatch
):
    """Too large to build the index before the rows: loaded whole, said, the index built
    aside, then the reader switches to it keeping the query and the highlighted paper."""
    import threading

    import tui.core.library_open as indexed

    async with make_app().run_test(size=SIZE) as pilot:  # import once (the index is built then)
        await wait_loaded(pilot.app, pilot)
    monkeypatch.setattr(indexed, "BUILD_BEFORE_SHOWING", 10)
    building = threading.Event()

    class StaleIndexStore(Store):
        def current_index(self):
            return None  # as if missing or stale

        def open_index(self):
            building.wait(10)
            return super().open_index()

    app = ArxivReaderApp(StaleIndexStore(home), mark_read_delay=0, clipboard=Clipboard("osc52"))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(400):  # (not wait_loaded: it waits for the build, held here)
            await pilot.pause(0.02)
            screen = app.screen
            if isinstance(screen, MainScreen) and screen.loaded and screen.results is not None:
                break
        assert type(screen.library).__name__ == "Library"
        assert any("Building the search index" in n for n in notices(app))
        await pilot.press("slash", *"retrieval", "enter", "j")
        await pilot.pause()
        kept = screen.highlighted.id
        building.set()
        for _ in range(400):
            if type(screen.library).__name__ == "IndexedLibrary":
                break
            await pilot.pause(0.05)
        await pilot.pause()
        assert type(screen.library).__name__ == "IndexedLibrary"
        assert any("search index is ready" in n for n in notices(app))
        assert screen.query_obj.text == "retrieval" and screen.highlighted.id == kept
        assert all("retrieval" in (p.title + p.summary).lower() or "retriev" in p.title.lower()
                   for p in screen.paper_list.papers)
