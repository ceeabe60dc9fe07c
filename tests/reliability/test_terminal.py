"""Terminal reliability of the reader (Pilot): resizes, hostile titles, few colours.

"No lost state, no crash": the main screen must survive any terminal size at any
moment (while a dialog is open, while filtering), show titles exactly as written
(wide characters, emoji, text that looks like Textual markup) and stay usable
when colours are gone (``NO_COLOR``) or reduced to the 16 ANSI colours.

What the screen shows is read from the compositor's rendered strips (the same
lines the driver would write), not from widget state.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import textual.constants
from rich.cells import cell_len
from rich.color import ColorSystem
from rich.style import Style

from tui.app import ArxivReaderApp
from tui.clipboard import Clipboard
from tui.core.models import Paper
from tui.core.store import Store
from tui.screens.dialogs import CopyMenu
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
#: Real July 2026 digests (194 papers): enough rows to scroll at every size.
REAL_DIGESTS = [DATA / "cs.IR" / "2026" / "07", DATA / "cs.CL" / "2026" / "07"]


# -- helpers ----------------------------------------------------------------------


def make_app(home: Path, paths: list[Path]) -> ArxivReaderApp:
    """An app on a fresh store; OSC 52 only (never the developer's clipboard)."""
    return ArxivReaderApp(Store(home), paths=paths, mark_read_delay=0, clipboard=Clipboard("osc52"))


async def wait_loaded(app: ArxivReaderApp, pilot) -> MainScreen:
    """Wait until the main screen has loaded the library; return it."""
    for _ in range(300):
        await pilot.pause()
        screen = app.screen
        if isinstance(screen, MainScreen) and screen.loaded:
            break
    await app.workers.wait_for_complete()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, MainScreen) and screen.loaded, "the library never loaded"
    return screen


async def settle(app: ArxivReaderApp, pilot) -> None:
    """Let workers (searches) finish and messages drain."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def screen_strips(app: ArxivReaderApp):
    """The rendered lines of the whole current screen (after line filters)."""
    return app.screen._compositor.render_strips()


def screen_text(app: ArxivReaderApp) -> list[str]:
    return [strip.text for strip in screen_strips(app)]


def title_prefix(paper: Paper, cells: int = 10) -> str:
    """The longest start of the (one-line) title that fits in ``cells`` cells."""
    title = " ".join(paper.title.split())
    prefix = ""
    for char in title:
        if cell_len(prefix + char) > cells:
            break
        prefix += char
    return prefix.rstrip()


def list_row(app: ArxivReaderApp, screen: MainScreen, index: int) -> str:
    """The screen line that shows paper ``index`` of the paper list (it must be visible).

    Day headers take rows of their own: ``row_of`` says which row shows the paper.
    """
    papers = screen.paper_list
    region = papers.content_region
    y = papers.row_of(index) - round(papers.scroll_y)
    assert 0 <= y < region.height, (index, papers.scroll_y, region)
    line = screen_strips(app)[region.y + y].crop(region.x, region.right)
    return line.text


# -- 1. resize at any moment --------------------------------------------------------


def _sizes() -> list[tuple[int, int]]:
    """Growing sizes from 40x10 to 300x100, then seeded random ones, then tiny again."""
    growing = [(40, 10), (60, 15), (80, 24), (100, 30), (120, 35), (160, 48), (220, 60), (300, 100)]
    rng = random.Random(20260701)
    jumps = [(rng.randint(40, 300), rng.randint(10, 100)) for _ in range(8)]
    return growing + jumps + [(40, 10), (300, 100), (41, 11), (80, 24)]


#: Actions done between resizes, cycled: each leaves the app on some screen.
_ACTIONS = ("down", "filter", "help", "pagedown", "copy_menu", "clear", "end", "up")


async def test_resize_at_any_moment_keeps_the_list(tmp_path: Path) -> None:
    app = make_app(tmp_path / "home", REAL_DIGESTS)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_loaded(app, pilot)
        total = len(screen.paper_list.papers)
        assert total == 194
        checked = 0
        for step, (width, height) in enumerate(_sizes()):
            action = _ACTIONS[step % len(_ACTIONS)]
            # Start an action, resize in the middle of it, then finish it.
            if action == "down":
                await pilot.press("j", "j")
            elif action == "up":
                await pilot.press("k")
            elif action == "pagedown":
                await pilot.press("pagedown")
            elif action == "end":
                await pilot.press("G")
            elif action == "filter":
                await pilot.press("slash", *"retrie")
            elif action == "clear":
                await pilot.press("escape", "escape")
            elif action == "help":
                await pilot.press("question_mark")
                assert isinstance(app.screen, HelpScreen)
            elif action == "copy_menu":
                await pilot.press("Y")
                assert isinstance(app.screen, CopyMenu)
            await pilot.resize_terminal(width, height)
            await settle(app, pilot)
            assert app.size == (width, height)
            assert len(screen_strips(app)) == height
            if action in ("help", "copy_menu"):
                await pilot.press("escape")  # close the dialog at the new size
                await settle(app, pilot)
            if action == "filter":
                await pilot.press("escape")  # back to the list, query kept
                await settle(app, pilot)
            assert app.screen is screen, f"step {step}: {action} left {app.screen!r}"

            papers = screen.paper_list
            shown = papers.papers
            assert shown, f"step {step}: the list is empty after {action}"
            paper = papers.highlighted
            assert paper is not None
            region = papers.content_region
            if region.height >= 1 and region.width >= 40:
                # Markers + 11 title cells (then "…") always fit at 40 columns.
                row = list_row(app, screen, papers.cursor)
                assert title_prefix(paper) in row, (step, width, height, row)
                assert cell_len(row) == region.width
                checked += 1
            if height >= 24:
                # A usable terminal always has room for several rows.
                assert region.height >= 3, (width, height, region)
        assert checked >= len(_sizes()) // 2

        # The state survived: the query set by "filter" was cleared by "clear",
        # and every paper is back.
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        assert len(screen.paper_list.papers) == total


async def test_resize_while_loading_does_not_crash(tmp_path: Path) -> None:
    """Resizes during the first import (loading screen) leave a loaded, sized list."""
    app = make_app(tmp_path / "home", REAL_DIGESTS)
    async with app.run_test(size=(80, 24)) as pilot:
        for width, height in [(40, 10), (300, 100), (55, 12), (120, 35)]:
            await pilot.resize_terminal(width, height)
        screen = await wait_loaded(app, pilot)
        assert app.size == (120, 35)
        paper = screen.paper_list.highlighted
        assert paper is not None
        assert title_prefix(paper) in list_row(app, screen, screen.paper_list.cursor)


# -- 2. hostile titles and authors ---------------------------------------------------

#: (arXiv id, title, authors) of the hand-written digest; titles put the tricky
#: part first so that it is visible in the narrowest title column.
HOSTILE = [
    ("2607.00001", "[/0,1]-valued [bold]markers[/bold] and A*3D search", ["Ada Lovelace", "Alan Turing"]),
    ("2607.00002", "[b]Bold?[/b] [link=http://x]click[/link] :smile: $x^2$ \\textbf{y}", ["Grace Hopper"]),
    ("2607.00003", "大規模言語モデルによる検索拡張生成の評価と日本語ベンチマーク", ["山田 太郎", "李 小龍"]),
    ("2607.00004", "🚀🤖 Emoji 👩‍🔬 scientists and flags 🇯🇵 in titles", ["Zoë Ødegård"]),
    (
        "2607.00005",
        "Long " + " ".join(f"word{i}" for i in range(400)) + " end",
        [f"Author{i} Surname{i}" for i in range(400)],
    ),
    ("2607.00006", "Unbroken" + "x" * 600, ["Y" * 300]),
    ("2607.00007", "Pipes | <b>html</b> & `code` *stars* _under_ \\[esc\\]", ["Seán O'Brien-Ó Dálaigh"]),
]


def write_hostile_digest(root: Path) -> Path:
    """A small digest Markdown file (the real format) with the HOSTILE papers."""
    blocks = ["# Arxiv Papers in cs.CL on 2026-07-01"]
    for arxiv_id, title, authors in HOSTILE:
        blocks.append(
            "\n".join(
                [
                    f"### {title}",
                    f"- **Arxiv ID**: http://arxiv.org/abs/{arxiv_id}v1",
                    "- **DOI**: None",
                    "- **Categories**: **cs.CL**, cs.AI",
                    f"- **Links**: [PDF](https://arxiv.org/pdf/{arxiv_id}v1)",
                    "- **Published**: 2026-07-01 02:56:39+00:00",
                    "- **Updated**: 2026-07-01 02:56:39+00:00",
                    f"- **Authors**: {', '.join(authors)}",
                    "- **Comment**: [red]not red[/red] 12 pages",
                    "- **Journal**: None",
                    f"- **Summary**: We study {title[:80]} in depth. [italic]Plain[/italic] text.",
                    "",
                    "",
                ]
            )
        )
    path = root / "cs.CL" / "2026" / "07" / "20260701.md"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


@pytest.mark.parametrize("size", [(80, 24), (40, 10), (160, 48)])
async def test_hostile_titles_show_literally(tmp_path: Path, size: tuple[int, int]) -> None:
    digest = write_hostile_digest(tmp_path / "digests")
    app = make_app(tmp_path / "home", [digest])
    async with app.run_test(size=size) as pilot:
        screen = await wait_loaded(app, pilot)
        papers = screen.paper_list
        by_id = {paper.id: paper for paper in papers.papers}
        assert sorted(by_id) == sorted(arxiv_id for arxiv_id, _, _ in HOSTILE)
        for arxiv_id, title, authors in HOSTILE:
            paper = by_id[arxiv_id]
            assert paper.title == title  # the parser kept it as written
            assert len(paper.authors) == len(authors)
            index = papers.index_of(arxiv_id)
            screen.move_to(index, timer=False)
            await settle(app, pilot)
            region = papers.content_region
            if region.height < 1:
                continue  # 40x10: nothing to check but "no crash"
            row = list_row(app, screen, index)
            # Exactly the list's width: wide characters never push the row over.
            assert cell_len(row) == region.width, (arxiv_id, row)
            assert row[1] == "●", row  # unread marker is a character
            # At least 11 title cells always fit; the start shows as written.
            assert title_prefix(paper) in row, (arxiv_id, row)
        # The whole screen has the right geometry (no line overflows).
        for line in screen_strips(app):
            assert line.cell_length == size[0]
        if size[0] >= 120:
            # The detail pane shows the markup-looking title as written.
            screen.move_to(papers.index_of("2607.00001"), timer=False)
            await settle(app, pilot)
            text = "\n".join(screen_text(app))
            assert "[/0,1]-valued" in text
            assert "[bold]markers[/bold]" in text
            assert "A*3D" in text


# -- 3. NO_COLOR and 16 colours ------------------------------------------------------


def _look(strip, system: ColorSystem | None) -> list[str]:
    """How a line looks on a terminal with ``system`` colours: the SGR code of each cell.

    Text is ignored (only what the terminal does with it), so two lines with the
    same look are indistinguishable apart from their characters.
    """
    cells: list[str] = []
    for segment in strip:
        text, style, _ = segment
        style = style or Style()
        if system is None:  # attributes only: what survives with no colour at all
            style = Style(
                bold=style.bold,
                dim=style.dim,
                italic=style.italic,
                underline=style.underline,
                reverse=style.reverse,
                strike=style.strike,
            )
        code = style._make_ansi_codes(system or ColorSystem.STANDARD)
        cells.extend([code] * cell_len(text))
    return cells


async def _cursor_and_markers(app: ArxivReaderApp, pilot) -> tuple[list, list, list[str]]:
    """Rows of one read paper with and without the cursor; marker rows' texts.

    Returns (strip with cursor, strip without cursor, texts of rows 0..2) where
    row 0 is starred+unread, row 1 read, row 2 unread.
    """
    screen = await wait_loaded(app, pilot)
    papers = screen.paper_list
    await pilot.press("s")  # star row 0
    await pilot.press("j", "m")  # row 1 read
    await settle(app, pilot)
    region = papers.content_region
    y0 = region.y + papers.row_of(0)  # below the first day's header
    strips = screen_strips(app)
    with_cursor = strips[y0 + 1].crop(region.x, region.right)
    await pilot.press("j")  # cursor to row 2: row 1 loses the cursor
    await settle(app, pilot)
    strips = screen_strips(app)
    without_cursor = strips[y0 + 1].crop(region.x, region.right)
    texts = [strips[y0 + y].crop(region.x, region.right).text for y in range(3)]
    assert with_cursor.text == without_cursor.text
    return with_cursor, without_cursor, texts


def _check_markers(texts: list[str]) -> None:
    """Markers are characters: star and unread survive with no colour."""
    starred, read, unread = texts
    assert starred[1:3] == "●★", starred
    assert read[1:3] == "  ", read
    assert unread[1:3] == "● ", unread


async def test_no_color_main_screen_is_usable(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(tmp_path / "home", REAL_DIGESTS)
    assert app.no_color  # Textual reads NO_COLOR when the app is built
    async with app.run_test(size=(120, 35)) as pilot:
        with_cursor, without_cursor, texts = await _cursor_and_markers(app, pilot)
        _check_markers(texts)
        # Textual's NO_COLOR filter (Monochrome) turns colours to greys: the
        # cursor row must still look different from the same row without it.
        assert _look(with_cursor, ColorSystem.TRUECOLOR) != _look(without_cursor, ColorSystem.TRUECOLOR)
        # No hue survives anywhere on the screen.
        for strip in screen_strips(app):
            for _, style, _ in strip:
                for color in (style.color, style.bgcolor) if style else ():
                    if color is not None and color.triplet is not None:
                        r, g, b = color.triplet
                        assert r == g == b, (color, strip.text)


async def test_16_colour_terminal_shows_the_cursor(tmp_path: Path, monkeypatch) -> None:
    # Textual reads TEXTUAL_COLOR_SYSTEM once, into textual.constants, at import.
    monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", "standard")
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")
    app = make_app(tmp_path / "home", REAL_DIGESTS)
    async with app.run_test(size=(120, 35)) as pilot:
        assert app.console.color_system == "standard"
        with_cursor, without_cursor, texts = await _cursor_and_markers(app, pilot)
        _check_markers(texts)
        # Downgraded to the 16 ANSI colours, the cursor row must still stand out.
        assert _look(with_cursor, ColorSystem.STANDARD) != _look(without_cursor, ColorSystem.STANDARD)


async def test_cursor_is_visible_without_any_colour(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(tmp_path / "home", REAL_DIGESTS)
    async with app.run_test(size=(120, 35)) as pilot:
        with_cursor, without_cursor, _ = await _cursor_and_markers(app, pilot)
        # Attributes only (bold, underline, reverse...): the cursor needs one of its own.
        assert _look(with_cursor, None) != _look(without_cursor, None)
