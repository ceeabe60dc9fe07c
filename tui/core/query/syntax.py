"""The filter language's syntax: text -> :class:`Query`.

Syntax (the filter bar and ``--query`` share it):

* ``graph neural`` -- every bare word must match (AND), case- and
  accent-insensitive (``dunnwald`` finds "Dünnwald"), as the start of a word
  (``transf`` finds "transformer", ``former`` does not) of the title,
  authors, id or categories (:mod:`.words` says what a word is).
* ``"neural field"`` -- a phrase, matched from a word start too (it finds
  "neural fields"); ``-word``, ``-ti:x``, ``-(a b)``, ``NOT x`` exclude.
* ``a OR b`` (also ``a | b``) and parentheses group; AND binds tighter than OR.
  ``AND`` may be written but is implicit.  ``OR``/``AND``/``NOT`` only in capitals.
* Fields (names case-insensitive, values may be quoted: ``ti:"neural field"``):
  ``ti:`` title, ``au:`` authors, ``abs:`` summary, ``co:`` comment,
  ``jr:`` journal ref, ``doi:``, ``any:`` everywhere (abstract and comment too),
  ``cat:cs.LG`` exact category or ``cat:cs`` a whole archive (primary or
  cross-list), ``id:2201.129`` id prefix, ``is:starred`` / ``is:read`` /
  ``is:unread``, ``is:new`` (new: not yet shown by a reader that was
  closed since; see :mod:`tui.core.store.readers`), ``date:latest`` (the
  newest digest day), ``date:2022-01-31`` / ``date:2022-01`` / ``date:2022`` /
  ``date:2022-01..2022-03`` (inclusive, either side may be open) matched
  against every digest date and the published date.
* A query starting with ``?`` makes its bare words search everywhere, like
  ``any:`` (``?diffusion prior``).
* The reading list (answered from sets of ids the caller passes in, see
  :func:`.nodes.user_set_key`): ``tag:name`` (``-tag:name`` excludes),
  ``has:tag`` (any tag), ``has:note``, ``note:word`` (in the paper's note),
  ``is:muted`` (what the saved search ``mute`` hides; saying it turns muting
  off for the query).
* ``@name`` stands for the saved search ``name`` (given to :func:`parse_query`
  as ``saved``), as if its text were typed in parentheses; saved searches may
  use others. When one refers back to itself or is unknown, the whole query
  matches nothing, with a warning (never the whole library, even as ``-@name``).

Malformed input never raises: unknown fields (``foo:bar``) are searched as plain
text, and anything ignored (unmatched parentheses, empty ``ti:``, a lone ``-``,
a dangling ``OR``, a bad date...) is described in :attr:`Query.warnings`.

Hostile input has a bounded cost: only the first :data:`MAX_QUERY_CHARS`
characters are read, only the first :data:`MAX_TERMS` terms searched and
nesting deeper than 50 is flattened, each said in a warning (a paste of 100
arXiv ids joined by ``OR`` still fits whole).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from .nodes import NOTHING, And, Node, Not, Or, Query, Term
from .tokens import AND, LPAREN, MAX_TERMS, MINUS, NOT, OR, RPAREN, tokenize

__all__ = ["MAX_QUERY_CHARS", "MAX_TERMS", "parse_query"]

#: At most this many saved searches are expanded in one query (``@a`` may use ``@b`` twice...).
_MAX_EXPANSIONS = 200
_CATEGORY_TOKEN = re.compile(r"[A-Za-z0-9.\-]+")

#: Characters of a query that are read; the rest is ignored, with a warning.
MAX_QUERY_CHARS = 4000


def parse_query(text: str, saved: Mapping[str, str] | None = None, *, inside: str | None = None) -> Query:
    """Parse the text typed into the filter bar. Never raises.

    ``saved`` maps saved-search names (lower case) to their text, for ``@name``.
    ``inside``: the text is that saved search's own (``@inside`` in it is a cycle).
    """
    expander = _Expander(saved or {}, (inside,) if inside else (), [0, 0])
    query = _parse(text, expander)
    if expander.used[1]:  # an @name that cannot be used: the whole query matches nothing, even under a NOT
        query.root = NOTHING
    return query


def _parse(text: str, expander: _Expander) -> Query:
    query = Query(text=text)
    try:
        body = text.lstrip()
        if len(body) > MAX_QUERY_CHARS:
            query.warnings.append(f"read only the first {MAX_QUERY_CHARS:,} characters (of {len(body):,})")
            body = body[:MAX_QUERY_CHARS]
        everywhere = body.startswith("?")
        if everywhere:
            body = body[1:]
        tokens = tokenize(body, "any" if everywhere else "default", query.warnings, expander)
        query.root = _Parser(tokens, query.warnings).parse()
        query.warnings[:] = dict.fromkeys(query.warnings)  # each message once, in order
    except Exception as exc:  # pragma: no cover - defensive: the bar must never crash
        query.root = None
        query.warnings.append(f"could not parse query ({exc.__class__.__name__})")
    return query


class _Expander:
    """Expands ``@name``: the saved searches, the names being expanded (for cycles)
    and how many expansions the whole query has used so far."""

    def __init__(self, saved: Mapping[str, str], chain: tuple[str, ...], used: list[int]) -> None:
        self.saved = saved
        self.chain = chain
        self.used = used  # [expansions so far, @names that could not be used], shared by the whole query

    def _failed(self) -> Node:
        self.used[1] += 1
        return NOTHING

    def expand(self, raw: str, warnings: list[str]) -> Node | None:
        """The syntax tree of saved search ``raw``; :data:`.nodes.NOTHING` (with a warning why) when it is
        unknown, refers back to itself or is one too many, and then the whole query matches nothing
        (see :func:`parse_query`): an @name never widens a query, not even as ``-@name``."""
        name = unicodedata.normalize("NFC", raw).casefold()
        text = self.saved.get(name)
        if text is None:
            warnings.append(f"unknown saved search @{raw}: the query matches nothing")
            return self._failed()
        if name in self.chain:
            path = " -> ".join(f"@{n}" for n in (*self.chain[self.chain.index(name):], name))
            warnings.append(f"@{name} refers back to itself ({path}): the query matches nothing")
            return self._failed()
        self.used[0] += 1
        if self.used[0] > _MAX_EXPANSIONS:
            warnings.append(f"more than {_MAX_EXPANSIONS} saved searches in one query (at @{name}): "
                            "the query matches nothing")
            return self._failed()
        sub = _parse(text, _Expander(self.saved, (*self.chain, name), self.used))
        warnings.extend(f"in @{name}: {warning}" for warning in sub.warnings)
        return sub.root



_MAX_DEPTH = 50


class _Parser:
    """Recursive descent: or := and (OR and)*; and := unary*; unary := NOT unary | ( or ) | term."""

    def __init__(self, tokens: list[object], warnings: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.warnings = warnings
        self.depth = 0

    def peek(self) -> object:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> Node | None:
        parts: list[Node] = []
        while True:
            node = self.parse_or()
            if node is not None:
                parts.append(node)
            if self.peek() is RPAREN:
                self.warnings.append("ignored unmatched ')'")
                self.pos += 1
                continue
            if self.peek() is None:
                break
        return _and(parts)

    def parse_or(self) -> Node | None:
        items: list[Node] = []
        left = self.parse_and()
        if left is not None:
            items.append(left)
        while self.peek() is OR:
            self.pos += 1
            right = self.parse_and()
            if left is None or right is None:
                self.warnings.append("ignored dangling OR")
            if right is not None:
                items.append(right)
            left = right
        if not items:
            return None
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node | None:
        parts: list[Node] = []
        while (tok := self.peek()) is not None and tok is not RPAREN and tok is not OR:
            if tok is AND:
                self.pos += 1
                nxt = self.peek()
                if not parts or nxt is None or nxt is RPAREN or nxt is OR or nxt is AND:
                    self.warnings.append("ignored dangling AND")
                continue
            node = self.parse_unary()
            if node is not None:
                parts.append(node)
        return _and(parts)

    def parse_unary(self) -> Node | None:
        tok = self.peek()
        self.pos += 1
        if self.depth >= _MAX_DEPTH and (tok is NOT or tok is MINUS or tok is LPAREN):
            # Pathological nesting: flatten instead of recursing further.
            if "ignored nesting deeper than 50" not in self.warnings:
                self.warnings.append("ignored nesting deeper than 50")
            return None
        self.depth += 1
        try:
            return self._unary(tok)
        finally:
            self.depth -= 1

    def _unary(self, tok: object) -> Node | None:
        if tok is NOT or tok is MINUS:
            nxt = self.peek()
            if nxt is None or nxt is RPAREN or nxt is OR or nxt is AND:
                self.warnings.append("ignored lone '-'" if tok is MINUS else "ignored dangling NOT")
                return None
            child = self.parse_unary()
            if child is None:
                return None
            return child.child if isinstance(child, Not) else Not(child)
        if tok is LPAREN:
            node = self.parse_or()
            if self.peek() is RPAREN:
                self.pos += 1
            else:
                self.warnings.append("added missing ')'")
            if node is None:
                self.warnings.append("ignored empty ()")
            return node
        return tok if isinstance(tok, (Term, And, Or, Not)) else None  # a Term, or a saved search's tree


def _and(parts: list[Node]) -> Node | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    flat: list[Node] = []
    for part in parts:
        flat.extend(part.children if isinstance(part, And) else (part,))
    return And(tuple(flat))

