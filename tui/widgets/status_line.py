"""The status line: how many papers are shown and the counts that matter, then the view."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.core.days import day_label

VIEW_LABELS = {"all": "all", "unread": "unread only", "starred": "starred only", "new": "new only"}


def status_text(
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
) -> str:
    """``"39 of 1,234 papers · 5 new · 12 unread · 3 starred · ..."`` (plain text).

    The counts come first: they are what the line is for, and what stays in
    sight when a notification shows at the right.
    """
    parts = [f"{shown:,} of {total:,} papers", f"{new:,} new", f"{unread:,} unread", f"{starred:,} starred"]
    if marked:
        marks = f"{marked:,} marked"
        if marked_hidden:
            marks += f" ({marked_hidden:,} hidden by the filter)"
        parts.append(marks)
    if day:
        parts.append(f"day {day_label(day)} ([ ] step, Esc: all days)")
    if view != "all":
        parts.append(VIEW_LABELS.get(view, view))
    parts.append(f"by {sort}")
    return " · ".join(parts)


class StatusLine(Static):
    """One line under the panes; updated by the screen, never from markup."""

    _text: str | None = None

    def show_status(self, **values: object) -> None:
        """Show :func:`status_text` of ``values``."""
        self._show(status_text(**values))  # type: ignore[arg-type]

    def show_message(self, text: str) -> None:
        """Show a plain message (loading progress, errors)."""
        self._show(text)

    def _show(self, text: str) -> None:
        if text == self._text:
            return
        self._text = text
        # One line of fixed height: a repaint, no screen layout (once per keystroke).
        self.update(Content(text), layout=False)
