"""The reader warns, naming the paper, when a citation it copies or adds to a .bib has no
title or no author (a digest's title and authors of only U+202E; review L4)."""

from __future__ import annotations

from pathlib import Path

from tui.app import ArxivReaderApp
from tui.clipboard import Clipboard
from tui.core.store import Store
from ui_helpers import SIZE, wait_for_workers, wait_loaded

PAPER = "2609.00011"


def _digest(folder: Path) -> Path:
    day = folder / "cs.XX" / "2026" / "09" / "20260901.md"
    day.parent.mkdir(parents=True)
    day.write_text("\n".join([
        "# Arxiv Papers in cs.XX on 2026-09-01", "",
        "### \u202e",
        f"- **Arxiv ID**: http://arxiv.org/abs/{PAPER}v1",
        "- **DOI**: None",
        "- **Categories**: **cs.XX**",
        f"- **Links**: [PDF](https://arxiv.org/pdf/{PAPER}v1)",
        "- **Published**: 2026-09-01 04:31:02+00:00",
        "- **Updated**: 2026-09-01 04:31:02+00:00",
        "- **Authors**: \u202e",
        "- **Comment**: None",
        "- **Journal**: None",
        "- **Summary**: Nothing printable above.", "",
    ]), encoding="utf-8")
    return folder


async def test_copying_a_citation_without_title_or_author_warns(tmp_path: Path) -> None:
    app = ArxivReaderApp(Store(tmp_path / "home"), paths=[_digest(tmp_path / "digests")], mark_read_delay=0,
                         clipboard=Clipboard("osc52"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        assert app.screen.paper_list.highlighted.id == PAPER
        await pilot.press("y")  # BibTeX of the highlighted paper
        await wait_for_workers(app)
        await pilot.pause()
        assert f"eprint        = {{{PAPER}}}" in app.clipboard and "{{}}" not in app.clipboard
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert len(warnings) == 1
        assert warnings[0].message.startswith(f"Check the citation: {PAPER}: cited with no title and no author")
