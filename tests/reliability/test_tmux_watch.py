"""The reader in a real terminal (tmux) sees a day file dropped into the folder it was
opened with: the notice, the new day at the top, the counts; the highlighted paper stays."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_tmux import DATA, Tmux, list_loaded, pytestmark, tmux  # noqa: F401 (the fixture and the skips)


def test_a_day_file_dropped_in_appears_in_the_running_reader(tmux: Tmux, tmp_path: Path) -> None:  # noqa: F811 (fixture)
    folder = tmp_path / "digests"
    shutil.copytree(DATA / "cs.IR" / "2026" / "07", folder / "cs.IR" / "2026" / "07")
    (folder / "cs.IR" / "2026" / "07" / "20260718.md").unlink()  # 16 papers of 2026-07-01 left
    tmux.start(str(folder))
    tmux.wait_for(list_loaded, "the paper list")
    before = tmux.wait_for(lambda s: "Status:" in s, "the detail")
    title = next(line for line in before.splitlines() if "▏" in line and line.split("▏")[1].strip())
    title = title.split("▏")[1].strip()  # the detail's title line: the highlighted paper
    month = folder / "cs.CL" / "2026" / "07"
    month.mkdir(parents=True)
    shutil.copy(DATA / "cs.CL" / "2026" / "07" / "20260725.md", month)
    screen = tmux.wait_for(lambda s: "24 new papers in cs.CL, 2026-07-25" in s, "the arrival notice", timeout=60)
    screen = tmux.wait_for(lambda s: "40 of 40 papers" in s, "the counts with the new papers", timeout=30)
    lines = screen.splitlines()
    assert "2026-07-25 · 24 papers" in lines[1]  # the new day at the top of the list
    assert any(title in line.split("▏")[-1] for line in lines), (title, screen)  # the detail still shows it
