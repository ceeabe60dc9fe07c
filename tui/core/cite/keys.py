"""Citation keys from a template, in the style Better BibTeX made familiar.

The default template ``{auth}{year}{shorttitle}`` gives ``ghandi2022deep``:

* ``{auth}``: the first author's last name, lower-case ASCII (``Dünnwald`` ->
  ``dunnwald``; suffixes such as ``Jr.`` and ``III`` skipped, so
  ``van der Maaten`` -> ``maaten``); ``anon`` without authors.  ``{Auth}`` is
  the same capitalised.
* ``{year}``: the entry's year (:func:`entry_year`: the venue's when the
  journal reference gives one, else the first arXiv version's), so the key
  agrees with the ``year`` field; ``{shortyear}``: its last two digits.
* ``{shorttitle}``: the first meaningful title word, lower-case ASCII.  Function
  words (:data:`STOP_WORDS`) are skipped; a short part before a hyphen joins
  what follows (``M-GATE`` -> ``mgate``, ``S-Avatar`` -> ``savatar``,
  ``X-ray`` -> ``xray``); a formula glued to a word stays in it (``S$^2$FPR``
  -> ``s2fpr``), and so does one that is a name on its own
  (``$\\mathbf{S^2LM}$:`` -> ``s2lm``), while other formulas standing alone
  are skipped (``$\\ell_0$ Minimization`` -> ``minimization``).
  ``{shorttitle:3}`` joins the first three such words (1 to 9);
  ``{Shorttitle}`` capitalises them.
* ``{id}``: the arXiv id (``2201.12944``, ``quant-ph.9802028``).

Anything else in a template must be characters keys may hold (letters, digits,
``_ . : + -``); a template is at most :data:`MAX_TEMPLATE_LENGTH` characters
and a key at most :data:`MAX_KEY_LENGTH`.  Making keys unique, the same in every
export, is :mod:`.unique_keys`.
"""

from __future__ import annotations

import re

from unidecode import unidecode

from ..mathspans import math_spans
from ..models import Paper
from .escaping import clean_text
from .journal import parse_journal_ref

DEFAULT_KEY_TEMPLATE = "{auth}{year}{shorttitle}"
MAX_TEMPLATE_LENGTH = 100
MAX_KEY_LENGTH = 100
MAX_TITLE_WORDS = 9

#: Title words never used in a key: English closed-class words (articles,
#: prepositions, conjunctions, pronouns, auxiliary verbs, question words,
#: negation), which never name what a paper is about.  Content words stay,
#: however short or common ("new", "deep", "all", "more"), because a title that
#: starts with one ("All in One", "Less is More") is known by it.
STOP_WORDS = frozenset(
    # articles, conjunctions
    "a an the and or nor but yet so if whether than "
    # prepositions
    "of on in into onto to towards toward for from with without within via by at as about above across "
    "after against along amid among amongst around before behind below beneath beside besides between "
    "beyond despite during except inside like near off out outside over past per since through throughout "
    "till under underneath unlike until up upon versus vs "
    # pronouns and determiners
    "i me my we us our you your he him his she her it its they them their this that these those "
    # auxiliary verbs
    "is are was were be been being am do does did can could may might must shall should will would "
    "has have had "
    # question words, negation
    "what how when why which who whom whose where not no".split()
)

_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z]+)(?::(\d+))?\}")
_PLACEHOLDERS = {"auth", "Auth", "year", "shortyear", "shorttitle", "Shorttitle", "id"}
#: Characters BibTeX keys may hold.
_KEY_CHARACTERS = "A-Za-z0-9_.:+\\-"
_KEY_FORBIDDEN_RE = re.compile(f"[^{_KEY_CHARACTERS}]")
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_CMD_RE = re.compile(r"\\[A-Za-z]+|\\.")
#: Letters written as commands: "$\ell_1$-norm" -> l1norm.
_LETTER_COMMANDS = {r"\ell": "l", r"\imath": "i", r"\jmath": "j"}
_LETTER_COMMAND_RE = re.compile("|".join(re.escape(c) for c in _LETTER_COMMANDS) + r"(?![A-Za-z])")


class KeyTemplateError(ValueError):
    """A key template that is unusable (and why)."""


def check_key_template(template: str) -> str:
    """Return ``template`` if it is usable, else raise :class:`KeyTemplateError`."""
    if not isinstance(template, str) or not template.strip():
        raise KeyTemplateError("the key template is empty")
    if len(template) > MAX_TEMPLATE_LENGTH:
        raise KeyTemplateError(f"the key template is {len(template):,} characters long (at most {MAX_TEMPLATE_LENGTH})")
    placeholders = list(_PLACEHOLDER_RE.finditer(template))
    for match in placeholders:
        name, count = match.group(1), match.group(2)
        if name not in _PLACEHOLDERS:
            known = ", ".join("{" + p + "}" for p in sorted(_PLACEHOLDERS, key=str.lower))
            raise KeyTemplateError(f"unknown placeholder {{{name}}} in key template (known: {known})")
        if count is not None and name.lower() != "shorttitle":
            raise KeyTemplateError(f"{{{name}:{count}}}: only shorttitle takes a word count")
        if count is not None and not 1 <= int(count) <= MAX_TITLE_WORDS:
            raise KeyTemplateError(f"{{{name}:{count}}}: the word count must be 1 to {MAX_TITLE_WORDS}")
    if not placeholders:
        raise KeyTemplateError(f"the key template {template!r} has no placeholder: every paper would get the same key")
    leftover = _PLACEHOLDER_RE.sub("", template)
    if "{" in leftover or "}" in leftover:
        raise KeyTemplateError(f"unbalanced brace in key template {template!r}")
    if bad := sorted(set(_KEY_FORBIDDEN_RE.findall(leftover))):
        shown = " ".join(repr(c) for c in bad)
        raise KeyTemplateError(
            f"keys can't hold {shown} (the key template {template!r}); use letters, digits, _ . : + -"
        )
    return template


def entry_year(paper: Paper) -> str:
    """The year every citation format shows: the venue's when the journal
    reference gives one (a range ``2021--2022`` as written), else the year of
    the first arXiv version."""
    return parse_journal_ref(paper.journal_ref).year or paper.year


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


def _formula_word(formula: str) -> str:
    """The letters and digits of a formula ("\\mathbf{S^2LM}" -> "S2LM")."""
    formula = _LETTER_COMMAND_RE.sub(lambda m: _LETTER_COMMANDS[m.group(0)], formula)
    return re.sub(r"[{}^_\s]", "", _CMD_RE.sub("", formula))


def _title_plain(title: str) -> str:
    """The title with LaTeX reduced to letters.  A formula glued to a word
    (or to one by a hyphen: ``$k$-means``) stays in it, and so does a formula
    that is a name on its own (two letters or more, nothing else); any other
    formula standing alone goes."""
    text = clean_text(title)
    pieces: list[str] = []
    for is_math, start, end in math_spans(text):
        chunk = text[start:end]
        if not is_math:
            pieces.append(_CMD_RE.sub(" ", chunk))
            continue
        before = text[start - 1] if start else " "
        after = text[end : end + 2]
        glued = before.isalnum() or after[:1].isalnum() or (after[:1] == "-" and after[1:2].isalnum())
        word = _formula_word(chunk.strip("$"))
        named = re.fullmatch(r"[A-Za-z0-9]+", word) is not None and sum(c.isalpha() for c in word) >= 2
        if glued:
            pieces.append(word if re.fullmatch(r"[A-Za-z0-9]*", word) else re.sub(r"[^A-Za-z0-9]", "", word))
        else:
            pieces.append(f" {word} " if named else " ")
    # Glue characters that sit inside a word ("E^2VPT", "A*3D", "Schrödinger's").
    plain = re.sub(r"[$\^_*'’{}]", "", unidecode("".join(pieces)).lower())
    # A short part before a hyphen joins what follows: "m-gate" -> "mgate".
    previous = None
    while previous != plain:
        previous = plain
        plain = re.sub(r"(?<![a-z0-9])([a-z0-9]{1,2})-(?=[a-z0-9])", r"\1", plain)
    return plain


def title_words(title: str, count: int = 1) -> list[str]:
    """The first ``count`` meaningful title words, lower-case ASCII."""
    words = [w for w in re.findall(r"[a-z0-9]+", _title_plain(title)) if w not in STOP_WORDS]
    return words[:count]


def placeholder_value(paper: Paper, name: str, count: str | None = None) -> str:
    """What one placeholder of a template gives ``paper``."""
    if name in ("auth", "Auth"):
        value = (last_name(paper.authors[0]) if paper.authors else "") or "anon"
        return value.capitalize() if name == "Auth" else value
    if name in ("year", "shortyear"):
        year = entry_year(paper).split("--")[0]
        return year[2:] if name == "shortyear" else year
    if name in ("shorttitle", "Shorttitle"):
        words = title_words(paper.title, int(count) if count else 1)
        return "".join(w.capitalize() for w in words) if name == "Shorttitle" else "".join(words)
    if name == "id":
        return paper.id.replace("/", ".")
    return name  # checked by check_key_template; keep unknown text visible


def first_placeholder(template: str) -> tuple[str, str | None] | None:
    """The first placeholder of ``template`` as ``(name, count)``, or None."""
    match = _PLACEHOLDER_RE.search(template)
    return (match.group(1), match.group(2)) if match else None


def citation_key(paper: Paper, template: str = DEFAULT_KEY_TEMPLATE) -> str:
    """The key ``template`` gives ``paper`` (not yet made unique)."""
    filled = _PLACEHOLDER_RE.sub(lambda m: placeholder_value(paper, m.group(1), m.group(2)), template)
    key = _KEY_FORBIDDEN_RE.sub("", unidecode(filled))[:MAX_KEY_LENGTH]
    return key or _KEY_FORBIDDEN_RE.sub("", paper.id.replace("/", "."))
