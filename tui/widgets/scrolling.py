"""The one workaround for Textual's scrolling API, kept in one place.

Setting ``Widget.virtual_size`` (the public way to size a scrollable area) lays
out the whole screen: 13 ms at 120x35 on every filter keystroke for the list,
and on every cursor move for the detail panel (measured with Textual 8.2;
tests/ui/test_scrolling.py measures it again). A new size that leaves the
widget's own size and scrollbars as they were needs none of that: the scrollbars
only need the new range. :func:`set_virtual_size` does exactly that, through
``Widget._scroll_update`` (private), for the Textual versions it was checked
against (:data:`CHECKED_TEXTUAL`); on any other version it falls back to the
public setter, slower but correct, so an upgrade can never break the reader.
"""

from __future__ import annotations

from importlib.metadata import version

from textual.geometry import Size
from textual.widget import Widget

__all__ = ["CHECKED_TEXTUAL", "quick_resize_supported", "set_virtual_size"]

#: Textual versions (major.minor) whose ``_scroll_update`` was checked to do what is needed here.
CHECKED_TEXTUAL = ("8.2",)


def quick_resize_supported(textual_version: str | None = None) -> bool:
    """Whether the private quick path is known to work with this Textual version."""
    found = textual_version if textual_version is not None else version("textual")
    return ".".join(found.split(".")[:2]) in CHECKED_TEXTUAL and hasattr(Widget, "_scroll_update")


_QUICK = quick_resize_supported()


def set_virtual_size(widget: Widget, size: Size, *, scrollbar_may_change: bool = True) -> None:
    """Size ``widget``'s scrollable area to ``size``, without a screen layout when possible.

    ``scrollbar_may_change``: the caller can't rule out that the new size shows
    or hides a scrollbar (which changes the content width: that needs the
    layout of the public setter).
    """
    if size == widget.virtual_size:
        return
    if _QUICK and widget.is_mounted and not scrollbar_may_change:
        widget.set_reactive(Widget.virtual_size, size)
        widget._scroll_update(size)  # noqa: SLF001 - see the module docstring
    else:
        widget.virtual_size = size
