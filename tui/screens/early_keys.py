"""Keys typed while the reader starts: held, then acted on in order once the list can take them.

Textual keeps what the user types before the first frame, and hands it over as
soon as the app runs; the library is still loading then. Those keys used to be
lost: the main screen's commands are off while it loads, and the filter (the
first focusable widget, focused while hidden) typed the rest into a query the
restored session then replaced. So ``q`` right after ``arxiv-reader⏎`` did not
quit, and ``jjs`` starred nothing.

:class:`HoldsEarlyKeys` (a mixin of the app) keeps the keys (and pastes) that
reach the main screen before its list can take them, in the order they were
read, and lets the app's own keys act at once (``q`` quits, ``?`` shows the
help: neither needs the library). When the main screen says its list can take
keys (:meth:`HoldsEarlyKeys.release_early_keys`: the first rows are painted,
the list has the focus and the screen is on top), the held keys go through the
app in the app's own turn, in order, before any key read after them: as one
read of the terminal, which the reader already takes in order. Each keeps the
time it was read (a destructive question asked since does not take a ``y``
typed ahead of it). Holding ends then, for the rest of the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from .main import MainScreen

    _Base = App
    _ScreenBase = MainScreen
else:
    _Base = _ScreenBase = object

__all__ = ["HoldsEarlyKeys", "TakesEarlyKeys"]


class HoldsEarlyKeys(_Base):
    """App mixin (before App in the bases): see the module's docstring.

    The app names its main screen with ``main_screen`` (None before it is there)."""

    #: Keys and pastes read before the list could take them, in order (None: holding is over).
    _early_events: list[events.Event] | None = None

    main_screen: Screen | None

    def hold_early_keys(self) -> None:
        """Start holding (the app calls it when constructed)."""
        self._early_events = []

    async def on_event(self, event: events.Event) -> None:
        """Hold a key or paste read from the terminal while the list cannot take it."""
        if self._early_events is not None and self._holds(event):
            self._early_events.append(event)
            return
        await super().on_event(event)

    def _holds(self, event: events.Event) -> bool:
        if not isinstance(event, (events.Key, events.Paste)) or event.is_forwarded:
            return False
        main = self.main_screen
        screen = self.screen
        if main is not None and screen is not main:
            return False  # a screen over it (help, the palette) takes its keys now
        if isinstance(event, events.Key):
            active = screen.active_bindings.get(event.key)
            if active is not None and active.node is self and active.enabled:
                return False  # the app's own keys (quit, help) act at once
        return True

    @property
    def holding_early_keys(self) -> bool:
        """Whether keys are still held for the main screen's list."""
        return self._early_events is not None

    def release_early_keys(self) -> None:
        """The main screen's list can take keys: the held ones act, in order, in the app's
        turn (keys already queued behind this call are held too, and follow them)."""
        if self._early_events is not None:
            self.call_later(self._replay_early_keys)

    async def _replay_early_keys(self) -> None:
        if self._early_events is None or (self.main_screen is not None and self.screen is not self.main_screen):
            return  # over already, or a screen was opened meanwhile: the main screen asks again on resume
        held, self._early_events = self._early_events, None
        for event in held:
            await super().on_event(event)


class TakesEarlyKeys(_ScreenBase):
    """Main screen mixin: says when its list can take the held keys."""

    def on_screen_resume(self) -> None:
        self.offer_early_keys()

    def offer_early_keys(self) -> None:
        """Release the held keys once the list can take them: the first rows painted (or their
        wait over) with a result, this screen on top. Called again on each of those events."""
        app = self.app
        if getattr(app, "holding_early_keys", False) and self.first_rows.released and self.results is not None \
                and app.screen is self:
            app.release_early_keys()  # type: ignore[attr-defined]
