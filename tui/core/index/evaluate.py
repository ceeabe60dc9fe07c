"""Evaluating a parsed query against the opened index: a query tree to a bitset of documents.

Terms become index lookups (words, prefixes, ranges), ``is:``/``tag:``/``has:``
terms the state sets the caller gives, phrases a check against the stored
text restricted to the documents still in play; an AND evaluates its cheap
children first so its phrases are checked on what is left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from ..query.nodes import ANY_FIELDS, TEXT_FIELDS, And, Node, Not, Or, Term, user_set_key
from ..query.words import is_single_word
from . import bitsets

if TYPE_CHECKING:
    from .search import SearchIndex

#: State sets for ``is:`` terms: name (``read``, ``starred``, ``new``) -> bitset or document ids;
#: also the reading list's (``tag:ml``, ``has:note``, ``muted``...: see ``nodes.user_set_key``).
States = Mapping[str, "np.ndarray | Iterable[int]"]


class Evaluator:
    """Evaluates a query tree to a bitset; exact within the ``within`` set it is given."""

    def __init__(self, index: SearchIndex, states: States, stop: Callable[[], bool] | None) -> None:
        self.index = index
        self.states = states
        self.stop = stop

    def run(self, node: Node, within: np.ndarray | None = None) -> np.ndarray:
        if isinstance(node, Term):
            return self.term(node, within)
        if isinstance(node, Not):
            return self.index.live & ~self.run(node.child, within)
        if isinstance(node, And):
            acc = within
            for child in sorted(node.children, key=_cost):
                bits = self.run(child, acc)
                acc = bits if acc is None else acc & bits
                if not acc.any():
                    break
            return self.index.live if acc is None else acc  # (None: an AND of nothing, unrestricted)
        if isinstance(node, Or):
            out = np.zeros_like(self.index.live)  # an OR of nothing (an unusable @name) matches nothing
            for child in node.children:
                out = out | self.run(child, within)
            return out
        raise TypeError(node)  # pragma: no cover - the parser builds no other nodes

    def term(self, term: Term, within: np.ndarray | None) -> np.ndarray:
        field = term.field
        if field in TEXT_FIELDS:
            return self.text(field, term.needle, within)
        if field == "any":
            out = self.text(ANY_FIELDS[0], term.needle, within)
            for sub in ANY_FIELDS[1:]:
                out = out | self.text(sub, term.needle, within)
            return out
        if field == "is":
            return self.state(term.needle)
        if field == "date" and term.needle == "latest":  # the newest digest day of the library
            latest = self.index.latest_day()
            if latest is None:
                return bitsets.empty(self.index.nbytes)
            return self.index.term_bits(field, term.needle, latest, latest + "~")
        user_key = user_set_key(term)  # tag:, has:, note: (is:muted is "muted" above)
        if user_key is not None:
            return self.state(user_key)
        return self.index.term_bits(field, term.needle, term.lo, term.hi)

    def text(self, field: str, needle: str, within: np.ndarray | None) -> np.ndarray:
        if is_single_word(needle):
            return self.index.term_bits(field, needle)
        return self.index.phrase_bits(field, needle, within, self.stop)

    def state(self, name: str) -> np.ndarray:
        if name == "unread":
            return self.index.live & ~self.state("read")
        value = self.states.get(name)
        if value is None:
            return bitsets.empty(self.index.nbytes)
        if isinstance(value, np.ndarray) and value.dtype == np.uint8 and len(value) == self.index.nbytes:
            return value
        return bitsets.from_docs(value, self.index.nbytes)


def _cost(node: Node) -> int:
    """And order: index lookups first, phrases (checked against text) last, on what is left."""
    if isinstance(node, Term):
        if node.field in TEXT_FIELDS or node.field == "any":
            return 0 if is_single_word(node.needle) else 2
        return 0
    return 1
