"""What a query costs to match, estimated before matching it.

The reader matches a cheap query at once, on the thread that handles the key
(the typed character and the new rows then paint together), and anything
dearer in a worker that the next key cancels. The estimate is deterministic
(the same query on the same library always takes the same path) and counts in
"paper scans": matching one term of the default field (title, authors, id,
categories) against one paper is 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .nodes import ANY_FIELDS, USER_FIELDS, And, Node, Not, Or, Query, Term

__all__ = ["FIELD_WEIGHTS", "search_cost"]

#: A paper's text in each field against the default field's (time per paper, measured
#: at 200,000 real-shaped papers: a default-field term ~40 ms on a loaded 2-core machine).
FIELD_WEIGHTS: dict[str, float] = {
    "default": 1.0,
    "title": 0.5,
    "authors": 0.4,
    "summary": 7.0,
    "comment": 0.3,
    "journal": 0.2,
    "doi": 0.1,
}
#: A look-up in a sorted index (``cat:``, ``id:``, ``date:``, ``is:``) and its
#: intersection with the candidates, per candidate.
_INDEXED = 0.05
#: Combining the matches of an OR's child or of a NOT (sets of indices), per candidate.
_COMBINE = 0.3


def search_cost(query: Query, candidates: int, built: Callable[[str], bool]) -> float:
    """Paper scans that matching ``query`` against ``candidates`` papers may cost.

    An upper bound rather than a forecast: every term is counted over every
    candidate, though an AND narrows the candidates of the terms after its
    first. ``built(key)`` tells whether the engine's index ``key`` (a text
    field, ``"cat"``, ``"id"`` or ``"date"``) exists; building one is
    infinitely dear here, since a build is never abandoned once started.
    """
    if query.root is None:
        return 0.0
    return _node_cost(query.root, candidates, built)


def _node_cost(node: Node, candidates: int, built: Callable[[str], bool]) -> float:
    if isinstance(node, Term):
        return _term_cost(node, candidates, built)
    if isinstance(node, Not):
        return _node_cost(node.child, candidates, built) + candidates * _COMBINE
    assert isinstance(node, (And, Or))
    combine = candidates * _COMBINE if isinstance(node, Or) else 0.0
    return sum(_node_cost(child, candidates, built) + combine for child in node.children)


def _term_cost(term: Term, candidates: int, built: Callable[[str], bool]) -> float:
    fields = ANY_FIELDS if term.field == "any" else (term.field,)
    cost = 0.0
    for key in fields:
        if key in FIELD_WEIGHTS:
            if not built(key):
                return math.inf
            cost += FIELD_WEIGHTS[key] * candidates
        else:
            if key != "is" and key not in USER_FIELDS and not built(key):  # (the reading list's: sets, no index)
                return math.inf
            cost += _INDEXED * candidates
    return cost
