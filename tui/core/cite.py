"""Citations: BibTeX, BibLaTeX, plain text, Markdown, bare ids and URLs."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .models import Paper


def citation_key(paper: Paper) -> str:
    """``lastnameYEARfirstword``, ASCII only (not yet made unique)."""
    raise NotImplementedError


def bibtex(papers: Sequence[Paper]) -> str:
    raise NotImplementedError


def biblatex(papers: Sequence[Paper]) -> str:
    raise NotImplementedError


def plain_text(papers: Sequence[Paper]) -> str:
    raise NotImplementedError


def markdown(papers: Sequence[Paper]) -> str:
    raise NotImplementedError


def arxiv_ids(papers: Sequence[Paper]) -> str:
    raise NotImplementedError


def abs_urls(papers: Sequence[Paper]) -> str:
    raise NotImplementedError


#: Every export format by its command-line name, with a label for menus.
FORMATS: dict[str, tuple[str, Callable[[Sequence[Paper]], str]]] = {
    "bibtex": ("BibTeX", bibtex),
    "biblatex": ("BibLaTeX", biblatex),
    "text": ("Plain text", plain_text),
    "markdown": ("Markdown", markdown),
    "id": ("arXiv id", arxiv_ids),
    "url": ("abs URL", abs_urls),
}
