"""The filter language's tokenizer: query text -> parentheses, operators and :class:`.nodes.Term` tokens.

Words, phrases and ``field:value`` become terms here (through :func:`.terms.make_term`),
``@name`` becomes the saved search's syntax tree (through the parser's expander), and
only the first :data:`MAX_TERMS` terms are kept, with a warning naming what was left out.
"""

from __future__ import annotations

from typing import Protocol

from .nodes import FIELD_ALIASES, Node, Term
from .terms import make_term

#: The tokens besides terms and expanded saved searches (``|`` is read as OR; ``-`` is a NOT
#: kept apart from the word only so that a warning names what was typed).
LPAREN, RPAREN, OR, AND, NOT, MINUS = "(", ")", "OR", "AND", "NOT", "-"
_WORD_STOP = frozenset(' \t\r\n\f\v()"|')
#: Terms searched (a term costs a scan of the library); later ones are ignored, with a warning.
MAX_TERMS = 100


class Expander(Protocol):
    """What the tokenizer needs for ``@name``: the saved search's syntax tree (see :mod:`.syntax`)."""

    def expand(self, raw: str, warnings: list[str]) -> Node | None: ...


def tokenize(text: str, default_field: str, warnings: list[str], expander: Expander) -> list[object]:
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
            tokens.append(LPAREN)
            i += 1
        elif ch == ")":
            tokens.append(RPAREN)
            i += 1
        elif ch == "|":
            tokens.append(OR)
            i += 1
        elif ch == "-":
            if i + 1 >= n or text[i + 1].isspace() or text[i + 1] == ")":
                warnings.append("ignored lone '-'")
            else:
                tokens.append(MINUS)
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
                tokens.append(OR)
                continue
            if word == "AND":
                tokens.append(AND)  # implicit anyway; kept to notice a dangling one
                continue
            if word == "NOT":
                tokens.append(NOT)
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
    while tokens and tokens[-1] in (NOT, MINUS, OR, AND, LPAREN):
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
    term = make_term(key, value, warnings, label or key)
    if term is not None:
        tokens.append(term)
    elif quoted and not value.strip():
        warnings.append("ignored empty quotes")
