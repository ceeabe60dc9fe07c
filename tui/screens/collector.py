"""Keep the garbage collector's full collections out of the user's keystrokes.

Every repaint makes Textual strips that refer to themselves (a strip caches
its own crop), and the detail renders Markdown with a new parser each time:
garbage that only the cyclic collector frees. With the default thresholds a
full collection (10-25 ms with a 200,000-paper library open, on a shared
2-core machine) came every fifth or so key of someone typing a query: the
slowest keys of all. So while keys arrive, :class:`CollectorPacing` holds the
full collections back (the young generations are still collected, as often:
they take well under a millisecond), and once the user pauses it lets the
collector catch up at once, before the next key. No Textual here.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

__all__ = ["CollectorPacing"]

#: The oldest generation's threshold while full collections are held (never reached).
_HELD = 1 << 30


class CollectorPacing:
    """Holds the collector's full collections while the user types or moves.

    Call :meth:`input` for each key the user waits on, and :meth:`tick`
    regularly (a few times a second); :meth:`release` at the end.
    """

    #: Seconds without a key after which the full collections may run again (the one held back
    #: runs then).
    IDLE = 0.3
    #: The longest they are held, however long the keys go on (a held-down key).
    LONGEST = 5.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last_input = 0.0
        self._held_since = 0.0
        #: The thresholds to restore (None: not holding).
        self._saved: tuple[int, int, int] | None = None

    @property
    def holding(self) -> bool:
        """Whether full collections are held back now."""
        return self._saved is not None

    def input(self) -> None:
        """A key the user waits on: hold the full collections (if the collector runs at all)."""
        now = self._clock()
        self._last_input = now
        if self._saved is not None and now - self._held_since >= self.LONGEST:
            self.release(collect=True)  # (held too long: no tick came, whatever the reason)
        if self._saved is None and gc.isenabled():
            young, middle, old = gc.get_threshold()
            if old and old != _HELD:  # (0: full collections off already, leave them so)
                self._saved = (young, middle, old)
                self._held_since = now
                gc.set_threshold(young, middle, _HELD)

    def tick(self) -> None:
        """Once the keys paused (or after :attr:`LONGEST`), let the collector catch up."""
        if self._saved is None:
            return
        now = self._clock()
        if now - self._last_input >= self.IDLE or now - self._held_since >= self.LONGEST:
            self.release(collect=True)

    def release(self, collect: bool = False) -> None:
        """Restore the thresholds; with ``collect``, run the full collection now (the user paused)."""
        saved, self._saved = self._saved, None
        if saved is None:
            return
        if gc.get_threshold()[2] == _HELD:  # (unless someone set other thresholds meanwhile)
            gc.set_threshold(*saved)
        # Only when one was held back (the middle generation was collected more often than
        # the oldest's threshold since the last full collection).
        if collect and gc.isenabled() and gc.get_count()[2] > saved[2]:
            gc.collect()
