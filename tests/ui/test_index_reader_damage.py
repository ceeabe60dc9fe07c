"""Damage inside the search index found while the reader reads it (a block failing its
checksum): never a crash; the reader says so, rebuilds the index aside and shows the rows
again, the query kept (review of issue 12, the reader's side)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from tui.core.store import Store
from tui.screens.main import MainScreen

from ui_helpers import SIZE, settle, wait_loaded

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
#: What the app fixture imports (tests/ui/conftest.py).
DIGEST_DIRS = [DATA / "cs.IR" / "2026" / "07", DATA / "cs.CL" / "2026" / "07"]


def damage(segment: Path, name: str, every: int = 97, data: bytes = b"\xff\xfe\x8d") -> None:
    """Overwrite bytes every ``every`` bytes of section ``name`` of a segment file in place
    (as tests/unit/test_index_damage.py does)."""
    raw = segment.read_bytes()
    length = struct.unpack_from("<I", raw, 12)[0]
    header = json.loads(raw[24 : 24 + length])
    offset, nbytes = header["sections"][name][:2]
    start = header["data_start"] + offset
    with open(segment, "r+b") as handle:
        for at in range(0, nbytes - len(data), every):
            handle.seek(start + at)
            handle.write(data)


def notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pytest.mark.parametrize("section", ["detail.blob", "abstract.blob"])
async def test_damaged_index_is_said_rebuilt_and_rows_come_back(home: Path, make_app, section: str) -> None:
    store = Store(home)
    store.import_paths(DIGEST_DIRS)
    index = store.open_index()
    expected = [index.paper(int(d)).title for d in index.all_docs()[:20]]
    index.close()
    segment = next((home / "library" / "search").glob("seg-*.axs"))
    damage(segment, section)

    app = make_app(paths=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("j", "j")
        for _ in range(100):
            await settle(app, pilot)
            library = screen.library
            if getattr(library, "damage", "x") is None and screen.results is not None and len(screen.results):
                titles = [screen.results.paper(i).title for i in range(min(20, len(screen.results)))]
                if titles == expected:
                    break
        said = " | ".join(notices(app))
        assert "the search index is damaged" in said and "rebuilding it" in said, said
        assert getattr(screen.library, "damage", "x") is None
        assert [screen.results.paper(i).title for i in range(20)] == expected
        assert screen.cursor == 2 and screen.highlighted.title == expected[2]


@pytest.mark.parametrize("section", ["summary.docs", "summary.term.blob"])
async def test_damaged_postings_found_by_a_search_are_rebuilt(home: Path, make_app, section: str) -> None:
    from tui.core.indexed_library import IndexedLibrary
    from tui.core.query import parse_query

    store = Store(home)
    store.import_paths(DIGEST_DIRS)
    index = store.open_index()
    library = IndexedLibrary(index)
    query = "abs:retrieval"
    expected = [library.papers[p].title for p in library.match(parse_query(query), "all", {})]
    assert expected and library.damage is None
    index.close()
    segment = next((home / "library" / "search").glob("seg-*.axs"))
    damage(segment, section, every=13)

    app = make_app(paths=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash", *query, "enter")
        for _ in range(100):
            await settle(app, pilot)
            results = screen.results
            if getattr(screen.library, "damage", "x") is None and results is not None and len(results) == len(expected):
                break
        said = " | ".join(notices(app))
        assert "the search index is damaged" in said, said
        assert screen.query_text == query
        assert [screen.results.paper(i).title for i in range(len(screen.results))] == expected


async def test_damage_found_while_making_citation_keys_is_said_rebuilt_and_copy_works_again(
    home: Path, make_app
) -> None:
    """The keys' look-up of the papers by first author (the ``auth`` postings) meets a damaged
    block: no citation is made (its key could be wrong), the reader says so and rebuilds the
    index as for any other damage; the copy works afterwards."""
    store = Store(home)
    store.import_paths(DIGEST_DIRS)
    segment = next((home / "library" / "search").glob("seg-*.axs"))
    damage(segment, "auth.docs", every=5)

    app = make_app(paths=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        damaged = screen.library
        assert app.clipboard == ""  # (Textual's copied text: nothing yet)
        await pilot.press("y")
        for _ in range(100):
            await settle(app, pilot)
            if screen.library is not damaged and getattr(screen.library, "damage", "x") is None:
                break
        said = " | ".join(notices(app))
        assert "Could not make BibTeX" in said and "nothing was written" in said, said
        assert "the search index is damaged" in said and "rebuilding it" in said, said
        assert "The search index is ready." in said, said
        assert app.clipboard == ""  # nothing copied from the damaged index
        assert screen.library is not damaged and screen.index_rebuilds == 1
        paper = screen.highlighted
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.clipboard.startswith("@") and paper.id in app.clipboard


async def test_an_index_damaged_again_and_again_is_rebuilt_twice_then_the_whole_library_is_kept(
    home: Path, make_app, monkeypatch
) -> None:
    """A disk that damages the index again after each rebuild: two rebuilds in the session,
    then the reader says it stops and keeps the library loaded whole (no rebuild after that,
    also when another import reloads the library)."""
    import tui.screens.loader as loader
    from tui.core.indexed_library import IndexedLibrary
    from tui.core.library import Library

    store = Store(home)
    store.import_paths(DIGEST_DIRS)
    rebuilds: list[str] = []
    real = loader.indexed_library

    def damaged_again(store, baseline):  # each rebuilt index is found damaged at once
        rebuilds.append("built")
        library = real(store, baseline)
        library.damage = f"block {len(rebuilds)} failed its checksum (test)"
        return library

    monkeypatch.setattr(loader, "indexed_library", damaged_again)
    app = make_app(paths=None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and isinstance(screen.library, IndexedLibrary)
        await pilot.press("slash", *"retrieval", "enter")
        await settle(app, pilot)
        expected = len(screen.results)
        screen.library.damage = "block 0 failed its checksum (test)"  # found while reading
        screen.check_index_damage()
        for _ in range(200):
            await settle(app, pilot)
            if isinstance(screen.library, Library):
                break
        said = " | ".join(notices(app))
        assert len(rebuilds) == 2 and screen.index_rebuilds == 2, said
        assert "stops rebuilding it and loads the whole library" in said, said
        assert "The whole library is loaded" in said, said
        assert isinstance(screen.library, Library) and screen.index_given_up
        assert screen.query_text == "retrieval" and len(screen.results) == expected
        # Another process's import: the reload keeps the library whole, nothing rebuilt.
        Store(home, device="other").import_paths([DATA / "cs.CL" / "2026" / "08"])
        screen._request_reload()
        for _ in range(200):
            await settle(app, pilot)
            if len(screen.library) == Store(home, device="x").paper_count():
                break
        assert isinstance(screen.library, Library) and len(rebuilds) == 2
