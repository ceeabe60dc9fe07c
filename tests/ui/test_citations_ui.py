"""Citations in the reader: the configured key template, and adding to a .bib
file from the copy menu with the same safety as `export --append`."""

from __future__ import annotations

import os
from pathlib import Path

import bibtexparser
from pybtex.database import parse_string as pybtex_parse
from textual.widgets import Input

from tui.core.userfile import locked
from tui.screens.dialogs import BibFileDialog, CopyMenu
from tui.screens.main import MainScreen
from ui_helpers import SIZE, wait_loaded

MINE = "@article{knuth1984,\n  title = {Literate Programming},\n  year = {1984}\n}\n"


def _messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_copy_uses_the_configured_key_template(make_app, _own_config_file: Path) -> None:
    _own_config_file.write_text('[citations]\nkey_template = "{auth}:{id}"\n')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        paper = app.screen.paper_list.highlighted
        await pilot.press("y")
        await app.workers.wait_for_complete()  # citations are made in a worker
        await pilot.pause()
        assert "{" + app.screen.paper_list.highlighted.authors[0].split()[-1].lower() in app.clipboard
        assert f":{paper.id}," in app.clipboard


async def test_a_bad_config_is_reported_not_fatal(make_app, _own_config_file: Path) -> None:
    _own_config_file.write_text('[citations]\nkey_template = "{nope}"\n')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        assert any("unknown placeholder {nope}" in m and ":2:" in m for m in _messages(app))
        await pilot.press("y")
        await app.workers.wait_for_complete()  # citations are made in a worker
        await pilot.pause()
        assert app.clipboard.startswith("@")


async def _add_to_bib(app, pilot, path: Path) -> None:
    await pilot.press("Y")
    assert isinstance(app.screen, CopyMenu)
    await pilot.press("end", "enter")
    await pilot.pause()
    assert isinstance(app.screen, BibFileDialog)
    field = app.screen.query_one(Input)
    field.value = str(path)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, MainScreen)
    await app.workers.wait_for_complete()  # the file is written in a worker thread
    await pilot.pause()


async def test_adding_to_a_bib_file_keeps_it_and_adds_once(make_app, tmp_path: Path) -> None:
    refs = tmp_path / "refs.bib"
    refs.write_text(MINE)
    refs.chmod(0o640)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("space", "space")  # two marked papers (space marks and moves down)
        marked = sorted(app.screen.marks)
        await _add_to_bib(app, pilot, refs)
        text = refs.read_text()
        assert text.startswith(MINE) and refs.stat().st_mode & 0o777 == 0o640
        assert all(paper_id in text for paper_id in marked)
        assert f"Added 2 papers as bibtex to {refs}" in _messages(app)
        library = bibtexparser.parse_string(text)
        assert not library.failed_blocks and len(library.entries) == 3
        assert len(pybtex_parse(text, "bibtex").entries) == 3
        # Again: nothing added, the file untouched, and the notice says so.
        stamp = refs.stat().st_mtime_ns
        await _add_to_bib(app, pilot, refs)
        assert refs.read_text() == text and refs.stat().st_mtime_ns == stamp
        assert any(m.startswith("Nothing added:") for m in _messages(app))


async def test_a_folder_is_refused_with_a_message(make_app, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await _add_to_bib(app, pilot, tmp_path)
        assert any(m == f"{tmp_path} is a folder, not a regular .bib file; nothing written" for m in _messages(app))


async def test_a_fifo_or_a_tex_file_is_refused_without_freezing(make_app, tmp_path: Path) -> None:
    fifo = tmp_path / "refs.bib"
    os.mkfifo(fifo)
    tex = tmp_path / "paper.tex"
    tex.write_text("\\documentclass{article}\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        await _add_to_bib(app, pilot, fifo)
        assert any(m == f"{fifo} is a FIFO, not a regular .bib file; nothing written" for m in _messages(app))
        await _add_to_bib(app, pilot, tex)
        assert any("does not look like a BibTeX file" in m and "--force" not in m for m in _messages(app))
        assert tex.read_text() == "\\documentclass{article}\n"


async def test_the_reader_waits_for_an_export_holding_the_lock(make_app, tmp_path: Path) -> None:
    """The copy menu takes the same lock as `export`: while another writer holds
    it, the reader stays responsive and adds its papers once the lock is free."""
    refs = tmp_path / "refs.bib"
    refs.write_text(MINE)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        with locked(refs):
            await pilot.press("Y")
            await pilot.press("end", "enter")
            await pilot.pause()
            app.screen.query_one(Input).value = str(refs)
            await pilot.press("enter")
            await pilot.pause(0.3)
            assert refs.read_text() == MINE  # still waiting for the lock
            await pilot.press("j")  # the UI answers meanwhile
            await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert refs.read_text().startswith(MINE) and len(refs.read_text()) > len(MINE)
