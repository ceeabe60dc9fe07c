"""Store.refresh_states reports every change another process made since the last call.

The reader polls it once a second to show a second reader's stars and reads. A
change the store happened to read while doing something else (our own write
reads what others appended first; ``states()`` reads too) must still be
reported by the next refresh, or the second reader never shows it.
"""

from __future__ import annotations

from pathlib import Path

from tui.core.store import Store

DIGEST = Path(__file__).resolve().parents[1] / "data" / "digests" / "cs.IR" / "2026" / "07" / "20260701.md"


def two_stores(tmp_path: Path) -> tuple[Store, Store, list[str]]:
    one = Store(tmp_path / "home")
    one.import_paths([DIGEST])
    two = Store(tmp_path / "home")
    ids = [paper.id for paper in one.load_papers()]
    one.states(), two.states()  # both loaded, as two open readers are
    return one, two, ids


def test_a_change_read_during_our_own_write_is_still_reported(tmp_path: Path):
    one, two, ids = two_stores(tmp_path)
    one.set_starred([ids[0]], True)
    two.set_read([ids[1]], True)  # reads the star first, then appends
    assert ids[0] in two.refresh_states()
    assert two.refresh_states() == frozenset()  # reported once
    assert ids[1] in one.refresh_states()


def test_a_change_read_by_states_is_still_reported(tmp_path: Path):
    one, two, ids = two_stores(tmp_path)
    one.set_starred([ids[2]], True)
    assert two.states()[ids[2]].starred
    assert two.refresh_states() == frozenset({ids[2]})
    assert two.refresh_states() == frozenset()
