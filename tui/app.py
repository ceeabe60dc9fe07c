"""The Textual application: stylesheets, global keys, the main screen."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App

from .clipboard import Clipboard
from .config import Config, load_config
from .commands import APP_COMMANDS, MainCommands, bindings
from .core.safetext import escape_controls, inert_text
from .screens.dialogs import ConfirmDialog
from .screens.help import HelpScreen, binding_sections
from .screens.early_keys import HoldsEarlyKeys
from .screens.main import MainScreen
from .widgets.escaped_keys import read_escape_apart
from .widgets.keys_in_order import type_left_behind
from .web import adapt_to_browser

if TYPE_CHECKING:
    from .core.store import Store

STYLESHEETS = ("app.tcss", "paper_list.tcss", "paper_detail.tcss", "reading_list.tcss")


def styles_dir() -> Path:
    """``tui/styles`` when installed from a wheel, else the repository's ``styles/``."""
    here = Path(__file__).resolve().parent
    installed = here / "styles"
    return installed if installed.is_dir() else here.parent / "styles"


def stylesheets() -> list[Path]:
    """The stylesheets that exist (a missing optional one is skipped, not fatal)."""
    folder = styles_dir()
    return [folder / name for name in STYLESHEETS if (folder / name).is_file()]


class ArxivReaderApp(HoldsEarlyKeys, App):
    """A keyboard-driven reader for daily arXiv digests."""

    TITLE = "arxiv-reader"
    CSS_PATH = stylesheets()
    BINDINGS = bindings(APP_COMMANDS)
    COMMANDS = App.COMMANDS | {MainCommands}

    def __init__(
        self,
        store: Store,
        paths: list[Path] | None = None,
        mark_read_delay: float = 1.5,
        clipboard: Clipboard | None = None,
        sample: bool = False,
        config: Config | None = None,
        watch: bool = False,
    ) -> None:
        super().__init__()
        read_escape_apart()  # Escape and a key read together (see widgets/escaped_keys.py)
        #: The user's settings (``config.toml``); problems with it are shown once mounted.
        self.config = config if config is not None else load_config()
        self.store = store
        self.paths = list(paths) if paths else None
        self.mark_read_delay = mark_read_delay
        #: Showing the bundled sample (a throw-away store), not the user's library.
        self.sample = sample
        #: How copies reach the user (``clipboard`` is Textual's copied text).
        self.clipboard_helper = clipboard if clipboard is not None else Clipboard()
        #: Import new digests in the folders opened (``paths``) while running (see screens/watching.py).
        self.watch_folders = watch
        self.hold_early_keys()  # until the list can take them (see screens/early_keys.py)

    def get_default_screen(self) -> MainScreen:
        """The main screen is the app's first screen: there from the first frame, loading."""
        return MainScreen(self.store, self.paths, self.mark_read_delay, sample=self.sample)

    def on_mount(self) -> None:
        adapt_to_browser(self)
        for problem in self.config.problems:
            self.notify(problem, title="Config", severity="warning", timeout=10, markup=False)

    def on_unmount(self) -> None:
        """The reader is closing: the file kept for a copy by hand goes with it (the dialog said so)."""
        self.clipboard_helper.hand_copy.remove()

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Every notification (screens' and widgets' too come here), its text made inert:
        file names and fields from digests may hold escape sequences or bidi overrides."""
        super().notify(inert_text(message), title=escape_controls(title), severity=severity, timeout=timeout,
                       markup=markup)

    @property
    def main_screen(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def on_key(self, event: events.Key) -> None:
        """Type-ahead: keys that type text and end up here while a text field or the note's
        text area has the focus.

        Keys read in one go with the "/" that focuses the filter or the "N" that opens the
        note (a paste, fast typing over SSH) were already on their way to the list; the
        field's own keys never get here, so these are exactly the ones the focus change
        left behind (see ``type_left_behind``). A key typed before a destructive question
        appeared is dropped first: Textual would run the question's bindings on it next
        (see ``ConfirmDialog.typed_ahead``).
        """
        if isinstance(self.screen, ConfirmDialog) and self.screen.typed_ahead(event):
            # Typed before the question appeared, queued beneath it: not an answer (nor a binding's key).
            event.stop()
            event.prevent_default()
            return
        if type_left_behind(self.focused, event):
            event.stop()
            event.prevent_default()  # typed: no binding of the key runs too

    def get_system_commands(self, screen):
        """Textual's palette commands, without the two this reader has its own of: Quit
        (saves where you were: the reader's, with its key) and Keys (``?`` lists every key)."""
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Keys"):
                yield command

    def action_help(self) -> None:
        """Show every binding in reach of the current screen."""
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(binding_sections(self.screen)))

    async def action_quit(self) -> None:
        """Save where the user was, then quit."""
        main = self.main_screen
        if main is not None:
            main.session_keeper.end()
        self.exit()
