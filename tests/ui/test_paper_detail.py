"""PaperDetail: the Markdown document, literal titles, long author lists, speed."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Markdown

from tui.core.digest import parse_digest_file
from tui.core.models import Paper, PaperState
from tui.widgets.paper_detail import MAX_AUTHORS, PLACEHOLDER, PaperDetail, paper_markdown

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
    for _ in range(500):
        if not detail.is_updating:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("detail never finished updating")


def shown_text(detail: PaperDetail) -> str:
    """All the text the mounted Markdown blocks display."""
    markdown = detail.query_one(Markdown)
    return "\n".join(str(block._content) for block in markdown.query("MarkdownBlock")
                     if hasattr(block, "_content"))


def test_markdown_of_example_paper() -> None:
    paper = find("cs.CV/2022/01/20220131.md", "2201.12944")
    text = paper_markdown(paper, PaperState(paper.id, starred=True))
    assert text.startswith("# ")
    assert "[10.1145/3617592](<https://doi.org/10.1145/3617592>)" in text
    assert "**cs.CV**" in text
    assert "I.2.7; I.4" in text.replace("\\", "")
    assert "version v5" in text
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
        assert per_call < 0.016, per_call
        await settle(detail)
        assert detail.source == paper_markdown(papers[-1])
        assert papers[-1].title.split()[0] in shown_text(detail)

        # Same paper, same state: nothing to do.
        source = detail.source
        detail.show_paper(papers[-1])
        assert not detail.is_updating and detail.source is source
        # A state change re-renders.
        detail.show_paper(papers[-1], PaperState(papers[-1].id, starred=True))
        assert "★ starred" in detail.source

        start = time.perf_counter()
        detail.show_paper(big)
        await settle(detail)
        assert time.perf_counter() - start < 1.0
        assert "(942 authors)" in shown_text(detail)
