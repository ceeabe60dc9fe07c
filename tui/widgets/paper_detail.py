"""The detail panel: everything about the highlighted paper, as Markdown.

:func:`paper_markdown` builds the document (pure, testable without an app);
:class:`PaperDetail` shows it in Textual's Markdown widget. Updates are
coalesced: while one document is being mounted, further calls only replace the
pending one, so holding a cursor key never queues up renders.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from tui.core.latex import escape_inline, latex_to_markdown
from tui.core.models import Paper, PaperState

if TYPE_CHECKING:
    from tui.core.query import Query

__all__ = ["PaperDetail", "paper_markdown", "PLACEHOLDER", "MAX_AUTHORS"]

#: Shown when no paper is highlighted.
PLACEHOLDER = "*No paper selected.* Move the cursor in the list to see a paper here."

#: Author lists longer than this are cut, with a count of the rest (keeps a
#: 942-author paper quick to render and the panel readable).
MAX_AUTHORS = 100

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


def _authors(authors: list[str]) -> str:
    shown = [escape_inline(" ".join(name.split())) for name in authors[:MAX_AUTHORS]]
    text = ", ".join(shown)
    hidden = len(authors) - len(shown)
    if hidden > 0:
        text += f", … and {hidden:,} more ({len(authors):,} authors)"
    return text


def paper_markdown(paper: Paper | None, state: PaperState | None = None) -> str:
    """The Markdown document describing ``paper`` (the placeholder for ``None``)."""
    if paper is None:
        return PLACEHOLDER
    title = latex_to_markdown(paper.title) or "*(untitled)*"
    lines = [f"# {title}", ""]

    facts: list[str] = []
    if paper.authors:
        label = "Author" if len(paper.authors) == 1 else f"Authors ({len(paper.authors):,})"
        facts.append(f"**{label}:** {_authors(paper.authors)}")
    categories = []
    for category in paper.categories or ([paper.primary_category] if paper.primary_category else []):
        item = escape_inline(category)
        categories.append(f"**{item}**" if category == paper.primary_category else item)
    if categories:
        facts.append("**Categories:** " + ", ".join(categories))
    if paper.classes:
        facts.append("**Classes:** " + "; ".join(escape_inline(c) for c in paper.classes))
    dates = []
    if paper.published:
        dates.append(f"published {escape_inline(paper.published)}")
    if paper.updated and paper.updated != paper.published:
        dates.append(f"updated {escape_inline(paper.updated)}")
    dates.append(f"version v{paper.version}")
    facts.append("**Dates:** " + ", ".join(dates))
    if paper.digests:
        listed = ", ".join(escape_inline(f"{d.category} {d.date}") for d in paper.digests)
        facts.append(f"**Listed in:** {listed}")
    if paper.dois:
        label = "DOI" if len(paper.dois) == 1 else "DOIs"
        facts.append(f"**{label}:** " + ", ".join(_doi_item(d) for d in paper.dois))
    if paper.comment:
        facts.append(f"**Comment:** {latex_to_markdown(paper.comment)}")
    if paper.journal_ref:
        facts.append(f"**Journal:** {latex_to_markdown(paper.journal_ref)}")
    if state is not None:
        marks = ["★ starred" if state.starred else "not starred", "read" if state.read else "unread"]
        facts.append("**Status:** " + ", ".join(marks))
    links = [_link(f"arXiv:{paper.versioned_id}", paper.abs_url)]
    if paper.pdf_url:
        links.append(_link("PDF", paper.pdf_url))
    facts.append("**Links:** " + " · ".join(links))

    # One paragraph with hard line breaks: several times faster to mount than a list.
    lines.append("  \n".join(facts))
    lines.extend(["", "## Abstract", "", latex_to_markdown(paper.summary) or "*(no abstract)*", ""])
    return "\n".join(lines)


class PaperDetail(VerticalScroll):
    """Scrollable Markdown view of one paper."""

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._shown_key: tuple[object, ...] | None = ("<nothing>",)
        self._source = PLACEHOLDER
        self._pending: str | None = None
        self._updating = False

    def compose(self) -> ComposeResult:
        yield Markdown(PLACEHOLDER, classes="paper-detail--body")

    @property
    def source(self) -> str:
        """The Markdown most recently asked for (shown now or very soon)."""
        return self._source

    @property
    def is_updating(self) -> bool:
        """True while a document is still being mounted."""
        return self._updating

    def show_paper(
        self,
        paper: Paper | None,
        state: PaperState | None = None,
        query: Query | None = None,
    ) -> None:
        """Show ``paper`` (or the placeholder). Cheap when nothing changed."""
        key = (
            None if paper is None else (paper.id, paper.version, id(paper)),
            None if state is None else (state.read, state.starred),
        )
        if key == self._shown_key:
            return
        self._shown_key = key
        self._source = paper_markdown(paper, state)
        self._pending = self._source
        if not self._updating and self.is_mounted:
            self._updating = True
            self.run_worker(self._update_loop(), group="paper-detail", exit_on_error=False)

    def on_mount(self) -> None:
        if self._source != PLACEHOLDER:
            self._pending = self._source
            self._updating = True
            self.run_worker(self._update_loop(), group="paper-detail", exit_on_error=False)

    async def _update_loop(self) -> None:
        """Mount the newest pending document until none is left."""
        try:
            markdown = self.query_one(Markdown)
            while self._pending is not None:
                source, self._pending = self._pending, None
                await markdown.update(source)
                self.scroll_home(animate=False)
        finally:
            self._updating = False
