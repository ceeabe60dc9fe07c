"""The shown papers' counts after a star or a read: brought up to date from the changed ids."""

from __future__ import annotations

import random
from pathlib import Path

from tui.core.library import Library
from tui.core.models import PaperState
from tui.core.results import arrange
from tui.core.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"


def test_counts_follow_changes_told_by_id(tmp_path: Path) -> None:
    store = Store(tmp_path / "home")
    store.import_paths([DATA / "cs.IR"])
    library = Library(store.load_papers())
    shown = list(range(0, len(library), 2))  # half the library: ids outside it must not count
    results = arrange(library, shown, query=None, view="all", sort="date", day=None, keep=None)
    states: dict[str, PaperState] = {}
    assert results.counts(states) == (len(shown), 0, library.count_new(shown, ascending=True))
    rng = random.Random(7)
    for _ in range(40):
        changed = [library.papers[rng.randrange(len(library))].id for _ in range(rng.randrange(1, 4))]
        for paper_id in changed:
            old = states.get(paper_id) or PaperState(paper_id)
            states[paper_id] = PaperState(paper_id, read=rng.random() < 0.5, starred=not old.starred)
        library.update_states(states, changed)
        got = results.counts(states, changed)
        library.forget_states()
        again = arrange(library, shown, query=None, view="all", sort="date", day=None, keep=None)
        assert got == again.counts(states)  # the same as counting them all
        library.state_indices(states)  # (the cache as the reader keeps it)


def test_day_counts_after_counts_agree_with_a_look_at_each_paper(tmp_path: Path) -> None:
    store = Store(tmp_path / "home")
    store.import_paths([DATA / "cs.IR", DATA / "cs.CL"])
    papers = store.load_papers()
    library = Library(papers, new_ids={p.id for p in papers[::3]})
    results = arrange(library, list(range(len(library))), query=None, view="all", sort="date", day=None, keep=None)
    assert results.groups is not None and len(results.groups) > 1
    states = {p.id: PaperState(p.id, read=True) for p in library.papers[::2]}

    def naive(start: int, end: int) -> tuple[int, int, int]:
        shown = results.papers[start:end]
        unread = sum(1 for p in shown if not (p.id in states and states[p.id].read))
        return end - start, unread, sum(1 for p in shown if p.id in library.new_ids)

    starts = [start for _, start in results.groups] + [len(results)]
    before = [results.day_counts(a, b, states) for a, b in zip(starts, starts[1:])]
    results.counts(states)
    after = [results.day_counts(a, b, states) for a, b in zip(starts, starts[1:])]
    assert before == after == [naive(a, b) for a, b in zip(starts, starts[1:])]
    assert any(unread for _, unread, _ in after) and any(new for _, _, new in after)
