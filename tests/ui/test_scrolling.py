"""The one workaround of Textual's private API (tui/widgets/scrolling.py), checked per Textual version.

``set_virtual_size`` skips the screen layout that Textual 8.2's public
``virtual_size`` setter does, through ``Widget._scroll_update``. These tests
pin the version it was checked with (an upgrade fails here first, and the code
falls back to the public setter meanwhile), check that both paths leave the
widget scrollable over the same range, and print what the public path costs.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from importlib.metadata import version

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.geometry import Size
from textual.widgets import Footer, Input

from tui.widgets import scrolling
from tui.widgets.paper_detail import PaperDetail


def test_the_workaround_names_the_textual_version_it_was_checked_with():
    assert scrolling.CHECKED_TEXTUAL == ("8.2",)
    installed = version("textual")
    assert scrolling.quick_resize_supported(installed) == installed.startswith("8.2."), (
        f"Textual {installed}: check Widget._scroll_update still sizes the scrollbars, then list the version"
    )
    assert not scrolling.quick_resize_supported("9.0.0")  # unknown: the public setter


class Panes(App[None]):
    CSS = "PaperDetail { overflow-y: scroll; width: 1fr; } Input { width: 1fr; }"

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Input()
            yield PaperDetail()
        yield Footer()


async def test_both_paths_give_the_same_scroll_range_and_the_quick_one_skips_the_layout(monkeypatch):
    from textual.screen import Screen

    repaints: list[float] = []
    layouts: list[float] = []
    original = Screen._compositor_refresh
    original_layout = Screen._refresh_layout

    def timed_refresh(screen: Screen) -> None:
        original(screen)
        repaints.append(time.perf_counter())

    def timed_layout(screen: Screen, *args, **kwargs) -> None:
        started = time.perf_counter()
        original_layout(screen, *args, **kwargs)
        layouts.append((time.perf_counter() - started) * 1000)

    monkeypatch.setattr(Screen, "_compositor_refresh", timed_refresh)
    monkeypatch.setattr(Screen, "_refresh_layout", timed_layout)
    app = Panes()
    async with app.run_test(size=(120, 35)) as pilot:
        detail = app.query_one(PaperDetail)
        await pilot.pause()
        timings: dict[str, list[float]] = {"public": [], "quick": []}
        layout_ms: dict[str, list[float]] = {}
        for quick in (False, True):
            monkeypatch.setattr(scrolling, "_QUICK", quick)
            layouts.clear()
            for height in range(100, 140):
                repaints.clear()
                started = time.perf_counter()
                scrolling.set_virtual_size(detail, Size(80, height), scrollbar_may_change=False)
                detail.refresh()
                for _ in range(500):  # until the screen was repainted (after a layout, if one was asked)
                    if repaints:
                        break
                    await asyncio.sleep(0.001)
                timings["quick" if quick else "public"].append((repaints[0] - started) * 1000)
                assert detail.virtual_size.height == height
                detail.scroll_end(animate=False, immediate=True)
                assert detail.scroll_y == detail.max_scroll_y == height - detail.scrollable_content_region.height
                detail.scroll_home(animate=False, immediate=True)
            layout_ms["quick" if quick else "public"] = list(layouts)
        # The point of the workaround: the public setter lays out the screen (about once per
        # size: on a loaded machine two requests can share one layout), the quick path never.
        assert len(layout_ms["public"]) >= 20 and layout_ms["quick"] == []
        print(
            f"\nTextual {version('textual')}: set the detail's virtual size and repaint, median "
            f"public setter {statistics.median(timings['public']):.2f} ms, "
            f"quick path {statistics.median(timings['quick']):.2f} ms (to the end of the repaint, frame-paced); "
            f"screen layouts: public {len(layout_ms['public'])} of median "
            f"{statistics.median(layout_ms['public']):.2f} ms each, quick {len(layout_ms['quick'])}"
        )
