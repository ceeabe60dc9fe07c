"""Keys typed while the reader starts (before the first rows are painted) are not lost: the list's
keys act, in the order typed, once the list can take them; the app's own keys (q, ?) act at once.

The library's load is held at a gate so the keys surely arrive while it loads. Before the fix the
hidden filter had the focus then: it took ``q`` and ``jjs`` as query text, which the restored
session replaced (see tui/screens/early_keys.py)."""

from __future__ import annotations

import threading

import pytest
from ui_helpers import SIZE, burst, settle, wait_loaded

from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen


@pytest.fixture
def load_gate(monkeypatch) -> threading.Event:
    """The library's load waits (in its thread) until the returned event is set."""
    import tui.screens.loader as loader

    gate = threading.Event()
    original = loader.open_library

    def gated(*args, **kwargs):
        gate.wait(30)
        return original(*args, **kwargs)

    monkeypatch.setattr(loader, "open_library", gated)
    yield gate
    gate.set()


def starred(screen: MainScreen) -> list[str]:
    return [paper.id for paper in screen.results.papers if screen.user.is_starred(paper.id)]


async def rows_shown(app, pilot) -> MainScreen:
    """Wait for the library loaded and its first rows painted; the main screen."""
    await wait_loaded(app, pilot)
    screen = app.screen
    assert isinstance(screen, MainScreen)
    for _ in range(100):
        if screen.first_rows.released:
            break
        await pilot.pause(0.02)
    await settle(app, pilot)
    return screen


async def test_list_keys_typed_while_loading_act_in_order_once_the_rows_are_there(make_app, load_gate):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "s")
        assert isinstance(app.screen, MainScreen) and not app.screen.loaded  # (typed while it loads)
        load_gate.set()
        burst(app, "j", "s")  # typed as the load ends: after the three above, wherever they land
        screen = await rows_shown(app, pilot)
        papers = screen.results.papers
        assert screen.cursor == 3 and screen.highlighted is papers[3]
        assert starred(screen) == [papers[2].id, papers[3].id]
        assert screen.query_text == "" and screen.focused is screen.paper_list
        await pilot.press("j")  # and keys go on as usual
        assert screen.cursor == 4


async def test_q_typed_while_loading_quits_at_once(make_app, load_gate):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.screen_stack[0].loaded  # the library is still loading...
        assert app.return_code == 0  # ...and the reader quits
        load_gate.set()


async def test_help_typed_while_loading_shows_at_once_and_list_keys_before_it_wait(make_app, load_gate):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "question_mark")
        assert isinstance(app.screen, HelpScreen)  # ? needs no library
        await pilot.press("escape")  # a key for the help screen: it closes it
        assert isinstance(app.screen, MainScreen) and not app.screen.loaded
        await pilot.press("j", "s")
        load_gate.set()
        screen = await rows_shown(app, pilot)
        assert screen.cursor == 2 and starred(screen) == [screen.results.papers[2].id]
