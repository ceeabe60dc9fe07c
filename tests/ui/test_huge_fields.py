"""Huge fields (a 1 MB abstract, thousands of authors, a 1 MB comment) are shown bounded:
cut with a note in the detail and the reading view, whole on ``x``, rendered in a thread."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

from tui.clipboard import Clipboard
from tui.app import ArxivReaderApp
from tui.core.models import Paper
from tui.core.store import Store
from tui.screens.reading import ReadingScreen, ReadingView
from tui.widgets.markdown_view import SYNC_RENDER_CHARS, MarkdownView
from tui.widgets.paper_document import (
    ALL_AUTHORS,
    MAX_AUTHORS,
    SHOWN_ABSTRACT,
    SHOWN_FIELD,
    paper_markdown,
    reading_markdown,
)
from ui_helpers import settle, wait_loaded

WORDS = "graph neural networks learn representations of nodes by passing messages along edges "
BIG = (WORDS * (200_000 // len(WORDS) + 1))[:200_000]


def big_paper(**fields) -> Paper:
    values = dict(id="2607.00001", version=1, title="A paper with a huge abstract", authors=["Ada Lovelace"],
                  categories=["cs.LG"], summary=BIG)
    values.update(fields)
    return Paper(**values)


def test_the_detail_shows_a_bounded_prefix_of_a_huge_abstract_and_says_so() -> None:
    source = paper_markdown(big_paper())
    assert len(source) < SHOWN_ABSTRACT + 2_000
    assert "Abstract truncated: 4,9" in source and "of 200,000 characters shown (195 KB in all)" in source
    assert "Enter opens the reading view, where x shows it all" in source
    assert "graph neural networks learn" in source


def test_the_reading_view_cuts_too_and_x_shows_everything() -> None:
    paper = big_paper(comment="C" * 50_000, journal_ref="J " * 30_000, title="T" * 20_000,
                      authors=[f"Author {i}" for i in range(5_000)])
    cut = reading_markdown(paper, all_authors=True)
    assert len(cut) < 200_000 // 2
    assert "x shows it all" in cut and "… and 2,000 more *(x: all)*" in cut
    assert f"Author {ALL_AUTHORS - 1}," in cut and f"Author {ALL_AUTHORS}," not in cut
    assert f"({20_000 - SHOWN_FIELD:,} more characters)" in cut  # the title
    assert f"({50_000 - SHOWN_FIELD:,} more characters)" in cut  # the comment
    whole = reading_markdown(paper, full=True)
    assert BIG[:1000] in whole and BIG[-1000:].strip() in whole and "truncated" not in whole
    assert "Author 4999" in whole and "more characters" not in whole


def test_the_detail_lists_at_most_a_hundred_of_942_authors() -> None:
    source = paper_markdown(big_paper(authors=[f"Name{i} Surname" for i in range(942)], summary="Short."))
    assert f"Name{MAX_AUTHORS - 1} Surname" in source and f"Name{MAX_AUTHORS} Surname" not in source
    assert "… and 842 more (942 authors)" in source


class _ViewApp(App):
    # As the app's stylesheets do for both views: the scrollbar always there (the view relies on it).
    CSS = "MarkdownView { overflow-y: scroll; }"

    def compose(self) -> ComposeResult:
        yield MarkdownView(id="view")


async def test_a_long_document_renders_in_a_thread_as_it_would_at_once() -> None:
    app = _ViewApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(MarkdownView)
        short = "# Title\n\n" + BIG[: SYNC_RENDER_CHARS // 2]
        view.show_source(short)
        assert not view.rendering and view.line_count > 20  # at once
        at_once = [strip.text for strip in view._strips]
        long = "# Title\n\n" + BIG[: SYNC_RENDER_CHARS * 2]
        view.show_source(long)
        assert view.rendering and view.line_count == 1
        assert "Rendering 31 KB…" in view._strips[0].text
        assert all(segment.style is not None for segment in view._strips[0])
        await settle(app, pilot)
        assert not view.rendering and view.source == long
        threaded = [strip.text for strip in view._strips]
        assert threaded[: len(at_once) - 1] == at_once[:-1]  # the same lines, then more
        assert len(threaded) > 2 * len(at_once) - 5
        assert view.virtual_size.height == len(threaded)


async def test_a_render_overtaken_by_another_document_is_dropped() -> None:
    app = _ViewApp()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(MarkdownView)
        view.show_built("big", lambda: "# Big\n\n" + BIG)
        assert view.rendering
        view.show_source("# Small\n\nJust this.")
        assert not view.rendering
        await settle(app, pilot)
        assert view.source == "# Small\n\nJust this." and "Just this." in "".join(s.text for s in view._strips)


def _write_digest(folder: Path) -> Path:
    path = folder / "cs.LG" / "2026" / "07" / "20260701.md"
    path.parent.mkdir(parents=True)
    blocks = ["# Arxiv Papers in cs.LG on 2026-07-01", ""]
    for number, summary in (("2607.00001", BIG), ("2607.00002", "A short abstract.")):
        blocks += [
            f"### Paper {number}", f"- **Arxiv ID**: http://arxiv.org/abs/{number}v1", "- **DOI**: None",
            "- **Categories**: **cs.LG**", f"- **Links**: [PDF](https://arxiv.org/pdf/{number}v1)",
            "- **Published**: 2026-07-01 00:00:00+00:00", "- **Updated**: 2026-07-01 00:00:00+00:00",
            "- **Authors**: Ada Lovelace, Alan Turing", "- **Comment**: None", "- **Journal**: None",
            f"- **Summary**: {summary}", "",
        ]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return folder


async def test_x_in_the_reading_view_shows_the_whole_abstract_off_the_ui_thread(tmp_path: Path) -> None:
    app = ArxivReaderApp(Store(tmp_path / "home"), paths=[_write_digest(tmp_path / "digests")],
                         mark_read_delay=0, clipboard=Clipboard("osc52"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        main = app.screen
        main.move_to([p.id for p in main.paper_list.papers].index("2607.00001"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReadingScreen)
        body = app.screen.query_one(ReadingView)
        assert "Abstract truncated" in body.source and "x shows it all" in body.source
        cut_lines = body.line_count
        threaded: list[int] = []
        render_in_thread = body._render_in_thread
        body._render_in_thread = lambda width: (threaded.append(width), render_in_thread(width))
        await pilot.press("x")
        await settle(app, pilot)
        assert threaded == [body._content_width()]  # the note at once, the text from a thread
        assert not body.rendering and "truncated" not in body.source
        assert body.line_count > 20 * cut_lines
        await pilot.press("x")  # cut again
        assert not body.rendering and "Abstract truncated" in body.source
        await pilot.press("x", "escape")  # Escape while the whole text renders: back at once
        await settle(app, pilot)
        assert app.screen is main


async def test_opening_the_reading_view_renders_its_document_only_at_real_widths(tmp_path: Path,
                                                                                monkeypatch) -> None:
    """Before: rendered at width 1 while the screen mounted (thousands of lines for a long
    abstract), then at every size and style update; now once at its width, then once per change."""
    from rich.console import Console

    from tui.widgets.markdown_view import _Document

    widths: list[int] = []
    render_lines = Console.render_lines

    def recording(console, renderable, options=None, **kwargs):
        if isinstance(renderable, _Document) and "in all); x shows it all" in renderable.markdown.markup:
            # the reading view's document (the detail's says "where x shows it all")
            widths.append(options.max_width)
        return render_lines(console, renderable, options, **kwargs)

    app = ArxivReaderApp(Store(tmp_path / "home"), paths=[_write_digest(tmp_path / "digests")],
                         mark_read_delay=0, clipboard=Clipboard("osc52"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        main = app.screen
        main.move_to([p.id for p in main.paper_list.papers].index("2607.00001"))
        await settle(app, pilot)
        monkeypatch.setattr(Console, "render_lines", recording)
        await pilot.press("enter")
        await settle(app, pilot)
        body = app.screen.query_one(ReadingView)
        assert widths == [body._content_width()]
        await pilot.press("s")  # the same paper starred: rendered again, once
        await settle(app, pilot)
        assert widths == [body._content_width()] * 2
