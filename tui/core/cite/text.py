"""One-line citation formats: plain text, Markdown, bare arXiv id, abs URL.

Titles show their LaTeX rendered to Unicode (``S$^2$FPR`` -> ``S²FPR``), as
the detail panel does; the year is the entry's year, as in BibTeX
(:func:`.keys.entry_year`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from ..latex import latex_to_text
from ..models import Paper
from .escaping import clean_text
from .fields import one_line, primary_category
from .keys import entry_year

#: Plain text names every author up to this many, else "First et al.".
MAX_TEXT_AUTHORS = 10


def _join_lines(lines: list[str]) -> str:
    return "\n".join(lines) + "\n" if lines else ""


def readable_title(paper: Paper) -> str:
    """The title with its LaTeX rendered to Unicode, on one line."""
    return clean_text(latex_to_text(clean_text(paper.title)))


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


def _same(text: str) -> str:
    return text


def _head(paper: Paper, escape: Callable[[str], str] = _same) -> str:
    """``Authors (year).`` ("" when neither is known)."""
    authors = escape(_author_list(paper.authors))
    year = entry_year(paper).replace("--", "–")
    head = " ".join(x for x in (authors, f"({year})" if year else "") if x)
    return head if not head or head.endswith(".") else head + "."


def _plain_line(paper: Paper) -> str:
    parts = []
    if head := _head(paper):
        parts.append(head)
    title = readable_title(paper)
    if title:
        parts.append(title if title[-1] in ".?!" else title + ".")
    ref = f"arXiv:{clean_text(paper.id)}"
    if primary := primary_category(paper):
        ref += f" [{primary}]"
    parts.append(ref + ".")
    return " ".join(parts)


def _with_note(line: str, note: str, escape: Callable[[str], str] = _same) -> str:
    """The line of a paper, and its note on an indented line of its own (if it has one)."""
    note = one_line(clean_text(note))
    return f"{line}\n    Note: {escape(note)}" if note else line


def plain_text(papers: Sequence[Paper], notes: Mapping[str, str] | None = None) -> str:
    """``Authors (year). Title. arXiv:ID [cat].`` one paper per line (with ``notes``:
    a paper's note on an indented ``Note:`` line below it)."""
    notes = notes or {}
    return _join_lines([_with_note(_plain_line(p), notes.get(p.id, "")) for p in papers])


def _markdown_text(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text)


def markdown(papers: Sequence[Paper], notes: Mapping[str, str] | None = None) -> str:
    """``Authors (year). [Title](https://arxiv.org/abs/ID)`` one paper per line,
    Markdown's special characters escaped (with ``notes``: a paper's note on an
    indented ``Note:`` line below it)."""
    notes = notes or {}
    lines = []
    for p in papers:
        title = _markdown_text(readable_title(p)) or clean_text(p.id)
        link = f"[{title}]({clean_text(p.abs_url)})"
        head = _head(p, _markdown_text)
        lines.append(_with_note(f"{head} {link}" if head else link, notes.get(p.id, ""), _markdown_text))
    return _join_lines(lines)


def arxiv_ids(papers: Sequence[Paper]) -> str:
    """``arXiv:ID`` (without version) one per line."""
    return _join_lines([f"arXiv:{clean_text(p.id)}" for p in papers])


def abs_urls(papers: Sequence[Paper]) -> str:
    """``https://arxiv.org/abs/ID`` one per line."""
    return _join_lines([clean_text(p.abs_url) for p in papers])
