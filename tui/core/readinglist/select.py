"""A query over a list of papers with the whole reading list: ``@name``, tags, notes, muting.

What the command line (``list``, ``export``, ``search list``, ``alerts``) and
the library's views share: parse with the saved searches, answer the
state-derived terms from the reading list, hide the muted papers unless the
query says ``is:muted``, and count what was hidden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..models import PaperState
from ..query import Query, QueryEngine, parse_query
from .model import Snapshot
from .muting import Muting, muting_applies, muting_in
from .sets import UserSets


@dataclass(slots=True)
class Selection:
    """What a query selected: indices (ascending), how many muted papers it hid, warnings."""

    query: Query
    indices: list[int]
    hidden: int = 0
    #: What the query and the mute search ignored (the mute search's said as @mute's).
    warnings: list[str] = field(default_factory=list)


class Selector:
    """Answers queries over ``engine``'s papers with one snapshot of the reading list.

    The muted papers are found once, on the first query that needs them, unless
    ``muting`` gives them (found before with the same snapshot).
    """

    def __init__(
        self,
        engine: QueryEngine,
        snapshot: Snapshot,
        states: Mapping[str, PaperState],
        muting: Muting | None = None,
    ) -> None:
        self.engine = engine
        self.snapshot = snapshot
        self.states = states
        self._sets = UserSets(snapshot)
        self._muting: Muting | None = None
        if muting is not None:
            self._muting = muting
            self._sets = self._sets.with_muted(muting.ids)

    def parse(self, text: str, inside: str | None = None) -> Query:
        """``text`` parsed with the saved searches (``inside``: it is that saved search's text)."""
        return parse_query(text, self.snapshot.searches, inside=inside)

    @property
    def muting(self) -> Muting:
        """The muted papers (found on first use)."""
        if self._muting is None:
            self._muting = muting_in(self.engine, self.snapshot, self.states, self._sets)
            self._sets = self._sets.with_muted(self._muting.ids)
        return self._muting

    @property
    def sets(self) -> UserSets:
        """The state-derived terms' sets, ``is:muted`` included."""
        _ = self.muting
        return self._sets

    def select(self, query: Query | str, candidates: Sequence[int] | None = None, mute: bool = True) -> Selection:
        """The papers matching ``query`` (among ``candidates``), the muted ones hidden
        unless it says ``is:muted`` or ``mute`` is false."""
        if isinstance(query, str):
            query = self.parse(query)
        muting = self.muting if mute and muting_applies(query) else None
        if query.root is None:
            found = list(candidates) if candidates is not None else list(range(len(self.engine.papers)))
        else:
            found = self.engine.search(query, self.states, candidates, sets=self.sets)
        warnings = list(query.warnings)
        hidden = 0
        if muting is not None:
            found, hidden = muting.apply(query, found)
            # Said as @mute's, not the query's: a typo in mute must not send the user to their own query.
            warnings += [f"in @mute, the saved search that hides papers (not in your query): {warning}"
                         for warning in muting.warnings]
        return Selection(query, found, hidden, warnings)
