"""Hostile queries in the reader: the filter bar says what was cut, dear searches run in a
worker, and the next key cancels a search that is still running.

Through the search index every query but a phrase is quick (matched with its key);
the library loaded whole (while a large library's index is built) sends dear ones
to the worker (``loaded_whole``).
"""

from __future__ import annotations

import threading

from textual import events

import tui.core.library as library_module
from tui.core.query import SearchCancelled
from tui.core.query.syntax import MAX_TERMS
from tui.screens.main import MainScreen
from ui_helpers import loaded, settle


def _record_threads(screen: MainScreen) -> list[tuple[str, bool]]:
    """Wrap the library's match: record (query text, ran on the UI thread) for each call."""
    calls: list[tuple[str, bool]] = []
    match = screen.library.match
    ui_thread = threading.get_ident()

    def recording(query, *args, **kwargs):
        calls.append((query.text, threading.get_ident() == ui_thread))
        return match(query, *args, **kwargs)

    screen.library.match = recording
    return calls


async def _paste(pilot, screen: MainScreen, text: str) -> None:
    await pilot.press("slash")
    screen.filter_bar.input.post_message(events.Paste(text))
    await pilot.pause()


async def test_a_pasted_flood_of_terms_is_cut_said_and_searched_off_the_ui_thread(make_app, loaded_whole, monkeypatch):
    # The conftest library is small: a lower bar makes its dear queries dear.
    monkeypatch.setattr(library_module, "QUICK_SEARCH_COST", 5_000)
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        calls = _record_threads(screen)
        flood = " ".join(["z in OR"] * 2000)
        await _paste(pilot, screen, flood)
        warnings = str(screen.query_one("#filter-warnings").render())
        assert f"searched the first {MAX_TERMS} terms only" in warnings
        assert "read only the first 4,000 characters (of 15,999)" in warnings
        await settle(app, pilot)
        assert calls == [(flood, False)]  # once, in the worker
        assert screen.query_obj is not None and screen.query_obj.text == flood
        assert len(screen.query_obj.terms()) == MAX_TERMS
        assert all("z" in p.title.lower() + " ".join(p.authors).lower() + p.id + " ".join(p.categories)
                   for p in screen.paper_list.papers)


async def test_a_cheap_query_is_matched_at_once_on_the_ui_thread(make_app, loaded_whole, monkeypatch):
    monkeypatch.setattr(library_module, "QUICK_SEARCH_COST", 5_000)
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        calls = _record_threads(screen)
        await pilot.press("slash", "r", "e")
        # No pause: the key's own handling showed its rows.
        assert [text for text, _ in calls] == ["r", "re"]
        assert all(on_ui for _, on_ui in calls)
        assert screen.query_obj.text == "re"


async def test_the_next_key_cancels_a_running_search(make_app, loaded_whole, monkeypatch):
    monkeypatch.setattr(library_module, "QUICK_SEARCH_COST", 0)  # every search in the worker
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        match = screen.library.match
        started, cancelled = threading.Event(), threading.Event()

        def slow_for_x(query, view, states, within=None, should_stop=None, sets=None):
            if query.text == "x":  # runs until told to stop, as a long scan would
                started.set()
                while not should_stop():
                    threading.Event().wait(0.01)
                cancelled.set()
                raise SearchCancelled
            return match(query, view, states, within, should_stop, sets=sets)

        screen.library.match = slow_for_x
        await pilot.press("slash", "x")
        assert started.wait(10)
        assert "Searching…" in str(screen.query_one("#status").render())
        await pilot.press("backspace", "y")
        await settle(app, pilot)
        assert cancelled.is_set()
        assert screen.query_obj.text == "y"
        assert "Searching" not in str(screen.query_one("#status").render())
        shown = screen.paper_list.papers
        assert shown and all("y" in (p.title + " ".join(p.authors)).lower() for p in shown)


async def test_an_index_not_built_yet_is_never_built_on_the_ui_thread(make_app, loaded_whole):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        engine = screen.library.engine
        engine._haystacks.pop("comment", None)  # as if the warm-up had not come to it yet
        calls = _record_threads(screen)
        await pilot.press("slash", *"co:pages")
        await settle(app, pilot)
        assert calls[0] == ("c", True) and ("co:p", False) in calls
        assert screen.query_obj.text == "co:pages" and screen.paper_list.papers


async def test_through_the_index_abstracts_are_matched_with_the_key_and_phrases_in_the_worker(make_app):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        assert type(screen.library).__name__ == "IndexedLibrary"
        calls = _record_threads(screen)
        await pilot.press("slash", *"abs:retr")
        # No pause: every key's own handling showed its rows, abstracts and any: included.
        assert calls and all(on_ui for _, on_ui in calls) and calls[-1][0] == "abs:retr"
        assert "Searching" not in str(screen.query_one("#status").render())
        assert screen.query_obj.text == "abs:retr" and screen.paper_list.papers
        assert all("retr" in paper.summary.lower() for paper in screen.paper_list.papers)
        await pilot.press(*' OR "large language"')
        await settle(app, pilot)
        assert calls[-1] == ('abs:retr OR "large language"', False)  # the phrase: in the worker
        assert screen.query_obj.text == 'abs:retr OR "large language"'


async def test_through_the_index_a_pasted_flood_is_searched_off_the_ui_thread(make_app):
    async with loaded(make_app) as (app, pilot):
        screen = app.screen
        calls = _record_threads(screen)
        flood = " ".join(["z in OR"] * 2000)
        await _paste(pilot, screen, flood)
        await settle(app, pilot)
        assert calls == [(flood, False)]  # once, in the worker
        assert screen.query_obj is not None and screen.query_obj.text == flood
