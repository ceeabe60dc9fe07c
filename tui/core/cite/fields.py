"""What every bib entry is made of: names, DOI, venue fields, the entry text."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..models import Paper
from .escaping import clean_text, latex_escape
from .journal import JournalRef, parse_journal_ref
from .keys import DEFAULT_KEY_TEMPLATE
from .unique_keys import citation_keys

#: A DOI we can export: no space, brace, backslash, % or # (a comment or a
#: macro parameter to LaTeX even in the verbatim ``doi`` field's .bbl line).
_DOI_RE = re.compile(r"^10\.\d{4,9}/[^\s{}\\%#]+$")

#: Fields that styles print verbatim (as links): ``_`` and ``^`` stay as typed.
VERBATIM_FIELDS = frozenset({"doi", "url", "eprint"})

#: A function that renders one entry: ``(paper, key) -> text``.
EntryRenderer = Callable[[Paper, str], str]


def first_valid_doi(paper: Paper) -> str | None:
    """The first DOI that looks well formed (``10.NNNN/...``), else ``None``.

    arXiv data has malformed DOIs (``0.1145/...``): left out rather than
    exported as a broken link; so is a DOI with a character LaTeX can't take
    verbatim (``%``, ``#``, a brace or a backslash).
    """
    for doi in paper.dois:
        doi = clean_text(doi)
        if _DOI_RE.match(doi):
            return doi
    return None


def bib_name(name: str) -> str:
    """Brace a name BibTeX would otherwise split or reorder ("A and B", "X, Y")."""
    if re.search(r"\sand\s|,", name, flags=re.IGNORECASE):
        return "{" + name + "}"
    return name


def title_and_authors(paper: Paper, ascii_only: bool) -> tuple[str, str]:
    """The title (double-braced so styles keep its case) and the author list; "" for either
    when nothing printable is left of it (the field is then left out, never ``{{}}``: see
    :func:`citation_gaps`)."""
    title = latex_escape(paper.title, ascii_only=ascii_only)
    names = (bib_name(latex_escape(a, ascii_only=ascii_only)) for a in paper.authors)
    return "{" + title + "}" if title.strip() else "", " and ".join(n for n in names if n)


#: The formats whose citations carry a title and authors (the id and URL lists do not).
CITED_FORMATS = frozenset({"bibtex", "biblatex", "text", "markdown"})


def citation_gaps(papers: Sequence[Paper]) -> list[str]:
    """One warning per paper whose citation has no title or no author: nothing printable
    is left of it once control characters are dropped (a digest's title of only U+202E),
    or the digest gives none. The citation is still made (its arXiv id and URL name the
    paper); the warning says what it lacks, so that the user fills it in."""
    warnings = []
    for paper in papers:
        lacks: list[tuple[str, str, bool]] = []  # (field, as the digest names it, present but unprintable)
        if not clean_text(paper.title):
            lacks.append(("title", "title", bool(paper.title.strip())))
        if not any(clean_text(name) for name in paper.authors):
            lacks.append(("author", "authors", any(name.strip() for name in paper.authors)))
        if not lacks:
            continue
        unprintable = [named for _, named, present in lacks if present]
        absent = [named for _, named, present in lacks if not present]
        why = []
        if unprintable:
            why.append(f"the digest's {' and '.join(unprintable)} "
                       f"{'is' if unprintable == ['title'] else 'are'} only control characters")
        if absent:
            why.append(f"the digest gives no {' or '.join(absent)}")
        missing = " and no ".join(field for field, _, _ in lacks)
        warnings.append(f"{clean_text(paper.id)}: cited with no {missing} ({'; '.join(why)}); "
                        f"fill {'it' if len(lacks) == 1 else 'them'} in from {clean_text(paper.abs_url)}")
    return warnings


def one_line(text: str) -> str:
    """``text`` on one line: every run of white space (line breaks too) one space."""
    return " ".join(text.split())


def primary_category(paper: Paper) -> str:
    return clean_text(paper.primary_category or (paper.categories[0] if paper.categories else ""))


def venue_fields(ref: JournalRef, venue_field: str, ascii_only: bool) -> list[tuple[str, str]]:
    """The parsed journal reference as fields, in the usual order (no year)."""

    def esc(value: str) -> str:
        return latex_escape(value, ascii_only=ascii_only)

    fields = [(venue_field, esc(ref.venue))]
    for name in ("series", "volume", "number", "pages", "eid", "publisher", "address"):
        value = getattr(ref, name)
        if value:
            fields.append((name, value if name == "pages" else esc(value)))
    return fields


def journal_ref_of(paper: Paper) -> JournalRef:
    return parse_journal_ref(paper.journal_ref)


def render_entry(kind: str, key: str, fields: list[tuple[str, str]]) -> str:
    """``@kind{key,`` then one aligned ``name = {value}`` line per non-empty field."""
    fields = [(name, value) for name, value in fields if value]
    width = max(len(name) for name, _ in fields)
    lines = [f"@{kind}{{{key},"]
    for n, (name, value) in enumerate(fields):
        comma = "," if n < len(fields) - 1 else ""
        lines.append(f"  {name.ljust(width)} = {{{value}}}{comma}")
    lines.append("}")
    return "\n".join(lines)


def render_entries(
    papers: Sequence[Paper],
    entry: EntryRenderer,
    key_template: str = DEFAULT_KEY_TEMPLATE,
    taken_keys: Sequence[str] = (),
    universe: Sequence[Paper] | None = None,
) -> str:
    """Entries separated by a blank line, ending with a newline ("" for none);
    keys are unique and stable in ``universe`` (see :mod:`.unique_keys`)."""
    keys = citation_keys(papers, key_template, taken_keys, universe)
    entries = [entry(paper, key) for paper, key in zip(papers, keys)]
    return "\n\n".join(entries) + "\n" if entries else ""
