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
from textual.content import Content


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
    bind: bool = True  # False: a palette entry for a key some widget binds (Enter on the list)
    other_key: str | None = None  # another key that runs it (bound elsewhere: Textual's ctrl+q)
    group: str | None = None  # the footer shows the keys of one group together under this name
    narrow: bool = True  # False: left out of the footer below 120 columns (see tui/widgets/key_footer.py)

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
            group=Binding.Group(self.group) if self.group else None,
        )


#: Commands of the main screen, in the order they appear in the footer and help.
MAIN_COMMANDS: tuple[Command, ...] = (
    Command(
        "filter", "slash", "focus_filter", "Filter", "Type a query to filter the papers.", key_display="/",
        narrow=False,  # the filter bar's placeholder says "/ filters" right above
    ),
    Command(
        "open_reading", "enter", "open_reading", "Read",
        "Open the highlighted paper in the reading view (it is read then).", bind=False,
    ),
    Command(
        "back",
        "escape",
        "back",
        "Back",
        "Return to the list; on the list, leave the day, then clear the filter.",
        show=False,
        key_display="esc",
    ),
    Command("star", "s", "toggle_star", "Star", "Star or unstar the highlighted paper."),
    Command("read", "m", "toggle_read", "Read/unread", "Mark the highlighted paper read or unread.", show=False),
    Command(
        "mark", "space", "toggle_mark", "Mark", "Mark or unmark the highlighted paper, then move down.", show=False
    ),
    Command("unmark_all", "u", "clear_marks", "Unmark all", "Clear every mark.", show=False),
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
    Command(
        "older_day",
        "left_square_bracket",
        "step_day(True)",
        "Prev day",
        "Show only the previous digest day that has papers under this query and view.",
        key_display="[",
        group="Day",
    ),
    Command(
        "newer_day",
        "right_square_bracket",
        "step_day(False)",
        "Next day",
        "Show only the next digest day that has papers under this query and view.",
        key_display="]",
        group="Day",
    ),
    Command("view_all", "1", "view('all')", "All", "Show all papers.", show=False),
    Command("view_unread", "2", "view('unread')", "Unread", "Show only unread papers.", show=False),
    Command("view_starred", "3", "view('starred')", "Starred", "Show only starred papers.", show=False),
    Command(
        "view_new",
        "4",
        "view('new')",
        "New",
        "Show only the new papers: imported since the last closed reader showed the library.",
        show=False,
    ),
    Command(
        "sort", "S", "cycle_sort", "Sort", "Cycle the sort order: date, title, category.", show=False, key_display="S"
    ),
    Command(
        "open_abs", "o", "open_url('abs')", "Open", "Open the arXiv page of the paper (or copy its URL over SSH).",
        show=False,
    ),
    Command(
        "open_pdf",
        "O",
        "open_url('pdf')",
        "Open PDF",
        "Open the PDF of the paper (or copy its URL over SSH).",
        show=False,
        key_display="O",
    ),
    Command(
        "detail_down", "J", "scroll_detail(1)", "Detail down", "Scroll the detail panel down a line.", show=False,
        key_display="J",
    ),
    Command(
        "detail_up", "K", "scroll_detail(-1)", "Detail up", "Scroll the detail panel up a line.", show=False,
        key_display="K",
    ),
    Command(
        "detail_page_down", "ctrl+d", "scroll_detail_page(1)", "Detail ½ page down",
        "Scroll the detail panel down half a page.", show=False,
    ),
    Command(
        "detail_page_up", "ctrl+u", "scroll_detail_page(-1)", "Detail ½ page up",
        "Scroll the detail panel up half a page.", show=False,
    ),
    Command("copy", "y", "copy_bibtex", "BibTeX", "Copy the BibTeX of the highlighted paper.", show=False),
    Command(
        "copy_menu",
        "Y",
        "copy_menu",
        "Copy…",
        "Copy the marked (else starred, else highlighted) papers in a chosen format.",
        key_display="Y",
    ),
)

#: The reading list's commands on the main screen (see :mod:`tui.screens.reading_list_actions`).
READING_LIST_COMMANDS: tuple[Command, ...] = (
    Command("tag", "t", "tag", "Tag", "Tag the marked papers, else the highlighted one (-name takes a tag off)."),
    Command(
        "note", "N", "edit_note", "Note",
        "Edit the note of the highlighted paper ($EDITOR when set, else in the reader).",
        key_display="N",
    ),
    Command(
        "sidebar", "L", "toggle_sidebar", "Lists",
        "Go to the sidebar of lists (views, saved searches and tags with their counts); inside it, hide it.",
        key_display="L",
    ),
    Command(
        "save_search", "at", "save_search", "Save search", "Save the query in the filter under a name (@name).",
        show=False, key_display="@",
    ),
)
MAIN_COMMANDS = MAIN_COMMANDS + READING_LIST_COMMANDS

#: Commands of the reading view (Enter on a paper).
READING_COMMANDS: tuple[Command, ...] = (
    Command("reading_back", "escape,q", "close", "Back", "Back to the list, where it was."),
    Command("reading_next", "n", "step(1)", "Next", "Read the next paper of the list."),
    Command("reading_previous", "p", "step(-1)", "Previous", "Read the previous paper of the list."),
    Command(
        "reading_authors", "a", "toggle_authors", "Authors", "Show every author, or the one-line summary.",
        show=False,
    ),
    Command(
        "reading_all", "x", "show_all", "Show all",
        "Show long fields whole (an abstract over 5,000 characters is cut).",
        show=False,
    ),
    Command("reading_star", "s", "star", "Star", "Star or unstar this paper."),
    Command("reading_read", "m", "read", "Read/unread", "Mark this paper read or unread.", show=False),
    Command("reading_open", "o", "open_url('abs')", "Open", "Open the arXiv page (or copy its URL over SSH)."),
    Command(
        "reading_pdf", "O", "open_url('pdf')", "Open PDF", "Open the PDF (or copy its URL over SSH).",
        show=False, key_display="O",
    ),
    Command("reading_copy", "y", "copy_bibtex", "BibTeX", "Copy the BibTeX of this paper.", show=False),
)

#: Commands of the application, available on every screen.
APP_COMMANDS: tuple[Command, ...] = (
    Command("help", "question_mark", "help", "Help", "Show every key, the query language and what they do.",
            key_display="?"),
    Command("quit", "q", "quit", "Quit", "Quit the reader (it reopens where you were).", other_key="ctrl+q",
            narrow=False),
)

#: The actions whose keys the main screen's footer leaves out below 120 columns (they stay bound).
WIDE_ONLY: frozenset[str] = frozenset(
    command.action for command in MAIN_COMMANDS + APP_COMMANDS if command.show and not command.narrow
)


def bindings(commands: tuple[Command, ...]) -> list[Binding]:
    """Bindings for a ``BINDINGS`` class variable (palette-only entries left out)."""
    return [command.binding() for command in commands if command.bind]


def key_label(command: Command, taken: frozenset[str] = frozenset()) -> str:
    """The command's key(s) as the user types them: ``s``, ``esc q``, ``[``; keys in
    ``taken`` (which the screen uses for something else) are left out."""
    keys = [key for key in command.key.split(",") if key not in taken]
    if command.key_display and len(keys) == len(command.key.split(",")):
        return command.key_display
    if not keys and command.other_key:
        keys = [command.other_key]
    return " ".join(_KEY_NAMES.get(key, key) for key in keys)


_KEY_NAMES = {"space": "space", "escape": "esc", "question_mark": "?", "slash": "/", "enter": "⏎"}


class MainCommands(Provider):
    """Offers the current screen's and the application's commands in the palette, with their keys."""

    def _commands(self) -> list[tuple[Command, object, str]]:
        """Each command with the node that runs it (the screen or the app) and its key label."""
        from .screens.main import MainScreen
        from .screens.reading import ReadingScreen

        found: list[tuple[Command, object, str]] = []
        screen = self.screen
        own: tuple[Command, ...] = ()
        if isinstance(screen, MainScreen):
            own = MAIN_COMMANDS
        elif isinstance(screen, ReadingScreen):
            own = READING_COMMANDS
        found.extend((command, screen, key_label(command)) for command in own)
        taken = frozenset(key for command in own if command.bind for key in command.key.split(","))
        found.extend((command, self.app, key_label(command, taken)) for command in APP_COMMANDS)
        return found

    def _runner(self, node: object, action: str):
        return partial(self.app.run_action, action, node)

    @staticmethod
    def _display(command: Command, name: Content, key: str) -> Content:
        """The name first, then its key: "Star  s"."""
        return Content.assemble(name, "  ", (key, "bold"))

    async def discover(self) -> Hits:
        for command, node, key in self._commands():
            yield DiscoveryHit(
                self._display(command, Content(command.description), key),
                self._runner(node, command.action),
                text=command.description,
                help=command.help,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command, node, key in self._commands():
            score = max(matcher.match(command.help), matcher.match(command.description))
            if score > 0:
                yield Hit(
                    score,
                    self._display(command, matcher.highlight(command.description), key),
                    self._runner(node, command.action),
                    text=command.description,
                    help=command.help,
                )
