"""What the reading list's keys do on the main screen: tag, note, sidebar, save a search.

A mixin of :class:`~tui.screens.main.MainScreen`, like :mod:`.actions`. The
screen holds a :class:`~.reading_list.ReadingListKeeper`; every change goes
through it (saved first, then shown), and then through
:meth:`ReadingListActions.reading_list_changed`, which repaints the sidebar,
the detail and the status line and searches again when the result may differ.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from ..core.readinglist import MUTE
from ..core.readinglist.names import check_note
from ..external_editor import EditorError, configured_editor, edit_text
from ..widgets.sidebar import Sidebar
from .dialogs import ConfirmDialog
from .note_editor import NoteEditor
from .save_search import SaveSearchDialog
from .tag_input import TagChange, TagInput

if TYPE_CHECKING:
    from ..core.models import Paper
    from .main import MainScreen

    _Base = MainScreen
else:
    _Base = object

#: The sidebar's lists that are views of the screen (the others are queries).
_VIEW_LISTS = ("all", "unread", "new", "starred")


def terminal_editor_usable(app) -> bool:
    """Whether the reader can hand the terminal to an editor (not when headless)."""
    return not app.is_headless


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def tag_notice(change: TagChange, what: str, had: Mapping[str, int], count: int) -> str:
    """What a tag change did to ``count`` papers (``what``), ``had`` saying how many of them
    had each tag before: only what changed is said as done (not "untagged" for a tag that
    was not there)."""
    one = count == 1

    def names(tags: list[str]) -> str:
        return " ".join(f"#{name}" for name in tags)

    def how_many(tags: list[str], say) -> str:
        """The partial counts, for several papers: " (2 already were)", " (#a: 2 ...; #b: 1 ...)"."""
        partial = [name for name in tags if 0 < had[name] < count] if not one else []
        if not partial:
            return ""
        if len(tags) == 1:
            return f" ({say(had[tags[0]])})"
        return " (" + "; ".join(f"#{name}: {say(had[name])}" for name in partial) + ")"

    parts = []
    added = [name for name in change.add if had[name] < count]
    if added:
        parts.append("tagged " + names(added)
                     + how_many(added, lambda n: f"{n:,} already {'was' if n == 1 else 'were'}"))
    already = [name for name in change.add if had[name] == count]
    if already:
        parts.append(("already tagged " if one else "all already tagged ") + names(already))
    removed = [name for name in change.remove if had[name]]
    if removed:
        parts.append("untagged " + names(removed) + how_many(removed, lambda n: f"only {n:,} had it"))
    absent = [name for name in change.remove if not had[name]]
    if absent:
        parts.append(f"nothing to take off: {names(absent)}" if one else f"no paper had {names(absent)}")
    return f"{what}: " + "; ".join(parts) + (" (saved)." if added or removed else " (nothing changed).")


class ReadingListActions(_Base):
    """The main screen's reading-list actions and the hooks the screen calls."""

    #: (muted, saved searches) versions the shown result was searched with.
    _reading_basis: tuple[int, int] = (0, 0)

    # -- hooks the screen calls ---------------------------------------------------------
    def notify_reading_list(self, message: str, severity: str) -> None:
        """What the reading list's keeper says (a refused name or note, a disk problem), titled as its own."""
        title = "Error" if severity == "error" else "Reading list"
        self.notify(message, title=title, severity=severity, markup=False, timeout=10)  # type: ignore[arg-type]

    def reading_list_loaded(self) -> None:
        """A library is loaded: read the reading list (the muted papers at once) and count
        the sidebar's lists in a worker (a second at 200,000 papers: not before the first paint)."""
        assert self.library is not None and self.user is not None
        count = self.reading_list.load(self.library, self.user.states)
        self.paper_list.tags_of = self.reading_list.tags_of
        self._reading_basis = (self.reading_list.muted_version, self.reading_list.searches_version)
        self.update_sidebar()
        library = self.library

        def work() -> None:
            try:
                counts = count()
            except Exception as error:  # a bug, not the user's doing: said, the reader goes on
                self.app.call_from_thread(self.notify, f"Could not count the lists: {error}", severity="error",
                                          markup=False)
                return
            self.app.call_from_thread(self._lists_counted, library, counts)

        # After the first rows: the count's thread would take turns with the painting one.
        self.first_rows.hold(lambda: self.run_worker(work, thread=True, group="reading-list", exclusive=True,
                                                     name="count the lists", exit_on_error=False))

    def _lists_counted(self, library, counts) -> None:
        if self.user is not None and self.reading_list.counted(library, counts, self.user.states):
            self.reading_list_changed()
        else:
            self.update_sidebar()

    def reading_list_states_changed(self, ids: Collection[str] | None, elsewhere: bool = False) -> None:
        """Read or starred changed for ``ids`` (None: any); ``elsewhere``: by another
        process, which may have changed the reading list too."""
        if self.user is None or self.library is None:
            return
        keeper = self.reading_list
        if elsewhere or ids is None:
            changed = keeper.reload(self.user.states, ids)
        else:
            changed = keeper.states_changed(self.user.states, ids)
        if changed:
            self.reading_list_changed()
        else:
            self.update_sidebar()

    def reading_list_changed(self) -> None:
        """Tags, notes, saved searches or the muted papers changed: show it everywhere,
        searching again only when the result may differ."""
        self.update_sidebar()
        self.paper_list.refresh()  # rows show tags
        keeper = self.reading_list
        basis = (keeper.muted_version, keeper.searches_version)
        query = self.query_obj
        if basis != self._reading_basis or (query is not None and query.uses_state):
            self._reading_basis = basis
            self._last_match = None  # the previous result may hold what is now muted, or not
            self.refilter()
        self._update_detail()
        self._update_status()

    def update_sidebar(self) -> None:
        """Show the lists with their current counts, marking the one the list shows."""
        current = None
        text = self.query_text.strip().casefold()
        for item in self.reading_list.lists:
            if (item.key in _VIEW_LISTS and not text and self.view == item.key) or (
                item.key not in _VIEW_LISTS and text == item.query and self.view == "all"
            ):
                current = item.key
                break
        self.query_one(Sidebar).show_lists(self.reading_list.lists, current)

    # -- the sidebar --------------------------------------------------------------------------
    def action_toggle_sidebar(self) -> None:
        """Go to the sidebar (showing it if hidden); from inside it, hide it.

        From 120 columns the sidebar is shown but the list has the keys: the
        first ``L`` must take the user into it, not hide what they want to use.
        """
        sidebar = self.query_one(Sidebar)
        if sidebar.display and not sidebar.has_focus:
            sidebar.focus()
            return
        shown = sidebar.display
        self.set_class(shown, "-sidebar-off")
        self.set_class(not shown, "-sidebar-on")
        if not shown:
            sidebar.focus()
        else:
            self.paper_list.focus()

    def on_sidebar_applied(self, event: Sidebar.Applied) -> None:
        """A list chosen in the sidebar: its view, or its query (a mixin: no ``@on`` here)."""
        item = event.item
        if item.key in _VIEW_LISTS:
            self.query_text = ""
            self.view = item.key
        else:
            self.view = "all"
            self.query_text = item.query
        self.day = None
        self.update_sidebar()
        self.paper_list.focus()

    # -- tags ----------------------------------------------------------------------------------
    def _targets(self) -> tuple[list[str], str] | None:
        """The marked papers (even those the filter hides), else the highlighted one."""
        if self.marks:
            ids = sorted(self.marks)
            what = _plural(len(ids), "marked paper")
            hidden = self.results.hidden(self.marks) if self.results is not None else 0
            if hidden:  # the user should know that some are not on screen (as the copy menu says)
                what += f", {hidden:,} of them hidden by the filter" if len(ids) > 1 else ", hidden by the filter"
            return ids, what
        paper = self._highlighted_paper()
        if paper is None:
            return None
        return [paper.id], f"{paper.id}"

    def action_tag(self) -> None:
        """Tag the marked papers, else the highlighted one (``-name`` takes a tag off)."""
        if self.user is None:
            return
        targets = self._targets()
        if targets is None:
            return
        ids, what = targets
        keeper = self.reading_list
        current = sorted({name for paper_id in ids for name in keeper.tags_of(paper_id)})

        def answered(change: TagChange | None) -> None:
            if change is not None and self.user is not None:
                had = {name: sum(1 for i in ids if name in keeper.tags_of(i)) for name in change.add + change.remove}
                if keeper.change_tags(ids, change.add, change.remove, self.user.states):
                    self.notify(tag_notice(change, what, had, len(ids)), timeout=4, markup=False)
                    self.reading_list_changed()

        self.app.push_screen(TagInput(what, current, keeper.tag_names), answered)

    # -- notes ------------------------------------------------------------------------------------
    def action_edit_note(self) -> None:
        """Edit the note of the highlighted paper: in ``$VISUAL``/``$EDITOR`` when set, else in a dialog."""
        paper = self._highlighted_paper()
        if paper is None or self.user is None:
            return
        current = self.reading_list.note(paper.id)
        editor = configured_editor()
        if editor and terminal_editor_usable(self.app):
            self._edit_outside(paper, current, editor)
            return
        self._edit_inside(paper, current)

    def _edit_inside(self, paper: Paper, began_with: str, draft: str | None = None, message: str = "") -> None:
        """The in-app editor on ``draft`` (else the note); ``began_with`` is the note the edit started from."""
        title = f"Note on {paper.id}: {paper.title}"
        self.app.push_screen(NoteEditor(title, began_with, draft, message),
                             lambda text: self._save_note(paper, text, began_with))

    def _edit_outside(self, paper: Paper, current: str, editor: str) -> None:
        """The user's editor in the terminal, the reader suspended meanwhile. Whatever goes wrong,
        the reader resumes and the text comes back in the in-app editor: nothing is lost."""
        outcome: dict[str, object] = {}
        try:
            with self.app.suspend():
                # Everything is caught inside: Textual's suspend() does not resume when its body raises.
                try:
                    outcome["text"] = edit_text(current, editor, f"note-{paper.id}")
                except BaseException as error:  # noqa: BLE001 - reported below, after resuming
                    outcome["error"] = error
        except Exception as error:  # cannot suspend here (no terminal): the dialog instead
            self.notify(f"Cannot open {editor!r} here ({error}); editing in the reader.", markup=False)
            self._edit_inside(paper, current)
            return
        error = outcome.get("error")
        if error is not None:
            left = error.text if isinstance(error, EditorError) else None
            reason = "interrupted" if isinstance(error, KeyboardInterrupt) else str(error) or type(error).__name__
            self.notify(f"{reason}; the note is not saved: it is open in the reader's editor instead.",
                        severity="warning", markup=False)
            self._edit_inside(paper, current, left)
            return
        self._save_note(paper, outcome.get("text"), current)  # type: ignore[arg-type]

    def _save_note(self, paper: Paper, text: str | None, began_with: str) -> None:
        """Save ``text`` as the note of ``paper``, unless it is too long or the note changed
        elsewhere since the edit began (then the in-app editor, or a question, keeps the text)."""
        if text is None or self.user is None:
            return
        try:
            check_note(text)
        except ValueError as error:
            self._edit_inside(paper, began_with, text, f"Not saved: {error}. Shorten it and save again.")
            return
        now = self.reading_list.reading.note(paper.id)  # read afresh: another reader or the CLI may have saved
        if now != began_with and now.rstrip() != text.rstrip():
            def answered(overwrite: bool | None) -> None:
                if overwrite:
                    self._write_note(paper, text)
                else:
                    self._edit_inside(paper, now, text, "The note changed elsewhere; its text now is in the "
                                      "detail panel. Save again to replace it.")

            self.app.push_screen(ConfirmDialog(
                f"The note on {paper.id} was changed elsewhere (another reader or the note command) since you "
                f"began editing. Replace it with yours?", yes="Replace", no="Keep editing", destructive=True), answered)
            self.reading_list_states_changed([paper.id], elsewhere=True)  # the detail shows the other text
            return
        self._write_note(paper, text)

    def _write_note(self, paper: Paper, text: str) -> None:
        if self.user is not None and self.reading_list.set_note(paper.id, text, self.user.states):
            saved = self.reading_list.note(paper.id)
            self.notify(f"Saved the note on {paper.id}." if saved else f"Removed the note on {paper.id}.",
                        timeout=3, markup=False)
            self.reading_list_changed()

    # -- saved searches -------------------------------------------------------------------------------
    def action_save_search(self) -> None:
        """Save the query in the filter under a name (``@name`` then finds it)."""
        text = self.query_text.strip()
        if not text:
            self.notify("Type a query first: the filter is empty.", severity="warning")
            return
        saved = self.reading_list.snapshot.searches

        def answered(name: str | None) -> None:
            if name is None or self.user is None:
                return
            before = self.reading_list.snapshot.searches.get(name)  # afresh: the CLI may have saved meanwhile
            if before == " ".join(text.split()):
                self.notify(f"@{name} already holds this query; nothing changed.", markup=False)
                return
            kept = self.reading_list.save_search(name, text, self.user.states)
            if kept is not None:
                what = "hidden everywhere unless a query says is:muted" if kept == MUTE else f"@{kept} finds it"
                was = "" if before is None else f" (was: {before})"
                self.notify(f"{'Saved' if before is None else 'Replaced'} @{kept}{was}: {text} ({what}).",
                            markup=False)
                self.reading_list_changed()

        self.app.push_screen(SaveSearchDialog(text, saved), answered)
