"""The syntax tree of a query: terms, NOT, AND, OR, and what a term means.

Shared by the parser (:mod:`.syntax`), the engine (:mod:`.engine`) and the
highlighter (:mod:`.highlight`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


#: Field names as typed (lower-cased) -> internal field key.
FIELD_ALIASES: dict[str, str] = {
    "ti": "title",
    "title": "title",
    "au": "authors",
    "author": "authors",
    "authors": "authors",
    "abs": "summary",
    "abstract": "summary",
    "summary": "summary",
    "co": "comment",
    "comment": "comment",
    "jr": "journal",
    "journal": "journal",
    "doi": "doi",
    "any": "any",
    "all": "any",
    "cat": "cat",
    "category": "cat",
    "id": "id",
    "date": "date",
    "is": "is",
    "tag": "tag",
    "has": "has",
    "note": "note",
}

#: Text fields searched by word prefix; "default" is title+authors+id+categories.
TEXT_FIELDS = ("default", "title", "authors", "summary", "comment", "journal", "doi")
#: What ``any:`` searches (each haystack in turn, so no phrase spans two fields).
ANY_FIELDS = ("default", "summary", "comment", "journal", "doi")
#: Terms answered from the user's state by sets of ids the caller passes in (as for
#: ``is:starred``): ``tag:name``, ``has:tag`` / ``has:note``, ``note:word``; see :func:`user_set_key`.
USER_FIELDS = ("tag", "has", "note")



@dataclass(frozen=True, slots=True)
class Term:
    """One leaf of a query.

    ``field`` is an internal key: one of :data:`TEXT_FIELDS`, ``"any"``,
    ``"cat"``, ``"id"``, ``"date"``, ``"is"`` or one of :data:`USER_FIELDS`.
    ``needle`` is the normalised value matched (folded text, lower-cased
    category/id, ``starred``/``read``/``unread``/``new``/``muted``, a tag name,
    ``tag``/``note`` for ``has:``); dates use ``lo``/``hi`` (inclusive string bounds).
    """

    field: str
    value: str
    needle: str
    lo: str = ""
    hi: str = ""


@dataclass(frozen=True, slots=True)
class Not:
    """Papers that do not match ``child``."""

    child: Node


@dataclass(frozen=True, slots=True)
class And:
    """Papers matching every child."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Papers matching at least one child."""

    children: tuple[Node, ...]


Node = Term | Not | And | Or

#: Matches no paper: what an ``@name`` that cannot be used stands for (an OR of nothing), so that a
#: removed or misspelt saved search never widens a query to the whole library.
NOTHING = Or(())


@dataclass(slots=True)
class Query:
    """A parsed query.

    ``root`` is the syntax tree (``None`` when nothing searchable was typed);
    ``warnings`` lists what was ignored or reinterpreted, as short messages.
    """

    text: str
    warnings: list[str] = field(default_factory=list)
    root: Node | None = None

    @property
    def is_empty(self) -> bool:
        """True when the query filters nothing out (blank or only ignored bits)."""
        return self.root is None

    @property
    def uses_abstract(self) -> bool:
        """True when matching needs the abstracts (slow path: run in a worker)."""
        return any(t.field in ("summary", "any") for t, _ in _terms(self.root, True))

    @property
    def mentions_muted(self) -> bool:
        """True when the query says ``is:muted`` (either way): muting then hides nothing."""
        return any(t.field == "is" and t.needle == "muted" for t, _ in _terms(self.root, True))

    @property
    def uses_state(self) -> bool:
        """True when what matches depends on the user's state (``is:``, tags, notes):
        a change of state may change the result."""
        return any(t.field == "is" or t.field in USER_FIELDS for t, _ in _terms(self.root, True))

    @property
    def uses_new(self) -> bool:
        """True when the query asks which papers are new (``is:new``, however written)."""
        return any(t.field == "is" and t.needle == "new" for t, _ in _terms(self.root, True))

    def terms(self) -> list[Term]:
        """Every leaf term, in query order (excluded ones too)."""
        return [t for t, _ in _terms(self.root, True)]

    def narrows(self, previous: Query) -> bool:
        """True when every paper matching ``self`` surely matches ``previous``.

        The UI uses it to search only the previous results (``candidates``) as
        the user types more characters.  Conservative: only plain conjunctions
        of positive terms are compared; anything else answers ``False``.
        """
        if previous.root is None:
            return True
        mine = _conjunction(self.root)
        theirs = _conjunction(previous.root)
        if mine is None or theirs is None:
            return False
        for old in theirs:
            if not any(_term_implies(new, old) for new in mine):
                return False
        return True


def _terms(node: Node | None, positive: bool) -> Iterable[tuple[Term, bool]]:
    """Leaf terms with their polarity (False under an odd number of NOTs)."""
    if node is None:
        return
    if isinstance(node, Term):
        yield node, positive
    elif isinstance(node, Not):
        yield from _terms(node.child, not positive)
    else:
        for child in node.children:
            yield from _terms(child, positive)


def _conjunction(node: Node | None) -> list[Term] | None:
    """The terms of a pure AND of positive terms, else None."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, And) and all(isinstance(c, Term) for c in node.children):
        return list(node.children)  # type: ignore[arg-type]
    return None


def _term_implies(new: Term, old: Term) -> bool:
    """Does matching ``new`` guarantee matching ``old``?"""
    if new.field != old.field:
        return False
    if new.field in TEXT_FIELDS or new.field in ("any", "note"):
        return old.needle in new.needle
    if new.field == "id":
        return new.needle.startswith(old.needle)
    return new == old



def user_set_key(term: Term) -> str | None:
    """The name of the set of paper ids that answers ``term`` from the user's state
    (``tag:ml``, ``has:tag``, ``has:note``, ``note:<folded word>``, ``muted``), or
    ``None`` for a term matched against the papers themselves.

    Callers pass these sets in (see :class:`tui.core.readinglist.UserSets`), so
    every evaluator answers such terms the same way, whatever it indexes.
    """
    if term.field in USER_FIELDS:
        return f"{term.field}:{term.needle}"
    if term.field == "is" and term.needle == "muted":
        return "muted"
    return None


def cat_matches(category: str, needle: str) -> bool:
    """``cat:needle`` matches ``category`` exactly or as its archive (``cs`` for ``cs.LG``)."""
    low = category.lower()
    return low == needle or low.split(".", 1)[0] == needle

