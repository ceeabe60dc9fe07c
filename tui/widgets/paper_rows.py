"""One line of the paper list as rich Text: a paper's row or a day's header.

Pure rendering, no widget state: :class:`PaperList` decides which row goes
where and caches the strips. Data never goes through markup: every row is built
from :class:`rich.text.Text` pieces.

What each row shows, left to right: a mark (``▸``), unread (``●``), starred
(``★``), the title, then as room allows the first author, the primary category
and the listing date. The markers are characters, so they read the same with
``NO_COLOR`` or 16 colours; on the cursor row every piece keeps a colour chosen
to read on the cursor's background (styles/paper_list.tcss).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.css.styles import StylesBase

from tui.core.days import day_label
from tui.core.latex import title_text
from tui.core.models import Paper
from tui.core.query import SpanCache
from tui.core.safetext import escape_controls

__all__ = ["RowStyles", "RowText", "paper_row", "row_text", "header_row", "clean"]

#: Control characters would corrupt the terminal (U+007F occurs in real titles).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

MARKER_WIDTH = 4  # mark, unread, starred, space
_DATE_WIDTH = 10
_CATEGORY_WIDTH = 9
_GAP = 2
_MIN_TITLE = 12
_ET_AL = " et al."
#: Characters of a title rendered into a row (wider than any terminal).
_ROW_TITLE = 1_000


def clean(text: str) -> str:
    """One line of printable text: newlines and tabs become spaces, other control
    characters go, line separators become spaces too, and what else could drive
    the terminal (bidi overrides) is shown escaped (``\\u202e``)."""
    return escape_controls(_CONTROL.sub("", text.replace("\n", " ").replace("\t", " ")))


#: What terminals draw at different widths: the joiner of emoji sequences (ZWJ),
#: the emoji presentation selector, skin tones, and the regional indicators of
#: flags. Rich counts 👩‍💻 as 2 cells, as a terminal that joins it draws it; tmux
#: and many terminals draw 👩 and 💻, 4 cells, and push the row's columns right.
_UNSTEADY = re.compile("[\u200d\ufe0f\U0001F3FB-\U0001F3FF\U0001F1E6-\U0001F1FF]")


def steady_width(text: str) -> str:
    """``text`` with the same width in every terminal and as many characters (so
    highlight spans still fit): joiners, selectors and skin tones become spaces,
    a flag's regional indicators its letters (🇺🇸 -> US)."""
    if text.isascii():
        return text
    return _UNSTEADY.sub(_steady_character, text)


def _steady_character(match: re.Match[str]) -> str:
    code = ord(match.group())
    return chr(code - 0x1F1E6 + ord("A")) if 0x1F1E6 <= code <= 0x1F1FF else " "


@dataclass(frozen=True, slots=True)
class RowStyles:
    """The list's component styles, resolved once per theme and focus change.

    Colours are resolved against the background they are drawn on (``auto``
    and translucent colours included): the ``cursor_*`` styles against the
    cursor row's, the others against the list's.
    """

    base: Style
    cursor: Style
    unread: Style
    read: Style
    starred: Style
    marked: Style
    match: Style
    meta: Style
    empty: Style
    day: Style
    cursor_starred: Style
    cursor_marked: Style
    cursor_match: Style


def component_style(styles: StylesBase, background: Color) -> Style:
    """The Rich style of a component's CSS, its colours resolved on ``background``.

    ``get_component_rich_style(partial=True)`` drops the alpha of a colour and
    ``auto`` (``$text-muted`` came out plain white): blend them here instead.
    """
    style = styles.partial_rich_style
    if styles.has_rule("color"):
        color = styles.color
        resolved = background + (background.get_contrast_text(color.a) if styles.auto_color else color)
        style += Style(color=resolved.rich_color)
    if styles.has_rule("background"):
        style += Style(bgcolor=(background + styles.background).rich_color)
    return style


Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class RowText:
    """The text of a paper's row at one width, with the query's highlights: everything of the
    paper its row shows (so, with the flags, the key of its cached strip: a paper drawn again
    by the next keystroke's result with the same highlights is not rendered again)."""

    title: str
    title_spans: Spans
    #: The first author as shown (a surname alone when the name is too long), "" when none.
    author: str
    author_spans: Spans
    #: How many authors (" et al." after the first when more than one).
    authors: int
    category: str
    date: str


def row_text(paper: Paper, width: int, spans: SpanCache | None) -> RowText:
    """What the row of ``paper`` shows at ``width`` cells, highlights of ``spans`` included."""
    author = steady_width(clean(paper.authors[0])) if paper.authors else ""
    suffix = len(_ET_AL) if len(paper.authors) > 1 else 0
    if cell_len(author) + suffix > _author_width(width) and " " in author.strip():
        author = author.split()[-1]  # the surname reads better than a cut name
    # A row shows a few hundred characters at most: a 1 MB title costs no more than that.
    title = steady_width(clean(title_text(paper.title[:_ROW_TITLE])))
    title_spans: Spans = ()
    author_spans: Spans = ()
    if spans:
        title_spans = tuple(spans.get(paper.id, title, "title"))
        author_spans = tuple(spans.get(paper.id, author, "authors")) if author else ()
    return RowText(title, title_spans, author, author_spans, len(paper.authors), clean(paper.primary_category),
                   paper.first_digest_date)


def _author_width(width: int) -> int:
    return max(12, min(24, width // 5))


def paper_row(
    paper: Paper,
    width: int,
    styles: RowStyles,
    *,
    is_cursor: bool,
    unread: bool,
    starred: bool,
    marked: bool,
    spans: SpanCache | None,
    tags: tuple[str, ...] = (),
    text: RowText | None = None,
) -> Text:
    """The row of ``paper``, exactly ``width`` cells (the user's ``tags`` after the title);
    ``text``: its :func:`row_text` at ``width`` (with ``spans``), when computed already."""
    if text is None:
        text = row_text(paper, width, spans)
    base = styles.base + styles.cursor if is_cursor else styles.base
    # On the cursor row the text takes the cursor's colour (chosen for contrast
    # with its background); read and unread differ by weight alone there.
    title_style = styles.unread if unread else styles.read
    meta_style = styles.meta
    if is_cursor:
        title_style = Style(bold=title_style.bold)
        meta_style = Style()
    marked_style, starred_style, match_style = (
        (styles.cursor_marked, styles.cursor_starred, styles.cursor_match)
        if is_cursor
        else (styles.marked, styles.starred, styles.match)
    )
    row = Text(style=base, no_wrap=True, end="")
    row.append("▸" if marked else " ", marked_style if marked else None)
    row.append("●" if unread else " ", (Style(bold=True) if is_cursor else styles.unread) if unread else None)
    row.append("★" if starred else " ", starred_style if starred else None)
    row.append(" ")

    columns: list[tuple[str, int, Spans | None]] = [
        (text.author, _author_width(width), text.author_spans),
        (text.category, _CATEGORY_WIDTH, None),
        (text.date, _DATE_WIDTH, None),
    ]
    # Narrow terminals drop the author first, then the category, then the date:
    # the title is what people scan, so it keeps at least 40% of the row.
    available = width - MARKER_WIDTH
    min_title = max(_MIN_TITLE, available * 2 // 5)
    while columns and available - sum(w + _GAP for _, w, _ in columns) < min_title:
        columns.pop(0)
    title_width = max(0, available - sum(w + _GAP for _, w, _ in columns))

    title = Text(text.title, style=title_style)
    for start, end in text.title_spans:
        title.stylize(match_style, start, end)
    label = tag_label(tags, title_width // 3)
    title.truncate(title_width - cell_len(label), overflow="ellipsis")
    title.append(label, meta_style)
    title.truncate(title_width, overflow="ellipsis", pad=True)
    row.append_text(title)

    for value, column_width, cell_spans in columns:
        cell = Text(value, style=meta_style)
        if cell_spans is not None:  # the author
            for start, end in cell_spans:
                cell.stylize(match_style, start, end)
            if text.authors > 1:
                # Shorten the name, never the " et al." that says there are more.
                cell.truncate(column_width - len(_ET_AL), overflow="ellipsis")
                cell.append(_ET_AL)
        cell.truncate(column_width, overflow="ellipsis", pad=True)
        row.append(" " * _GAP)
        row.append_text(cell)
    row.truncate(width, overflow="ellipsis", pad=True)
    return row


def tag_label(tags: tuple[str, ...], room: int) -> str:
    """`` #ml #to-read`` in at most ``room`` cells: "" without tags; when short of
    room the first tag (cut if need be) and how many more (`` #to-r… +1``)."""
    if not tags or room < 4:
        return ""
    label = " " + " ".join(f"#{clean(name)}" for name in tags)
    if cell_len(label) <= room:
        return label
    more = f" +{len(tags) - 1}" if len(tags) > 1 else ""
    first = f" #{clean(tags[0])}"
    fits = room - len(more)
    if cell_len(first) > fits:
        if fits < 4:
            return ""
        first = first[: fits - 1] + "…"
    return first + more


def header_row(day: str, papers: int, unread: int, new: int, width: int, styles: RowStyles) -> Text:
    """The header of one digest day: ``── Fri 2026-07-24 · 39 papers · 12 unread · 3 new ──``."""
    parts = [clean(day_label(day)), f"{papers:,} paper" + ("" if papers == 1 else "s"), f"{unread:,} unread"]
    if new:
        parts.append(f"{new:,} new")
    label = "── " + " · ".join(parts) + " "
    # Styled by a span, not Text(style=...): Text.render drops the base style of a
    # Text without spans, and a segment without a style breaks Textual's filters.
    row = Text(no_wrap=True, end="")
    row.append(label + "─" * max(0, width - cell_len(label)), styles.base + styles.day)
    row.truncate(width, overflow="ellipsis")
    return row


def empty_row(message: str, width: int, styles: RowStyles) -> Text:
    """The line shown when no paper matches."""
    row = Text(end="")
    row.append(f" {message}", styles.base + styles.empty)
    return row
