"""The footer of the main screen, which leaves its less needed keys out below 120 columns.

At 80 columns Textual's footer cut its last key in half. The keys of
:data:`tui.commands.WIDE_ONLY` (the filter's ``/``, which the filter bar's
placeholder names right above, and ``q``) carry the class ``-wide-only`` and
styles/app.tcss hides them on a narrow screen; every key stays bound, in the
help and in the palette.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

__all__ = ["KeyFooter"]


class KeyFooter(Footer):
    """A Footer whose keys running one of ``wide_only`` (action names) carry the class ``-wide-only``."""

    def __init__(self, wide_only: Iterable[str], **options) -> None:
        super().__init__(**options)
        self.wide_only = frozenset(wide_only)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # (Footer yields one FooterKey per key; its ``action`` is the binding's.)
            if isinstance(widget, Widget) and getattr(widget, "action", None) in self.wide_only:
                widget.add_class("-wide-only")
            yield widget
