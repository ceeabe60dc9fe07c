"""What's new (first-imported times, session ends) and taking digests back out of the library."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.store import Store
from tui.core.store.session import session_end

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
IR = DATA / "cs.IR" / "2026" / "07"  # 20260701 (16 papers) and 20260718
CL = DATA / "cs.CL" / "2026" / "07"


def ids_of(store: Store) -> set[str]:
    return {paper.id for paper in store.load_papers()}


def test_new_means_first_imported_after_the_session_ended(tmp_path: Path):
    store = Store(tmp_path / "home")
    store.import_paths([IR / "20260701.md"])
    first_day = ids_of(store)
    assert store.new_paper_ids(None) == first_day  # no session before: everything is new
    store.save_session({"query": "", "last_active": "2000-01-01T00:00:00+00:00"})
    store.save_session({"query": "", "ended_at": "2000-01-02T00:00:00+00:00"})
    assert store.last_session_end() == "2000-01-02T00:00:00+00:00"
    assert store.new_paper_ids(store.last_session_end()) == first_day  # imported after 2000
    # The reader quits now; the next day's digest arrives after.
    from datetime import datetime, timezone

    ended = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    store.save_session({"ended_at": ended, "last_active": ended})
    store.import_paths([IR / "20260718.md"])
    second_day = ids_of(store) - first_day
    assert second_day and Store(tmp_path / "home").new_paper_ids(ended) == second_day
    # Importing the first day again (unchanged or re-parsed) makes nothing new.
    store.import_paths([IR])
    assert store.new_paper_ids(ended) == second_day


def test_after_a_crash_the_last_activity_stands_for_the_end():
    assert session_end({"last_active": "2026-07-01T10:00:00+00:00"}) == "2026-07-01T10:00:00+00:00"
    assert session_end({"last_active": "x", "ended_at": "2026-07-02T00:00:00+00:00"}) == "2026-07-02T00:00:00+00:00"
    assert session_end({}) is None and session_end({"ended_at": 5}) is None


def test_an_index_without_import_times_still_loads(tmp_path: Path):
    store = Store(tmp_path / "home")
    store.import_paths([IR / "20260701.md"])
    index_path = store.index_path
    raw = json.loads(index_path.read_text())
    papers = next(iter(raw["papers"].values()))
    papers["versions"] = {key: value[:2] for key, value in papers["versions"].items()}
    del papers["imports"]
    index_path.write_text(json.dumps(raw))
    again = Store(tmp_path / "home")
    assert len(again.load_papers()) == 16 and not again.messages
    assert again.new_paper_ids("2000-01-01T00:00:00+00:00") == set()  # unknown: not new
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
    Store(Path(home)).save_session({"ended_at": "2999-01-01T00:00:00+00:00"})
    assert main(["--home", home, "list", "-q", "is:new"]) == 1  # nothing imported after that end
    assert capsys.readouterr().out == ""
    assert main(["--home", home, "export", "-f", "id", "--query=-is:new"]) == 0
    assert len(capsys.readouterr().out.split()) == 16

    assert main(["--home", home, "remove", str(IR / "20260701.md")]) == 0
    out = capsys.readouterr().out
    assert "removed 1 digest(s): 16 papers left the library" in out and "marks are kept" in out
    assert main(["--home", home, "remove", str(IR)]) == 1
    assert "nothing removed" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["remove"]])
def test_remove_needs_a_path(tmp_path: Path, command):
    with pytest.raises(SystemExit):
        main(["--home", str(tmp_path / "home"), *command])
