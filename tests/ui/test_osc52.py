"""The OSC 52 copy path in-process: the exact bytes the reader writes to the terminal,
and notices that say only what is known ("sent to the terminal", never "copied")."""

from __future__ import annotations

import base64
import re

import pytest

from tui.clipboard import Clipboard
from tui.screens.dialogs import CopyFallbackDialog, CopyMenu
from ui_helpers import SIZE, settle, wait_loaded

#: One OSC 52 "set the clipboard" sequence: ESC ] 52 ; c ; base64 BEL.
OSC52 = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")


def record_terminal(app) -> list[str]:
    """Everything the app writes to its terminal from now on (the headless driver drops it)."""
    written: list[str] = []
    driver = app._driver
    write = driver.write

    def recording(data: str) -> None:
        written.append(data)
        write(data)

    driver.write = recording
    return written


def sent_to_clipboard(written: list[str]) -> list[str]:
    """The texts of the OSC 52 sequences among the writes, decoded."""
    return [base64.b64decode(match).decode("utf-8") for data in written for match in OSC52.findall(data)]


def notices(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def test_y_writes_one_osc52_sequence_with_the_bibtex(make_app, monkeypatch):
    monkeypatch.delenv("TMUX", raising=False)
    app = make_app(clipboard=Clipboard("osc52"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        written = record_terminal(app)
        paper = app.screen.paper_list.highlighted
        await pilot.press("y")
        await settle(app, pilot)
        sent = sent_to_clipboard(written)
        assert len(sent) == 1
        assert sent[0] == app.clipboard  # what the app says it sent is what went out
        assert sent[0].lstrip().startswith("@") and paper.id in sent[0]
        # Nothing but the sequence's own bytes around the payload: no raw text of the paper.
        raw = "".join(written)
        assert paper.title[:20] not in raw
        said = " ".join(notices(app))
        assert f"BibTeX for {paper.id} sent to the terminal (OSC 52)" in said
        assert "copied" not in said.lower()


async def test_the_copy_menu_sends_the_chosen_format(make_app, monkeypatch):
    monkeypatch.delenv("TMUX", raising=False)
    app = make_app(clipboard=Clipboard("osc52"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        written = record_terminal(app)
        await pilot.press("space", "space")  # two marked papers
        marked = sorted(app.screen.marks)
        await pilot.press("Y")
        await settle(app, pilot)
        menu = app.screen
        assert isinstance(menu, CopyMenu)
        key = next(key for key, label in menu.formats.items() if "id" in label.lower())
        menu.dismiss(key)
        await settle(app, pilot)
        (sent,) = sent_to_clipboard(written)
        assert sorted(sent.split()) == [f"arXiv:{paper_id}" for paper_id in marked] or all(
            paper_id in sent for paper_id in marked
        )


async def test_inside_tmux_that_drops_osc52_the_notice_says_so(make_app, monkeypatch):
    app = make_app(clipboard=Clipboard("osc52", tmux_option=lambda: "external"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        written = record_terminal(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert len(sent_to_clipboard(written)) == 1  # sent: tmux is what holds it back
        assert not any("copied" in notice.lower() or "sent" in notice for notice in notices(app))
        dialog = app.screen
        assert isinstance(dialog, CopyFallbackDialog)  # the text to copy by hand, and why
        assert "set-clipboard" in str(dialog.query_one("#copy-hint").render())


@pytest.mark.parametrize("mode", ["none", "system"])
async def test_without_the_terminal_route_nothing_is_written(make_app, monkeypatch, mode):
    import tui.clipboard as clipboard_module

    monkeypatch.setattr(clipboard_module, "_system_copy", lambda text: False)  # no system clipboard here
    app = make_app(clipboard=Clipboard(mode))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        written = record_terminal(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert sent_to_clipboard(written) == []
        assert isinstance(app.screen, CopyFallbackDialog)
        assert not any("sent to the terminal" in notice for notice in notices(app))
