"""Marks (space, u), what Y copies, and copy notices that say only what is true."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from tui.clipboard import Clipboard, tmux_set_clipboard
from tui.screens.dialogs import CopyFallbackDialog, CopyMenu
from tui.widgets.status_line import StatusLine
from ui_helpers import SIZE, settle, wait_loaded


def status(app) -> str:
    return str(app.screen.query_one(StatusLine).render())


def shown_text(app, widget) -> str:
    """The words painted in ``widget``'s region, its lines joined by spaces."""
    region = widget.region
    lines = app.screen._compositor.render_strips()[region.y:region.bottom]
    return " ".join(line.text[region.x:region.right].strip() for line in lines).strip()


def notices(app) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


async def test_space_marks_and_moves_down_u_clears(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        papers = screen.paper_list
        first, second = papers.papers[0].id, papers.papers[1].id
        await pilot.press("space", "space")
        assert screen.marks == {first, second}
        assert papers.cursor == 2
        assert papers.render_line(papers.row_of(0)).text.startswith("▸")
        assert "2 marked" in status(app) and "hidden" not in status(app)
        await pilot.press("k", "space")  # unmark the second
        assert screen.marks == {first}
        await pilot.press("space", "u")
        assert screen.marks == frozenset() and "marked" not in status(app)
        assert not papers.render_line(papers.row_of(0)).text.startswith("▸")


async def test_the_status_line_and_y_say_how_many_marks_the_filter_hides(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        papers = screen.paper_list
        ir = next(p for p in papers.papers if "cs.IR" in p.categories)
        other = next(p for p in papers.papers if "cs.IR" not in p.categories)
        screen.marks = frozenset({ir.id, other.id})
        await pilot.press("slash", *"cat:cs.IR", "enter")
        await settle(app, pilot)
        assert "2 marked (1 hidden by the filter)" in status(app)
        await pilot.press("Y")
        assert isinstance(app.screen, CopyMenu)
        title = str(app.screen.query(".dialog-title").first().render())
        assert "2 marked papers, 1 of them hidden by the filter" in title
        # The whole heading is on screen, wrapped inside the dialog, not cut at its edge.
        assert shown_text(app, app.screen.query(".dialog-title").first()) == (
            "Copy 2 marked papers, 1 of them hidden by the filter as…"
        )
        await pilot.press("down", "down", "down", "down", "enter")  # arXiv ids
        await settle(app, pilot)
        assert sorted(app.clipboard.split()) == sorted([f"arXiv:{ir.id}", f"arXiv:{other.id}"])


async def test_y_without_marks_copies_the_starred_and_says_so(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("s", "j", "j", "s")
        await pilot.press("Y")
        title = str(app.screen.query(".dialog-title").first().render())
        assert "Copy 2 starred papers as" in title
        await pilot.press("escape", "s", "k", "k", "s")  # no star left: the highlighted paper
        highlighted = app.screen.paper_list.highlighted.id
        await pilot.press("Y")
        title = str(app.screen.query(".dialog-title").first().render())
        assert f"Copy the highlighted paper {highlighted} as" in title


async def test_notices_name_the_route_and_tmux_when_it_is_off(make_app, monkeypatch):
    app = make_app(clipboard=Clipboard("osc52", tmux_option=lambda: "off"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        paper = app.screen.paper_list.highlighted
        await pilot.press("y")  # tmux would swallow OSC 52 and there is no other route
        await settle(app, pilot)
        assert isinstance(app.screen, CopyFallbackDialog)
        hint = str(app.screen.query_one("#copy-hint").render())
        assert "set-clipboard is off" in hint and "set -g set-clipboard on" in hint
        area = app.screen.query_one(TextArea)
        assert paper.id in area.text
        # The text starts in the first column, with no frame around it.
        assert area.region.x == 0 and area.region.width == SIZE[0]
        assert area.styles.border_top[0] in ("", "none") and area.styles.border_left[0] in ("", "none")
        line = app.screen._compositor.render_strips()[area.region.y].text
        assert line.startswith("@"), line
        # Wrapped, not cut at the edge; no cursor; the whole text in a file named above it.
        assert area.soft_wrap and not area.show_cursor
        path = next(word for word in hint.split() if "arxiv-reader-copy-" in word).rstrip(".")
        assert path.endswith(".bib") and Path(path).read_text().strip() == area.text.strip()
        assert f"{path} until you quit" in hint
        await pilot.press("escape")
    assert not Path(path).exists()  # the reader closed: its file for copies by hand went with it
    app = make_app(clipboard=Clipboard("osc52", tmux_option=lambda: "on"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        paper = app.screen.paper_list.highlighted
        await pilot.press("y")
        await settle(app, pilot)
        assert f"BibTeX for {paper.id} sent to the terminal through tmux (OSC 52)" in notices(app)
    # tmux's default, external, drops what applications send as well: said, and shown by hand.
    app = make_app(clipboard=Clipboard("osc52", tmux_option=lambda: "external"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, CopyFallbackDialog)
        assert "set-clipboard is external" in str(app.screen.query_one("#copy-hint").render())
        path = app.screen.path
    assert not Path(path).exists()


async def test_copies_by_hand_share_one_file_per_session(make_app, monkeypatch):
    """Re-check R5: every copy that no route took replaces the session's one file
    (a new one only for another suffix); none is left once the reader quits."""
    import tui.screens.actions as actions

    monkeypatch.setattr(actions, "browser_reachable", lambda: False)
    app = make_app(clipboard=Clipboard("none"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        papers = list(app.screen.paper_list.papers)

        async def copy_by_hand(*keys: str) -> Path:
            await pilot.press(*keys)
            await settle(app, pilot)
            assert isinstance(app.screen, CopyFallbackDialog)
            path = Path(app.screen.path)
            await pilot.press("escape")
            return path

        first = await copy_by_hand("y")
        second = await copy_by_hand("j", "y")
        assert second == first and papers[1].id in first.read_text() and papers[0].id not in first.read_text()
        url = await copy_by_hand("o")  # a URL: text, not BibTeX
        assert url.suffix == ".txt" and url.read_text().strip() == papers[1].abs_url
        assert not first.exists()
        first.write_text("someone else's")  # a file put where the old one was is never written
        again = await copy_by_hand("y")
        assert again != first and first.read_text() == "someone else's" and not url.exists()
        first.unlink()
    assert not again.exists()


def test_tmux_option_is_read_from_the_tmux_server(monkeypatch):
    import subprocess

    calls = []

    def run(args, **kwargs):
        calls.append(args)
        return subprocess.CompletedProcess(args, 0, stdout="off\n", stderr="")

    monkeypatch.setattr("tui.clipboard.subprocess.run", run)
    monkeypatch.setattr("tui.clipboard.shutil.which", lambda name: "/usr/bin/tmux")
    assert tmux_set_clipboard({}) is None  # not inside tmux: not asked
    assert calls == []
    assert tmux_set_clipboard({"TMUX": "/tmp/tmux-0/default,1,0"}) == "off"
    assert calls[0][1:] == ["show-options", "-sv", "set-clipboard"]
