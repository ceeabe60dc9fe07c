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
  closed since; see :mod:`tui.core.store.readers`), ``date:latest`` (the newest digest day), ``date:2022-01-31`` / ``date:2022-01`` / ``date:2022`` /
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

import calendar
import re
import unicodedata
from collections.abc import Mapping

from ..models import ARXIV_ID_RE
from ..textfold import fold
from .nodes import FIELD_ALIASES, NOTHING, And, Node, Not, Or, Query, Term

_IS_VALUES = {
    "starred": "starred", "star": "starred", "read": "read", "unread": "unread", "new": "new", "muted": "muted",
}
_HAS_VALUES = {"tag": "tag", "tags": "tag", "note": "note", "notes": "note"}
#: At most this many saved searches are expanded in one query (``@a`` may use ``@b`` twice...).
_MAX_EXPANSIONS = 200

# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------

_LPAREN, _RPAREN, _OR, _AND, _NOT = "(", ")", "OR", "AND", "NOT"
_WORD_STOP = frozenset(' \t\r\n\f\v()"|')
_DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_ARXIV_FULL = re.compile(r"(?:arxiv:)?(" + ARXIV_ID_RE.pattern + r")", re.IGNORECASE)
_CATEGORY_TOKEN = re.compile(r"[A-Za-z0-9.\-]+")

#: Characters of a query that are read; the rest is ignored, with a warning.
MAX_QUERY_CHARS = 4000
#: Terms searched (a term costs a scan of the library); later ones are ignored, with a warning.
MAX_TERMS = 100


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
        tokens = _tokenize(body, "any" if everywhere else "default", query.warnings, expander)
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


def _tokenize(text: str, default_field: str, warnings: list[str], expander: _Expander) -> list[object]:
    """Split into parens, OR, NOT and Term tokens (Terms built here)."""
    tokens: list[object] = []
    starts: list[int] = []  # where each token began (a step adds one token at most)
    terms = step_start = 0
    i, n = 0, len(text)
    while True:
        if len(tokens) != len(starts):
            starts.append(step_start)
            terms += isinstance(tokens[-1], Term)
            if terms > MAX_TERMS:
                _cut(tokens, starts, text, warnings)
                break
        if i >= n:
            break
        step_start = i
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(_LPAREN)
            i += 1
        elif ch == ")":
            tokens.append(_RPAREN)
            i += 1
        elif ch == "|":
            tokens.append(_OR)
            i += 1
        elif ch == "-":
            if i + 1 >= n or text[i + 1].isspace() or text[i + 1] == ")":
                warnings.append("ignored lone '-'")
            else:
                tokens.append(_NOT)
            i += 1
        elif ch == '"':
            value, i = _read_quoted(text, i, warnings)
            _add_term(tokens, default_field, value, warnings, quoted=True)
        else:
            j = i
            while j < n and text[j] not in _WORD_STOP:
                j += 1
            word = text[i:j]
            i = j
            if word == "OR":
                tokens.append(_OR)
                continue
            if word == "AND":
                tokens.append(_AND)  # implicit anyway; kept to notice a dangling one
                continue
            if word == "NOT":
                tokens.append(_NOT)
                continue
            if word.startswith("@") and len(word) > 1:  # a saved search, as if in parentheses
                node = expander.expand(word[1:], warnings)
                if node is not None:  # None: a saved search whose text is empty of terms
                    tokens.append(node)
                continue
            name, colon, rest = word.partition(":")
            key = FIELD_ALIASES.get(name.lower()) if colon else None
            if key is None:
                if colon and name.isalpha():
                    warnings.append(f"unknown field '{name}:', searched as text")
                _add_term(tokens, default_field, word, warnings)
                continue
            if not rest and i < n and text[i] == '"':
                rest, i = _read_quoted(text, i, warnings)
                if not rest:
                    warnings.append(f"ignored empty '{name}:'")
                    continue
            if not rest:
                warnings.append(f"ignored empty '{name}:'")
                continue
            _add_term(tokens, key, rest, warnings, label=name)
    return tokens


def _cut(tokens: list[object], starts: list[int], text: str, warnings: list[str]) -> None:
    """Drop the term over :data:`MAX_TERMS` and the operators leading to it, and say so."""
    tokens.pop()
    while tokens and tokens[-1] in (_NOT, _OR, _AND, _LPAREN):
        tokens.pop()
    ignored = text[starts[len(tokens)]:].strip()
    warnings.append(f"searched the first {MAX_TERMS} terms only; ignored {_clip(ignored)}")


def _clip(text: str, length: int = 24) -> str:
    """``text`` quoted for a warning, cut short when long (with its size)."""
    if len(text) <= length:
        return f"'{text}'"
    return f"'{text[:length]}…' ({len(text):,} characters)"


def _read_quoted(text: str, i: int, warnings: list[str]) -> tuple[str, int]:
    """The phrase starting at the quote at ``i``, and the index after it."""
    end = text.find('"', i + 1)
    if end == -1:
        warnings.append("closed an unmatched '\"'")
        return text[i + 1 :], len(text)
    return text[i + 1 : end], end + 1


def _add_term(
    tokens: list[object],
    key: str,
    value: str,
    warnings: list[str],
    quoted: bool = False,
    label: str = "",
) -> None:
    """Build the Term for ``key:value`` and append it, or warn why not."""
    term = _make_term(key, value, warnings, label or key)
    if term is not None:
        tokens.append(term)
    elif quoted and not value.strip():
        warnings.append("ignored empty quotes")


def _make_term(key: str, value: str, warnings: list[str], label: str) -> Term | None:
    if key == "date":
        return _date_term(value, warnings)
    if key == "is":
        state = _IS_VALUES.get(value.lower())
        if state is None:
            warnings.append(f"unknown is:{value} (use starred, read, unread, new, muted)")
            return None
        return Term("is", value, state)
    if key == "has":
        what = _HAS_VALUES.get(value.lower())
        if what is None:
            warnings.append(f"unknown has:{value} (use tag, note)")
            return None
        return Term("has", value, what)
    if key == "tag":
        name = unicodedata.normalize("NFC", value.strip()).casefold()
        return Term("tag", value, name) if name else None
    if key == "cat":
        needle = value.strip().lower().rstrip(".")
        return Term("cat", value, needle) if needle else None
    if key == "id":
        needle = value.strip().lower()
        match = _ARXIV_FULL.fullmatch(needle)
        if match:  # a full id: drop "arXiv:" and the version
            needle = match.group("id")
        elif needle.startswith("arxiv:"):
            needle = needle[len("arxiv:") :]
        if not needle:
            warnings.append(f"ignored empty '{label}:'")
            return None
        return Term("id", value, needle)
    needle = fold(value).strip()
    if not needle:
        return None
    return Term(key, value, needle)


def _date_bound(text: str) -> str | None:
    """``2022``, ``2022-1``, ``2022-01-31``, ``2022/01/31``, ``20220131`` -> canonical prefix."""
    text = text.strip().replace("/", "-")
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE_RE.fullmatch(text)
    if not match:
        return None
    year, month, day = match.groups()
    if month is None:
        return year
    m = int(month)
    if not 1 <= m <= 12:
        return None
    if day is None:
        return f"{year}-{m:02d}"
    d = int(day)
    if not 1 <= d <= calendar.monthrange(int(year), m)[1]:
        return None
    return f"{year}-{m:02d}-{d:02d}"


def _date_term(value: str, warnings: list[str]) -> Term | None:
    """``date:`` value -> Term with inclusive string bounds ``lo <= d <= hi``.

    ``date:latest`` is the newest digest day of the library, resolved by the engine.
    """
    if value.strip().lower() == "latest":
        return Term("date", value, "latest")
    if ".." in value:
        left, _, right = value.partition("..")
        lo = _date_bound(left) if left.strip() else ""
        hi = _date_bound(right) if right.strip() else ""
        if lo is None or hi is None:
            bad = left if lo is None else right
            warnings.append(f"bad date {bad}")
            return None
        if not lo and not hi:
            warnings.append("ignored empty date range '..'")
            return None
        hi_key = hi + "~" if hi else "~"  # '~' sorts after digits and '-'
        if lo and hi and lo > hi_key:
            warnings.append(f"empty date range {value}")
        return Term("date", value, value, lo, hi_key)
    bound = _date_bound(value)
    if bound is None:
        warnings.append(f"bad date {value}")
        return None
    return Term("date", value, value, bound, bound + "~")


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
            if self.peek() is _RPAREN:
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
        while self.peek() is _OR:
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
        while (tok := self.peek()) is not None and tok is not _RPAREN and tok is not _OR:
            if tok is _AND:
                self.pos += 1
                nxt = self.peek()
                if not parts or nxt is None or nxt is _RPAREN or nxt is _OR or nxt is _AND:
                    self.warnings.append("ignored dangling AND")
                continue
            node = self.parse_unary()
            if node is not None:
                parts.append(node)
        return _and(parts)

    def parse_unary(self) -> Node | None:
        tok = self.peek()
        self.pos += 1
        if self.depth >= _MAX_DEPTH and (tok is _NOT or tok is _LPAREN):
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
        if tok is _NOT:
            nxt = self.peek()
            if nxt is None or nxt is _RPAREN or nxt is _OR or nxt is _AND:
                self.warnings.append("ignored lone '-'")
                return None
            child = self.parse_unary()
            if child is None:
                return None
            return child.child if isinstance(child, Not) else Not(child)
        if tok is _LPAREN:
            node = self.parse_or()
            if self.peek() is _RPAREN:
                self.pos += 1
            else:
                self.warnings.append("added missing ')'")
            if node is None:
                self.warnings.append("ignored empty ()")
            return node
        return tok  # a Term


def _and(parts: list[Node]) -> Node | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    flat: list[Node] = []
    for part in parts:
        flat.extend(part.children if isinstance(part, And) else (part,))
    return And(tuple(flat))

