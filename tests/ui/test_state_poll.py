"""What another device or reader saves shows in the running reader, read off the UI thread
(another device's file may be large), and the counts follow in every view."""

from __future__ import annotations

import threading
from pathlib import Path

from tui.core.store import Store
from tui.widgets.status_line import StatusLine
from ui_helpers import SIZE, wait_loaded


async def _until(pilot, condition, what: str, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"never: {what}")


async def test_another_devices_star_is_read_in_a_thread_and_counted(make_app, home: Path, monkeypatch) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await pilot.press("s")  # one star of our own
        await pilot.press("3")  # the starred view
        await pilot.pause(0.2)
        status = screen.query_one(StatusLine)
        assert "1 starred" in str(status.render())
        threads: list[str] = []
        refresh = screen.store.refresh_states

        def recording_refresh():
            threads.append(threading.current_thread().name)
            return refresh()

        monkeypatch.setattr(screen.store, "refresh_states", recording_refresh)
        other_id = screen.library.papers[5].id
        Store(home, device="lab-server").set_starred([other_id], True)
        await _until(pilot, lambda: screen.states.get(other_id) is not None and screen.states[other_id].starred,
                     "the other device's star shown")
        assert threads and threading.main_thread().name not in threads
        await _until(pilot, lambda: "2 starred" in str(status.render()), "the starred count follows")
        await app.action_quit()
