"""Fixtures for Pilot tests: a fresh store home per test, imported from real digests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.app import ArxivReaderApp
from tui.clipboard import Clipboard
from tui.core.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
#: A few real digest files: 194 papers of July 2026 (cs.IR and cs.CL).
DIGEST_DIRS = [DATA / "cs.IR" / "2026" / "07", DATA / "cs.CL" / "2026" / "07"]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty store home; the library is imported by the first app run."""
    return tmp_path / "home"


@pytest.fixture
def make_app(home: Path):
    """Build an app on ``home`` (import the digests on first use); keyword overrides."""

    def make(**overrides) -> ArxivReaderApp:
        store = Store(home)
        options = {
            "paths": DIGEST_DIRS,
            "mark_read_delay": 0,
            # OSC 52 only: tests must never touch the developer's system clipboard.
            "clipboard": Clipboard("osc52"),
        }
        options.update(overrides)
        return ArxivReaderApp(store, **options)

    return make


@pytest.fixture
def loaded_whole(monkeypatch):
    """The reader on the library loaded whole into memory (what it shows while a large
    library's search index is built aside), not read through the index."""
    import tui.screens.loader as loader
    import tui.screens.watching as watching
    from tui.core.library_open import loaded_library

    def whole(store, baseline, progress=None):
        return loaded_library(store, baseline, progress), False

    monkeypatch.setattr(loader, "open_library", whole)
    monkeypatch.setattr(watching, "open_library", whole)


@pytest.fixture
def no_editor(monkeypatch) -> None:
    """No $VISUAL or $EDITOR: ``N`` edits the note in the reader's own text area."""
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
