"""Helpers shared by the Pilot tests (imported by name: tests/ui is on sys.path)."""

from __future__ import annotations

from tui.app import ArxivReaderApp

SIZE = (120, 35)


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
