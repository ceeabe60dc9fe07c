"""Citations: BibTeX, BibLaTeX, plain text, Markdown, bare ids and URLs.

Every format takes a sequence of :class:`~tui.core.models.Paper` and returns
one string ending with a newline (empty for no papers): bib entries are
separated by a blank line, the other formats give one line per paper.

* :mod:`.bibtex`, :mod:`.biblatex`: the entries (types and fields);
* :mod:`.journal`: arXiv's journal reference read into venue, volume, pages...;
* :mod:`.keys`: citation keys from a template (``{auth}{year}{shorttitle}``);
* :mod:`.unique_keys`: keys unique in a file and the same in every export;
* :mod:`.escaping`: text made safe for LaTeX;
* :mod:`.text`: the one-line formats;
* :mod:`.bibfile`: reading an existing ``.bib`` and appending to it safely.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from ..models import Paper
from .bibtex import bibtex, bibtex_entry
from .biblatex import biblatex, biblatex_entry
from .escaping import clean_text, latex_escape
from .fields import CITED_FORMATS, citation_gaps, first_valid_doi
from .journal import JournalRef, parse_journal_ref
from .keys import DEFAULT_KEY_TEMPLATE, STOP_WORDS, KeyTemplateError, check_key_template, citation_key, entry_year
from .unique_keys import citation_keys
from .text import MAX_TEXT_AUTHORS, abs_urls, arxiv_ids, markdown, plain_text, readable_title

__all__ = [
    "BIB_FORMATS",
    "CITED_FORMATS",
    "DEFAULT_KEY_TEMPLATE",
    "FORMATS",
    "MAX_TEXT_AUTHORS",
    "STOP_WORDS",
    "JournalRef",
    "KeyTemplateError",
    "abs_urls",
    "arxiv_ids",
    "biblatex",
    "biblatex_entry",
    "bibtex",
    "bibtex_entry",
    "citation_gaps",
    "check_key_template",
    "citation_key",
    "citation_keys",
    "clean_text",
    "entry_year",
    "first_valid_doi",
    "latex_escape",
    "markdown",
    "parse_journal_ref",
    "plain_text",
    "readable_title",
    "render_citations",
]

#: Every export format by its command-line name, with a label for menus.
FORMATS: dict[str, tuple[str, Callable[[Sequence[Paper]], str]]] = {
    "bibtex": ("BibTeX", bibtex),
    "biblatex": ("BibLaTeX", biblatex),
    "text": ("Plain text", plain_text),
    "markdown": ("Markdown", markdown),
    "id": ("arXiv id", arxiv_ids),
    "url": ("abs URL", abs_urls),
}

#: The formats whose entries carry citation keys.
BIB_FORMATS = frozenset({"bibtex", "biblatex"})


def render_citations(
    format_key: str,
    papers: Sequence[Paper],
    key_template: str = DEFAULT_KEY_TEMPLATE,
    taken_keys: Collection[str] = (),
    universe: Sequence[Paper] | None = None,
    notes: Mapping[str, str] | None = None,
) -> str:
    """``papers`` in the format ``format_key`` of :data:`FORMATS`; bib formats
    use ``key_template``, keep clear of ``taken_keys`` and give keys that are
    the same in every export from the library ``universe``. ``notes`` (paper id
    -> the user's note) go with the papers: ``annote`` in bib formats, a line in
    text and Markdown (the bare id and URL lists leave them out)."""
    if format_key == "bibtex":
        return bibtex(papers, key_template, tuple(taken_keys), universe, notes)
    if format_key == "biblatex":
        return biblatex(papers, key_template, tuple(taken_keys), universe, notes)
    if format_key == "text":
        return plain_text(papers, notes)
    if format_key == "markdown":
        return markdown(papers, notes)
    return FORMATS[format_key][1](papers)
