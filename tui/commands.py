"""Every user command, declared once.

A :class:`Command` names an action, its key and its description. The same table
feeds the key bindings of the main screen, the command palette (through
:class:`MainCommands`) and the help screen, so the three never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass(frozen=True, slots=True)
class Command:
    """One action the user can run by key or from the palette."""

    id: str
    key: str  # Textual key(s), comma separated
    action: str  # action name on the main screen (without "action_")
    description: str  # short, for the footer
    help: str  # one sentence, for the palette and the help screen
    show: bool = True  # shown in the footer
    key_display: str | None = None

    def binding(self) -> Binding:
        """The Textual binding for this command (with an id so users can remap it)."""
        return Binding(
            self.key,
            self.action,
            self.description,
            show=self.show,
            key_display=self.key_display,
            tooltip=self.help,
            id=self.id,
        )


#: Commands of the main screen, in the order they appear in the footer and help.
MAIN_COMMANDS: tuple[Command, ...] = (
    Command("filter", "slash", "focus_filter", "Filter", "Type a query to filter the papers.", key_display="/"),
    Command(
        "back",
        "escape",
        "back",
        "Back",
        "Return to the list; on the list, clear the filter.",
        show=False,
        key_display="esc",
    ),
    Command("star", "s", "toggle_star", "Star", "Star or unstar the highlighted paper."),
    Command("read", "m", "toggle_read", "Read", "Mark the highlighted paper read or unread."),
    Command("mark", "space", "toggle_mark", "Mark", "Mark the highlighted paper for copying.", show=False),
    Command("next_unread", "n", "next_unread", "Next unread", "Jump to the next unread paper.", show=False),
    Command(
        "previous_unread", "p", "previous_unread", "Prev unread", "Jump to the previous unread paper.", show=False
    ),
    Command(
        "read_all",
        "A",
        "mark_all_read",
        "All read",
        "Mark every shown paper as read (asks first).",
        show=False,
        key_display="A",
    ),
    Command("view_all", "1", "view('all')", "All", "Show all papers.", show=False),
    Command("view_unread", "2", "view('unread')", "Unread", "Show only unread papers.", show=False),
    Command("view_starred", "3", "view('starred')", "Starred", "Show only starred papers.", show=False),
    Command("sort", "o", "cycle_sort", "Sort", "Cycle the sort order: date, title, category.", show=False),
    Command("copy", "y", "copy_bibtex", "BibTeX", "Copy the BibTeX of the highlighted paper."),
    Command(
        "copy_menu",
        "Y",
        "copy_menu",
        "Copy…",
        "Copy marked (else starred, else highlighted) papers in a chosen format.",
        key_display="Y",
    ),
)

#: Commands of the application, available on every screen.
APP_COMMANDS: tuple[Command, ...] = (
    Command("help", "question_mark", "help", "Help", "Show every key and what it does.", key_display="?"),
    Command("quit", "q", "quit", "Quit", "Quit the reader (it reopens where you were)."),
)


def bindings(commands: tuple[Command, ...]) -> list[Binding]:
    """Bindings for a ``BINDINGS`` class variable."""
    return [command.binding() for command in commands]


class MainCommands(Provider):
    """Offers every main-screen and application command in the command palette."""

    def _commands(self) -> list[tuple[Command, object]]:
        """Each command with the node that runs it (the screen or the app)."""
        from .screens.main import MainScreen

        found: list[tuple[Command, object]] = []
        screen = self.screen
        if isinstance(screen, MainScreen):
            found.extend((command, screen) for command in MAIN_COMMANDS)
        found.extend((command, self.app) for command in APP_COMMANDS)
        return found

    def _runner(self, node: object, action: str):
        return partial(self.app.run_action, action, node)

    async def discover(self) -> Hits:
        for command, node in self._commands():
            yield DiscoveryHit(command.help, self._runner(node, command.action), help=command.description)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command, node in self._commands():
            score = max(matcher.match(command.help), matcher.match(command.description))
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.help),
                    self._runner(node, command.action),
                    help=command.description,
                )
