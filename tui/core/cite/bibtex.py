"""BibTeX entries: ``@article``, ``@inproceedings`` or ``@misc``, ASCII only.

The entry type follows what the paper became (see :mod:`.journal`): a parsed
journal reference gives ``@article`` (``journal``) or ``@inproceedings``
(``booktitle``) with volume, number, pages, publisher; one that can't be parsed
stays whole in ``note`` of a ``@misc``.  ``year`` is the venue's year when the
reference gives one, else the first arXiv version's.  The arXiv fields
(``eprint``, ``archivePrefix``, ``primaryClass``), the abs URL and the DOI
(when well formed) are always there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..models import Paper
from .escaping import clean_text, latex_escape
from .fields import (
    first_valid_doi,
    journal_ref_of,
    one_line,
    primary_category,
    render_entries,
    render_entry,
    title_and_authors,
    venue_fields,
)
from .keys import DEFAULT_KEY_TEMPLATE


def bibtex_entry(paper: Paper, key: str, note: str = "") -> str:
    """One BibTeX entry for ``paper`` under ``key`` (``note``: the user's, as ``annote``)."""
    title, author = title_and_authors(paper, ascii_only=True)
    ref = journal_ref_of(paper)
    fields = [("title", title), ("author", author)]
    if ref.parsed:
        kind = ref.kind
        fields += venue_fields(ref, "booktitle" if kind == "inproceedings" else "journal", True)
        fields.append(("year", ref.year or paper.year))
        fields.append(("note", latex_escape(ref.note)))
    else:
        kind = "misc"
        fields.append(("year", paper.year))
        fields.append(("note", latex_escape(paper.journal_ref)))
    fields += [
        ("eprint", clean_text(paper.id)),
        ("archivePrefix", "arXiv"),
        ("primaryClass", primary_category(paper)),
        ("url", clean_text(paper.abs_url)),
        ("doi", first_valid_doi(paper) or ""),
        ("annote", latex_escape(one_line(note), ascii_only=True)),
    ]
    return render_entry(kind, key, fields)


def bibtex(
    papers: Sequence[Paper],
    key_template: str = DEFAULT_KEY_TEMPLATE,
    taken_keys: Sequence[str] = (),
    universe: Sequence[Paper] | None = None,
    notes: Mapping[str, str] | None = None,
) -> str:
    """BibTeX entries for ``papers``, keys unique among them and ``taken_keys``;
    ``notes`` (paper id -> the user's note) become ``annote`` fields."""
    entry = bibtex_entry if not notes else lambda paper, key: bibtex_entry(paper, key, notes.get(paper.id, ""))
    return render_entries(papers, entry, key_template, taken_keys, universe)
