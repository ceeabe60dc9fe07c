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


async def test_another_readers_tag_shows_in_the_sidebar_and_the_rows(make_app, home: Path) -> None:
    """The reading list is read in the poll's thread for the changed keys; the sidebar and
    the rows still show another reader's tag and note (and its taking one off)."""
    from tui.core.readinglist import ReadingList
    from tui.widgets.sidebar import Sidebar

    app = make_app()
    async with app.run_test(size=(130, 35)) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        sidebar = screen.query_one(Sidebar)
        papers = screen.library.papers
        keeper = screen.reading_list
        threads: list[str] = []
        read_change = keeper.read_change

        def recording(keys):
            threads.append(threading.current_thread().name)
            return read_change(keys)

        keeper.read_change = recording
        other = ReadingList(Store(home, device="lab-server"))
        other.change_tags([papers[0].id, papers[4].id], add=["elsewhere"])
        other.set_note(papers[4].id, "from the lab")

        def shown() -> dict[str, int]:
            return {item.label: item.total for item in sidebar.lists}

        await _until(pilot, lambda: shown().get("#elsewhere") == 2, "the other reader's tag counted")
        assert threads and threading.main_thread().name not in threads  # read in the poll's thread
        assert screen.reading_list.tags_of(papers[4].id) == ("elsewhere",)
        assert screen.reading_list.note(papers[4].id) == "from the lab"
        other.change_tags([papers[0].id], remove=["elsewhere"])
        await _until(pilot, lambda: shown().get("#elsewhere") == 1, "the tag taken off counted")
        assert screen.reading_list.tags_of(papers[0].id) == ()
        await app.action_quit()
