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
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Markdown
from rich.style import Style
from rich.theme import Theme
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .scrolling import set_virtual_size

__all__ = ["MarkdownView"]


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

    @property
    def source(self) -> str:
        """The Markdown document shown."""
        return self._source

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
        if source == self._source and self._strips_width >= 0:
            return
        self._source = source
        self._strips_width = -1
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
            lines = console.render_lines(
                self.document, console.options.update_width(width), style=self.rich_style, pad=True
            )
            # pad=True: every line is exactly ``width`` cells already.
            self._strips = [Strip(line, width) for line in lines]
            self._strips_width = width
        # overflow-y: scroll (the stylesheets) keeps the scrollbar: no layout needed.
        set_virtual_size(self, Size(width, len(self._strips)), scrollbar_may_change=False)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """One visible line of the document."""
        if self._strips_width != self._content_width():
            self._layout_document()
        index = y + int(self.scroll_y)
        if 0 <= index < len(self._strips):
            return self._strips[index]
        return Strip.blank(self._content_width(), self.rich_style)

    def action_page_down(self) -> None:
        """Scroll down one page."""
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        """Scroll up one page."""
        self.scroll_page_up(animate=False)

    def scroll_lines(self, lines: int) -> None:
        """Scroll by ``lines`` (negative: up), e.g. from the list's keys."""
        self.scroll_to(y=max(0, self.scroll_y + lines), animate=False)
