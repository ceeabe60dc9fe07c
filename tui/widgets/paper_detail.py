"""The detail panel: everything about the highlighted paper, as Markdown.

:func:`paper_markdown` builds the document (pure, testable without an app);
:class:`PaperDetail` draws a ``rich.markdown.Markdown`` renderable of that document
with the line API. Showing another paper is then a single widget refresh: no
block widgets are mounted or removed and the screen is not laid out again (Textual's Markdown widget did both on every cursor move,
35-45 ms per move at 200,000 papers).

Query matches are wrapped in ``~~`` (Markdown strikethrough, which data can't
produce since every ``~`` from the data is escaped) and the panel styles that
syntax as a highlight (the ``paper-detail--highlight`` component class).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Markdown
from rich.style import Style
from rich.theme import Theme
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from tui.core.latex import escape_highlighted, escape_inline, latex_to_markdown, latex_to_markdown_highlighted
from tui.core.models import Paper, PaperState

if TYPE_CHECKING:
    from tui.core.query import Query

__all__ = ["PaperDetail", "paper_markdown", "PLACEHOLDER", "MAX_AUTHORS", "HIGHLIGHT_MARK"]

#: Shown when no paper is highlighted.
PLACEHOLDER = "*No paper selected.* Move the cursor in the list to see a paper here."

#: Author lists longer than this are cut, with a count of the rest (keeps a
#: 942-author paper quick to render and the panel readable).
MAX_AUTHORS = 100

#: Markdown delimiter put around query matches (styled as a highlight by the panel).
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


def _spans(query: Query | None, text: str, field_name: str) -> list[tuple[int, int]]:
    """Where ``query`` matched ``text``; none without a query or if matching fails."""
    if query is None or not text:
        return []
    try:
        from tui.core.query import highlight_spans

        return list(highlight_spans(query, text, field_name))
    except Exception:  # a highlight is a nicety: never let it break the panel
        return []


def _authors(authors: list[str], query: Query | None = None) -> str:
    shown = []
    for name in authors[:MAX_AUTHORS]:
        name = " ".join(name.split())
        shown.append(escape_highlighted(name, _spans(query, name, "authors"), HIGHLIGHT_MARK))
    text = ", ".join(shown)
    hidden = len(authors) - len(shown)
    if hidden > 0:
        text += f", … and {hidden:,} more ({len(authors):,} authors)"
    return text


def _prose(query: Query | None, text: str, field_name: str) -> str:
    """LaTeX prose as escaped Markdown, with the query's matches highlighted."""
    spans = _spans(query, text, field_name)
    if not spans:
        return latex_to_markdown(text)
    return latex_to_markdown_highlighted(text, spans, HIGHLIGHT_MARK)


def paper_markdown(paper: Paper | None, state: PaperState | None = None, query: Query | None = None) -> str:
    """The Markdown document describing ``paper`` (the placeholder for ``None``).

    With ``query``, its matches in the title, authors and abstract are wrapped
    in :data:`HIGHLIGHT_MARK`; everything from the data is escaped.
    """
    if paper is None:
        return PLACEHOLDER
    title = _prose(query, paper.title, "title") or "*(untitled)*"
    lines = [f"# {title}", ""]

    facts: list[str] = []
    if paper.authors:
        label = "Author" if len(paper.authors) == 1 else f"Authors ({len(paper.authors):,})"
        facts.append(f"**{label}:** {_authors(paper.authors, query)}")
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

    # One paragraph with hard line breaks: compact, and quick to parse and render.
    lines.append("  \n".join(facts))
    lines.extend(["", "## Abstract", "", _prose(query, paper.summary, "summary") or "*(no abstract)*", ""])
    return "\n".join(lines)


class _Document:
    """A Markdown renderable whose strikethrough is drawn as the highlight style."""

    def __init__(self, source: str, highlight: Style) -> None:
        # hyperlinks=False: links show their address as text (works over any SSH terminal).
        self.markdown = Markdown(source, hyperlinks=False)
        self.theme = Theme({"markdown.s": highlight}, inherit=False)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        with console.use_theme(self.theme):
            segments = list(console.render(self.markdown, options))
        yield from segments


class PaperDetail(ScrollView, can_focus=True):
    """Scrollable Markdown view of one paper, drawn with the line API.

    The document is rendered to strips once per paper (and width); the panel
    then paints only its visible lines. Showing another paper sets the virtual
    size without a layout pass (the vertical scrollbar is always shown, so the
    content width never depends on the document), so a cursor move costs one
    widget repaint.
    """

    COMPONENT_CLASSES = {"paper-detail--highlight"}

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._shown_key: tuple[Any, ...] | None = ("<nothing>",)
        self._shown_query: Query | None = None
        self._paper: Paper | None = None
        self._source = PLACEHOLDER
        self._strips: list[Strip] = []
        self._strips_width = -1

    @property
    def source(self) -> str:
        """The Markdown document shown."""
        return self._source

    @property
    def paper(self) -> Paper | None:
        """The paper shown (``None``: the placeholder)."""
        return self._paper

    @property
    def is_updating(self) -> bool:
        """Always False: an update is applied synchronously (kept for callers that wait on it)."""
        return False

    @property
    def document(self) -> _Document:
        """The renderable shown (the Markdown of :attr:`source`, highlights styled)."""
        highlight = self.get_component_rich_style("paper-detail--highlight", partial=True)
        return _Document(self._source, highlight)

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
        if key == self._shown_key and query is self._shown_query:
            return
        self._shown_key = key
        self._shown_query = query
        self._paper = paper
        self._source = paper_markdown(paper, state, query)
        self._strips_width = -1
        if self.is_mounted:
            self._layout_document()
            self.scroll_to(0, 0, animate=False, immediate=True)
            self.refresh()

    def on_mount(self) -> None:
        self._layout_document()

    def on_resize(self) -> None:
        self._layout_document()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips_width = -1  # theme or stylesheet change: colours of the strips
        if self.is_mounted:
            self._layout_document()

    def _content_width(self) -> int:
        return max(1, self.scrollable_content_region.width)

    def _layout_document(self) -> None:
        """Render the document at the current width and size the scrollable area to it."""
        width = self._content_width()
        if width != self._strips_width:
            console = self.app.console
            base = self.rich_style
            lines = console.render_lines(self.document, console.options.update_width(width), style=base, pad=True)
            # pad=True: every line is exactly ``width`` cells already.
            self._strips = [Strip(line, width) for line in lines]
            self._strips_width = width
        size = Size(width, len(self._strips))
        if size != self.virtual_size:
            # Not the reactive setter: it would lay out the whole screen again.
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """One visible line of the document."""
        if self._strips_width != self._content_width():
            self._layout_document()
        index = y + int(self.scroll_y)
        if 0 <= index < len(self._strips):
            return self._strips[index]
        return Strip.blank(self._content_width(), self.rich_style)
