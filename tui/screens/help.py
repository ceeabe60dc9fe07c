"""The help screen: every key binding in reach, built from the binding objects."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.keys import key_to_character
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Static

from .dialogs import dialog_footer

#: Friendly section names by class name; others show the class name.
SECTION_TITLES = {
    "ArxivReaderApp": "Everywhere",
    "MainScreen": "Main screen",
    "ReadingScreen": "Reading view",
    "ReadingView": "Scrolling the paper",
    "PaperList": "Paper list",
    "PaperDetail": "Paper detail (J K, ctrl+d ctrl+u from the list)",
    "QueryInput": "Filter input",
}

#: The query language by example: (what to type, what it finds). An example stays under
#: :data:`EXAMPLE_WIDTH` cells, so that at 80 columns the meanings get half the width.
QUERY_EXAMPLES: list[tuple[str, str]] = [
    ("graph neural", "both words in the title, authors, id or categories (any case and accents; prefixes match)"),
    ('"neural radiance"', "the phrase"),
    ("diffusion -video", "'-' excludes (also NOT x, -ti:x, -(a b))"),
    ("(captioning OR deblurring) survey", "OR (or |) and parentheses; AND binds tighter"),
    ("ti:transformer  au:wang", "title; authors"),
    ("abs:contrastive  co:cvpr", "abstract; comment"),
    ("jr:tpami  doi:10.1145", "journal reference; DOI"),
    ("cat:cs.CV  cat:cs", "a category (primary or cross-list), or a whole archive"),
    ("id:2201.129", "ids starting so"),
    ("is:new", "imported since the last closed reader"),
    ("is:unread  is:read  is:starred", "your reading state"),
    ("date:latest", "the newest digest day"),
    ("date:2026-07-24  date:2026-07", "a day; a month"),
    ("date:2022-01..2022-03  date:2024..", "a range, inclusive, either end open"),
    ("?diffusion prior  any:prior", "search everywhere, abstracts and comments included"),
    ("tag:to-read  -tag:to-read  has:tag", "your tags (t tags papers)"),
    ("has:note  note:baseline", "papers with a note; a word in the note (N edits it)"),
    ("@mine", "the saved search 'mine' (@ saves the filter's query under a name)"),
    ("is:muted", "what the saved search 'mute' hides everywhere else"),
]

#: (key as shown, description, longer help)
HelpRow = tuple[str, str, str]

#: The widest an example of :data:`QUERY_EXAMPLES` may be.
EXAMPLE_WIDTH = 36

#: Words for Textual's own bindings where its own would puzzle here, by action:
#: (description, longer help).
BETTER_WORDS: dict[str, tuple[str, str]] = {
    "app.focus_next": ("Next pane", "Move the focus to the next part of the screen."),
    "app.focus_previous": ("Previous pane", "Move the focus to the previous part of the screen."),
    "quit": ("Quit", "Quit the reader (it reopens where you were)."),
    "screen.copy_text": ("Copy selection", "Copy the text selected with the mouse (sent to the terminal)."),
    "cursor_right": ("Move cursor right", ""),
    "delete_right_word": ("Delete word right", ""),
    "submit": ("Back to the list", "Leave the filter for the list; the query stays."),
    "copy": ("Copy selected text", "Sent to the terminal (OSC 52)."),
    "paste": ("Paste", "Paste what this reader copied last (the terminal's own paste works too)."),
}


#: The actions of Tab and shift+Tab (Textual's, on the app).
PANE_ACTIONS = frozenset({"app.focus_next", "app.focus_previous"})


def class_bindings(node: DOMNode) -> list[Binding]:
    """The bindings a node's class declares, inherited ones included, first wins.

    Walks the class hierarchy through the public ``BINDINGS`` class variables.
    """
    found: list[Binding] = []
    for cls in type(node).__mro__:
        declared = cls.__dict__.get("BINDINGS")
        if declared:
            found.extend(Binding.make_bindings(declared))
    return found


def _rows(app: App, bindings: Iterable[Binding], hidden: frozenset[str] = frozenset(),
          taken: Callable[[str], bool] = lambda key: False) -> list[HelpRow]:
    """One row per action and description; keys bound to the same action share it.

    Actions in ``hidden`` (inherited keys that do nothing in that widget) are
    left out, and so are keys that ``taken`` says a widget before this one
    handles (the reading view's q, letters typed into the filter).
    """
    keys: dict[tuple[str, str], list[str]] = {}
    tips: dict[tuple[str, str], str] = {}
    seen: set[str] = set()
    for binding in bindings:
        if not binding.description or binding.action in hidden:
            continue
        if binding.key in seen or taken(binding.key):  # shadowed by a subclass's binding, or before this node
            continue
        seen.add(binding.key)
        description, tip = BETTER_WORDS.get(binding.action, (binding.description, binding.tooltip))
        group = (binding.action, description)
        keys.setdefault(group, []).append(app.get_key_display(binding))
        tips.setdefault(group, tip)
    return [(" ".join(shown), group[1], tips[group]) for group, shown in keys.items()]


def _types_a_character(key: str) -> bool:
    """Whether ``key`` types a character into a text input (``s``, ``space``, ``slash``)."""
    if len(key) == 1:
        return key.isprintable()
    character = _KEY_CHARACTERS.get(key) or key_to_character(key)
    return character is not None and len(character) == 1 and character.isprintable()


_KEY_CHARACTERS = {"slash": "/", "space": " "}


def binding_sections(screen: Screen) -> list[tuple[str, list[HelpRow]]]:
    """Sections of help rows: the screen, the app, focused widgets, the list and detail.

    A key appears only where it does what the row says: keys the focused
    widget (and its containers) handle are left out of the screen's and the
    app's sections, and the screen's out of the app's, as Textual dispatches
    them; with a text input focused, keys that type are the input's.
    """
    app = screen.app
    # The screen's own keys come first: they are what people look for; the
    # scrolling keys every list and panel shares come after them.
    nodes: list[DOMNode] = [screen, app]
    chain: list[DOMNode] = []  # the focused widget and its containers, as keys reach them
    focused = screen.focused
    while focused is not None and focused is not screen:
        chain.append(focused)
        focused = focused.parent  # type: ignore[assignment]
    nodes.extend(chain)
    for selector in ("#papers", "#detail"):
        nodes.extend(screen.query(selector))
    typing = any(isinstance(node, Input) for node in chain)
    before_screen = {binding.key for node in chain for binding in class_bindings(node)}
    before_app = before_screen | {binding.key for binding in class_bindings(screen)}

    def taken_for(node: DOMNode) -> Callable[[str], bool]:
        if node is screen:
            return lambda key: key in before_screen or (typing and _types_a_character(key))
        if node is app:
            return lambda key: key in before_app or (typing and _types_a_character(key))
        return lambda key: False

    # Tab and shift+Tab move between panes: not listed on a screen of one (the reading view).
    one_pane = frozenset() if len(screen.focus_chain) > 1 else PANE_ACTIONS
    sections: list[tuple[str, list[HelpRow]]] = []
    done: set[int] = set()
    for node in nodes:
        if id(node) in done:
            continue
        done.add(id(node))
        # Keys are shadowed per node only: different widgets may reuse a key.
        hidden = getattr(node, "HELP_HIDDEN_ACTIONS", frozenset()) | one_pane
        rows = _rows(app, class_bindings(node), hidden, taken_for(node))
        if rows:
            name = type(node).__name__
            title = SECTION_TITLES.get(name, name)
            if node is screen and typing:
                title += " (the keys that work while typing a query)"
            sections.append((title, rows))
    return sections


def query_table() -> Table:
    """The query language's examples as a two-column table."""
    table = Table.grid(expand=True)
    table.add_column(width=max(cell_len(example) for example, _ in QUERY_EXAMPLES) + 2, style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for example, meaning in QUERY_EXAMPLES:
        table.add_row(Text(example), Text(meaning))
    return table


def _table(rows: list[HelpRow]) -> Table:
    table = Table.grid(expand=True)
    # Fixed widths (+2 as the gutter) so keys and names never wrap or touch.
    table.add_column(width=max(cell_len(row[0]) for row in rows) + 2, style="bold", no_wrap=True)
    table.add_column(width=max(cell_len(row[1]) for row in rows) + 2, no_wrap=True)
    table.add_column(ratio=1, style="dim")
    for key, description, tip in rows:
        table.add_row(Text(key), Text(description), Text(tip))
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the bindings it is given by section; Escape, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss(None)", "Close help", id="help.close")]

    def __init__(self, sections: list[tuple[str, list[HelpRow]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Label("Keys", id="help-title")
            with VerticalScroll(id="help-body"):
                for title, rows in self.sections:
                    yield Label(Text(title), classes="help-section")
                    yield Static(_table(rows), classes="help-table")
                yield Label("Query language (/ to type; every keystroke filters)", classes="help-section")
                yield Static(query_table(), classes="help-table", id="help-query")
            yield Label("Esc, q or ? to close · ctrl+p for the command palette", id="help-hint")
        yield dialog_footer()

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
