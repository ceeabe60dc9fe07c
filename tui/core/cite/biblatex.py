"""BibLaTeX entries: ``@article``, ``@inproceedings`` or ``@online``, UTF-8.

Same choices as :mod:`.bibtex`, in BibLaTeX's vocabulary: ``journaltitle``,
``eid``, ``date`` (the venue's year when the reference gives one, else the
first arXiv version's full date), ``eprinttype = {arxiv}``, ``eprintclass``.
"""

from __future__ import annotations

import re
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


def _arxiv_date(paper: Paper) -> tuple[str, str]:
    date = (paper.published or "")[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return "date", date
    return "year", paper.year


def biblatex_entry(paper: Paper, key: str, note: str = "") -> str:
    """One BibLaTeX entry for ``paper`` under ``key`` (``note``: the user's, as ``annote``)."""
    title, author = title_and_authors(paper, ascii_only=False)
    ref = journal_ref_of(paper)
    fields = [("title", title), ("author", author)]
    if ref.parsed:
        kind = ref.kind
        fields += venue_fields(ref, "booktitle" if kind == "inproceedings" else "journaltitle", False)
        # BibLaTeX writes a range of years as an ISO 8601 interval: 2021/2022.
        fields.append(("date", ref.year.replace("--", "/")) if ref.year else _arxiv_date(paper))
        fields.append(("note", latex_escape(ref.note, ascii_only=False)))
    else:
        kind = "online"
        fields.append(_arxiv_date(paper))
        fields.append(("note", latex_escape(paper.journal_ref, ascii_only=False)))
    fields += [
        ("eprinttype", "arxiv"),
        ("eprint", clean_text(paper.id)),
        ("eprintclass", primary_category(paper)),
        ("url", clean_text(paper.abs_url)),
        ("doi", first_valid_doi(paper) or ""),
        ("annote", latex_escape(one_line(note), ascii_only=False)),
    ]
    return render_entry(kind, key, fields)


def biblatex(
    papers: Sequence[Paper],
    key_template: str = DEFAULT_KEY_TEMPLATE,
    taken_keys: Sequence[str] = (),
    universe: Sequence[Paper] | None = None,
    notes: Mapping[str, str] | None = None,
) -> str:
    """BibLaTeX entries for ``papers``, keys unique among them and ``taken_keys``;
    ``notes`` (paper id -> the user's note) become ``annote`` fields."""
    entry = biblatex_entry if not notes else lambda paper, key: biblatex_entry(paper, key, notes.get(paper.id, ""))
    return render_entries(papers, entry, key_template, taken_keys, universe)
