"""PaperDetail: the Markdown document, literal titles, long author lists, highlights, speed."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import replace
from pathlib import Path

from textual.app import App, ComposeResult
from rich.segment import Segment

from tui.core.digest import parse_digest_file
from tui.core.models import Paper, PaperState
from tui.core.query import SpanCache, parse_query
from tui.widgets.paper_detail import HIGHLIGHT_MARK, MAX_AUTHORS, PLACEHOLDER, PaperDetail, paper_markdown

ROOT = Path(__file__).resolve().parents[2]
DIGESTS = ROOT / "tests" / "data" / "digests"
STYLES = [ROOT / "styles" / "paper_detail.tcss"]


def papers_of(name: str) -> list[Paper]:
    return parse_digest_file(DIGESTS / name).papers


def find(name: str, prefix: str) -> Paper:
    return next(p for p in papers_of(name) if p.title.startswith(prefix) or p.id == prefix)


class DetailApp(App[None]):
    CSS_PATH = STYLES

    def compose(self) -> ComposeResult:
        yield PaperDetail()


async def settle(detail: PaperDetail) -> None:
    """A show_paper is applied at once; let the repaint happen."""
    await asyncio.sleep(0)


def shown_lines(detail: PaperDetail, width: int = 96) -> list[list[Segment]]:
    """The panel's document rendered at ``width`` cells, as lines of segments."""
    console = detail.app.console
    return console.render_lines(detail.document, console.options.update_width(width), pad=False)


def shown_text(detail: PaperDetail) -> str:
    """All the text the panel displays, one line per row."""
    return "\n".join("".join(s.text for s in line).rstrip() for line in shown_lines(detail))


def highlighted_words(detail: PaperDetail) -> list[str]:
    """Text of the segments drawn in the highlight style (reverse, from the stylesheet)."""
    return [s.text for line in shown_lines(detail) for s in line if s.style is not None and s.style.reverse]


def test_markdown_of_example_paper() -> None:
    paper = find("cs.CV/2022/01/20220131.md", "2201.12944")
    text = paper_markdown(paper, PaperState(paper.id, starred=True))
    assert text.startswith("# ")
    assert "[10.1145/3617592](<https://doi.org/10.1145/3617592>)" in text
    assert "**cs.CV**" in text
    assert "I.2.7; I.4" in text.replace("\\", "")
    assert "v5" in text.split("**Dates:**")[1].splitlines()[0]
    assert "[PDF](<http://arxiv.org/pdf/2201.12944v5>)" in text
    assert "(<https://arxiv.org/abs/2201.12944>)" in text
    assert "★ starred" in text
    assert "## Abstract" in text


def test_markdown_escapes_and_converts() -> None:
    star = find("cs.CV/2019/09/20190917.md", "A*3D")
    assert paper_markdown(star).startswith("# A\\*3D Dataset")
    ell = find("cs.CV/2011/05/20110513.md", "$\\ell_0$")
    assert paper_markdown(ell).startswith("# ℓ₀ Minimization")
    malformed = next(p for p in papers_of("cs.CL/2026/07/20260725.md") if p.doi and not p.doi.startswith("10."))
    text = paper_markdown(malformed)
    assert "doi.org/0.1145" not in text and "not a valid DOI" in text


def test_long_author_lists_are_cut_with_a_count() -> None:
    big = max(papers_of("cs.CV/2023/12/20231219.md"), key=lambda p: len(p.authors))
    assert len(big.authors) == 942
    text = paper_markdown(big)
    assert f"and {942 - MAX_AUTHORS} more (942 authors)" in text
    assert big.authors[MAX_AUTHORS - 1] in text and big.authors[MAX_AUTHORS] not in text.split("more")[0]
    assert paper_markdown(None) == PLACEHOLDER


async def test_detail_renders_literal_title_and_placeholder() -> None:
    paper = find("cs.CV/2023/07/20230725.md", "Composite Diffusion")
    app = DetailApp()
    async with app.run_test(size=(100, 40)) as pilot:
        detail = app.query_one(PaperDetail)
        await pilot.pause()
        assert "No paper selected" in shown_text(detail)
        detail.show_paper(paper)
        await settle(detail)
        await pilot.pause()
        shown = shown_text(detail)
        assert "Composite Diffusion | whole >= Σparts" in shown
        assert "## Abstract" not in shown and "Abstract" in shown
        detail.show_paper(None)
        await settle(detail)
        assert "No paper selected" in shown_text(detail)


async def test_show_paper_is_cheap_and_coalesces() -> None:
    papers = papers_of("cs.CV/2025/11/20251124.md")  # the largest day
    big = max(papers_of("cs.CV/2023/12/20231219.md"), key=lambda p: len(p.authors))
    app = DetailApp()
    async with app.run_test(size=(100, 40)) as pilot:
        detail = app.query_one(PaperDetail)
        await pilot.pause()
        start = time.perf_counter()
        for paper in papers:
            detail.show_paper(paper)
        per_call = (time.perf_counter() - start) / len(papers)
        print(f"\nshow_paper: {per_call * 1000:.2f} ms a call (speed: tests/benchmarks/bench_scale.py)")
        await settle(detail)
        assert detail.source == paper_markdown(papers[-1])
        assert papers[-1].title.split()[0] in shown_text(detail)

        # Same paper, same state: nothing to do.
        source = detail.source
        detail.show_paper(papers[-1])
        assert detail.source is source
        # A state change re-renders.
        detail.show_paper(papers[-1], PaperState(papers[-1].id, starred=True))
        assert "★ starred" in detail.source

        start = time.perf_counter()
        detail.show_paper(big)
        await settle(detail)
        print(f"942 authors shown in {(time.perf_counter() - start) * 1000:.0f} ms")
        assert "(942 authors)" in shown_text(detail)


# -- query highlights ---------------------------------------------------------------


def test_highlights_title_authors_and_abstract_in_markdown() -> None:
    star = find("cs.CV/2019/09/20190917.md", "A*3D")
    text = paper_markdown(star, None, SpanCache(parse_query("dataset au:pham abs:occlusions")))
    assert text.startswith("# A\\*3D ~~Dataset~~: Towards")
    assert "~~Pham~~" in text and "Quang-Hieu ~~Pham~~" in text
    abstract = text.split("## Abstract")[1]
    assert "heavy ~~occlusions~~" in abstract
    # Without a query, or for another field, nothing is marked.
    assert HIGHLIGHT_MARK not in paper_markdown(star)
    assert HIGHLIGHT_MARK not in paper_markdown(star, None, SpanCache(parse_query("ti:nonexistentword")))


def test_highlights_keep_escaping_and_latex() -> None:
    star = find("cs.CV/2019/09/20190917.md", "A*3D")
    weird = replace(star, title="[/0,1] A*3D <b>|x| of $\\ell_0$ costs", authors=["Li *Star* [Wang]"])
    text = paper_markdown(weird, None, SpanCache(parse_query("a*3d costs au:wang")))
    title = text.splitlines()[0]
    assert title == "# \\[/0,1\\] ~~A\\*3D~~ \\<b\\>\\|x\\| of ℓ₀ ~~costs~~"
    assert "Li \\*Star\\* \\[~~Wang~~\\]" in text
    # A match inside a formula is dropped, not spliced into the LaTeX.
    ell = find("cs.CV/2011/05/20110513.md", "$\\ell_0$")
    marked = paper_markdown(ell, None, SpanCache(parse_query("ell minimization")))
    assert marked.startswith("# ℓ₀ ~~Minimization~~")


async def test_panel_draws_matches_in_the_highlight_style() -> None:
    paper = find("cs.CV/2023/07/20230725.md", "Composite Diffusion")
    app = DetailApp()
    async with app.run_test(size=(100, 40)) as pilot:
        detail = app.query_one(PaperDetail)
        await pilot.pause()
        detail.show_paper(paper, None, SpanCache(parse_query("whole")))
        await pilot.pause()
        assert highlighted_words(detail) == ["whole"]
        # The marker itself never shows, and the title stays literal.
        assert "Composite Diffusion | whole >= Σparts" in shown_text(detail)
        assert "~~" not in shown_text(detail)
        # A new query on the same paper re-renders; no query, no highlight.
        detail.show_paper(paper, None, SpanCache(parse_query("diffusion")))
        assert "Diffusion" in highlighted_words(detail)
        detail.show_paper(paper, None, None)
        assert highlighted_words(detail) == []


# -- speed --------------------------------------------------------------------------


async def test_micro_benchmark_update_to_repaint(monkeypatch) -> None:
    """Time show_paper until the screen repainted with it, as a cursor move does (figures printed).

    Like tests/benchmarks/bench_scale.py, the compositor refresh is hooked: the
    latency runs from the call to the end of the first repaint after it.
    """
    from textual.screen import Screen

    repaints: list[float] = []
    original = Screen._compositor_refresh

    def timed_refresh(screen: Screen) -> None:
        original(screen)
        repaints.append(time.perf_counter())

    monkeypatch.setattr(Screen, "_compositor_refresh", timed_refresh)
    papers = papers_of("cs.CV/2025/11/20251124.md")[:60]
    query = SpanCache(parse_query("learning"))
    app = DetailApp()
    async with app.run_test(size=(120, 35)) as pilot:
        detail = app.query_one(PaperDetail)
        await pilot.pause()
        build, latency = [], []
        for paper in papers:
            start = time.perf_counter()
            paper_markdown(paper, None, query)
            build.append(time.perf_counter() - start)
            repaints.clear()
            start = time.perf_counter()
            detail.show_paper(paper, None, query)
            for _ in range(400):
                if repaints:
                    break
                await asyncio.sleep(0.001)
            assert repaints, "no repaint after show_paper"
            latency.append(repaints[0] - start)
        build_ms = statistics.median(build) * 1000
        median_ms = statistics.median(latency) * 1000
        print(f"\npaper_markdown: median {build_ms:.2f} ms; show_paper to repaint: median {median_ms:.2f} ms, "
              f"max {max(latency) * 1000:.2f} ms over {len(papers)} papers")
        assert papers[-1].title.split()[0] in shown_text(detail)


def test_html_in_a_note_shows_as_text() -> None:
    """A note's "<baseline>" (inline HTML to Markdown) and an HTML block show as typed."""
    from rich.console import Console
    from rich.style import Style

    from tui.widgets.markdown_view import _Document

    console = Console(width=70, record=True, color_system=None)
    note = "compare with <baseline> on a<b\n\n<div>\nblock <i>x</i>\n</div>\n\n`code <c>` and **bold**"
    paper = find("cs.CV/2022/01/20220131.md", "2201.12944")
    console.print(_Document(paper_markdown(paper, None, None, (), note), Style()))
    shown = console.export_text()
    assert "compare with <baseline> on a<b" in shown
    assert "<div>" in shown and "block <i>x</i>" in shown and "code <c>" in shown
    assert "**" not in shown  # still Markdown


async def test_the_papers_next_to_the_cursor_are_rendered_ahead(make_app):
    """After a move, the neighbours' documents are rendered in a thread: the next j shows
    lines already drawn (the same lines a render on the spot gives)."""
    from ui_helpers import SIZE, wait_for_workers, wait_loaded

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await pilot.press("j")
        await wait_for_workers(app)
        await pilot.pause()
        detail = screen.detail
        assert len(detail._prepared) >= 2  # the next paper and the previous one
        await pilot.press("j")
        await pilot.pause()
        lines = [strip.text for strip in detail._strips]
        key = (detail.source, detail._strips_width, detail._strips_style)
        assert key in detail._prepared  # shown from what was rendered ahead
        detail._prepared.clear()
        detail._strips_width = -1
        detail._layout_document()  # rendered again on the spot: the same lines
        assert [strip.text for strip in detail._strips] == lines


async def test_typing_in_the_filter_renders_no_neighbours_ahead_until_the_user_leaves_it(make_app):
    """Each key in the filter would start a render of the neighbours in a thread, which takes the
    GIL from the next key's search and paint: they are rendered once the user leaves the filter."""
    from ui_helpers import SIZE, wait_for_workers, wait_loaded

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        detail = screen.detail
        await wait_for_workers(app)
        await pilot.press("slash", *"ti:a")
        await wait_for_workers(app)
        await pilot.pause()
        detail._prepared.clear()
        await pilot.press("n")
        await wait_for_workers(app)
        await pilot.pause()
        assert screen.query_text == "ti:an" and detail._prepared == {}
        await pilot.press("enter")
        await wait_for_workers(app)
        await pilot.pause()
        assert len(detail._prepared) >= 1  # the paper after the highlighted one
