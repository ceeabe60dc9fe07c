"""Alerts: per saved search, the papers that arrived since the last alerts run.

A paper *arrives* when an import first brings it into the library (a new
version of a paper already there does not arrive again). The library records
when each import that brought new papers ran; an alerts run reports the
papers of the imports after its device's mark, then moves the mark to the
latest import it reported (see :meth:`.model.ReadingList.set_alerts_mark`),
so an import that runs while alerts are being printed is reported next time,
never lost. The first run on a device reports what the latest import brought.

Muted papers are hidden (the saved search ``mute`` itself alerts nothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from ..models import Paper, PaperState
from ..query import QueryEngine
from .model import Snapshot
from .names import MUTE
from .select import Selector


@dataclass(frozen=True, slots=True)
class Window:
    """Which imports a run reports: those after ``since`` (``None``: every one) up to ``upto``."""

    since: str | None
    upto: str | None

    @property
    def empty(self) -> bool:
        """Nothing was imported after the mark."""
        return self.upto is None or (self.since is not None and self.upto <= self.since)


def alert_window(import_times: Sequence[str], mark: str | None) -> Window:
    """The imports a run reports, given the library's import times (oldest first) and the mark."""
    upto = max(import_times) if import_times else None
    if mark is not None:
        return Window(mark, upto)
    earlier = sorted(import_times)[:-1]
    return Window(earlier[-1] if earlier else None, upto)  # the first run: the latest import


@dataclass(slots=True)
class Alert:
    """One saved search's new papers."""

    name: str
    query: str
    papers: list[Paper]
    #: New papers the search matched that are muted (not in ``papers``).
    hidden: int = 0
    warnings: list[str] = field(default_factory=list)


def compute_alerts(
    papers: Sequence[Paper],
    arrived: AbstractSet[str],
    snapshot: Snapshot,
    states: Mapping[str, PaperState],
    *,
    new_ids: AbstractSet[str] | None = frozenset(),
    latest_day: str | None = None,
) -> list[Alert]:
    """Every saved search (but ``mute``) with the papers of ``arrived`` it matches, by name.

    ``papers`` is the library (newest first); only the arrived ones are searched.
    ``latest_day`` is the library's newest digest day (``date:latest``).
    """
    fresh = [paper for paper in papers if paper.id in arrived]
    if latest_day is None:
        latest_day = max((p.digests[-1].date for p in papers if p.digests), default=None)
    engine = QueryEngine(fresh, latest_day=latest_day)
    engine.new_ids = new_ids
    selector = Selector(engine, snapshot, states)
    alerts = []
    for name, text in snapshot.searches.items():
        if name == MUTE:
            continue
        chosen = selector.select(selector.parse(text, inside=name))
        alerts.append(Alert(name, text, [fresh[i] for i in chosen.indices], chosen.hidden, chosen.warnings))
    return alerts
