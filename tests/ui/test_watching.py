"""A digest file dropped into a folder the reader was opened with appears in the running
reader: a notice says what arrived, the list and counts grow, the query and the highlighted
paper stay. Real file events; the waits are generous and nothing is timed."""

from __future__ import annotations

import shutil
from pathlib import Path

from tui.core.store import Store
from tui.widgets.status_line import StatusLine
from ui_helpers import SIZE, settle, wait_loaded

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"


async def _until(pilot, condition, what: str, seconds: float = 60.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"never: {what}")


async def test_a_new_day_file_appears_without_moving_the_cursor(make_app, home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    shutil.copytree(DATA / "cs.CL" / "2026" / "07", folder / "cs.CL" / "2026" / "07")
    app = make_app(paths=[folder], watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await _until(pilot, screen.digest_arrivals.started.is_set, "the watch began")
        await pilot.press("slash", *"model", "enter")
        await settle(app, pilot)
        await pilot.press("j", "j")
        kept = screen.highlighted.id
        shown = len(screen.results)
        assert len(screen.library) == 177

        month = folder / "cs.CL" / "2026" / "08"
        month.mkdir()
        shutil.copy(DATA / "cs.CL" / "2026" / "08" / "20260804.md", month)
        await _until(pilot, lambda: len(screen.library) == 297, "the new papers in the library")
        await settle(app, pilot)
        notices = [str(n.message) for n in app._notifications]
        assert "120 new papers in cs.CL, 2026-08-04" in notices
        assert screen.query_text == "model" and screen.filter_bar.text == "model"
        assert screen.highlighted.id == kept  # the cursor stays on its paper
        assert len(screen.results) > shown  # some of the new papers match "model"
        assert "297" in str(screen.query_one(StatusLine).render())
        assert "2608." in " ".join(screen.library.new_ids)  # the arrivals are new in this session
        await app.action_quit()
    store = Store(home, device="check")  # this session showed them: not new to the next one
    assert store.new_paper_ids(store.new_baseline()) == set()


async def test_the_reader_watches_only_when_asked(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        assert not hasattr(app.screen, "digest_arrivals")


async def test_a_burst_of_files_gives_one_notice_and_the_ui_stays_free(make_app, tmp_path: Path) -> None:
    """Many day files at once (a git pull, a weekend's catch-up): one notice saying how many
    files and new papers, not one per file; keys are answered meanwhile."""
    folder = tmp_path / "digests"
    (folder / "cs.CL").mkdir(parents=True)
    app = make_app(paths=[folder], watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await _until(pilot, screen.digest_arrivals.started.is_set, "the watch began")
        before = len(app._notifications)
        shutil.copytree(DATA / "cs.CL" / "2026", folder / "cs.CL" / "2026", dirs_exist_ok=True)
        shutil.copytree(DATA / "cs.IR", folder / "cs.IR")
        files = len(list(folder.rglob("*.md")))
        assert files > 3
        await pilot.press("slash", *"model", "enter")  # the UI answers while the files come in
        await _until(pilot, lambda: any("day files arrived" in str(n.message) for n in app._notifications),
                     "the burst said")
        await settle(app, pilot)
        said = [str(n.message) for n in list(app._notifications)[before:]]
        assert len(said) <= 2, said  # (one burst; the copy may fall in two)
        assert screen.query_text == "model"
        assert sum(int(m.split(": ")[1].split()[0].replace(",", "")) for m in said if "arrived" in m) == len(
            screen.library)
        await app.action_quit()


async def test_another_readers_import_reloads_this_one(make_app, home: Path, tmp_path: Path) -> None:
    """Another process imports into the same library (files this reader doesn't watch):
    the list follows, with one notice."""
    folder = tmp_path / "digests"
    folder.mkdir()
    app = make_app(paths=[folder], watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        await _until(pilot, screen.digest_arrivals.started.is_set, "the watch began")
        await pilot.pause(1.5)  # (the watcher has looked at the library once)
        Store(home, device="other").import_paths([DATA / "cs.IR"])
        await _until(pilot, lambda: len(screen.library) == Store(home, device="x").paper_count(),
                     "this reader's list follows")
        await _until(pilot, lambda: any("The library changed" in str(n.message) for n in app._notifications),
                     "said")
        await app.action_quit()


async def test_a_reader_opened_without_folders_follows_another_import(make_app, home: Path) -> None:
    """No PATH and no configured folders (review M5): the reader still looks at the library once
    a second, and another process's import shows up."""
    Store(home).import_paths([DATA / "cs.CL" / "2026" / "07"])
    app = make_app(paths=None, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        before = len(screen.library)
        await pilot.pause(1.5)  # (the watcher has looked at the library once)
        Store(home, device="other").import_paths([DATA / "cs.IR"])
        await _until(pilot, lambda: len(screen.library) == Store(home, device="x").paper_count() > before,
                     "this reader's list follows")
        await _until(pilot, lambda: any("The library changed" in str(n.message) for n in app._notifications),
                     "said")
        assert f"{len(screen.library):,}" in str(screen.query_one(StatusLine).render())
        await app.action_quit()


async def test_another_processes_removal_is_followed(make_app, home: Path) -> None:
    """``arxiv-reader remove`` in another process (review M3): a removal changes neither the
    library's epoch nor its imports, yet the list follows it, with one notice."""
    Store(home).import_paths([DATA / "cs.CL" / "2026" / "07", DATA / "cs.IR"])
    app = make_app(paths=None, watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        screen = app.screen
        before = len(screen.library)
        await pilot.pause(1.5)  # (the watcher has looked at the library once)
        Store(home, device="other").remove_paths([DATA / "cs.IR"])
        left = Store(home, device="x").paper_count()
        assert left < before
        await _until(pilot, lambda: len(screen.library) == left, "this reader's list follows the removal")
        await _until(pilot, lambda: any("fewer" in str(n.message) for n in app._notifications), "said")
        assert f"{left:,}" in str(screen.query_one(StatusLine).render())
        await app.action_quit()
