"""The status line: how many papers are shown and the counts that matter, then the view."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui.core.days import day_label
from tui.core.safetext import escape_controls

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
) -> dict[str, list[str]]:
    """The parts of the status line, in order, each with its forms (longest first).

    What is shown comes first (how many, the view, the day), then the counts:
    a line cut short at the very end keeps what the list is.
    """
    parts = {"shown": [f"{shown:,} of {total:,} papers", f"{shown:,} of {total:,}", f"{shown:,}/{total:,}"]}
    if view != "all":
        parts["view"] = [VIEW_LABELS.get(view, view)]
    if day:
        label = day_label(day)
        short = f"{label[:4]}{day[5:]}" if label.endswith(day) and len(day) == 10 else label  # "Fri 07-31"
        parts["day"] = [f"day {label}", label, short]
    parts["new"] = [f"{new:,} new"]
    parts["unread"] = [f"{unread:,} unread"]
    parts["starred"] = [f"{starred:,} starred", f"{starred:,}★"]
    if marked:
        if marked_hidden:
            parts["marked"] = [f"{marked:,} marked ({marked_hidden:,} hidden by the filter)",
                               f"{marked:,} marked, {marked_hidden:,} hidden",
                               f"{marked:,} marked/{marked_hidden:,} hid"]
        else:
            parts["marked"] = [f"{marked:,} marked"]
    if muted:  # the saved search "mute" hides them from this result
        parts["muted"] = [f"{muted:,} muted hidden", f"{muted:,} muted"]
    parts["sort"] = [f"by {sort}"]
    if day:
        parts["escape"] = ["Esc: every day"]
    return parts


#: How the line is made shorter, step by step: a part left out (None) or its next form.
#: ("same" leaves out the count the view already says: "12 unread" in the unread view of 12.)
_SHORTER: list[tuple[str, int | None]] = [
    ("escape", None), ("sort", None), ("marked", 1), ("muted", 1), ("shown", 1), ("day", 1), ("starred", 1), ("day", 2),
    ("shown", 2), ("same", None), ("marked", 2), ("new", None),
]
#: The count each view makes the same as the papers shown.
_VIEW_COUNT = {"unread": "unread", "new": "new", "starred": "starred"}


def status_text(width: int | None = None, **values) -> str:
    """``"39 of 1,234 papers · 5 new · 12 unread · 3 starred · ..."`` in ``width`` cells.

    Hints are left out and parts written shorter until the line fits; then the
    count the view already says, then the count of new papers; what is shown,
    the view, the day, the marks and the other counts stay (a line still too long
    is cut at its end, with an ellipsis).
    """
    parts = status_parts(**values)
    chosen = {name: 0 for name in parts}
    view_count = _VIEW_COUNT.get(str(values.get("view", "all")))
    same = view_count if view_count and values.get(view_count, 0) == values.get("shown") else None

    def line() -> str:
        return " · ".join(parts[name][form] for name, form in chosen.items())

    for name, form in _SHORTER:
        if width is None or len(line()) <= width:
            break
        if name == "same":
            name = same or ""
        if name not in chosen:
            continue
        if form is None:
            del chosen[name]
        else:
            chosen[name] = min(form, len(parts[name]) - 1)
    text = line()
    if width is not None and len(text) > width:
        text = text[: max(width - 1, 0)] + "…"
    return text


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
        self.update(Content(escape_controls(text)), layout=False)
