"""Fixtures of the command-line tests, and a store whose search index has several segments."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"


@pytest.fixture
def home(tmp_path: Path, capsys) -> Path:
    """A data directory holding two real digest days: cs.CV 2022-01-31 (39 papers,
    2202.00067 with the "Big Data" reference) and 2023-06-01 (S$^2$ME, 2306.00451).
    (A test module may define its own ``home``.)"""
    home = tmp_path / "home"
    days = [DATA / "cs.CV" / "2022" / "01" / "20220131.md", DATA / "cs.CV" / "2023" / "06" / "20230601.md"]
    assert main(["--home", str(home), "import", *map(str, days)]) == 0
    capsys.readouterr()
    return home


@pytest.fixture(scope="module")
def segmented_store(tmp_path_factory) -> Store:
    """A store of the July 2026 digests whose index has several segments and superseded
    documents (ids with gaps), as a library imported day by day has (one per test module)."""
    root = tmp_path_factory.mktemp("indexed")
    files = sorted(DATA.glob("*/2026/07/*.md"))
    digests = root / "digests"
    home = root / "home"
    store = Store(home)
    # Most files, then two days one at a time (a segment each), then a day that lists
    # an old day's papers again (superseded in an older segment: ids with gaps).
    def copy(paths):
        for path in paths:
            target = digests / path.relative_to(DATA)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        store.import_paths([digests])

    late = sorted(files, key=lambda path: path.stem)[-2:]
    with pytest.MonkeyPatch.context() as patch:  # (a few files are a large share: no whole rebuild)
        patch.setattr("tui.core.store.search.REBUILD_SHARE", 1.0)
        copy([path for path in files if path not in late])
        for path in late:
            copy([path])
        # An old day's papers listed again on a new day: their old documents are superseded.
        again = digests / "cs.CL" / "2026" / "07" / "20260731.md"
        again.write_text(files[0].read_text().replace("2026-07-01", "2026-07-31"))
        store.import_paths([digests])
    return store


