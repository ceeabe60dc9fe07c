"""What's new (first-imported times, session ends) and taking digests back out of the library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
IR = DATA / "cs.IR" / "2026" / "07"  # 20260701 (16 papers) and 20260718
CL = DATA / "cs.CL" / "2026" / "07"


def ids_of(store: Store) -> set[str]:
    return {paper.id for paper in store.load_papers()}


def new_now(home: Path) -> set[str]:
    """What is new to a reader or command starting now (the one rule)."""
    store = Store(home)
    return store.new_paper_ids(store.new_baseline())


def test_before_any_session_ended_every_paper_is_new(tmp_path: Path):
    store = Store(tmp_path / "home")
    store.import_paths([IR / "20260701.md"])
    first_day = ids_of(store)
    assert store.new_baseline() is None and new_now(store.home) == first_day
    reading = store.begin_reading()
    assert reading.baseline is None  # a reader that never ended does not count...
    assert new_now(store.home) == first_day  # ...not for the command line either
    store.end_reading(reading)
    assert new_now(store.home) == set()  # it showed them: not new any more


def test_a_damaged_readers_file_says_every_paper_is_new_again(tmp_path: Path):
    """Review F8: the notice said the file was moved aside "and started afresh", not what that
    does: every paper becomes new again."""
    home = tmp_path / "home"
    store = Store(home)
    store.import_paths([IR / "20260701.md"])
    store.end_reading(store.begin_reading())
    assert new_now(home) == set()
    (home / "readers.json").write_text("junk {")
    fresh = Store(home)
    assert fresh.new_paper_ids(fresh.new_baseline()) == ids_of(fresh)
    said = " ".join(fresh.messages)
    assert "readers.json" in said and "moved it to readers.json.corrupt-" in said, fresh.messages
    assert "every paper counts as new again until a reader session ends" in said


def test_papers_imported_while_a_reader_is_open_are_new_after_it_quits(tmp_path: Path):
    """Hostile 2a: the open reader never showed them, however it ends."""
    home = tmp_path / "home"
    store = Store(home)
    store.import_paths([IR / "20260701.md"])
    first_day = ids_of(store)
    store.end_reading(store.begin_reading())
    reading = Store(home).begin_reading()
    Store(home).import_paths([IR / "20260718.md"])  # the CLI, while the reader runs
    second_day = ids_of(Store(home)) - first_day
    assert second_day and new_now(home) == second_day  # hostile 2c: the CLI agrees meanwhile
    Store(home).end_reading(reading)  # a clean quit, after the import
    assert new_now(home) == second_day


def test_a_second_reader_sees_what_the_first_sees_as_new(tmp_path: Path):
    """Hostile 2b: a reader opened beside a running one is measured from the same ended session."""
    home = tmp_path / "home"
    Store(home).import_paths([IR / "20260701.md"])
    first = Store(home)
    first.end_reading(first.begin_reading())
    Store(home).import_paths([IR / "20260718.md"])
    reader_a = Store(home).begin_reading()
    reader_b = Store(home).begin_reading()
    assert reader_a.baseline == reader_b.baseline is not None
    store = Store(home)
    assert store.new_paper_ids(reader_a.baseline) == store.new_paper_ids(reader_b.baseline) == new_now(home)
    assert len(new_now(home)) > 0
    Store(home).end_reading(reader_b)  # B quits: A's papers were seen in B
    assert new_now(home) == set()
    Store(home).end_reading(reader_a)
    assert new_now(home) == set()


CRASHING_READER = """
import os, sys, time
sys.path[:0] = sys.argv[2:]
from tui.core.store import Store
reading = Store(sys.argv[1]).begin_reading()
os.write(1, b"registered\\n")
time.sleep(60)
"""


def test_a_reader_killed_mid_session_counts_as_ended(tmp_path: Path):
    """A crash is a quit as far as "new" goes: what it loaded is not new, later imports are."""
    import signal
    import subprocess
    import sys

    import tui

    home = tmp_path / "home"
    Store(home).import_paths([IR / "20260701.md"])
    first_day = ids_of(Store(home))
    source = str(Path(tui.__file__).resolve().parents[1])
    child = subprocess.Popen(
        [sys.executable, "-c", CRASHING_READER, str(home), source], stdout=subprocess.PIPE
    )
    try:
        assert child.stdout.readline() == b"registered\n"
        assert new_now(home) == first_day  # it runs: nothing has ended
        Store(home).import_paths([IR / "20260718.md"])
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert new_now(home) == ids_of(Store(home)) - first_day
    # The next reader folded the dead one's record away.
    assert '"open": {}' in (home / "readers.json").read_text().replace('"open":{}', '"open": {}')


def test_is_new_is_the_same_however_it_is_written(tmp_path: Path, capsys):
    """Hostile 2d: is:"new", IS:NEW and is:new are one query, in the CLI as in the reader."""
    home = str(tmp_path / "home")
    assert main(["--home", home, "import", str(IR / "20260701.md")]) == 0
    capsys.readouterr()
    counts = []
    for query in ("is:new", 'is:"new"', "IS:NEW"):
        assert main(["--home", home, "list", "--format", "jsonl", "-q", query]) == 0
        counts.append(len(capsys.readouterr().out.splitlines()))
    assert counts == [16, 16, 16]


def test_removed_then_imported_again_is_not_new(tmp_path: Path):
    """Hostile 2e: the generation that first imported a paper survives its removal."""
    home = tmp_path / "home"
    digests = tmp_path / "digests"
    shutil.copytree(IR, digests)
    Store(home).import_paths([digests / "20260701.md"])
    store = Store(home)
    store.end_reading(store.begin_reading())
    assert new_now(home) == set()
    Store(home).remove_paths([digests / "20260701.md"])
    assert ids_of(Store(home)) == set()
    Store(home).import_paths([digests])  # the old day again, and a day never seen
    new = new_now(home)
    old_day = {p.id for p in Store(home).load_papers() if p.digests[0].date == "2026-07-01"}
    assert new and not new & old_day


def test_clocks_do_not_decide_what_is_new(tmp_path: Path, monkeypatch):
    """Hostile 2f: an import stamped 10 minutes before the last session "ended" is still new."""
    from datetime import datetime, timedelta, timezone

    from tui.core.store import importer as importer_module

    home = tmp_path / "home"
    Store(home).import_paths([IR / "20260701.md"])
    store = Store(home)
    store.end_reading(store.begin_reading())
    skewed = datetime.now(timezone.utc) - timedelta(minutes=10)

    class SkewedClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return skewed

    monkeypatch.setattr(importer_module, "datetime", SkewedClock)
    Store(home).import_paths([IR / "20260718.md"])
    assert new_now(home) and new_now(home) == ids_of(Store(home)) - {
        p.id for p in Store(home).load_papers() if p.digests[-1].date == "2026-07-01"
    }


def test_an_older_session_file_is_read_once(tmp_path: Path):
    """A session.json of an older version (an ended_at time): new is measured from it."""
    from datetime import datetime, timezone

    home = tmp_path / "home"
    Store(home).import_paths([IR / "20260701.md"])
    ended = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    Store(home).save_session({"query": "", "ended_at": ended})
    Store(home).import_paths([IR / "20260718.md"])
    second_day = {p.id for p in Store(home).load_papers() if p.digests[-1].date == "2026-07-18"}
    assert new_now(home) == second_day
    reading = Store(home).begin_reading()
    assert Store(home).new_paper_ids(reading.baseline) == second_day
    Store(home).save_session({"query": ""})  # this version's file: no end in it
    assert new_now(home) == second_day  # the older end was taken over
    Store(home).end_reading(reading)
    assert new_now(home) == set()


def test_a_rebuilt_index_starts_a_new_history(tmp_path: Path):
    """Lost generations make nothing new; what is imported after the rebuild is."""
    home = tmp_path / "home"
    Store(home).import_paths([IR / "20260701.md"])
    store = Store(home)
    store.end_reading(store.begin_reading())
    store.index_path.unlink()  # rebuilt from the shards at the next load
    assert ids_of(Store(home)) and new_now(home) == set()
    Store(home).import_paths([IR / "20260718.md"])
    assert new_now(home) == {p.id for p in Store(home).load_papers() if p.digests[-1].date == "2026-07-18"}


def test_an_index_without_import_times_still_loads(tmp_path: Path):
    store = Store(tmp_path / "home")
    store.import_paths([IR / "20260701.md"])
    index_path = store.index_path
    raw = json.loads(index_path.read_text())
    papers = next(iter(raw["papers"].values()))
    papers["versions"] = {key: value[:2] for key, value in papers["versions"].items()}
    del papers["imports"], papers["epoch"], papers["gone"]
    index_path.write_text(json.dumps(raw))
    again = Store(tmp_path / "home")
    assert len(again.load_papers()) == 16 and not again.messages
    from tui.core.store.readers import Seen

    assert again.new_paper_ids(Seen("", 0)) == set()  # unknown: not new
    assert again.new_paper_ids(None) == ids_of(again)


def test_remove_takes_digests_out_and_keeps_the_marks(tmp_path: Path):
    digests = tmp_path / "digests"
    shutil.copytree(DATA / "cs.IR", digests / "cs.IR")
    shutil.copytree(DATA / "cs.CL", digests / "cs.CL")
    store = Store(tmp_path / "home")
    store.import_paths([digests])
    everything = ids_of(store)
    ir_file = digests / "cs.IR" / "2026" / "07" / "20260701.md"
    only_there = {
        p.id for p in store.load_papers() if [(d.category, d.date) for d in p.digests] == [("cs.IR", "2026-07-01")]
    }
    starred = sorted(only_there)[0]
    store.set_starred([starred], True)

    report = store.remove_paths([ir_file])
    assert report.removed == [str(ir_file)] and report.unmatched == []
    left = ids_of(Store(tmp_path / "home"))
    assert starred not in left and left < everything
    assert ir_file.is_file()  # the digest itself is untouched
    assert Store(tmp_path / "home").states()[starred].starred  # and so are the marks

    # A folder, including files already gone from disk.
    shutil.rmtree(digests / "cs.CL")
    report = store.remove_paths([digests / "cs.CL", tmp_path / "nowhere"])
    assert len(report.removed) == 4 and report.unmatched == [str(tmp_path / "nowhere")]
    assert all(all(d.category == "cs.IR" for d in p.digests) for p in Store(tmp_path / "home").load_papers())

    # Imported again: the star is there again.
    store.import_paths([ir_file])
    again = Store(tmp_path / "home")
    assert starred in ids_of(again) and again.states()[starred].starred


def test_cli_remove_and_is_new(tmp_path: Path, capsys):
    home = str(tmp_path / "home")
    assert main(["--home", home, "import", str(IR / "20260701.md")]) == 0
    capsys.readouterr()
    assert main(["--home", home, "list", "--format", "jsonl", "-q", "is:new"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 16  # no session yet: all new
    store = Store(Path(home))
    store.end_reading(store.begin_reading())  # a reader session showed them
    assert main(["--home", home, "list", "-q", "is:new"]) == 1  # nothing imported after it
    assert capsys.readouterr().out == ""
    assert main(["--home", home, "export", "-f", "id", "--query=-is:new"]) == 0
    assert len(capsys.readouterr().out.split()) == 16

    assert main(["--home", home, "remove", str(IR / "20260701.md")]) == 0  # one digest: not asked
    out = capsys.readouterr().out
    assert "removed 1 digest(s): 16 papers left the library" in out and "marks, tags and notes are kept" in out
    assert "the library is empty now" in out
    assert main(["--home", home, "remove", str(IR)]) == 1
    assert "nothing removed" in capsys.readouterr().err


class FakeTerminal:
    """Standard input from a person at a terminal, answering ``answer``."""

    def __init__(self, answer: str) -> None:
        self.answer = answer

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        return self.answer


@pytest.mark.parametrize(("answer", "removed"), [("y\n", True), ("\n", False), ("no\n", False)])
def test_removing_the_whole_library_is_asked_first(tmp_path: Path, capsys, monkeypatch, answer, removed):
    """Hostile 12: 'remove /' emptied the library without a word."""
    home = str(tmp_path / "home")
    assert main(["--home", home, "import", str(IR)]) == 0
    monkeypatch.setattr("sys.stdin", FakeTerminal(answer))
    capsys.readouterr()
    assert main(["--home", home, "remove", "/"]) == (0 if removed else 1)
    err = capsys.readouterr().err
    assert "remove all 2 digests of the library? The files and your read and starred marks stay. [y/N]" in err
    assert (ids_of(Store(Path(home))) == set()) is removed


def test_removing_part_of_the_library_is_not_asked(tmp_path: Path, capsys, monkeypatch):
    home = str(tmp_path / "home")
    assert main(["--home", home, "import", str(IR)]) == 0
    monkeypatch.setattr("sys.stdin", FakeTerminal("n\n"))  # would say no, if asked
    assert main(["--home", home, "remove", str(IR / "20260701.md")]) == 0
    assert "[y/N]" not in capsys.readouterr().err


def test_a_large_removal_is_asked_first(tmp_path: Path, capsys, monkeypatch):
    import tui.cli_ask as cli_ask

    monkeypatch.setattr(cli_ask, "REMOVE_WITHOUT_ASKING", 1)
    home = str(tmp_path / "home")
    assert main(["--home", home, "import", str(IR), str(CL)]) == 0
    capsys.readouterr()
    assert main(["--home", home, "remove", str(IR)]) == 1  # 2 of 4: more than 1, no terminal
    assert "this would remove 2 of the library's" in capsys.readouterr().err
    assert main(["--home", home, "remove", "-y", str(IR)]) == 0


@pytest.mark.parametrize("command", [["remove"]])
def test_remove_needs_a_path(tmp_path: Path, command):
    with pytest.raises(SystemExit):
        main(["--home", str(tmp_path / "home"), *command])


def test_every_checkpoint_of_a_long_import_is_its_own_generation(tmp_path: Path, monkeypatch):
    """A reader may load what a checkpoint saved: what the import adds after it is a later generation."""
    from tui.core.store import importer as importer_module

    monkeypatch.setattr(importer_module, "CHECKPOINT_FILES", 1)
    store = Store(tmp_path / "home")
    store.import_paths([IR])  # two files: a checkpoint after each
    index = store.library_files.load_index()
    assert len(index.imports) == 2
    assert {entry[2] for entry in index.versions.values()} == {0, 1}
