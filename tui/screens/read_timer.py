"""The read timer: the one way a paper becomes read without a key meant for it.

It starts only when the user moved the list's cursor onto an unread paper
(a key or a click that changed the cursor: ``k`` on the first row starts
nothing) and runs out after the delay if that paper is still under the cursor,
the list still has the focus and the main screen is on top. Anything that
rearranges the list cancels it, whatever paper ends up under the cursor: a new
filter result, a view, sort or day change (the issue's rule: never read
"from a view change, a sort or a filter result"), and so do marking with space
(marking is not reading) and leaving the list.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.timer import Timer


class ReadTimer:
    """Starts, cancels and runs out the read timer of one screen."""

    def __init__(
        self,
        set_timer: Callable[[float, Callable[[], None]], Timer],
        delay: float,
        still_reading: Callable[[str], bool],
        read: Callable[[str], None],
    ) -> None:
        """``still_reading(paper_id)``: whether the user still has that paper under the
        focused list's cursor; ``read(paper_id)`` marks it read."""
        self._set_timer = set_timer
        #: Seconds; 0 turns the timer off.
        self.delay = delay
        self._still_reading = still_reading
        self._read = read
        self._timer: Timer | None = None
        #: The paper the running timer is for (None: no timer runs).
        self.paper_id: str | None = None

    @property
    def running(self) -> bool:
        return self._timer is not None

    def start(self, paper_id: str) -> None:
        """The user moved onto ``paper_id`` (unread): read it after the delay if they stay."""
        self.cancel()
        if self.delay > 0:
            self.paper_id = paper_id
            self._timer = self._set_timer(self.delay, self._ran_out)

    def cancel(self) -> None:
        """Nothing is read by the timer that was running (if any)."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = None
        self.paper_id = None

    def run_out_now(self) -> None:
        """What waiting out the delay would do, at once: the pending timer (if any) runs
        out now. Tests drive the timer this way, whatever the machine's speed."""
        if self._timer is not None:
            self._timer.stop()
            self._ran_out()

    def _ran_out(self) -> None:
        paper_id = self.paper_id
        self._timer = None
        self.paper_id = None
        if paper_id is not None and self._still_reading(paper_id):
            self._read(paper_id)
