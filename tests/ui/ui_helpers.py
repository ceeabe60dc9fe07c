"""Helpers shared by the Pilot tests (imported by name: tests/ui is on sys.path)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from tui.app import ArxivReaderApp

SIZE = (120, 35)


@asynccontextmanager
async def loaded(make_app: Callable[..., ArxivReaderApp], **overrides) -> AsyncIterator[tuple[ArxivReaderApp, object]]:
    """``(app, pilot)``: an app of the ``make_app`` fixture (with ``overrides``) running
    headless at :data:`SIZE`, its library loaded. A context manager rather than a fixture:
    the test's body must run inside ``run_test`` in its own task."""
    app = make_app(**overrides)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        yield app, pilot


async def wait_loaded(app: ArxivReaderApp, pilot) -> None:
    """Wait until the main screen has loaded the library and settled."""
    from tui.screens.main import MainScreen

    for _ in range(200):
        await pilot.pause()
        screen = app.screen
        if isinstance(screen, MainScreen) and screen.loaded:
            break
    await wait_for_workers(app)
    await pilot.pause()


async def wait_for_workers(app: ArxivReaderApp) -> None:
    """Wait until no worker runs; one cancelled on the way (a newer search, a closed view) is done too."""
    from textual.worker import WorkerCancelled

    for _ in range(20):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


async def settle(app: ArxivReaderApp, pilot) -> None:
    """Let workers finish and messages drain."""
    await wait_for_workers(app)
    await pilot.pause()
    await pilot.pause()


#: What a terminal sends for the named keys a burst may hold.
_CHARACTERS = {
    "space": " ", "enter": "\r", "escape": "\x1b", "slash": "/", "question_mark": "?",
    "left_square_bracket": "[", "right_square_bracket": "]",
}


def burst(app: ArxivReaderApp, *keys: str) -> None:
    """Put ``keys`` in the app's queue at once, as a terminal does with the keys of one read
    (fast typing over SSH, a paste, key repeat): none is handled before all are queued.

    Pilot.press lets the app go idle between keys; this does not. Await a
    ``settle`` afterwards.
    """
    from textual import events

    for key in keys:
        plain = key.removeprefix("alt+")  # a terminal sends alt+j as ESC j: its character is j
        character = _CHARACTERS.get(plain, plain if len(plain) == 1 else None)
        app.post_message(events.Key(key, character))


def terminal_read(app: ArxivReaderApp, data: str) -> None:
    """Put the keys Textual's terminal parser reads in ``data`` (one read: ``"\\x1b2"`` is
    Escape and 2 typed fast) in the app's queue at once, as its driver does."""
    from textual import events
    from textual._xterm_parser import XTermParser

    from tui.widgets.escaped_keys import read_escape_apart

    read_escape_apart()  # (as the app does: a test may parse before any app was made)
    parser = XTermParser()
    for event in [*parser.feed(data), *parser.feed("")]:
        if isinstance(event, events.Key):
            app.post_message(event)
