"""An empty list says why it is empty (the view, the query) and how to see papers again;
the detail panel beside it does not tell the user to move a cursor that has nowhere to go."""

from __future__ import annotations

from ui_helpers import loaded, settle


def list_line(screen) -> str:
    return screen.paper_list.render_line(0).text.strip()


async def test_an_empty_view_names_the_view_and_the_way_back(make_app):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        await pilot.press("3")  # nothing starred yet
        await settle(app, pilot)
        assert list_line(screen) == "No starred papers (1: all papers)"
        await pilot.press("slash", *"zzqqxx", "enter")
        await settle(app, pilot)
        assert list_line(screen) == "No starred papers match this query (1: all papers)"
        await pilot.press("1")
        await settle(app, pilot)
        assert list_line(screen) == "No papers match this query"
        assert "Move the cursor" not in screen.detail.source and "No paper selected" in screen.detail.source
