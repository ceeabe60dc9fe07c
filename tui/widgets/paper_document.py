"""The Markdown documents that describe a paper: the detail panel's and the reading view's.

Pure functions of a paper, its state and the query's highlight spans, testable
without an app. What they show is bounded, so a hostile digest (a 1 MB abstract,
thousands of authors) costs no more to show than a long real paper: each prose
field is cut at a word near its limit with a note saying how much was left out,
and only the reading view's ``x`` (``full=True``) shows everything. Everything
from the data is escaped; query matches are wrapped
in :data:`HIGHLIGHT_MARK` (Markdown strikethrough, which the data can't produce
since every ``~`` in it is escaped), drawn as a highlight by the views.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from tui.core.latex import escape_highlighted, escape_inline, latex_to_markdown, latex_to_markdown_highlighted
from tui.core.models import Paper, PaperState
from tui.core.query import SpanCache
from tui.core.safetext import inert_markdown

__all__ = [
    "ALL_AUTHORS",
    "HIGHLIGHT_MARK",
    "MAX_AUTHORS",
    "SHOWN_ABSTRACT",
    "SHOWN_FIELD",
    "PLACEHOLDER",
    "SUMMARY_AUTHORS",
    "paper_markdown",
    "reading_markdown",
    "status_text",
]

#: Shown when no paper is highlighted.
PLACEHOLDER = "*No paper selected.* The paper under the list's cursor appears here."

#: Author lists longer than this are cut, with a count of the rest (keeps a
#: 942-author paper quick to render and the panel readable).
MAX_AUTHORS = 100

#: Authors named in the reading view's one-line summary before "and N more".
SUMMARY_AUTHORS = 3

#: Authors listed by the reading view's ``a`` (all of them up to this; 942 in a real digest).
ALL_AUTHORS = 3_000

#: Characters of an abstract shown before a note on the rest (the longest of the real
#: digests has 3,324; arXiv asks for 1,920 at most).
SHOWN_ABSTRACT = 5_000

#: Characters shown of a title, a comment, a journal reference or one author's name
#: (real ones stay under 420).
SHOWN_FIELD = 1_000

#: Markdown delimiter put around query matches (styled as a highlight by the views).
HIGHLIGHT_MARK = "~~"

_DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")


def _link(text: str, url: str) -> str:
    """A Markdown link with escaped text and a destination that can't break out."""
    safe_url = quote(url, safe=":/?=&#%~+.,;@!$'*-_")
    return f"[{escape_inline(text)}](<{safe_url}>)"


def _doi_item(doi: str) -> str:
    if _DOI_RE.match(doi):
        return _link(doi, "https://doi.org/" + doi)
    # Malformed DOIs occur in the digests (copied from arXiv): show, don't link.
    return f"{escape_inline(doi)} *(not a valid DOI)*"


def _spans(spans: SpanCache | None, paper: Paper, text: str, field_name: str) -> list[tuple[int, int]]:
    return spans.get(paper.id, text, field_name) if spans else []


def _cut(text: str, limit: int | None) -> tuple[str, int]:
    """``text`` cut near ``limit`` characters (at a space when one is close), and how many were left out."""
    if limit is None or len(text) <= limit:
        return text, 0
    end = text.rfind(" ", limit * 9 // 10, limit)
    if end == -1:
        end = limit
    return text[:end], len(text) - end


def _names(paper: Paper, spans: SpanCache | None, limit: int, full: bool = False) -> list[str]:
    """The first ``limit`` authors as escaped Markdown, matches highlighted."""
    names = []
    for name in paper.authors[:limit]:
        name, left_out = _cut(name, None if full else SHOWN_FIELD)
        name = " ".join(name.split())
        shown = escape_highlighted(name, _spans(spans, paper, name, "authors"), HIGHLIGHT_MARK)
        names.append(shown + (f"… *({left_out:,} more characters)*" if left_out else ""))
    return names


def _authors(paper: Paper, spans: SpanCache | None, limit: int) -> str:
    shown = _names(paper, spans, limit)
    text = ", ".join(shown)
    hidden = len(paper.authors) - len(shown)
    if hidden > 0:
        text += f", … and {hidden:,} more ({len(paper.authors):,} authors)"
    return text


def _prose(spans: SpanCache | None, paper: Paper, text: str, field_name: str, limit: int | None = None) -> str:
    """LaTeX prose as escaped Markdown, with the query's matches highlighted.

    Cut near ``limit`` characters (None: whole), with a short note on what was left out.
    """
    text, left_out = _cut(text, limit)
    found = _spans(spans, paper, text, field_name)
    if not found:
        shown = latex_to_markdown(text)
    else:
        shown = latex_to_markdown_highlighted(text, found, HIGHLIGHT_MARK)
    return shown + (f"… *({left_out:,} more characters)*" if left_out else "")


def _abstract(spans: SpanCache | None, paper: Paper, full: bool, how_to_see_all: str) -> str:
    """The abstract, cut at :data:`SHOWN_ABSTRACT` characters unless ``full``, with a note when cut."""
    text = paper.summary or ""
    if not text:
        return "*(no abstract)*"
    if full or len(text) <= SHOWN_ABSTRACT:
        return _prose(spans, paper, text, "summary")
    shown, left_out = _cut(text, SHOWN_ABSTRACT)
    size = len(text.encode("utf-8", "surrogatepass"))
    note = (
        f"*Abstract truncated: {len(shown):,} of {len(text):,} characters shown "
        f"({size / 1024:,.0f} KB in all); {how_to_see_all}.*"
    )
    return _prose(spans, paper, shown, "summary") + "…\n\n" + note


def status_text(state: PaperState | None) -> str:
    """``★ starred · read`` or ``☆ not starred · unread``: always there, one short line."""
    starred = state is not None and state.starred
    read = state is not None and state.read
    return ("★ starred" if starred else "☆ not starred") + " · " + ("read" if read else "unread")


def _categories(paper: Paper, separator: str = ", ") -> str:
    categories = []
    for category in paper.categories or ([paper.primary_category] if paper.primary_category else []):
        item = escape_inline(category)
        categories.append(f"**{item}**" if category == paper.primary_category else item)
    return separator.join(categories)


def _dates(paper: Paper) -> list[str]:
    dates = []
    if paper.published:
        dates.append(f"published {escape_inline(paper.published[:10])}")
    else:  # left out at import (an impossible date is said then): the list dates it by its digest
        listed = f", dated by its digest of {escape_inline(paper.first_digest_date)}" if paper.first_digest_date else ""
        dates.append(f"no published date (the digest's was missing or impossible{listed})")
    if paper.updated and paper.updated != paper.published:
        dates.append(f"updated {escape_inline(paper.updated[:10])}")
    dates.append(f"v{paper.version}")
    return dates


def _links(paper: Paper) -> str:
    links = [_link(f"arXiv:{paper.versioned_id}", paper.abs_url)]
    if paper.pdf_url:
        links.append(_link("PDF", paper.pdf_url))
    return " · ".join(links)


def reading_is_cut(paper: Paper) -> bool:
    """Whether :func:`reading_markdown` without ``full`` leaves part of ``paper`` out (``x`` shows it)."""
    fields = (paper.title, paper.comment or "", paper.journal_ref or "", *paper.authors[:ALL_AUTHORS])
    return (len(paper.summary or "") > SHOWN_ABSTRACT or len(paper.authors) > ALL_AUTHORS
            or any(len(text) > SHOWN_FIELD for text in fields))


def _more_facts(paper: Paper, full: bool = False) -> list[str]:
    """Comment, journal, DOIs, digests: what follows the essentials."""
    facts: list[str] = []
    limit = None if full else SHOWN_FIELD
    if paper.comment:
        facts.append(f"**Comment:** {_prose(None, paper, paper.comment, 'comment', limit)}")
    if paper.journal_ref:
        facts.append(f"**Journal:** {_prose(None, paper, paper.journal_ref, 'journal', limit)}")
    if paper.dois:
        label = "DOI" if len(paper.dois) == 1 else "DOIs"
        facts.append(f"**{label}:** " + ", ".join(_doi_item(d) for d in paper.dois))
    if paper.classes:
        facts.append("**Classes:** " + "; ".join(escape_inline(c) for c in paper.classes))
    if paper.digests:
        listed = ", ".join(escape_inline(f"{d.category} {d.date}") for d in paper.digests)
        facts.append(f"**Listed in:** {listed}")
    return facts


def paper_markdown(
    paper: Paper | None,
    state: PaperState | None = None,
    spans: SpanCache | None = None,
    tags: Sequence[str] = (),
    note: str = "",
) -> str:
    """The detail panel's document for ``paper`` (the placeholder for ``None``).

    The status line is always present and one line long, so a paper becoming
    read or starred never moves the text below it. The user's ``tags`` follow
    it, and their ``note`` (Markdown, theirs) comes before the abstract.
    """
    if paper is None:
        return PLACEHOLDER
    title = _prose(spans, paper, paper.title, "title", SHOWN_FIELD) or "*(untitled)*"
    facts: list[str] = [f"**Status:** {status_text(state)}"]
    if tags:
        facts.append("**Tags:** " + " ".join(escape_inline(f"#{name}") for name in tags))
    if paper.authors:
        label = "Author" if len(paper.authors) == 1 else f"Authors ({len(paper.authors):,})"
        facts.append(f"**{label}:** {_authors(paper, spans, MAX_AUTHORS)}")
    categories = _categories(paper)
    if categories:
        facts.append("**Categories:** " + categories)
    facts.append("**Dates:** " + ", ".join(_dates(paper)))
    facts.extend(_more_facts(paper))
    facts.append("**Links:** " + _links(paper))
    abstract = _abstract(spans, paper, False, "Enter opens the reading view, where x shows it all")
    # One paragraph with hard line breaks: compact, and quick to parse and render.
    return inert_markdown(
        "\n".join([f"# {title}", "", "  \n".join(facts), "", *_note_section(note), "## Abstract", "", abstract, ""])
    )


def _note_section(note: str) -> list[str]:
    """The user's note as Markdown under its heading (``~~`` kept literal: it marks query matches)."""
    if not note.strip():
        return []
    return ["## Your note", "", note.strip().replace("~~", "\\~\\~"), ""]


def reading_markdown(
    paper: Paper,
    state: PaperState | None = None,
    spans: SpanCache | None = None,
    all_authors: bool = False,
    full: bool = False,
) -> str:
    """The reading view's document: the essentials in four lines, then the abstract.

    Title, a one-line author summary (every author with ``all_authors``, up to
    :data:`ALL_AUTHORS`), the categories and dates, the status and links; the
    abstract follows at once (at 80x24 it starts on the first screen), the rest
    after it. Long fields are cut as in the detail panel unless ``full``.
    """
    limit = None if full else SHOWN_FIELD
    title = _prose(spans, paper, paper.title, "title", limit) or "*(untitled)*"
    count = len(paper.authors)
    if all_authors or full or count <= SUMMARY_AUTHORS + 1:
        shown = count if full else min(count, ALL_AUTHORS)
        authors = ", ".join(_names(paper, spans, shown, full))
        if shown < count:
            authors += f", … and {count - shown:,} more *(x: all)*"
    else:
        authors = ", ".join(_names(paper, spans, SUMMARY_AUTHORS))
        authors += f" and {count - SUMMARY_AUTHORS:,} more *(a: all {count:,})*"
    lines = []
    if authors:
        lines.append(authors)
    lines.append(" · ".join(filter(None, [_categories(paper, " "), *_dates(paper)])))
    # The address as text, on one line at 80 columns (o and O open it or copy it over SSH).
    lines.append(f"{status_text(state)} · {escape_inline(paper.abs_url)}")
    abstract = _abstract(spans, paper, full, "x shows it all")
    parts = [f"# {title}", "", "  \n".join(lines), "", abstract, ""]
    more = _more_facts(paper, full)
    if more:
        parts.extend(["  \n".join(more), ""])
    return inert_markdown("\n".join(parts))
