"""Citations: BibTeX, BibLaTeX, plain text, Markdown, bare ids and URLs.

Every format function takes a sequence of :class:`Paper` and returns one
string ending with a newline (empty string for no papers): bib entries are
separated by a blank line, the other formats give one line per paper.

Choices made here (all deliberate, all tested):

* **Keys** are ``lastnameYEARfirstword``: ASCII (via unidecode), lower case,
  the last word of the first author's name (suffixes such as ``Jr.`` and
  ``III`` skipped, so ``van der Maaten`` -> ``maaten``, ``Gemini Team`` ->
  ``team``), the year, and the first title word that is not a stop word
  (``a``, ``the``, ``on``, ``towards``...) once math and LaTeX commands are
  removed.  Within one export the first paper keeps the plain key and later
  clashes get ``a``, ``b``, ... ``z``, ``aa``, ``ab`` ... appended
  (``smith2024deep``, ``smith2024deepa``, ``smith2024deepb``).
* **Titles** keep their LaTeX (``$\\ell_0$``) and are wrapped in a second pair
  of braces (``title = {{...}}``) so bibliography styles keep their case.
* **Escaping** (both bib formats): bare ``& % #`` -> ``\\& \\% \\#`` (also in
  math, where ``%`` would otherwise comment out the rest); outside math
  ``_`` -> ``\\_`` and ``^`` -> ``\\^{}``; a ``$`` without a partner ->
  ``\\$``; a brace without a partner -> ``\\textbraceleft{}`` /
  ``\\textbraceright{}`` (``\\lbrace{}`` / ``\\rbrace{}`` in math), so every
  entry parses.  Existing escapes (``\\&``) and commands are kept.
* **Non-ASCII**: BibTeX turns Latin letters into accent commands
  (``ü`` -> ``{\\"u}``, ``ł`` -> ``{\\l}``), Greek and a few symbols into math
  (``Σ`` -> ``$\\Sigma$``), and keeps anything else (CJK...) as UTF-8.
  BibLaTeX keeps UTF-8 throughout.  Control characters are dropped everywhere.
* ``<``, ``>`` and ``|`` are kept as typed: they print correctly with the T1
  font encoding that modern documents use.
* **Names** that contain `` and `` or a comma are wrapped in braces so BibTeX
  keeps them as one name.
* **DOI**: the first DOI of the paper that looks like one (``10.<digits>/...``
  with no space or brace); a malformed DOI such as ``0.1145/...`` (arXiv data
  has some) is left out rather than exported as a broken link.
* **Plain text** lists up to :data:`MAX_TEXT_AUTHORS` authors as
  ``A, B, and C``; longer lists become ``First Author et al.``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from unidecode import unidecode

from .models import Paper
from .mathspans import math_spans
from .texmap import MATH_SYMBOLS, TEXT_SYMBOLS, latin_to_latex

#: Plain text names every author up to this many, else "First et al.".
MAX_TEXT_AUTHORS = 10

#: Title words never used as the key's word.
STOP_WORDS = frozenset(
    "a an the on of towards toward to in for and or with from via by at as is are "
    "do does can what how when why which who we".split()
)

_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_DOI_RE = re.compile(r"^10\.\d{4,9}/[^\s{}]+$")
_WS_RE = re.compile(r"\s+")
_LINE_WS_RE = re.compile(r"[\t\n\r\v\f]")
#: Unicode category Cc is exactly these two ranges.
_CTRL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Text without any of these needs no escaping at all (the common case).
_NEEDS_ESCAPE_RE = re.compile(r"[\\$&%#_^{}]|[^\x00-\x7f]")
_CMD_RE = re.compile(r"\\[A-Za-z]+|\\.")
_MATH_RE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$")


# --------------------------------------------------------------------------
# Cleaning and keys


def clean_text(text: str | None) -> str:
    """Drop control characters and collapse whitespace (all formats use this)."""
    if not text:
        return ""
    text = _CTRL_RE.sub("", _LINE_WS_RE.sub(" ", text))
    return _WS_RE.sub(" ", text).strip()


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unidecode(text).lower())


def _last_name(author: str) -> str:
    words = [w for w in clean_text(author).replace(",", " ").split() if w]
    while len(words) > 1 and _ascii_word(words[-1]) in _NAME_SUFFIXES:
        words.pop()
    for word in reversed(words):
        ascii_word = _ascii_word(word)
        if ascii_word:
            return ascii_word
    return ""


def _first_title_word(title: str) -> str:
    text = _MATH_RE.sub(" ", clean_text(title))
    text = _CMD_RE.sub(" ", text)
    # Glue characters that sit inside a word ("E^2VPT", "A*3D", "Schrödinger's").
    text = re.sub(r"[\^*'’{}]", "", unidecode(text).lower())
    for word in re.findall(r"[a-z0-9]+", text):
        if word not in STOP_WORDS:
            return word
    return ""


def citation_key(paper: Paper) -> str:
    """``lastnameYEARfirstword``, ASCII only (not yet made unique)."""
    last = _last_name(paper.authors[0]) if paper.authors else ""
    return f"{last or 'anon'}{paper.year}{_first_title_word(paper.title)}"


def _suffix(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa ... (bijective base 26)."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def citation_keys(papers: Sequence[Paper]) -> list[str]:
    """One key per paper, unique within the sequence (``a``, ``b``... on clashes)."""
    bases = [citation_key(p) for p in papers]
    taken = set(bases)
    used: set[str] = set()
    keys = []
    for base in bases:
        key, n = base, 0
        while key in used or (n and key in taken):
            n += 1
            key = base + _suffix(n)
        used.add(key)
        keys.append(key)
    return keys


# --------------------------------------------------------------------------
# LaTeX escaping


def _unmatched_braces(text: str) -> set[int]:
    """Positions of braces with no partner.

    Escaped (``\\{``) and bare braces are paired separately, so the result
    balances whether a reader counts escaped braces (BibTeX does) or not.
    """
    bad: set[int] = set()
    stacks: dict[bool, list[int]] = {True: [], False: []}
    i = 0
    while i < len(text):
        ch = text[i]
        escaped = False
        if ch == "\\" and i + 1 < len(text):
            if text[i + 1] in "{}":
                escaped, i = True, i + 1
                ch = text[i]
            else:
                i += 2
                continue
        if ch == "{":
            stacks[escaped].append(i)
        elif ch == "}":
            if stacks[escaped]:
                stacks[escaped].pop()
            else:
                bad.add(i)
        i += 1
    bad.update(stacks[True])
    bad.update(stacks[False])
    return bad


_TEXT_ESCAPES = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "^": r"\^{}", "$": r"\$"}
_MATH_ESCAPES = {"&": r"\&", "%": r"\%", "#": r"\#"}
_KEEP_AFTER_BACKSLASH = set("&%#_$\\ ,;:!'\"`^~.=-|/()[]@")


def latex_escape(text: str | None, *, ascii_only: bool = True) -> str:
    """Make ``text`` safe inside a BibTeX brace-delimited field value.

    LaTeX already in the text (math, commands, escapes) is kept; see the module
    docstring for the rules.  With ``ascii_only`` (BibTeX) non-ASCII letters
    become accent commands; without it (BibLaTeX) they stay UTF-8.
    """
    text = clean_text(text)
    if not _NEEDS_ESCAPE_RE.search(text):
        return text
    bad = _unmatched_braces(text)
    out: list[str] = []
    for is_math, start, end in math_spans(text):
        i = start
        while i < end:
            ch = text[i]
            nxt = text[i + 1] if i + 1 < end else ""
            if ch in "{}" or (ch == "\\" and nxt in ("{", "}") and nxt):
                pos = i + 1 if ch == "\\" else i
                brace = text[pos]
                if pos in bad:
                    if is_math:
                        out.append(r"\lbrace{}" if brace == "{" else r"\rbrace{}")
                    else:
                        out.append(r"\textbraceleft{}" if brace == "{" else r"\textbraceright{}")
                else:
                    out.append(text[i : pos + 1])
                i = pos + 1
                continue
            if ch == "\\":
                if nxt.isascii() and nxt.isalpha():
                    j = i + 1
                    while j < end and text[j].isascii() and text[j].isalpha():
                        j += 1
                    out.append(text[i:j])
                    i = j
                elif nxt in _KEEP_AFTER_BACKSLASH and nxt:
                    out.append(text[i : i + 2])
                    i += 2
                else:  # lone backslash: end of text or before something odd
                    out.append(r"\backslash{}" if is_math else r"\textbackslash{}")
                    i += 1
                continue
            if is_math:
                if ch in _MATH_ESCAPES:
                    out.append(_MATH_ESCAPES[ch])
                elif ascii_only and ch in MATH_SYMBOLS:
                    cmd = MATH_SYMBOLS[ch]
                    # "\mu" before a letter needs a space to end the command.
                    if cmd[-1].isalpha() and nxt.isascii() and nxt.isalpha():
                        cmd += " "
                    out.append(cmd)
                else:
                    out.append(ch)
            elif ch in _TEXT_ESCAPES:
                out.append(_TEXT_ESCAPES[ch])
            elif ascii_only and not ch.isascii():
                out.append(_non_ascii_text(ch))
            else:
                out.append(ch)
            i += 1
    # Parsers such as bibtexparser read "\\}" as an escaped brace: a space
    # keeps a LaTeX line break off any brace that follows it (or the field's end).
    for n, piece in enumerate(out):
        if piece == "\\\\" and (n + 1 == len(out) or out[n + 1][:1] in ("{", "}")):
            out[n] = "\\\\ "
    return "".join(out)


def _non_ascii_text(ch: str) -> str:
    latin = latin_to_latex(ch)
    if latin:
        return latin
    if ch in TEXT_SYMBOLS:
        return TEXT_SYMBOLS[ch]
    if ch in MATH_SYMBOLS:
        return f"${MATH_SYMBOLS[ch]}$"
    return ch  # no LaTeX spelling (CJK, Cyrillic...): keep UTF-8


# --------------------------------------------------------------------------
# Bib formats


def first_valid_doi(paper: Paper) -> str | None:
    """The first DOI that looks well formed (``10.NNNN/...``), else ``None``."""
    for doi in paper.dois:
        doi = clean_text(doi)
        if _DOI_RE.match(doi):
            return doi
    return None


def _entry(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    width = max(len(name) for name, _ in fields)
    lines = [f"@{kind}{{{key},"]
    for n, (name, value) in enumerate(fields):
        comma = "," if n < len(fields) - 1 else ""
        lines.append(f"  {name.ljust(width)} = {{{value}}}{comma}")
    lines.append("}")
    return "\n".join(lines)


def _bib_name(name: str) -> str:
    """Brace a name that BibTeX would otherwise split or reorder ("A and B", "X, Y")."""
    if re.search(r"\sand\s|,", name, flags=re.IGNORECASE):
        return "{" + name + "}"
    return name


def _bib_common(paper: Paper, ascii_only: bool) -> tuple[str, str, str | None]:
    title = "{" + latex_escape(paper.title, ascii_only=ascii_only) + "}"
    names = (_bib_name(latex_escape(a, ascii_only=ascii_only)) for a in paper.authors)
    author = " and ".join(n for n in names if n)
    journal = latex_escape(paper.journal_ref, ascii_only=ascii_only) or None
    return title, author, journal


def _primary(paper: Paper) -> str:
    return clean_text(paper.primary_category or (paper.categories[0] if paper.categories else ""))


def _bibtex_entry(paper: Paper, key: str) -> str:
    title, author, journal = _bib_common(paper, ascii_only=True)
    fields = [("title", title)]
    if author:
        fields.append(("author", author))
    if journal:
        fields.append(("journal", journal))
    if paper.year:
        fields.append(("year", paper.year))
    fields += [("eprint", clean_text(paper.id)), ("archivePrefix", "arXiv")]
    if primary := _primary(paper):
        fields.append(("primaryClass", primary))
    fields.append(("url", clean_text(paper.abs_url)))
    if doi := first_valid_doi(paper):
        fields.append(("doi", doi))
    return _entry("article" if journal else "misc", key, fields)


def _biblatex_entry(paper: Paper, key: str) -> str:
    title, author, journal = _bib_common(paper, ascii_only=False)
    fields = [("title", title)]
    if author:
        fields.append(("author", author))
    if journal:
        fields.append(("journaltitle", journal))
    date = (paper.published or "")[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        fields.append(("date", date))
    elif paper.year:
        fields.append(("year", paper.year))
    fields += [("eprinttype", "arxiv"), ("eprint", clean_text(paper.id))]
    if primary := _primary(paper):
        fields.append(("eprintclass", primary))
    fields.append(("url", clean_text(paper.abs_url)))
    if doi := first_valid_doi(paper):
        fields.append(("doi", doi))
    return _entry("article" if journal else "online", key, fields)


def _join_entries(entries: list[str]) -> str:
    return "\n\n".join(entries) + "\n" if entries else ""


def bibtex(papers: Sequence[Paper]) -> str:
    """BibTeX entries (``@misc``, or ``@article`` with a journal reference), ASCII."""
    keys = citation_keys(papers)
    return _join_entries([_bibtex_entry(p, k) for p, k in zip(papers, keys)])


def biblatex(papers: Sequence[Paper]) -> str:
    """BibLaTeX entries (``@online``, or ``@article`` with a journal reference), UTF-8."""
    keys = citation_keys(papers)
    return _join_entries([_biblatex_entry(p, k) for p, k in zip(papers, keys)])


# --------------------------------------------------------------------------
# Line formats


def _join_lines(lines: list[str]) -> str:
    return "\n".join(lines) + "\n" if lines else ""


def _author_list(authors: Sequence[str]) -> str:
    names = [n for n in (clean_text(a) for a in authors) if n]
    if not names:
        return ""
    if len(names) > MAX_TEXT_AUTHORS:
        return f"{names[0]} et al."
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _plain_line(paper: Paper) -> str:
    parts = []
    authors = _author_list(paper.authors)
    year = f"({paper.year})" if paper.year else ""
    head = " ".join(x for x in (authors, year) if x)
    if head:
        parts.append(head if head.endswith(".") else head + ".")
    title = clean_text(paper.title)
    if title:
        parts.append(title if title[-1] in ".?!" else title + ".")
    ref = f"arXiv:{clean_text(paper.id)}"
    if primary := _primary(paper):
        ref += f" [{primary}]"
    parts.append(ref + ".")
    return " ".join(parts)


def plain_text(papers: Sequence[Paper]) -> str:
    """``Authors (year). Title. arXiv:ID [cat].`` one paper per line."""
    return _join_lines([_plain_line(p) for p in papers])


def markdown(papers: Sequence[Paper]) -> str:
    """``[Title](https://arxiv.org/abs/ID)`` one paper per line, brackets escaped."""
    lines = []
    for p in papers:
        title = re.sub(r"([\[\]])", r"\\\1", clean_text(p.title)) or clean_text(p.id)
        lines.append(f"[{title}]({clean_text(p.abs_url)})")
    return _join_lines(lines)


def arxiv_ids(papers: Sequence[Paper]) -> str:
    """``arXiv:ID`` (without version) one per line."""
    return _join_lines([f"arXiv:{clean_text(p.id)}" for p in papers])


def abs_urls(papers: Sequence[Paper]) -> str:
    """``https://arxiv.org/abs/ID`` one per line."""
    return _join_lines([clean_text(p.abs_url) for p in papers])


#: Every export format by its command-line name, with a label for menus.
FORMATS: dict[str, tuple[str, Callable[[Sequence[Paper]], str]]] = {
    "bibtex": ("BibTeX", bibtex),
    "biblatex": ("BibLaTeX", biblatex),
    "text": ("Plain text", plain_text),
    "markdown": ("Markdown", markdown),
    "id": ("arXiv id", arxiv_ids),
    "url": ("abs URL", abs_urls),
}
