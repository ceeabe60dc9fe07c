"""The filter language: parse a query, match papers, find spans to highlight.

Syntax (the filter bar and ``--query`` share it):

* ``graph neural`` -- every bare word must match (AND), case- and
  accent-insensitive (``dunnwald`` finds "Dünnwald"), as a substring
  (``transf`` finds "transformer") of the title, authors, id or categories.
* ``"neural field"`` -- a phrase; ``-word``, ``-ti:x``, ``-(a b)``, ``NOT x`` exclude.
* ``a OR b`` (also ``a | b``) and parentheses group; AND binds tighter than OR.
  ``AND`` may be written but is implicit.  ``OR``/``AND``/``NOT`` only in capitals.
* Fields (names case-insensitive, values may be quoted: ``ti:"neural field"``):
  ``ti:`` title, ``au:`` authors, ``abs:`` summary, ``co:`` comment,
  ``jr:`` journal ref, ``doi:``, ``any:`` everywhere (abstract and comment too),
  ``cat:cs.LG`` exact category or ``cat:cs`` a whole archive (primary or
  cross-list), ``id:2201.129`` id prefix, ``is:starred`` / ``is:read`` /
  ``is:unread``, ``date:2022-01-31`` / ``date:2022-01`` / ``date:2022`` /
  ``date:2022-01..2022-03`` (inclusive, either side may be open) matched
  against every digest date and the published date.
* A query starting with ``?`` makes its bare words search everywhere, like
  ``any:`` (``?diffusion prior``).

Malformed input never raises: unknown fields (``foo:bar``) are searched as plain
text, and anything ignored (unmatched parentheses, empty ``ti:``, a lone ``-``,
a dangling ``OR``, a bad date...) is described in :attr:`Query.warnings`.
"""

from __future__ import annotations

import calendar
import re
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from collections import deque
from itertools import accumulate, compress, repeat

from .models import ARXIV_ID_RE, Paper, PaperState
from .textfold import fold, fold_with_map

__all__ = [
    "And",
    "Not",
    "Or",
    "Query",
    "QueryEngine",
    "SearchCancelled",
    "Term",
    "filter_papers",
    "fold",
    "highlight_spans",
    "parse_query",
]

# --------------------------------------------------------------------------
# Syntax tree
# --------------------------------------------------------------------------

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
}

#: Text haystacks searched by substring; "default" is title+authors+id+categories.
TEXT_FIELDS = ("default", "title", "authors", "summary", "comment", "journal", "doi")
#: What ``any:`` searches (each haystack in turn, so no phrase spans two fields).
ANY_FIELDS = ("default", "summary", "comment", "journal", "doi")
_IS_VALUES = {"starred": "starred", "star": "starred", "read": "read", "unread": "unread", "new": "unread"}

#: Which term fields highlight in which displayed field.
_HIGHLIGHT_FIELDS: dict[str, frozenset[str]] = {
    "default": frozenset({"title", "authors", "id", "categories"}),
    "any": frozenset({"title", "authors", "id", "categories", "summary", "comment", "journal", "doi"}),
    "title": frozenset({"title"}),
    "authors": frozenset({"authors"}),
    "summary": frozenset({"summary"}),
    "comment": frozenset({"comment"}),
    "journal": frozenset({"journal"}),
    "doi": frozenset({"doi"}),
    "id": frozenset({"id"}),
    "cat": frozenset({"categories"}),
}


@dataclass(frozen=True, slots=True)
class Term:
    """One leaf of a query.

    ``field`` is an internal key: one of :data:`TEXT_FIELDS`, ``"any"``,
    ``"cat"``, ``"id"``, ``"date"`` or ``"is"``.  ``needle`` is the normalised
    value matched (folded text, lower-cased category/id, ``starred``/``read``/
    ``unread``); dates use ``lo``/``hi`` (inclusive string bounds).
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
    if new.field in TEXT_FIELDS or new.field == "any":
        return old.needle in new.needle
    if new.field == "id":
        return new.needle.startswith(old.needle)
    return new == old


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------

_LPAREN, _RPAREN, _OR, _NOT = "(", ")", "OR", "NOT"
_WORD_STOP = frozenset(' \t\r\n\f\v()"|')
_DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_ARXIV_FULL = re.compile(r"(?:arxiv:)?(" + ARXIV_ID_RE.pattern + r")", re.IGNORECASE)
_CATEGORY_TOKEN = re.compile(r"[A-Za-z0-9.\-]+")


def parse_query(text: str) -> Query:
    """Parse the text typed into the filter bar. Never raises."""
    query = Query(text=text)
    try:
        body = text.lstrip()
        everywhere = body.startswith("?")
        if everywhere:
            body = body[1:]
        tokens = _tokenize(body, "any" if everywhere else "default", query.warnings)
        query.root = _Parser(tokens, query.warnings).parse()
        query.warnings[:] = dict.fromkeys(query.warnings)  # each message once, in order
    except Exception as exc:  # pragma: no cover - defensive: the bar must never crash
        query.root = None
        query.warnings.append(f"could not parse query ({exc.__class__.__name__})")
    return query


def _tokenize(text: str, default_field: str, warnings: list[str]) -> list[object]:
    """Split into parens, OR, NOT and Term tokens (Terms built here)."""
    tokens: list[object] = []
    i, n = 0, len(text)
    while i < n:
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
                continue
            if word == "NOT":
                tokens.append(_NOT)
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
            warnings.append(f"unknown is:{value} (use starred, read, unread)")
            return None
        return Term("is", value, state)
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
    """``date:`` value -> Term with inclusive string bounds ``lo <= d <= hi``."""
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
            if nxt is None or nxt is _RPAREN or nxt is _OR:
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


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------

class SearchCancelled(Exception):
    """Raised by :meth:`QueryEngine.search` when its ``should_stop`` callback answers True.

    A superseded search (the user typed another key) stops within one segment
    of papers instead of finishing; the caller catches this and shows nothing.
    """


#: Papers scanned between two ``should_stop`` checks (and the span of the dense path's split).
_SEGMENT = 4096
#: Papers folded per batch while building a haystack (bounds the temporary strings).
_BUILD_BATCH = 2048
_MAX_U32 = 0xFFFFFFFF
#: Candidates below this share of the papers are checked one by one, else a full scan.
_FIND_IN_SHARE = 0.75
#: Compiled "a paper without this byte" regexes of the dense path, per byte.
_MISSING_BYTE: dict[bytes, re.Pattern[bytes]] = {}


class _Haystack:
    """The folded text of one field for every paper: ONE UTF-8 byte string plus offsets.

    Paper ``k``'s text is ``text[offsets[k]:offsets[k + 1] - 1]`` (each text is
    followed by a NUL, which folded text never contains).  UTF-8 rather than
    ``str``: one Greek letter in 200,000 abstracts would otherwise widen the
    whole joined string to two or four bytes per character.  A substring match
    on UTF-8 bytes is a match on the characters, since UTF-8 is self-synchronising.
    ``bytes.find`` jumps to the next occurrence in C and ``bisect`` on the
    compact ``array`` of offsets maps it back to a paper.  Nothing per paper is
    kept besides the offsets (4 bytes each).
    """

    __slots__ = ("text", "offsets")

    def __init__(self, texts: Iterable[str]) -> None:
        # A bytearray grows in place (realloc), so the build never holds two
        # copies of the joined text; it is never written after this.
        buf = bytearray()
        offsets = array("I", [0])
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) == _BUILD_BATCH:
                offsets = self._add(buf, offsets, batch)
                batch = []
        if batch:
            offsets = self._add(buf, offsets, batch)
        self.text = buf
        self.offsets = offsets

    @staticmethod
    def _add(buf: bytearray, offsets: array, batch: list[str]) -> array:
        joined = "\x00".join(batch) + "\x00"
        if joined.isascii():
            sizes = [len(t) + 1 for t in batch]
        else:
            sizes = [(len(t) if t.isascii() else len(t.encode())) + 1 for t in batch]
        sizes[0] += len(buf)
        buf += joined.encode()
        if len(buf) > _MAX_U32 and offsets.typecode == "I":
            offsets = array("Q", offsets)
        offsets.extend(accumulate(sizes))
        return offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def texts(self) -> list[str]:
        """Every paper's folded text (for tests and debugging; builds new strings)."""
        return self.text[:-1].decode().split("\x00") if self.text else []

    def find_all(self, needle: bytes, should_stop: Callable[[], bool] | None = None) -> list[int]:
        """Ascending indices of papers whose text contains ``needle``."""
        out: list[int] = []
        append = out.append
        text, offsets = self.text, self.offsets
        find = text.find
        n = len(offsets) - 1
        for lo in range(0, n, _SEGMENT):
            if should_stop is not None and should_stop():
                raise SearchCancelled
            hi = min(n, lo + _SEGMENT)
            end = offsets[hi]
            pos = find(needle, offsets[lo], end)
            k = lo - 1
            hits = 0
            while pos != -1:
                k += 1
                nxt = offsets[k + 1]
                if pos >= nxt:  # not the very next paper: search for it
                    k = bisect_right(offsets, pos, k + 1, hi) - 1
                    nxt = offsets[k + 1]
                append(k)
                hits += 1
                if k + 1 >= hi:
                    break
                if hits >= 32 and hits * 3 > k - lo:
                    # Dense (a short, common needle): one bounded find per
                    # remaining paper of the segment beats find+bisect per hit;
                    # for one byte in over 90% of them, a regex listing the papers
                    # WITHOUT it beats both (at 50% it is twice slower).
                    if len(needle) == 1 and hits * 10 > (k + 1 - lo) * 9:
                        out.extend(self._without_byte(needle, k + 1, hi))
                    else:
                        out.extend([i for i in range(k + 1, hi) if find(needle, offsets[i], offsets[i + 1]) != -1])
                    break
                pos = find(needle, nxt, end)
        return out

    def _without_byte(self, byte: bytes, lo: int, hi: int) -> list[int]:
        """Papers ``lo..hi-1`` whose text contains the single byte ``byte``, for a byte in most of them.

        The regex (all in C) stops at each paper's terminating NUL whose next
        text lacks ``byte``: only the few misses cost Python work.  ``lo >= 1``.
        """
        offsets = self.offsets
        pattern = _MISSING_BYTE.get(byte)
        if pattern is None:
            pattern = _MISSING_BYTE[byte] = re.compile(b"\\x00(?=[^\\x00" + re.escape(byte) + b"]*\\x00)")
        out: list[int] = []
        start = lo
        for match in pattern.finditer(self.text, offsets[lo] - 1, offsets[hi]):
            miss = bisect_right(offsets, match.start() + 1, lo, hi) - 1
            out.extend(range(start, miss))
            start = miss + 1
        out.extend(range(start, hi))
        return out

    def find_in(
        self, needle: bytes, candidates: Sequence[int], should_stop: Callable[[], bool] | None = None
    ) -> list[int]:
        """Those of ``candidates`` (ascending) whose text contains ``needle``."""
        find, offsets = self.text.find, self.offsets
        out: list[int] = []
        for lo in range(0, len(candidates), _SEGMENT):
            if should_stop is not None and should_stop():
                raise SearchCancelled
            # A comprehension per segment: ~30% faster than an append per candidate.
            out += [i for i in candidates[lo : lo + _SEGMENT] if find(needle, offsets[i], offsets[i + 1]) != -1]
        return out


def _field_texts(papers: Sequence[Paper], key: str) -> Iterable[str]:
    """The folded text of field ``key`` for each paper."""
    if key == "default":
        # Parts joined by newline (never in folded text): no phrase spans two parts.
        return (
            f"{fold(p.title)}\n{fold(', '.join(p.authors))}\n{p.id.lower()}\n{' '.join(p.categories).lower()}"
            for p in papers
        )
    if key == "title":
        return (fold(p.title) for p in papers)
    if key == "authors":
        return (fold(", ".join(p.authors)) for p in papers)
    if key == "summary":
        return (fold(p.summary or "") for p in papers)
    if key == "comment":
        return (fold(p.comment or "") for p in papers)
    if key == "journal":
        return (fold(p.journal_ref or "") for p in papers)
    if key == "doi":
        return (fold(" ".join(p.dois)) for p in papers)
    raise ValueError(key)


def _build_haystack(papers: Sequence[Paper], key: str) -> _Haystack:
    """Fold field ``key`` of every paper into a haystack (tests count the calls)."""
    return _Haystack(_field_texts(papers, key))


class QueryEngine:
    """Filters a fixed list of papers fast; safe to use from several threads at once.

    Folded text per field is built lazily on the first query that needs it
    (the abstracts only on the first ``abs:``/``any:`` query), as are the
    category, id and date indexes; :meth:`prepare` builds them ahead of time.
    Each lazy index has its own lock: when several threads need the same one,
    it is built once and the others wait for it (a build is never abandoned,
    even by a cancelled search, since the next search needs it anyway).
    ``papers`` must not change afterwards; build a new engine when the list
    changes.
    """

    def __init__(self, papers: Sequence[Paper]) -> None:
        self.papers = papers
        self._haystacks: dict[str, _Haystack] = {}
        self._locks: dict[str, threading.Lock] = {
            key: threading.Lock() for key in (*TEXT_FIELDS, "cat", "id", "date")
        }
        self._cat_index: dict[str, array] | None = None
        self._id_keys: list[str] | None = None
        self._id_index: array = array("I")
        self._date_keys: list[str] | None = None
        self._date_index: array = array("I")
        self._date_starts: array = array("I")

    def __len__(self) -> int:
        return len(self.papers)

    def prepare(self, fields: Iterable[str] = ("default",)) -> None:
        """Build the haystacks of ``fields`` now (e.g. in a worker at start-up)."""
        for key in fields:
            self._haystack(key)

    def search(
        self,
        query: Query,
        states: Mapping[str, PaperState],
        candidates: Sequence[int] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[int]:
        """Indices (into ``papers``, ascending) of the papers matching ``query``.

        With ``candidates`` (ascending indices, e.g. the previous results when
        :meth:`Query.narrows` holds) only those are considered.

        ``should_stop`` (optional) is called between terms and every few
        thousand papers; when it returns True the search raises
        :class:`SearchCancelled` (a lazy index being built is finished first).
        Without it a search always runs to the end, as before.
        """
        if query.root is None:
            return list(candidates) if candidates is not None else list(range(len(self.papers)))
        cands = list(candidates) if candidates is not None else None
        return self._eval(query.root, cands, states, should_stop)

    # -- evaluation ---------------------------------------------------------

    def _eval(
        self,
        node: Node,
        cands: list[int] | None,
        states: Mapping[str, PaperState],
        stop: Callable[[], bool] | None,
    ) -> list[int]:
        """Matching indices within ``cands`` (None = every paper), ascending."""
        if stop is not None and stop():
            raise SearchCancelled
        if isinstance(node, Term):
            return self._eval_term(node, cands, states, stop)
        if isinstance(node, And):
            result = cands
            for child in sorted(node.children, key=_cost):
                result = self._eval(child, result, states, stop)
                if not result:
                    return []
            return result if result is not None else list(range(len(self.papers)))
        if isinstance(node, Or):
            found: set[int] = set()
            for child in node.children:
                found.update(self._eval(child, cands, states, stop))
            return sorted(found)
        # Not
        excluded = set(self._eval(node.child, cands, states, stop))
        pool = cands if cands is not None else range(len(self.papers))
        return [i for i in pool if i not in excluded]

    def _eval_term(
        self,
        term: Term,
        cands: list[int] | None,
        states: Mapping[str, PaperState],
        stop: Callable[[], bool] | None,
    ) -> list[int]:
        key = term.field
        if key in TEXT_FIELDS:
            hay = self._haystack(key)
            needle = term.needle.encode()
            if cands is not None and len(cands) < len(self.papers) * _FIND_IN_SHARE:
                # Checking each candidate costs about 1.2x its share of a full
                # scan, which also pays an intersection: measured break-even ~0.8.
                return hay.find_in(needle, cands, stop)
            return _intersect(hay.find_all(needle, stop), cands, len(self.papers))
        if key == "any":
            found: set[int] = set()
            for sub in ANY_FIELDS:
                if stop is not None and stop():
                    raise SearchCancelled
                found.update(self._eval_term(Term(sub, term.value, term.needle), cands, states, stop))
            return sorted(found)
        if key == "cat":
            needle = term.needle
            if cands is not None and len(cands) * 8 < len(self.papers):
                papers = self.papers
                return [i for i in cands if any(_cat_matches(c, needle) for c in papers[i].categories)]
            index = self._categories()
            exact = index.get(needle, ())
            archive = index.get("archive:" + needle, ())
            # Each array is ascending; a category without a dot is its own archive.
            if len(exact) and len(archive):
                hits = sorted(set(exact) | set(archive))
            else:
                hits = list(exact or archive)  # a fresh list: callers may keep or change the result
            return _intersect(hits, cands, len(self.papers))
        if key == "id":
            keys = self._ids()
            lo = bisect_left(keys, term.needle)
            hi = bisect_left(keys, term.needle + "\uffff")
            return _intersect(sorted(self._id_index[lo:hi]), cands)
        if key == "date":
            keys = self._dates()  # distinct dates; date k's papers start at _date_starts[k]
            starts = self._date_starts
            lo = starts[bisect_left(keys, term.lo)]
            hi = starts[bisect_right(keys, term.hi)]
            return _intersect(sorted(set(self._date_index[lo:hi])), cands)
        if key == "is":
            return self._eval_state(term.needle, cands, states)
        return []  # pragma: no cover - parse_query builds no other fields

    def _eval_state(self, state: str, cands: list[int] | None, states: Mapping[str, PaperState]) -> list[int]:
        attr = "starred" if state == "starred" else "read"
        hits: set[int] = set()
        wanted = [paper_id for paper_id, st in states.items() if getattr(st, attr, False)]
        if wanted:
            # The sorted id index answers "which papers have this id" without a
            # second per-paper dict; ids are matched exactly after the lookup.
            keys, index, papers = self._ids(), self._id_index, self.papers
            for paper_id in wanted:
                low = paper_id.lower()
                pos = bisect_left(keys, low)
                while pos < len(keys) and keys[pos] == low:
                    i = index[pos]
                    if papers[i].id == paper_id:
                        hits.add(i)
                    pos += 1
        if state == "unread":
            pool = cands if cands is not None else range(len(self.papers))
            return [i for i in pool if i not in hits]
        return _intersect(sorted(hits), cands)

    # -- lazy indexes (double-checked: the lock only on the first use) --------

    def _haystack(self, key: str) -> _Haystack:
        hay = self._haystacks.get(key)
        if hay is None:
            with self._locks[key]:
                hay = self._haystacks.get(key)
                if hay is None:
                    hay = self._haystacks[key] = _build_haystack(self.papers, key)
        return hay

    def _categories(self) -> dict[str, array]:
        """category -> indices, and ``archive:<prefix before the dot>`` -> indices."""
        if self._cat_index is None:
            with self._locks["cat"]:
                if self._cat_index is None:
                    index: dict[str, array] = {}
                    for i, paper in enumerate(self.papers):
                        seen = set()
                        for cat in paper.categories:
                            low = cat.lower()
                            for k in (low, "archive:" + low.split(".", 1)[0]):
                                if k not in seen:
                                    seen.add(k)
                                    found = index.get(k)
                                    if found is None:
                                        found = index[k] = array("I")
                                    found.append(i)
                    self._cat_index = index
        return self._cat_index

    def _ids(self) -> list[str]:
        """Lower-cased ids, sorted; ``_id_index[k]`` is the paper of ``_id_keys[k]``."""
        if self._id_keys is None:
            with self._locks["id"]:
                if self._id_keys is None:
                    pairs = []
                    for i, paper in enumerate(self.papers):
                        low = paper.id.lower()
                        pairs.append((paper.id if low == paper.id else low, i))  # share the id string
                    pairs.sort()
                    # Index first, keys last: a thread that sees the keys sees the index.
                    self._id_index = array("I", [i for _, i in pairs])
                    self._id_keys = [k for k, _ in pairs]
        return self._id_keys

    def _dates(self) -> list[str]:
        """The distinct dates (digest and published), sorted.

        The papers of date ``k`` are ``_date_index[_date_starts[k]:_date_starts[k + 1]]``
        (ascending): one start per distinct date rather than a date per entry.

        Few distinct dates: papers are bucketed per date (ascending within a
        bucket since they are visited in order), then the buckets concatenated
        in date order; no sort of one (date, index) pair per entry, which held
        the GIL for half a second at 200,000 papers.
        """
        if self._date_keys is None:
            with self._locks["date"]:
                if self._date_keys is None:
                    buckets: dict[str, array] = {}
                    for i, paper in enumerate(self.papers):
                        published = paper.published[:10] if paper.published else None
                        for ref in paper.digests:
                            found = buckets.get(ref.date)
                            if found is None:
                                found = buckets[ref.date] = array("I")
                            if not found or found[-1] != i:  # a date counted once per paper
                                found.append(i)
                        if published:
                            found = buckets.get(published)
                            if found is None:
                                found = buckets[published] = array("I")
                            if not found or found[-1] != i:
                                found.append(i)
                    index = array("I")
                    starts = array("I", [0])
                    keys = sorted(buckets)
                    for date in keys:
                        index.extend(buckets[date])
                        starts.append(len(index))
                    # Index and starts first, keys last: a thread that sees the keys sees the rest.
                    self._date_index = index
                    self._date_starts = starts
                    self._date_keys = keys
        return self._date_keys


def _cost(node: Node) -> tuple[int, int]:
    """Evaluation order inside an AND: cheap and selective first, exclusions last."""
    if isinstance(node, Term):
        if node.field in ("cat", "id", "date", "is"):
            return (0, 0)
        if node.field in ("summary", "any"):
            return (3, -len(node.needle))
        return (1, -len(node.needle))
    if isinstance(node, Not):
        return (4, 0)
    return (2, 0)


def _cat_matches(category: str, needle: str) -> bool:
    """``cat:needle`` matches ``category`` exactly or as its archive (``cs`` for ``cs.LG``)."""
    low = category.lower()
    return low == needle or low.split(".", 1)[0] == needle


def _intersect(found: list[int], cands: list[int] | None, total: int = -1) -> list[int]:
    """``found`` (ascending) restricted to ``cands`` (None = no restriction).

    ``total`` is the number of papers: candidates that many (ascending, no
    repeats) are every paper, and restrict nothing.
    """
    if cands is None or len(cands) == total:
        return found
    if not found or not cands:
        return []
    # A byte mask filled and read in C (map/compress): cheaper than a set of
    # the larger list when both lists hold tens of thousands of indices.
    mask = bytearray(max(found[-1], cands[-1]) + 1)
    small, large = (found, cands) if len(found) < len(cands) else (cands, found)
    deque(map(mask.__setitem__, small, repeat(1)), 0)
    return list(compress(large, map(mask.__getitem__, large)))


# --------------------------------------------------------------------------
# Highlighting and a convenience filter
# --------------------------------------------------------------------------


def highlight_spans(query: Query, text: str, field_name: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of ``text`` that ``query`` matched in field ``field_name``.

    ``field_name`` is one of ``"title"``, ``"authors"``, ``"summary"``, ``"comment"``,
    ``"journal"``, ``"id"``, ``"categories"`` (also ``"doi"``). Spans index the
    original ``text`` (accents and all), are sorted and non-overlapping.  Only
    positive terms highlight; excluded ones never do.
    """
    if query.root is None or not text:
        return []
    spans: list[tuple[int, int]] = []
    folded: str | None = None
    index: list[int] = []
    for term, positive in _terms(query.root, True):
        if not positive or field_name not in _HIGHLIGHT_FIELDS.get(term.field, ()):
            continue
        if term.field == "cat":
            for match in _CATEGORY_TOKEN.finditer(text):
                if _cat_matches(match.group(), term.needle):
                    spans.append(match.span())
            continue
        if term.field == "id":
            stripped = text.lower()
            start = stripped.find(term.needle)
            if start != -1 and (start == 0 or not stripped[start - 1].isalnum()):
                spans.append((start, start + len(term.needle)))
            continue
        if folded is None:
            folded, index = fold_with_map(text)
        needle = term.needle
        pos = folded.find(needle)
        while pos != -1:
            end = pos + len(needle)
            spans.append((index[pos], index[end - 1] + 1))
            pos = folded.find(needle, end)
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def filter_papers(
    papers: Sequence[Paper],
    text: str,
    states: Mapping[str, PaperState] | None = None,
) -> tuple[list[Paper], list[str]]:
    """Papers matching query ``text`` (in their order) and the parse warnings; for the CLI."""
    query = parse_query(text)
    indices = QueryEngine(papers).search(query, states or {})
    return [papers[i] for i in indices], list(query.warnings)
