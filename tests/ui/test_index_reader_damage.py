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
