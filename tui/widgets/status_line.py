"""The status line: how many papers are shown and the counts that matter, then the view."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.core.days import day_label

VIEW_LABELS = {"all": "all", "unread": "unread only", "starred": "starred only", "new": "new only"}


def status_parts(
    shown: int,
    total: int,
    unread: int = 0,
    starred: int = 0,
    new: int = 0,
    view: str = "all",
    sort: str = "date",
    day: str | None = None,
    marked: int = 0,
    marked_hidden: int = 0,
    muted: int = 0,
) -> list[tuple[str, int]]:
    """The parts of the status line with how much each matters (0: always shown).

    The counts come first: they are what the line is for, and what stays in
    sight when a notification shows at the right.
    """
    parts = [(f"{shown:,} of {total:,} papers", 0), (f"{new:,} new", 0), (f"{unread:,} unread", 0),
             (f"{starred:,} starred", 0)]
    if marked:
        parts.append((f"{marked:,} marked", 0))
        if marked_hidden:
            parts[-1] = (f"{marked:,} marked ({marked_hidden:,} hidden by the filter)", 0)
    if muted:  # the saved search "mute" hides them from this result
        parts.append((f"{muted:,} muted hidden", 0))
    if day:
        parts.append((f"day {day_label(day)}", 0))
    if view != "all":
        parts.append((VIEW_LABELS.get(view, view), 1))
    parts.append((f"by {sort}", 3))
    if day:
        parts.append(("Esc: every day", 2))
    return parts


def status_text(width: int | None = None, **values) -> str:
    """``"39 of 1,234 papers · 5 new · 12 unread · 3 starred · ..."`` in ``width`` cells.

    The least important parts are left out until the line fits (never the counts).
    """
    parts = status_parts(**values)
    while width is not None and len(" · ".join(text for text, _ in parts)) > width:
        optional = [part for part in parts if part[1]]
        if not optional:
            break
        parts.remove(max(optional, key=lambda part: part[1]))
    return " · ".join(text for text, _ in parts)


class StatusLine(Static):
    """One line under the panes; updated by the screen, never from markup."""

    _text: str | None = None
    _values: dict[str, object] | None = None

    def show_status(self, **values: object) -> None:
        """Show :func:`status_text` of ``values``, fitted to the line."""
        self._values = values
        self._show(status_text(self.content_region.width or None, **values))

    def on_resize(self) -> None:
        if self._values is not None:
            self.show_status(**self._values)

    def show_message(self, text: str) -> None:
        """Show a plain message (loading progress, errors)."""
        self._show(text)

    def _show(self, text: str) -> None:
        if text == self._text:
            return
        self._text = text
        # One line of fixed height: a repaint, no screen layout (once per keystroke).
        self.update(Content(text), layout=False)
