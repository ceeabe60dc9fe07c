"""A scrollable Markdown document drawn with the line API.

The document is rendered to strips once per source and width; the view then
paints only its visible lines. Showing another document sets the virtual size
without a layout pass (the vertical scrollbar is always shown, so the content
width never depends on the document), so it costs one widget repaint: Textual's
Markdown widget mounted a widget per block and laid out the screen, 35-45 ms
per cursor move at 200,000 papers.

Text wrapped in ``~~`` (Markdown strikethrough) is drawn in the
``markdown-view--highlight`` style: the query's matches (see
:mod:`tui.widgets.paper_document`).

A long document (over :data:`SYNC_RENDER_CHARS`, e.g. a 1 MB abstract shown
whole) and one built by a callable (:meth:`MarkdownView.show_built`) are built
and rendered in a thread worker: the view shows a one-line "Rendering…" note
meanwhile and keeps answering keys (a 1 MB abstract took 3 s to render).
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Callable, Sequence
from copy import copy

from markdown_it.token import Token
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Markdown
from rich.style import Style
from rich.text import Text
from rich.theme import Theme
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from .markdown_links import fit_links
from .scrolling import set_virtual_size

__all__ = ["MarkdownView", "SYNC_RENDER_CHARS"]

#: Documents longer than this (characters of Markdown) are rendered in a thread
#: (16,000 characters: ~80 ms at 80 columns here; the real abstracts are under 3,400).
SYNC_RENDER_CHARS = 16_000
#: Documents rendered ahead (:meth:`MarkdownView.prepare`) kept for their turn.
PREPARED = 8


def _html_as_text(tokens: list[Token]) -> list[Token]:
    """Inline HTML and HTML blocks shown as the text they are: a note saying "compare with
    <baseline>" keeps its word (rich's Markdown drops what it takes for HTML)."""
    out: list[Token] = []
    for token in tokens:
        if token.type == "html_block":
            text = Token("text", "", 0, content=token.content.rstrip("\n"))
            out += [Token("paragraph_open", "p", 1, block=True),
                    Token("inline", "", 0, content=text.content, children=_lines_of(text)),
                    Token("paragraph_close", "p", -1, block=True)]
            continue
        if token.children:
            token.children = [
                Token("text", "", 0, content=child.content) if child.type == "html_inline" else child
                for child in token.children
            ]
        out.append(token)
    return out


def _lines_of(text: Token) -> list[Token]:
    """A block's text as inline tokens, its line breaks kept."""
    children: list[Token] = []
    for number, line in enumerate(text.content.split("\n")):
        if number:
            children.append(Token("hardbreak", "br", 0))
        children.append(Token("text", "", 0, content=line))
    return children


class _Document:
    """A Markdown renderable whose strikethrough is drawn as the highlight style."""

    def __init__(self, source: str, highlight: Style) -> None:
        # hyperlinks=False: links show their address as text (works over any SSH terminal).
        self.markdown = Markdown(source, hyperlinks=False)
        self.markdown.parsed = _html_as_text(self.markdown.parsed)
        self.theme = Theme({"markdown.s": highlight}, inherit=False)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        markdown = self.markdown
        fitted = fit_links(markdown.parsed, options.max_width)
        if fitted is not None:  # an address wider than the line: drawn so that it breaks cleanly
            markdown = copy(markdown)
            markdown.parsed = fitted
        with console.use_theme(self.theme):
            segments = list(console.render(markdown, options))
        yield from segments


def _strips(console: Console, document: _Document, width: int, style: Style) -> list[Strip]:
    """``document`` rendered ``width`` cells wide as the view's lines (``pad``: every line is
    exactly ``width`` cells already)."""
    lines = console.render_lines(document, console.options.update_width(width), style=style, pad=True)
    return [Strip(line, width) for line in lines]


class MarkdownView(ScrollView, can_focus=True):
    """Shows one Markdown document; :meth:`show_source` replaces it."""

    COMPONENT_CLASSES = {"markdown-view--highlight"}

    BINDINGS = [
        Binding("down,j", "scroll_down", "Scroll down", show=False, tooltip="Scroll the text down one line."),
        Binding("up,k", "scroll_up", "Scroll up", show=False, tooltip="Scroll the text up one line."),
        Binding("pagedown,space", "page_down", "Page down", show=False, tooltip="Scroll the text down one screen."),
        Binding("pageup,b", "page_up", "Page up", show=False, tooltip="Scroll the text up one screen."),
        Binding("home,g", "scroll_home", "Top", show=False, tooltip="Go to the start of the text."),
        Binding("end,G", "scroll_end", "Bottom", show=False, tooltip="Go to the end of the text."),
    ]
    #: Inherited keys that do nothing here (the text always fits the width): left out of the help.
    HELP_HIDDEN_ACTIONS = frozenset({"scroll_left", "scroll_right", "page_left", "page_right"})

    def __init__(self, source: str = "", *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._source = source
        self._strips: list[Strip] = []
        self._strips_width = -1
        #: What builds the document in the render thread (``show_built``), None once built.
        self._build: Callable[[], str] | None = None
        self._build_key: object = None
        #: The render running in a thread (a token: results of older ones are dropped), and its width.
        self._job: object | None = None
        self._job_width = -1
        #: The styles the strips were rendered with (see :meth:`_style_key`).
        self._strips_style: tuple[Style, Style] | None = None
        #: Documents rendered ahead: (source, width, styles) -> strips.
        self._prepared: OrderedDict[tuple[str, int, tuple[Style, Style]], list[Strip]] = OrderedDict()

    @property
    def source(self) -> str:
        """The Markdown document shown (while :attr:`rendering` a built one: the previous)."""
        return self._source

    @property
    def rendering(self) -> bool:
        """True while the document is built or rendered in a thread (a note is shown)."""
        return self._job is not None

    @property
    def document(self) -> _Document:
        """The renderable shown (the Markdown of :attr:`source`, highlights styled)."""
        highlight = self.get_component_rich_style("markdown-view--highlight", partial=True)
        return _Document(self._source, highlight)

    @property
    def line_count(self) -> int:
        """Lines of the rendered document (at the current width)."""
        return len(self._strips)

    def show_source(self, source: str, keep_scroll: bool = False) -> None:
        """Show ``source``; back to the top unless ``keep_scroll`` (the same paper re-rendered)."""
        if source == self._source and self._build is None and self._build_key is None and self._strips_width >= 0:
            return
        self._source = source
        self._build, self._build_key = None, None
        self._replaced(keep_scroll)

    def show_built(self, key: object, build: Callable[[], str], keep_scroll: bool = False) -> None:
        """Show the document ``build()`` returns, built in the render thread (it may be long).

        ``key`` identifies the document: the same key again does nothing.
        ``build`` must not touch widgets (it runs in a thread).
        """
        if key == self._build_key:
            return
        self._build, self._build_key = build, key
        self._replaced(keep_scroll)

    def _replaced(self, keep_scroll: bool) -> None:
        self._strips_width = -1
        self._job = None
        if self.is_mounted:
            self._layout_document()
            if not keep_scroll:
                self.scroll_to(0, 0, animate=False, immediate=True)
            self.refresh()

    def on_mount(self) -> None:
        self._layout_document()

    def on_resize(self) -> None:
        self._layout_document()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # Styles are updated many times while a screen mounts and on every focus change:
        # render again (at the next paint) only when the colours of the strips change.
        if self.is_mounted and self._style_key() != self._strips_style:
            self._strips_width = -1
            self._job = None
            self.refresh()

    def _style_key(self) -> tuple[Style, Style]:
        """What the strips' colours depend on: the view's style and the highlight's."""
        return self.rich_style, self.get_component_rich_style("markdown-view--highlight", partial=True)

    def _content_width(self) -> int:
        return max(1, self.scrollable_content_region.width)

    def _layout_document(self) -> None:
        """Render the document at the current width and size the scrollable area to it."""
        if self.scrollable_content_region.width <= 0:
            return  # not laid out yet (a screen being mounted): rendered at its first size
        width = self._content_width()
        if width != self._strips_width:
            self._strips_style = self._style_key()
            prepared = self._prepared.get((self._source, width, self._strips_style))
            if self._build is None and prepared is not None:
                self._job = None
                self._strips = prepared
            elif self._build is None and len(self._source) <= SYNC_RENDER_CHARS:
                self._job = None
                self._strips = _strips(self.app.console, self.document, width, self.rich_style)
            elif self._job is None or self._job_width != width:
                self._render_in_thread(width)
            self._strips_width = width
        # overflow-y: scroll (the stylesheets) keeps the scrollbar: no layout needed.
        set_virtual_size(self, Size(width, len(self._strips)), scrollbar_may_change=False)
        self.refresh()

    def prepare(self, sources: Sequence[str]) -> None:
        """Render ``sources`` ahead, in a thread, for :meth:`show_source` to show at once
        (the documents the user is likely to move to next; a newer call replaces this one)."""
        width = self._content_width()
        style_key = self._style_key()
        wanted = [source for source in dict.fromkeys(sources)
                  if len(source) <= SYNC_RENDER_CHARS and (source, width, style_key) not in self._prepared]
        if not wanted or self.scrollable_content_region.width <= 0:
            return
        console = self._thread_console(width)
        style, highlight = style_key

        def render() -> None:
            worker = get_current_worker()
            for source in wanted:
                if worker.is_cancelled:
                    return
                strips = _strips(console, _Document(source, highlight), width, style)
                if not worker.is_cancelled:
                    self.app.call_from_thread(self._keep_prepared, (source, width, style_key), strips)

        self.run_worker(render, thread=True, exclusive=True, group="markdown-prepare", exit_on_error=False,
                        name="markdown-prepare", description="render ahead")

    def _keep_prepared(self, key: tuple[str, int, tuple[Style, Style]], strips: list[Strip]) -> None:
        self._prepared[key] = strips
        self._prepared.move_to_end(key)
        while len(self._prepared) > PREPARED:
            self._prepared.popitem(last=False)

    def _thread_console(self, width: int) -> Console:
        """A console of its own for a thread (the app's is not for other threads: a theme is
        pushed while rendering)."""
        return Console(
            color_system=self.app.console.color_system, file=io.StringIO(), width=width, markup=False,
            highlight=False, emoji=False, legacy_windows=False, force_terminal=True, safe_box=False,
        )

    def _render_in_thread(self, width: int) -> None:
        """Show a note now; build and render the document in a thread, then show it."""
        job = self._job = object()
        self._job_width = width
        build, source = self._build, self._source
        size = "the document" if build is not None else f"{len(source) // 1024:,} KB"
        note = Text(end="")  # styled by a span: Text.render drops the base style of a Text without spans
        note.append(f" Rendering {size}…", self.rich_style + Style(italic=True))
        self._strips = [Strip(list(note.render(self.app.console))).adjust_cell_length(width, self.rich_style)]
        highlight = self.get_component_rich_style("markdown-view--highlight", partial=True)
        style = self.rich_style
        console = self._thread_console(width)

        def render() -> None:
            text = build() if build is not None else source
            worker = get_current_worker()
            if worker.is_cancelled:
                return
            strips = _strips(console, _Document(text, highlight), width, style)
            if not worker.is_cancelled:
                self.app.call_from_thread(self._rendered, job, text, width, strips)

        self.run_worker(render, thread=True, exclusive=True, group="markdown-render", exit_on_error=False,
                        name="markdown-render", description=f"render {size}")

    def _rendered(self, job: object, source: str, width: int, strips: list[Strip]) -> None:
        """A thread's render is done: show it, unless another document or width came since."""
        if job is not self._job or not self.is_mounted:
            return
        self._job = None
        self._source, self._build = source, None
        self._strips, self._strips_width = strips, width
        set_virtual_size(self, Size(width, len(strips)), scrollbar_may_change=False)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """One visible line of the document."""
        if self._strips_width != self._content_width():
            self._layout_document()
        index = y + int(self.scroll_y)
        if 0 <= index < len(self._strips):
            return self._strips[index]
        return Strip.blank(self._content_width(), self.rich_style)

    def action_scroll_home(self) -> None:
        """To the start of the text (at once: an animation through a long text took a second)."""
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        """To the end of the text, at once."""
        self.scroll_end(animate=False)

    def action_page_down(self) -> None:
        """Scroll down one page."""
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        """Scroll up one page."""
        self.scroll_page_up(animate=False)

    def scroll_lines(self, lines: int) -> None:
        """Scroll by ``lines`` (negative: up), e.g. from the list's keys."""
        self.scroll_to(y=max(0, self.scroll_y + lines), animate=False)
