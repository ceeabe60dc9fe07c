"""The reader's notice of import problems names the first and says how to see them all (review L6)."""

from __future__ import annotations

import re
from pathlib import Path

from tui.app import ArxivReaderApp
from tui.clipboard import Clipboard
from tui.core.store import Store
from ui_helpers import SIZE, wait_loaded
from edited_day import write_day

DAY = Path(__file__).resolve().parents[1] / "data" / "digests" / "cs.CL" / "2026" / "07" / "20260701.md"


async def test_the_notice_of_many_problems_says_how_to_list_them(tmp_path: Path) -> None:
    text = DAY.read_text(encoding="utf-8")
    text = re.sub(r"- \*\*Published\*\*: .*", "- **Published**: 2023-02-30 10:00:00+00:00", text, count=1)
    text = re.sub(r"- \*\*Updated\*\*: .*", "- **Updated**: 2026-13-45 04:31:02+00:00", text, count=1)
    day = write_day(tmp_path, text)
    app = ArxivReaderApp(Store(tmp_path / "home"), paths=[day.parent], mark_read_delay=0, clipboard=Clipboard("osc52"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        notices = [n.message for n in app._notifications if "problems in the digests" in n.message]
        assert len(notices) == 1
        assert notices[0].startswith(f"2 problems in the digests; first: {day}:")
        assert notices[0].endswith("(arxiv-reader problems lists them all)")
