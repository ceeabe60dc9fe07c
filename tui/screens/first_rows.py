"""Work held back until a library's first rows are painted.

At start-up the reader shows rows first; the sidebar's counts, the search
indexes built in the background and the state decoded whole all wait, since
their threads would take turns with the one painting. The paper list says
when it first drew a result (:class:`~tui.widgets.paper_list.PaperList.Painted`);
a timer releases the work anyway should it never draw (a list too small to show).
"""

from __future__ import annotations

from collections.abc import Callable


class FirstRows:
    """Callbacks held until :meth:`release` (then run at once when held)."""

    def __init__(self) -> None:
        self._held: list[Callable[[], object]] = []
        self.released = False

    def hold(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once the first rows are painted (now, when they were)."""
        if self.released:
            callback()
        else:
            self._held.append(callback)

    def release(self) -> None:
        """The first rows are painted: run what was held, in order."""
        self.released = True
        held, self._held = self._held, []
        for callback in held:
            callback()
