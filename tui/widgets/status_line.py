"""The status line: how many papers are shown, the query, unread and starred counts."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

VIEW_LABELS = {"all": "all", "unread": "unread only", "starred": "starred only"}


def status_text(
    shown: int,
    total: int,
    query: str = "",
    unread: int = 0,
    starred: int = 0,
    view: str = "all",
    sort: str = "date",
    marked: int = 0,
) -> str:
    """``"1,234 of 40,512 papers · query · 12 unread · 3 starred"`` (plain text)."""
    parts = [f"{shown:,} of {total:,} papers"]
    if query.strip():
        parts.append(query.strip())
    if view != "all":
        parts.append(VIEW_LABELS.get(view, view))
    parts.append(f"{unread:,} unread")
    parts.append(f"{starred:,} starred")
    if marked:
        parts.append(f"{marked:,} marked")
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
