"""``x`` and ``a`` in the reading view say so when there is nothing more to show (they toggled
silently, the screen unchanged, as if the key did not work)."""

from __future__ import annotations

import pytest
from ui_helpers import loaded, settle

from tui.core.digest import parse_digest_file
from tui.core.models import Paper
from tui.screens.reading import ReadingScreen, ReadingView
from tui.widgets.paper_document import ALL_AUTHORS, SHOWN_ABSTRACT, SHOWN_FIELD, reading_is_cut, reading_markdown
from conftest import DIGEST_DIRS


def notices(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


def real_papers() -> list[Paper]:
    return [paper for folder in DIGEST_DIRS for path in sorted(folder.glob("*.md"))
            for paper in parse_digest_file(path).papers]


def paper(**fields) -> Paper:
    values = dict(id="2607.00001", version=1, title="A title", authors=["Ada Lovelace"], categories=["cs.LG"],
                  summary="Short.")
    values.update(fields)
    return Paper(**values)


@pytest.mark.parametrize("fields", [
    {"summary": "w " * SHOWN_ABSTRACT}, {"title": "T" * (SHOWN_FIELD + 1)}, {"comment": "C" * (SHOWN_FIELD + 1)},
    {"journal_ref": "J" * (SHOWN_FIELD + 1)}, {"authors": ["N" * (SHOWN_FIELD + 1)]},
    {"authors": [f"Author {i}" for i in range(ALL_AUTHORS + 1)]},
])
def test_a_field_the_reading_view_cuts_is_said_cut(fields):
    long = paper(**fields)
    assert reading_is_cut(long)
    assert reading_markdown(long, all_authors=True) != reading_markdown(long, full=True)


def test_what_is_not_said_cut_shows_the_same_whole():
    papers = real_papers()
    assert len(papers) > 150
    for real in papers:
        assert not reading_is_cut(real)
        assert reading_markdown(real, all_authors=True) == reading_markdown(real, full=True)


async def test_x_and_a_say_when_there_is_nothing_more_to_show(make_app):
    async with loaded(make_app) as (app, pilot):
        main = app.screen
        few = next(i for i, p in enumerate(main.paper_list.papers) if 1 < len(p.authors) <= 4)
        main.move_to(few)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReadingScreen)
        source = app.screen.query_one(ReadingView).source
        await pilot.press("x")
        await settle(app, pilot)
        assert "Nothing of this paper is cut" in notices(app) and not app.screen.full
        await pilot.press("a")
        await settle(app, pilot)
        count = len(main.paper_list.papers[few].authors)
        assert f"All {count} authors are shown." in notices(app) and not app.screen.all_authors
        assert app.screen.query_one(ReadingView).source == source
