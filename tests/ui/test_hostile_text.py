"""Nothing from a digest reaches the terminal raw: escape sequences, other control
characters, bidi overrides and line separators in titles, authors, categories,
comments, abstracts and file names are shown escaped in every view, notification
and dialog (tui/core/safetext)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual import events

from tui.app import ArxivReaderApp
from tui.clipboard import Clipboard
from tui.core.safetext import escape_controls, inert_markdown
from tui.core.store import Store
from tui.screens.dialogs import CopyFallbackDialog
from tui.screens.help import HelpScreen
from tui.screens.note_editor import NoteEditor
from tui.screens.reading import ReadingScreen
from ui_helpers import settle, wait_loaded

#: What must never be painted: C0 controls, DEL, C1 controls, bidi embeddings,
#: overrides, isolates and marks, line and paragraph separators.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

OSC52 = "\x1b]52;c;SGVsbG8=\x07"
TITLE_CLEAR = "\x1b]0;PWNED\x07\x1b[2J"


def _digest(folder: Path) -> Path:
    """A digest whose every field carries something that could drive a terminal."""
    category = f"cs.{TITLE_CLEAR}X"
    path = folder / "cs.CL" / "2026" / "07" / f"2026070{OSC52}1.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    blocks = ["# Arxiv Papers in cs.CL on 2026-07-01", ""]
    for number in ("2607.00001", "2607.00002"):
        blocks += [
            f"### Evil \u202eelttit{OSC52} title \x9b31m red \u2028 {number}",
            f"- **Arxiv ID**: http://arxiv.org/abs/{number}v1",
            "- **DOI**: None",
            f"- **Categories**: **cs.CL**, {category}",
            f"- **Links**: [PDF](https://arxiv.org/pdf/{number}v1)",
            "- **Published**: 2026-07-01 00:00:00+00:00",
            "- **Updated**: 2026-07-01 00:00:00+00:00",
            "- **Authors**: Ada \x1b[2JLovelace\u202e, Alan \u2066Turing\x07",
            f"- **Comment**: 12 pages {OSC52}\x1b[31m",
            "- **Journal**: None",
            f"- **Summary**: An abstract with {OSC52} a bell \x07 and \u202ereversed text\x1b[0m.",
            "",
        ]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return folder


def painted(app) -> list[str]:
    """Every line of the current screen as painted (notifications included)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def assert_inert(app, where: str) -> str:
    lines = painted(app)
    found = sorted({f"U+{ord(c):04X}" for line in lines for c in UNSAFE.findall(line)})
    assert not found, f"{where}: {found} painted raw"
    return "\n".join(lines)


@pytest.fixture
def hostile_app(tmp_path: Path):
    def make(**overrides) -> ArxivReaderApp:
        options = dict(paths=[_digest(tmp_path / "digests")], mark_read_delay=0, clipboard=Clipboard("osc52"))
        options.update(overrides)
        return ArxivReaderApp(Store(tmp_path / "home"), **options)

    return make


async def test_list_detail_reading_view_and_dialogs_paint_nothing_raw(hostile_app):
    app = hostile_app()
    async with app.run_test(size=(120, 35), notifications=True) as pilot:
        await wait_loaded(app, pilot)
        main = app.screen
        assert len(main.paper_list.papers) == 2
        text = assert_inert(app, "list and detail")
        # Import drops C0 and C1 controls from the fields; what is left is shown escaped, the
        # title's and the abstract's bidi controls too (in the row and the detail), never dropped.
        assert "\\u202e" in text and "\\u2066" in text
        assert text.count("Evil \\u202eelttit") >= 3  # two rows and the detail's title
        assert "\\u202ereversed text" in text  # the abstract, in the detail
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReadingScreen)
        text = assert_inert(app, "reading view")
        assert "Evil \\u202eelttit" in text and "\\u202ereversed text" in text
        await pilot.press("a", "x")
        await settle(app, pilot)
        assert_inert(app, "reading view, everything shown")
        await pilot.press("escape", "question_mark")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        assert_inert(app, "help")
        await pilot.press("escape")
        # The copy-by-hand screen with a citation of the hostile paper.
        app.push_screen(CopyFallbackDialog("BibTeX of " + main.highlighted.title, main.highlighted.title))
        await settle(app, pilot)
        assert_inert(app, "copy by hand")
        app.pop_screen()
        # The note dialog names the paper by its title as stored (bidi controls kept at import).
        app.push_screen(NoteEditor(f"Note on 2607.00001: {main.highlighted.title}", "", None, ""))
        await settle(app, pilot)
        assert "Note on 2607.00001: Evil \\u202eelttit" in assert_inert(app, "note dialog")


async def test_notifications_status_and_filter_warnings_paint_nothing_raw(hostile_app):
    app = hostile_app()
    async with app.run_test(size=(120, 35), notifications=True) as pilot:
        await wait_loaded(app, pilot)
        main = app.screen
        app.notify(f"file {OSC52} gone", title=f"T{TITLE_CLEAR}", markup=False)
        main.notify(f"screen {OSC52}\u202e", markup=False)
        main.query_one("#status").show_message(f"status {OSC52}")
        await settle(app, pilot)
        await pilot.pause(0.3)  # the toasts
        text = assert_inert(app, "notifications and status")
        assert "file \\x1b]52;c;SGVsbG8=\\x07 gone" in text
        # A paste with escapes into the filter: neither the input nor its warnings paint them.
        await pilot.press("slash")
        main.filter_bar.input.post_message(events.Paste(f"foo:{OSC52} \u202e\x1b[2J"))
        await settle(app, pilot)
        assert_inert(app, "filter bar")


async def test_a_problem_notice_names_a_hostile_file_escaped(hostile_app, tmp_path: Path):
    bad = tmp_path / "digests" / "cs.CL" / "2026" / "07" / f"2026070{OSC52}2.md"
    app = hostile_app()
    async with app.run_test(size=(120, 35), notifications=True) as pilot:
        await wait_loaded(app, pilot)
    bad.write_bytes(b"# Arxiv Papers in cs.CL on 2026-07-02\n\n### \xff\xfe broken\n- **Arxiv ID**: nonsense\n")
    app = hostile_app()
    async with app.run_test(size=(120, 35), notifications=True) as pilot:
        await wait_loaded(app, pilot)
        assert_inert(app, "import problems")


def test_inert_markdown_keeps_structure_and_shows_escapes() -> None:
    source = "# T\x1bitle\n\nline\u202e one  \nline\ttwo\x07\n"
    shown = inert_markdown(source)
    assert shown == "# T\\\\x1bitle\n\nline\\\\u202e one  \nline\ttwo\\\\x07\n"
    assert inert_markdown("plain text\n") == "plain text\n"
    assert escape_controls("a\x1bb") == "a\\x1bb"


def test_a_list_row_shows_every_hostile_field_escaped() -> None:
    from rich.style import Style

    from tui.core.models import Paper
    from tui.widgets.paper_rows import RowStyles, header_row, paper_row

    styles = RowStyles(*[Style()] * len(RowStyles.__dataclass_fields__))
    paper = Paper(id="2607.00001", version=1, title=f"A \u202eB {OSC52} \u2028C" + "x" * 2_000_000,
                  authors=[f"\u2066Ada{OSC52}"], categories=["cs.\u202eCL"], primary_category="cs.\u202eCL")
    for width in (80, 200):
        row = paper_row(paper, width, styles, is_cursor=False, unread=True, starred=False, marked=False,
                        spans=None).plain
        assert not UNSAFE.search(row), row
        assert "\\u2066Ada" in row and "A \\u202eB" in row  # the author's and the title's shown escaped
    assert not UNSAFE.search(header_row(f"2026-07-01{OSC52}", 2, 1, 0, 80, styles).plain)
