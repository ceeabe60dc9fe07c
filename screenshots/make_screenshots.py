"""Save SVG screenshots of the real reader on the bundled sample into screenshots/.

Run from the repository root after installing the project:

    .venv/bin/python screenshots/make_screenshots.py

Each picture is the real app (bundled sample digests, a throw-away data directory,
timers off) driven by the Pilot into one state people will meet.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from tui.app import ArxivReaderApp
from tui.cli import sample_digest_dir
from tui.clipboard import Clipboard
from tui.config import Config
from tui.core.store import Store
from tui.screens.main import MainScreen

OUT = Path(__file__).resolve().parent

Steps = Callable[[Pilot], Awaitable[None]]


async def wait_loaded(pilot: Pilot) -> None:
    """Wait for the library to load and stop the filter's cursor blinking."""
    app = pilot.app
    for _ in range(400):
        await pilot.pause()
        if isinstance(app.screen, MainScreen) and app.screen.loaded:
            break
    await app.workers.wait_for_complete()
    app.screen.query_one(Input).cursor_blink = False
    await pilot.pause()


async def nothing(pilot: Pilot) -> None:
    await pilot.press("j", "j", "s", "j")


async def filtered(pilot: Pilot) -> None:
    await pilot.press("slash", *"cat:cs.IR retrieval", "escape", "j", "s")


async def help_screen(pilot: Pilot) -> None:
    await pilot.press("question_mark")


async def copy_menu(pilot: Pilot) -> None:
    await pilot.press("s", "j", "s", "Y")


async def copy_by_hand(pilot: Pilot) -> None:
    await pilot.press("Y", "enter")


async def narrow_filtered(pilot: Pilot) -> None:
    await pilot.press("slash", *"au:wang is:unread", "escape")


async def reading(pilot: Pilot) -> None:
    await pilot.press("j", "enter")


async def one_day(pilot: Pilot) -> None:
    """[ shows the highlighted paper's day, [ again the day before it."""
    await pilot.press("left_square_bracket", "left_square_bracket", "j", "s", "j")


async def marks_hidden(pilot: Pilot) -> None:
    """Three marked papers, two of them hidden by the filter."""
    await pilot.press("space", "space", "space", "slash", *"ti:track", "enter")


async def cursor_without_colour(pilot: Pilot) -> None:
    await pilot.press("m", "j", "space", "k", "s")


async def sample_banner(pilot: Pilot) -> None:
    await pilot.press("j")


async def reading_list(pilot: Pilot) -> None:
    """Tags, a note and a saved search made with the keys, then #to-read applied from the sidebar."""
    await pilot.press("t", *"to-read", "enter", "j", "j", "t", *"to-read survey", "enter")
    await pilot.press("N", *"Compare with the **BM25** baseline (table 3).", "ctrl+s")
    await pilot.press("slash", *"ti:retrieval", "enter", "at", *"retrieval", "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.press("escape")
    sidebar = pilot.app.screen.query_one("#sidebar")
    sidebar.focus()
    sidebar.highlighted = sidebar.get_option_index("tag:to-read")
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.press("j")
    sidebar.focus()


async def tag_input(pilot: Pilot) -> None:
    """Two marked papers, the tag input open with a tag completed as it is typed."""
    await pilot.press("t", *"to-read", "enter", "space", "j", "space", "t", "t", "o")


async def note_editor(pilot: Pilot) -> None:
    await pilot.press("j", "N", *"Read section 3 first: the ablation in table 4 ", "enter",
                      *"answers the question about *negative sampling*.")


#: (name, size, steps, clipboard mode, options): options may set ``env`` (environment
#: variables while the app is built) and ``sample`` (the sample as a new user sees it).
SHOTS: list[tuple[str, tuple[int, int], Steps, str, dict]] = [
    ("main-160x48", (160, 48), nothing, "osc52", {}),
    ("main-80x24", (80, 24), nothing, "osc52", {}),
    ("filtered-120x35", (120, 35), filtered, "osc52", {}),
    ("filtered-80x24", (80, 24), narrow_filtered, "osc52", {}),
    ("reading-80x24", (80, 24), reading, "osc52", {}),
    ("reading-160x48", (160, 48), reading, "osc52", {}),
    ("one-day-120x35", (120, 35), one_day, "osc52", {}),
    ("marks-hidden-120x35", (120, 35), marks_hidden, "osc52", {}),
    ("no-color-120x35", (120, 35), cursor_without_colour, "osc52", {"env": {"NO_COLOR": "1"}}),
    ("sample-80x24", (80, 24), sample_banner, "osc52", {"sample": True}),
    ("help-120x35", (120, 35), help_screen, "osc52", {}),
    ("copy-menu-120x35", (120, 35), copy_menu, "osc52", {}),
    ("copy-by-hand-120x35", (120, 35), copy_by_hand, "none", {}),
    ("reading-list-130x35", (130, 35), reading_list, "osc52", {}),
    ("tag-input-120x35", (120, 35), tag_input, "osc52", {}),
    ("note-editor-120x35", (120, 35), note_editor, "osc52", {}),
]


async def shoot(name: str, size: tuple[int, int], steps: Steps, clipboard: str, options: dict) -> Path:
    env = options.get("env", {})
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)  # Textual reads NO_COLOR when the app is built
    with tempfile.TemporaryDirectory() as home:
        try:
            app = ArxivReaderApp(
                Store(Path(home)),
                paths=[sample_digest_dir()],
                mark_read_delay=0,
                config=Config(),  # the defaults, whatever the user's config file says
                clipboard=Clipboard(clipboard),
                sample=options.get("sample", False),
            )
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        async with app.run_test(size=size) as pilot:
            await wait_loaded(pilot)
            await steps(pilot)
            await app.workers.wait_for_complete()
            await pilot.pause(0.3)
            path = Path(app.save_screenshot(filename=f"{name}.svg", path=str(OUT)))
    print(f"wrote {path.relative_to(OUT.parent)}")
    return path


async def main() -> None:
    for name, size, steps, clipboard, options in SHOTS:
        await shoot(name, size, steps, clipboard, options)


if __name__ == "__main__":
    asyncio.run(main())
