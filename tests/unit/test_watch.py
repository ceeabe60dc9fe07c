"""The digest watcher's rules, on real digests with a clock of our own: a file is imported
once settled and finished, a half-written one never, and each arrival is said in one line."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tui.core.store import DigestOutcome, Store
from tui.core.finished import unfinished
from tui.core.watch import Arrival, DigestWatcher, Notice

DIGESTS = Path(__file__).resolve().parents[1] / "data" / "digests"
DAY = DIGESTS / "cs.CL" / "2026" / "07" / "20260725.md"  # 24 papers


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_finished_file_looks_finished_and_every_cut_of_it_does_not(tmp_path: Path) -> None:
    data = DAY.read_bytes()
    assert unfinished(DAY) is None
    target = tmp_path / "day.md"
    finished_cuts = 0
    for cut in list(range(0, len(data), 97)) + [len(data) - 1]:
        target.write_bytes(data[:cut])
        reason = unfinished(target)
        prefix = data[:cut]
        summary = prefix.rfind(b"- **Summary**:")
        # Whole papers: a line end after the last Summary line, and no block begun since.
        if prefix.endswith(b"\n") and summary >= 0 and b"\n### " not in prefix[summary:]:
            assert reason is None, cut
            finished_cuts += 1
        else:
            assert reason in ("is empty", "holds no paper yet", "ends in the middle of a line",
                              "its last paper has no Summary yet"), (cut, reason)
    assert finished_cuts  # (some cuts fell between two papers)
    target.write_bytes(data[: data.index(b"\n### ", 10) + 1])  # the header and blank lines only
    assert unfinished(target) == "holds no paper yet"
    target.write_bytes(data.replace(b"\n", b"\r\n"))
    assert unfinished(target) is None
    target.write_bytes(data + b"\x00" * 4096)  # space kept for the rest of a write
    assert unfinished(target) == "ends in the middle of a line"


def _watcher(tmp_path: Path, folder: Path, clock: Clock) -> DigestWatcher:
    return DigestWatcher(Store(tmp_path / "home"), [folder], settle=1.0, clock=clock)


def test_a_growing_file_is_imported_once_settled_and_finished(tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    clock = Clock()
    watcher = _watcher(tmp_path, folder, clock)
    assert list(watcher.catch_up()) == []
    data = DAY.read_bytes()
    target = folder / "20260725.md"
    for size in (5000, 20000, len(data)):  # written in three pieces, a second apart
        target.write_bytes(data[:size])
        os.utime(target, ns=(size, size))  # (mtime as a counter: each write is seen as a change)
        watcher.note_changes([str(target)])
        clock.now += 0.5
        assert list(watcher.check_pending()) == []  # not settled: not even looked at
        assert watcher.store.paper_count() == 0
        clock.now += 0.5
    clock.now += 0.6
    (arrival,) = watcher.check_pending()
    assert isinstance(arrival, Arrival)
    assert arrival.message == "24 new papers in cs.CL, 2026-07-25"
    assert watcher.store.paper_count() == 24 and watcher.waiting == []


def test_a_file_settled_half_written_is_said_once_and_never_imported(tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    clock = Clock()
    watcher = _watcher(tmp_path, folder, clock)
    data = DAY.read_bytes()
    target = folder / "20260725.md"
    target.write_bytes(data[: data.rindex(b"- **Summary**:")])  # the last paper's fields but its Summary
    watcher.note_changes([str(target)])
    clock.now += 5
    (notice,) = watcher.check_pending()
    assert isinstance(notice, Notice) and not notice.error
    assert notice.message.startswith(f"{target} its last paper has no Summary yet: waiting for it to be finished")
    clock.now += 60
    assert list(watcher.check_pending()) == [] and watcher.waiting == [str(target)]
    assert watcher.store.paper_count() == 0  # nothing of it, not even the 23 whole papers
    target.write_bytes(data)
    watcher.note_changes([str(target)])
    clock.now += 1
    (arrival,) = watcher.check_pending()
    assert arrival.message == "24 new papers in cs.CL, 2026-07-25"


def test_catch_up_imports_what_changed_and_leaves_files_written_just_now_to_settle(tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    shutil.copytree(DIGESTS / "cs.IR", folder / "cs.IR")
    for file in folder.rglob("*.md"):
        os.utime(file, (1_700_000_000, 1_700_000_000))
    fresh = folder / "cs.CL" / "2026" / "07" / DAY.name
    fresh.parent.mkdir(parents=True)
    shutil.copy(DAY, fresh)  # its time is now
    clock = Clock()
    watcher = _watcher(tmp_path, folder, clock)
    messages = sorted(event.message for event in watcher.catch_up())
    assert messages == ["16 new papers in cs.IR, 2026-07-01", "4 new papers in cs.IR, 2026-07-18"]
    assert watcher.waiting == [str(fresh)]
    assert list(watcher.catch_up()) == []  # nothing changed: nothing read, nothing said
    clock.now += 1
    assert [event.message for event in watcher.check_pending()] == ["24 new papers in cs.CL, 2026-07-25"]


def test_a_new_folder_is_scanned_for_files_written_before_its_watch(tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    clock = Clock()
    watcher = _watcher(tmp_path, folder, clock)
    month = folder / "cs.CL" / "2026" / "07"
    month.mkdir(parents=True)
    shutil.copy(DAY, month / DAY.name)
    shutil.copy(DAY, month / ".partial.md")  # a sync tool's temporary: never read
    watcher.note_changes([str(folder / "cs.CL")])
    clock.now += 1
    assert [event.message for event in watcher.check_pending()] == ["24 new papers in cs.CL, 2026-07-25"]
    assert not watcher._wanted(None, str(month / ".partial.md"))
    assert not watcher._wanted(None, str(folder / ".git" / "x.md"))
    assert watcher._wanted(None, str(month / DAY.name))


def test_a_changed_file_says_what_is_new_updated_and_known(tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    clock = Clock()
    watcher = _watcher(tmp_path, folder, clock)
    target = folder / DAY.name
    data = DAY.read_bytes()
    first = data[: data.index(b"\n### ", data.index(b"\n### ") + 1) + 1]  # the header and one paper
    target.write_bytes(first)
    watcher.note_changes([str(target)])
    clock.now += 1
    assert [event.message for event in watcher.check_pending()] == ["1 new paper in cs.CL, 2026-07-25"]
    target.write_bytes(data)
    watcher.note_changes([str(target)])
    clock.now += 1
    assert [event.message for event in watcher.check_pending()] == [
        "23 new papers in cs.CL, 2026-07-25 (1 already in the library)"]


@pytest.mark.parametrize("outcome, problems, said", [
    (DigestOutcome("cs.CV", "2026-11-28", 37, 0, 37), 0, "37 new papers in cs.CV, 2026-11-28"),
    (DigestOutcome("cs.CV", "2026-11-28", 0, 2, 5), 1,
     "0 new papers in cs.CV, 2026-11-28 (2 updated, 3 already in the library, 1 problem)"),
    (DigestOutcome(None, None, 1, 0, 1), 2, "1 new paper in an unknown category, an unknown date (2 problems)"),
])
def test_arrival_messages(outcome: DigestOutcome, problems: int, said: str) -> None:
    from tui.core.models import Problem

    assert Arrival("x.md", outcome, tuple(Problem("x.md", 1, "bad") for _ in range(problems))).message == said


def test_a_day_listing_papers_twice_counts_each_once(tmp_path: Path) -> None:
    """cs.CV 2026-02-06 lists 46 of its papers twice: none of them is 'already in the library'."""
    folder = tmp_path / "digests"
    folder.mkdir()
    clock = Clock()
    watcher = _watcher(tmp_path, folder, clock)
    shutil.copy(DIGESTS / "cs.CV" / "2026" / "02" / "20260206.md", folder)
    watcher.note_changes([str(folder / "20260206.md")])
    clock.now += 1
    assert [event.message for event in watcher.check_pending()] == ["93 new papers in cs.CV, 2026-02-06"]


def test_catch_up_never_imports_a_file_left_half_written(tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    data = DAY.read_bytes()
    target = folder / DAY.name
    target.write_bytes(data[:3000])
    os.utime(target, (1_700_000_000, 1_700_000_000))  # written long ago, and never finished
    clock = Clock()
    watcher = _watcher(tmp_path, folder, clock)
    (notice,) = watcher.catch_up()
    assert "ends in the middle of a line: waiting for it to be finished" in notice.message
    assert watcher.store.paper_count() == 0 and watcher.waiting == [str(target)]
    assert list(watcher.catch_up()) == []  # said once
    target.write_bytes(data)
    watcher.note_changes([str(target)])
    clock.now += 1
    assert [event.message for event in watcher.check_pending()] == ["24 new papers in cs.CL, 2026-07-25"]
    assert list(watcher.catch_up()) == []  # imported: unchanged now


def test_the_readers_start_import_leaves_a_half_written_file_out(tmp_path: Path) -> None:
    from tui.core.finished import import_finished

    folder = tmp_path / "digests"
    shutil.copytree(DIGESTS / "cs.IR", folder / "cs.IR")
    half = folder / "cs.CL" / DAY.name
    half.parent.mkdir()
    half.write_bytes(DAY.read_bytes()[:3000])
    store = Store(tmp_path / "home")
    report = import_finished(store, [folder])
    assert report.papers_new == 20 and store.paper_count() == 20
    assert [str(problem) for problem in report.problems] == [
        f"{half}: ends in the middle of a line: not imported until it is finished "
        f"(to take it as it is: arxiv-reader import {half})"]
    shutil.copy(DAY, half)
    assert import_finished(store, [folder]).papers_new == 24


def test_a_file_the_start_import_said_unfinished_is_not_said_again_by_the_watch(tmp_path: Path) -> None:
    """Review F8: the reader said one truncated digest twice (the import's notice, then the
    watch's); the watch now leaves it unsaid until it changes, then imports it."""
    from tui.core.finished import import_finished, waiting_files

    folder = tmp_path / "digests"
    folder.mkdir()
    half = folder / DAY.name
    data = DAY.read_bytes()
    half.write_bytes(data[:3000])
    os.utime(half, (1_700_000_000, 1_700_000_000))
    store = Store(tmp_path / "home")
    told = waiting_files(import_finished(store, [folder]).problems)
    assert told == {str(half)}
    clock = Clock()
    watcher = DigestWatcher(store, [folder], settle=1.0, clock=clock, told=told)
    assert list(watcher.catch_up()) == [] and watcher.waiting == [str(half)]
    half.write_bytes(data)
    watcher.note_changes([str(half)])
    clock.now += 1
    assert [event.message for event in watcher.check_pending()] == ["24 new papers in cs.CL, 2026-07-25"]


def test_a_file_another_reader_imported_first_still_changes_the_library(tmp_path: Path) -> None:
    """Two readers (two tabs of serve, two terminals) watch the same folder: the slower
    finds the file imported already, and says so instead of nothing (its list must reload)."""
    folder = tmp_path / "digests"
    folder.mkdir()
    clock = Clock()
    first, second = _watcher(tmp_path, folder, clock), _watcher(tmp_path, folder, clock)
    target = folder / DAY.name
    shutil.copy(DAY, target)
    for watcher in (first, second):
        watcher.note_changes([str(target)])
    clock.now += 1
    assert [event.message for event in first.check_pending()] == ["24 new papers in cs.CL, 2026-07-25"]
    (notice,) = second.check_pending()
    assert isinstance(notice, Notice) and notice.library_changed and not notice.error
    assert notice.message == f"{target} arrived (imported by another arxiv-reader)"


def test_a_touched_folder_or_a_link_to_one_brings_nothing(tmp_path: Path) -> None:
    """A folder's new time (touch, chmod, a sync tool) or a link to a watched folder
    is no arrival: nothing queued, nothing said as 'imported by another'."""
    folder = tmp_path / "digests"
    shutil.copytree(DIGESTS / "cs.IR", folder / "cs.IR")
    clock = Clock()
    watcher = _watcher(tmp_path, folder, clock)
    assert len(list(watcher.catch_up())) == 2
    month = folder / "cs.IR" / "2026" / "07"
    os.utime(month)
    (month / "loop").symlink_to("..")
    watcher.note_changes([str(month), str(month / "loop")])
    clock.now += 5
    assert list(watcher.check_pending()) == [] and watcher.waiting == []
    shutil.copy(DAY, month / DAY.name)  # a real arrival in the same folder still comes
    watcher.note_changes([str(month)])
    clock.now += 5
    assert [event.message for event in watcher.check_pending()] == ["24 new papers in cs.CL, 2026-07-25"]


def test_files_meeting_a_busy_library_are_tried_again_until_they_are_in(tmp_path: Path, monkeypatch) -> None:
    from tui.core.store import StoreError

    folder = tmp_path / "digests"
    folder.mkdir()
    clock = Clock()
    watcher = _watcher(tmp_path, folder, clock)
    real_import = watcher.store.import_paths
    busy = {"left": 3}

    def import_paths(paths, progress=None):
        if busy["left"]:
            busy["left"] -= 1
            raise StoreError("another arxiv-reader is importing into this library; try again later")
        return real_import(paths, progress)

    monkeypatch.setattr(watcher.store, "import_paths", import_paths)
    target = folder / DAY.name
    shutil.copy(DAY, target)
    watcher.note_changes([str(target)])
    clock.now += 1
    (notice,) = watcher.check_pending()
    assert notice.error and "not imported yet" in notice.message and "trying again" in notice.message
    assert watcher.waiting == [str(target)]
    events = []
    for _ in range(60):  # a minute of looks, no new change to the file
        clock.now += 1
        events += list(watcher.check_pending())
    assert [event.message for event in events] == ["24 new papers in cs.CL, 2026-07-25"]  # said once, then in
    assert watcher.store.paper_count() == 24 and watcher.waiting == []


def test_a_burst_imported_by_another_reader_is_one_notice(tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    clock = Clock()
    first, second = _watcher(tmp_path, folder, clock), _watcher(tmp_path, folder, clock)
    for name in ("20260725.md", "20260726.md", "20260727.md"):
        shutil.copy(DAY, folder / name)
    for watcher in (first, second):
        watcher.note_changes([str(folder)])
    clock.now += 1
    assert len(list(first.check_pending())) == 3
    (notice,) = second.check_pending()
    assert notice.library_changed and notice.files == 3
    assert notice.message == "3 day files arrived (imported by another arxiv-reader)"


def test_a_slowly_written_file_is_said_waiting_once(tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    clock = Clock()
    watcher = _watcher(tmp_path, folder, clock)
    data = DAY.read_bytes()
    target = folder / DAY.name
    said = []
    for size in (3000, 9000, 15000):  # each chunk ends mid-line and settles before the next
        target.write_bytes(data[:size])
        os.utime(target, ns=(size, size))
        watcher.note_changes([str(target)])
        clock.now += 2
        said += list(watcher.check_pending())
    assert len(said) == 1 and "waiting for it to be finished" in said[0].message


def test_the_library_changed_by_another_process_is_said_when_asked(tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    folder.mkdir()
    clock = Clock()
    watcher = DigestWatcher(Store(tmp_path / "home"), [folder], clock=clock, library_changes=True)
    assert list(watcher.check_library()) == []
    Store(tmp_path / "home").import_paths([DAY])  # another process, files outside the watched folder
    clock.now += 0.5
    assert list(watcher.check_library()) == []  # (looked at once a second at most)
    clock.now += 1
    assert list(watcher.check_library()) == []  # (changed since the last look: maybe mid-import)
    clock.now += 1
    (notice,) = watcher.check_library()  # the same at two looks: said once
    assert notice.library_changed
    clock.now += 2
    assert list(watcher.check_library()) == []


def test_a_removal_by_another_process_is_said_like_an_import(tmp_path: Path) -> None:
    """A removal changes neither the library's epoch nor its imports: the mark must still
    move (review M3), so a running reader follows ``arxiv-reader remove`` made elsewhere."""
    home = tmp_path / "home"
    folder = tmp_path / "digests" / "cs.CL"
    folder.mkdir(parents=True)
    for name in ("20260725.md", "20260726.md"):
        shutil.copy(DAY, folder / name)
    Store(home).import_paths([folder.parent])
    clock = Clock()
    watcher = DigestWatcher(Store(home), [], clock=clock, library_changes=True)
    assert list(watcher.check_library()) == []
    before = Store(home).library_mark()
    Store(home, device="other").remove_paths([folder / "20260726.md"])  # another process
    assert Store(home).library_mark() != before  # (the reload of what is shown compares it too)
    clock.now += 1.5
    assert list(watcher.check_library()) == []  # (changed since the last look: maybe mid-write)
    clock.now += 1.5
    (notice,) = watcher.check_library()
    assert notice.library_changed
    clock.now += 2
    assert list(watcher.check_library()) == []


def test_a_watched_folder_removed_is_said_and_watched_again_when_back(tmp_path: Path) -> None:
    import threading

    folder = tmp_path / "digests"
    folder.mkdir()
    watcher = DigestWatcher(Store(tmp_path / "home"), [folder], settle=0.1, poll=0.05)
    events: list = []
    thread = threading.Thread(target=lambda: events.extend(watcher.events()), daemon=True)
    thread.start()

    def wait_for(text: str) -> None:
        for _ in range(200):
            if any(text in event.message for event in list(events)):
                return
            threading.Event().wait(0.05)
        raise AssertionError(f"never said {text!r}: {[e.message for e in events]}")

    try:
        wait_for("watching")
        shutil.rmtree(folder)
        wait_for("was removed (or moved): watching for it to come back")
        (folder / "cs.CL").mkdir(parents=True)
        shutil.copy(DAY, folder / "cs.CL" / DAY.name)
        wait_for("is back: watching it again")
        wait_for("24 new papers in cs.CL, 2026-07-25")
    finally:
        watcher.stop.set()
        thread.join(5)
    assert not thread.is_alive()


def test_files_another_reader_imported_while_this_one_waited_for_the_lock_are_said(tmp_path: Path,
                                                                                    monkeypatch) -> None:
    """Both readers see the files changed; the other takes the lock first, and this one's
    import then finds nothing to read: still an arrival for its list (it was silent)."""
    folder = tmp_path / "digests"
    folder.mkdir()
    clock = Clock()
    watcher = DigestWatcher(Store(tmp_path / "home"), [folder], clock=clock, library_changes=True)
    for name in ("20260725.md", "20260726.md"):
        shutil.copy(DAY, folder / name)
    watcher.note_changes([str(folder)])
    real_import = watcher.store.import_paths

    def other_first(paths, progress=None):
        Store(tmp_path / "home", device="other").import_paths(paths)  # (while this one waited)
        return real_import(paths, progress)

    monkeypatch.setattr(watcher.store, "import_paths", other_first)
    clock.now += 1
    (notice,) = watcher.check_pending()
    assert notice.library_changed and notice.files == 2
    assert notice.message == "2 day files arrived (imported by another arxiv-reader)"


def test_a_problem_of_the_whole_file_names_no_line_zero() -> None:
    from tui.core.models import Problem

    assert str(Problem("/d/x.md", 0, "is empty")) == "/d/x.md: is empty"
    assert str(Problem("/d/x.md", 7, "no title")) == "/d/x.md:7: no title"


def test_with_no_folder_the_watch_still_follows_the_library(tmp_path: Path) -> None:
    """A reader opened without PATH and configured folders (review M5): nothing to watch, yet
    another process's import is said."""
    import threading

    home = tmp_path / "home"
    Store(home).import_paths([DAY])
    watcher = DigestWatcher(Store(home), [], poll=0.02, library_changes=True)
    said: list = []

    def run() -> None:
        for event in watcher.events():
            said.append(event)
            if isinstance(event, Notice) and event.library_changed:
                watcher.stop.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    for _ in range(1000):  # the first look at the library (once a second at most)
        if watcher._mark is not None:
            break
        thread.join(0.02)
    assert watcher._mark is not None
    Store(home, device="other").import_paths([DIGESTS / "cs.IR"])  # another process
    thread.join(60)
    assert not thread.is_alive()
    assert any(isinstance(e, Notice) and e.library_changed for e in said)
