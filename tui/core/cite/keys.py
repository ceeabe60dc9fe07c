"""Citation keys from a template, in the style Better BibTeX made familiar.

The default template ``{auth}{year}{shorttitle}`` gives ``ghandi2022deep``:

* ``{auth}``: the first author's last name, lower-case ASCII (``Dünnwald`` ->
  ``dunnwald``; suffixes such as ``Jr.`` and ``III`` skipped, so
  ``van der Maaten`` -> ``maaten``); ``anon`` without authors.  ``{Auth}`` is
  the same capitalised.
* ``{year}``: the year of the first arXiv version (``{shortyear}``: two
  digits).  Not the venue's year, so a key never changes when a journal
  reference appears in a later version.
* ``{shorttitle}``: the first meaningful title word, lower-case ASCII:
  function words (``a``, ``the``, ``towards``...) are skipped, and so is a
  formula standing alone (``$\\ell_0$ Minimization`` -> ``minimization``),
  while a formula inside a word is kept (``S$^2$FPR`` -> ``s2fpr``).
  ``{shorttitle:3}`` joins the first three such words; ``{Shorttitle}`` is
  capitalised.
* ``{id}``: the arXiv id (``2201.12944``, ``quant-ph.9802028``).

Anything else in the template is kept as typed, minus characters BibTeX does
not allow in keys.  A key depends only on the paper, so the same paper gets
the same key in every export; when several papers in one file share a key,
they are told apart with ``a``, ``b``, ... ``z``, ``aa``... in arXiv-id order.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from unidecode import unidecode

from ..mathspans import math_spans
from ..models import Paper
from .escaping import clean_text

DEFAULT_KEY_TEMPLATE = "{auth}{year}{shorttitle}"

#: Title words never used as the key's words.
STOP_WORDS = frozenset(
    "a an the on of towards toward to in into onto for and or with without from via by at as "
    "is are be do does can what how when why which who we our its it this that these those "
    "vs versus about over under between through".split()
)

_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z]+)(?::(\d+))?\}")
_PLACEHOLDERS = {"auth", "Auth", "year", "shortyear", "shorttitle", "Shorttitle", "id"}
#: Characters BibTeX keys may not contain (besides whitespace and non-ASCII).
_KEY_FORBIDDEN_RE = re.compile(r"[^A-Za-z0-9_.:+\-]")
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_CMD_RE = re.compile(r"\\[A-Za-z]+|\\.")


class KeyTemplateError(ValueError):
    """A key template with an unknown placeholder or that yields no key."""


def check_key_template(template: str) -> str:
    """Return ``template`` if it is usable, else raise :class:`KeyTemplateError`."""
    if not isinstance(template, str) or not template.strip():
        raise KeyTemplateError("the key template is empty")
    for match in _PLACEHOLDER_RE.finditer(template):
        name, count = match.group(1), match.group(2)
        if name not in _PLACEHOLDERS:
            known = ", ".join("{" + p + "}" for p in sorted(_PLACEHOLDERS, key=str.lower))
            raise KeyTemplateError(f"unknown placeholder {{{name}}} in key template (known: {known})")
        if count is not None and name.lower() != "shorttitle":
            raise KeyTemplateError(f"{{{name}:{count}}}: only shorttitle takes a word count")
    leftover = _PLACEHOLDER_RE.sub("", template)
    if "{" in leftover or "}" in leftover:
        raise KeyTemplateError(f"unbalanced brace in key template {template!r}")
    return template


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unidecode(text).lower())


def last_name(author: str) -> str:
    """The last word of a name as lower-case ASCII, skipping suffixes (``Jr.``)."""
    words = [w for w in clean_text(author).replace(",", " ").split() if w]
    while len(words) > 1 and _ascii_word(words[-1]) in _NAME_SUFFIXES:
        words.pop()
    for word in reversed(words):
        ascii_word = _ascii_word(word)
        if ascii_word:
            return ascii_word
    return ""


def _title_plain(title: str) -> str:
    """The title with LaTeX reduced to letters: a formula glued to a word stays
    in it (its command names dropped); a formula standing alone goes."""
    text = clean_text(title)
    pieces: list[str] = []
    for is_math, start, end in math_spans(text):
        chunk = text[start:end]
        if not is_math:
            pieces.append(_CMD_RE.sub(" ", chunk))
            continue
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        glued = before.isalnum() or after.isalnum()
        pieces.append(_CMD_RE.sub("", chunk.strip("$")) if glued else " ")
    # Glue characters that sit inside a word ("E^2VPT", "A*3D", "Schrödinger's").
    return re.sub(r"[$\^_*'’{}]", "", unidecode("".join(pieces)).lower())


def title_words(title: str, count: int = 1) -> list[str]:
    """The first ``count`` meaningful title words, lower-case ASCII."""
    words = [w for w in re.findall(r"[a-z0-9]+", _title_plain(title)) if w not in STOP_WORDS]
    return words[:count]


def citation_key(paper: Paper, template: str = DEFAULT_KEY_TEMPLATE) -> str:
    """The key ``template`` gives ``paper`` (not yet made unique)."""

    def fill(match: re.Match[str]) -> str:
        name, count = match.group(1), match.group(2)
        if name in ("auth", "Auth"):
            value = (last_name(paper.authors[0]) if paper.authors else "") or "anon"
        elif name == "year":
            value = paper.year
        elif name == "shortyear":
            value = paper.year[2:]
        elif name in ("shorttitle", "Shorttitle"):
            words = title_words(paper.title, int(count) if count else 1)
            value = "".join(w.capitalize() for w in words) if name == "Shorttitle" else "".join(words)
        elif name == "id":
            value = paper.id.replace("/", ".")
        else:  # checked by check_key_template; keep unknown text visible
            value = name
        return value.capitalize() if name == "Auth" else value

    key = _KEY_FORBIDDEN_RE.sub("", unidecode(_PLACEHOLDER_RE.sub(fill, template)))
    return key or _KEY_FORBIDDEN_RE.sub("", paper.id.replace("/", "."))


def _suffix(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa ... (bijective base 26)."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def citation_keys(
    papers: Sequence[Paper],
    template: str = DEFAULT_KEY_TEMPLATE,
    taken: Collection[str] = (),
) -> list[str]:
    """One key per paper, unique among them and against ``taken`` (keys already
    in a file).  Papers sharing a key get ``a``, ``b``... in arXiv-id order, so
    the result does not depend on the order of ``papers``; a suffixed key
    never takes the plain key another paper has."""
    bases = [citation_key(p, template) for p in papers]
    reserved = {k.lower() for k in taken}
    natural = {b.lower() for b in bases}
    keys: list[str] = [""] * len(papers)
    used = set(reserved)
    groups: dict[str, list[int]] = {}
    for index, base in enumerate(bases):
        groups.setdefault(base, []).append(index)
    for base, members in groups.items():
        members.sort(key=lambda i: (papers[i].id, i))
        n = 0
        for index in members:
            key = base
            while key.lower() in used or (n and key.lower() in natural):
                n += 1
                key = base + _suffix(n)
            used.add(key.lower())
            keys[index] = key
    return keys
