"""The reader in a web browser (App.is_web): copies go to the page's clipboard only, a .bib
file added to is also downloaded, links open in a new tab. (textual-serve itself: tests/reliability/test_serve.py)"""

from __future__ import annotations

from pathlib import Path

import pytest

from textual.widgets import Input

from tui.app import ArxivReaderApp
from tui.clipboard import Clipboard
from ui_helpers import settle, wait_loaded


@pytest.fixture
def in_browser(monkeypatch):
    monkeypatch.setattr(ArxivReaderApp, "is_web", property(lambda self: True))


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_copy_goes_to_the_page_clipboard_only(make_app, monkeypatch, in_browser) -> None:
    import tui.clipboard as clipboard

    system: list[str] = []
    monkeypatch.setattr(clipboard, "_system_copy", lambda text: system.append(text) or True)
    app = make_app(clipboard=Clipboard("auto"))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(app, pilot)
        paper = app.screen.paper_list.highlighted
        await pilot.press("y")
        await settle(app, pilot)
        assert app.clipboard.startswith("@") and paper.id in app.clipboard
        assert system == []  # the server's clipboard is not the user's
        assert any(m.startswith("BibTeX") and "offered to the browser's clipboard" in m for m in messages(app)), \
            messages(app)


async def test_o_opens_a_new_tab_even_over_ssh(make_app, monkeypatch, in_browser) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("BROWSER", raising=False)
    app = make_app()
    opened: list[tuple[str, bool]] = []
    monkeypatch.setattr(app, "open_url", lambda url, new_tab=False: opened.append((url, new_tab)))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(app, pilot)
        paper = app.screen.paper_list.highlighted
        await pilot.press("o")
        await settle(app, pilot)
        assert opened == [(paper.abs_url, True)]
        assert f"Opening the arXiv page of {paper.id} in a new tab" in " ".join(messages(app))


async def test_a_bib_file_added_to_is_also_downloaded(make_app, monkeypatch, tmp_path: Path, in_browser) -> None:
    refs = tmp_path / "refs.bib"
    app = make_app()
    delivered: list[tuple] = []
    monkeypatch.setattr(app, "deliver_text", lambda path, **options: delivered.append((path, options)))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("Y")
        await pilot.press("end", "enter")  # the last entry: add to a .bib file
        await pilot.pause()
        app.screen.query_one(Input).value = str(refs)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()  # the file is written in a worker thread
        await settle(app, pilot)
        assert delivered == [(refs, {"save_filename": "refs.bib", "open_method": "download",
                                     "mime_type": "application/x-bibtex"})]
        assert refs.read_text().startswith("@")
        assert "refs.bib sent to your browser as a download" in messages(app)
