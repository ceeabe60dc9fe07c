"""The main screen: filter bar, paper list, paper detail, status line.

It owns the state (the loaded library, the user's states, query, view, sort and
marks), runs the workers (loading, searches over abstracts) and every action.
Widgets post messages; only the store writes to disk.
"""

from __future__ import annotations

import gc
import sys
import time
from bisect import bisect_left
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Label, ProgressBar
from textual.worker import Worker, WorkerState, get_current_worker

from ..commands import MAIN_COMMANDS, bindings
from ..core.models import Paper, PaperState
from ..core.query import Query, SearchCancelled, parse_query
from ..widgets.filter_bar import FilterBar
from ..widgets.paper_detail import PaperDetail
from ..widgets.paper_list import PaperList
from ..widgets.status_line import StatusLine
from .copying import APPEND_BIBTEX, append_papers, copy_papers, copy_targets, format_labels
from .dialogs import BibFileDialog, ConfirmDialog, CopyMenu
from ..core.library import SORTS, VIEWS, Library

if TYPE_CHECKING:
    from ..core.store import ImportReport, Store

#: Action names of the screen's commands (without parameters).
_SCREEN_ACTIONS = frozenset(command.action.split("(")[0] for command in MAIN_COMMANDS)
#: Seconds between session saves while the user moves around.
SESSION_DEBOUNCE = 0.5
#: Seconds between two loading-progress updates.
PROGRESS_INTERVAL = 0.05
#: The background index build waits until the user left keys alone this long
#: (some builds hold the GIL for hundreds of ms at 200,000 papers).
WARM_IDLE = 0.3
#: GIL switch interval while the index build runs: the UI thread gets the GIL
#: back within 1 ms instead of Python's default 5 ms after each event-loop wait.
WARM_SWITCH_INTERVAL = 0.001


class MainScreen(Screen):
    """Browse, filter and act on the papers of the library."""

    BINDINGS = bindings(MAIN_COMMANDS)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    view: reactive[str] = reactive("all", init=False)
    sort: reactive[str] = reactive("date", init=False)

    class LoadProgress(Message):
        """Posted from the loading thread: a stage with ``done`` of ``total``."""

        def __init__(self, stage: str, done: int, total: int) -> None:
            super().__init__()
            self.stage = stage
            self.done = done
            self.total = total

    def __init__(
        self,
        store: Store,
        paths: list[Path] | None = None,
        mark_read_delay: float = 1.5,
    ) -> None:
        super().__init__()
        self.store = store
        self.paths = paths
        self.mark_read_delay = mark_read_delay
        self.library: Library | None = None
        self.states: dict[str, PaperState] = {}
        self.query_obj: Query | None = None
        self._shown_counts = (0, 0)
        self._found: list[int] = []  # library indices of the shown papers
        self._matches: list[int] = []  # the same, ascending (for fast counts)
        self._states_version = 0  # bumped on every state change
        #: The last result, reused when the next query narrows it: (query, view, version, matches).
        self._last_match: tuple[Query, str, int, list[int]] | None = None
        self._search_basis: tuple[str, int] = ("all", 0)
        self._generation = 0
        self._read_timer: Timer | None = None
        self._session_timer: Timer | None = None
        self._last_progress = 0.0
        self._messages_shown = 0  # how many of store.messages were notified
        self._filtered_text: str | None = None  # the filter text of the last refilter
        self._detail_pending = False  # a deferred detail refresh is scheduled
        self._last_input = 0.0  # monotonic time of the last cursor move or filter keystroke
        self._bib_path = "refs.bib"  # the .bib file papers were last added to

    # -- layout ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="loading"):
            yield Label("Loading the library…", id="loading-label")
            yield ProgressBar(id="loading-bar", show_eta=False)
        with Vertical(id="main-area"):
            yield FilterBar(id="filter")
            with Container(id="panes"):
                yield PaperList(id="papers")
                yield PaperDetail(id="detail")
            yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.add_class("-loading")
        # The detail follows the cursor synchronously (a watcher, not the bubbling
        # Highlighted message): the new row and the new detail then reach the
        # screen in the same frame instead of the detail waiting a frame tick.
        self.watch(self.paper_list, "cursor", self._cursor_moved, init=False)
        # Likewise the filter: the search runs as the key changes the input, so the
        # typed character and the new rows are painted in one frame.
        self.watch(self.filter_bar.input, "value", self._query_typed, init=False)
        self._load()

    @property
    def paper_list(self) -> PaperList:
        return self.query_one("#papers", PaperList)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one("#detail", PaperDetail)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one("#filter", FilterBar)

    @property
    def loaded(self) -> bool:
        return self.library is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While loading, the screen's commands are off (and out of the footer)."""
        if action in _SCREEN_ACTIONS and not self.loaded:
            return False
        return True

    # -- loading -----------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load", name="load", exit_on_error=False)
    def _load(self) -> tuple[ImportReport | None, Library, dict[str, PaperState], dict]:
        """Import the given paths and load every paper.

        The search indexes are built later (:meth:`_warm_indexes`), after the
        first rows are painted: start-up waits for the papers only.
        """
        report = None
        if self.paths:
            report = self.store.import_paths(self.paths, self._progress("Importing digests"))
        papers = self.store.load_papers(self._progress("Loading papers"))
        self.post_message(self.LoadProgress("Indexing papers", 0, 0))
        library = Library(papers)
        return report, library, self.store.states(), self.store.load_session() or {}

    def _progress(self, stage: str):
        """A thread-safe progress callback that posts at most every PROGRESS_INTERVAL."""

        def report(done: int, total: int) -> None:
            now = time.monotonic()
            if done < total and now - self._last_progress < PROGRESS_INTERVAL:
                return
            self._last_progress = now
            self.post_message(self.LoadProgress(stage, done, total))

        return report

    def on_main_screen_load_progress(self, event: LoadProgress) -> None:
        label = f"{event.stage}…" if not event.total else f"{event.stage}… {event.done:,} of {event.total:,}"
        self.query_one("#loading-label", Label).update(Content(label))
        self.query_one("#loading-bar", ProgressBar).update(
            total=event.total or None, progress=event.done
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR:
            error = worker.error
            message = f"{worker.name or 'Background task'} failed: {type(error).__name__}: {error}"
            self.notify(message, title="Error", severity="error", markup=False, timeout=10)
            if worker.name == "load":
                self.query_one("#loading-label", Label).update(Content(message))
        elif event.state == WorkerState.SUCCESS and worker.name == "load":
            self._finish_loading(*worker.result)

    def _finish_loading(
        self,
        report: ImportReport | None,
        library: Library,
        states: dict[str, PaperState],
        session: dict[str, Any],
    ) -> None:
        self.library = library
        self.states = states
        self.remove_class("-loading")
        self.refresh_bindings()
        self._show_store_messages()
        if report is not None and report.problems:
            first = str(report.problems[0])
            self.notify(
                f"{len(report.problems):,} problems in the digests; first: {first}",
                title="Import",
                severity="warning",
                markup=False,
                timeout=10,
            )
        if not library.papers:
            self.notify("The library is empty: import a folder of digests.", markup=False)
        self._restore(session)
        self.paper_list.focus()
        # After the first paint: the rows must not wait for the indexes.
        self.call_after_refresh(self._warm_indexes, library)

    @work(thread=True, exclusive=True, group="warm", name="index papers", exit_on_error=False)
    def _warm_indexes(self, library: Library) -> None:
        """Build the search indexes and sort orders in the background, one at a time.

        A search that needs an index first waits for its build (the engine
        builds each index once). Between builds the worker waits while the
        user is moving or typing, so the interface keeps answering keys.
        """
        worker = get_current_worker()
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, WARM_SWITCH_INTERVAL))
        try:
            for step in library.warm_steps(abstracts=True):
                while not worker.is_cancelled and time.monotonic() - self._last_input < WARM_IDLE:
                    time.sleep(0.05)
                if worker.is_cancelled:
                    return
                step()
                # The indexes live as long as the library: out of the collector's
                # sight, a full collection no longer walks their millions of items
                # (35-40 ms pauses every ~20 cursor moves at 200,000 papers).
                gc.freeze()
                time.sleep(0.005)
        finally:
            sys.setswitchinterval(interval)

    def _show_store_messages(self) -> None:
        """Notify the store's notices (files moved aside...) not shown yet."""
        messages = self.store.messages
        for message in messages[self._messages_shown :]:
            self.notify(message, title="Library", severity="warning", markup=False, timeout=10)
        self._messages_shown = len(messages)

    def _restore(self, session: dict[str, Any]) -> None:
        """Reopen where the user was: query, view, sort, highlighted paper."""
        view, sort = session.get("view"), session.get("sort")
        # set_reactive: no watcher, so one refilter below instead of three.
        self.set_reactive(MainScreen.view, view if view in VIEWS else "all")
        self.set_reactive(MainScreen.sort, sort if sort in SORTS else "date")
        query = session.get("query")
        self.filter_bar.set_text(query if isinstance(query, str) else "")
        paper = session.get("paper")
        self.refilter(keep_paper_id=paper if isinstance(paper, str) else None)

    # -- filtering ---------------------------------------------------------------
    def refilter(self, keep_paper_id: str | None = None) -> None:
        """Search again with the current query, view and sort."""
        if self.library is None:
            return
        if keep_paper_id is None:
            current = self.paper_list.highlighted
            keep_paper_id = current.id if current is not None else None
        self._filtered_text = self.filter_bar.text
        query = parse_query(self._filtered_text)
        self.filter_bar.set_warnings(list(query.warnings))
        self._generation += 1
        self._search_basis = (self.view, self._states_version)
        self.workers.cancel_group(self, "search")
        within = self._narrowing(query)
        if query.uses_abstract:
            self.query_one(StatusLine).show_message("Searching the abstracts…")
            self._search_thread(query, self.view, within, dict(self.states), keep_paper_id, self._generation)
        else:
            matches = self.library.match(query, self.view, self.states, within)
            self._show(self._generation, matches, query, keep_paper_id)

    def _narrowing(self, query: Query) -> list[int] | None:
        """The previous matches when ``query`` can only match fewer papers (typing on)."""
        if self._last_match is None:
            return None
        previous, view, version, matches = self._last_match
        if view != self.view or version != self._states_version or not query.narrows(previous):
            return None
        return matches

    @work(thread=True, exclusive=True, group="search", name="search", exit_on_error=False)
    def _search_thread(
        self,
        query: Query,
        view: str,
        within: list[int] | None,
        states: dict[str, PaperState],
        keep_paper_id: str | None,
        generation: int,
    ) -> None:
        assert self.library is not None
        worker = get_current_worker()
        try:
            matches = self.library.match(
                query, view, states, within, should_stop=lambda: worker.is_cancelled
            )
        except SearchCancelled:
            return  # a newer query replaced this one
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, generation, matches, query, keep_paper_id)

    def _show(self, generation: int, matches: list[int], query: Query, keep_paper_id: str | None) -> None:
        """Show a search result (ascending matches) unless a newer search has started since."""
        if generation != self._generation or self.library is None:
            return
        # What the matches were computed on (states may have changed since).
        view, version = self._search_basis
        self._last_match = (query, view, version, matches)
        library = self.library
        found = library.order(matches, self.sort)
        self._found = found
        self._matches = matches
        self.query_obj = None if query.is_empty else query
        if keep_paper_id is not None and not _contains(matches, library.by_id.get(keep_paper_id)):
            keep_paper_id = None  # not shown any more: spare the list a scan of every row
        self.paper_list.set_papers(
            library.view(found), self.states, query=self.query_obj, keep_paper_id=keep_paper_id
        )
        self._shown_counts = library.counts(matches, self.states, ascending=True)
        self._show_detail(self.paper_list.highlighted, defer_same=True)
        self._update_status()
        self._schedule_session_save()

    def _update_status(self) -> None:
        if self.library is None:
            return
        unread, starred = self._shown_counts
        self.query_one(StatusLine).show_status(
            shown=len(self.paper_list.papers),
            total=len(self.library),
            query=self.filter_bar.text,
            unread=unread,
            starred=starred,
            view=self.view,
            sort=self.sort,
            marked=len(self.paper_list.marked),
        )

    def _show_detail(self, paper: Paper | None, defer_same: bool = False) -> None:
        """Show ``paper`` in the detail.

        With ``defer_same``, when the detail shows that paper already (a
        keystroke that kept it highlighted), re-rendering it with the new
        query's highlights waits until the new rows are painted: the key's
        frame doesn't pay for it.
        """
        if defer_same and paper is not None and self.detail.paper is paper:
            if not self._detail_pending:
                self._detail_pending = True
                self.call_after_refresh(self._refresh_detail)
            return
        state = self.states.get(paper.id) if paper is not None else None
        self.detail.show_paper(paper, state, self.query_obj)

    def _refresh_detail(self) -> None:
        self._detail_pending = False
        if self.library is not None:
            self._show_detail(self.paper_list.highlighted)

    def watch_view(self) -> None:
        self.refilter()

    def watch_sort(self) -> None:
        self.refilter()

    def _query_typed(self, text: str) -> None:
        if not self.filter_bar.setting_text:
            self._filter_changed(FilterBar.Changed(text))

    @on(FilterBar.Changed)
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        self._last_input = time.monotonic()
        if event.text != self._filtered_text:  # else the watcher searched already
            self.refilter()

    @on(FilterBar.Submitted)
    def _filter_submitted(self) -> None:
        self.paper_list.focus()

    # -- list events ---------------------------------------------------------------
    def _cursor_moved(self) -> None:
        self._last_input = time.monotonic()
        if self.library is not None:
            self._show_detail(self.paper_list.highlighted, defer_same=True)

    @on(PaperList.Highlighted)
    def _highlighted(self, event: PaperList.Highlighted) -> None:
        # Usually a no-op: the watcher showed it already.
        self._show_detail(event.paper, defer_same=True)
        self._restart_read_timer(event.paper)
        self._schedule_session_save()

    @on(PaperList.Selected)
    def _selected(self, event: PaperList.Selected) -> None:
        self._show_detail(event.paper)
        self._set_read([event.paper.id], True)

    def _restart_read_timer(self, paper: Paper | None) -> None:
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        if paper is None or self.mark_read_delay <= 0 or self._is_read(paper.id):
            return
        paper_id = paper.id
        self._read_timer = self.set_timer(self.mark_read_delay, lambda: self._read_after_delay(paper_id))

    def _read_after_delay(self, paper_id: str) -> None:
        current = self.paper_list.highlighted
        if current is not None and current.id == paper_id:
            self._set_read([paper_id], True)

    # -- state changes (written through the store at once) ---------------------------
    def _is_read(self, paper_id: str) -> bool:
        state = self.states.get(paper_id)
        return state is not None and state.read

    def _is_starred(self, paper_id: str) -> bool:
        state = self.states.get(paper_id)
        return state is not None and state.starred

    def _set_read(self, ids: list[str], read: bool) -> None:
        self._set_flag(ids, "read", read, self.store.set_read)

    def _set_starred(self, ids: list[str], starred: bool) -> None:
        self._set_flag(ids, "starred", starred, self.store.set_starred)

    def _set_flag(self, ids: list[str], flag: str, value: bool, write) -> None:
        """Write ``flag`` ("read" or "starred") through the store, then mirror it here."""
        ids = [paper_id for paper_id in ids if getattr(self.states.get(paper_id), flag, False) != value]
        if not ids or not self._write(write, ids, value):
            return
        stamp = {flag: value, f"{flag}_at": _now() if value else None}
        for paper_id in ids:
            self.states[paper_id] = replace(self.states.get(paper_id) or PaperState(paper_id), **stamp)
        self._states_changed(ids)

    def _write(self, method, ids: list[str], value: bool) -> bool:
        """Call a store write; a failure is a notification, not a traceback."""
        try:
            method(ids, value)
        except Exception as error:  # the store reports disk problems by exception
            self.notify(f"Could not save: {error}", title="Error", severity="error", markup=False)
            return False
        finally:
            self._show_store_messages()
        return True

    def _states_changed(self, ids: list[str]) -> None:
        self._states_version += 1
        papers_list = self.paper_list
        if len(ids) == 1:
            papers_list.refresh_paper(ids[0])
        else:
            papers_list.update_states(self.states)
        if self.library is not None:
            self.library.forget_states()  # changed in place
            self._shown_counts = self.library.counts(self._matches, self.states, ascending=True)
        current = papers_list.highlighted
        if current is not None and current.id in ids:
            self._show_detail(current)
        self._update_status()

    # -- actions -------------------------------------------------------------------
    def _highlighted_paper(self) -> Paper | None:
        if self.library is None:
            return None
        paper = self.paper_list.highlighted
        if paper is None:
            self.notify("No paper is highlighted.", severity="warning")
        return paper

    def action_focus_filter(self) -> None:
        self.filter_bar.focus_input()

    def action_back(self) -> None:
        """Escape: from the filter or the detail back to the list; on the list, clear the query."""
        papers_list = self.paper_list
        if self.focused is not papers_list:
            papers_list.focus()
        elif self.filter_bar.text:
            self.filter_bar.set_text("")
            self.refilter()

    def action_toggle_star(self) -> None:
        paper = self._highlighted_paper()
        if paper is not None:
            self._set_starred([paper.id], not self._is_starred(paper.id))

    def action_toggle_read(self) -> None:
        paper = self._highlighted_paper()
        if paper is not None:
            if self._read_timer is not None:
                self._read_timer.stop()  # the user decided; don't mark it read behind their back
            self._set_read([paper.id], not self._is_read(paper.id))

    def action_toggle_mark(self) -> None:
        paper = self._highlighted_paper()
        if paper is None:
            return
        marked = self.paper_list.marked
        if paper.id in marked:
            marked.discard(paper.id)
        else:
            marked.add(paper.id)
        self.paper_list.refresh_paper(paper.id)
        self._update_status()

    def _jump_unread(self, step: int) -> None:
        papers_list = self.paper_list
        shown = papers_list.papers
        index = papers_list.cursor + step
        while 0 <= index < len(shown):
            if not self._is_read(shown[index].id):
                papers_list.move_cursor_to(index)
                return
            index += step
        self.notify("No more unread papers " + ("below." if step > 0 else "above."))

    def action_next_unread(self) -> None:
        if self.loaded:
            self._jump_unread(1)

    def action_previous_unread(self) -> None:
        if self.loaded:
            self._jump_unread(-1)

    def action_mark_all_read(self) -> None:
        if not self.loaded:
            return
        ids = [paper.id for paper in self.paper_list.papers if not self._is_read(paper.id)]
        if not ids:
            self.notify("Every shown paper is already read.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._set_read(ids, True)
                self.notify(f"Marked {len(ids):,} papers as read.")

        self.app.push_screen(ConfirmDialog(f"Mark {len(ids):,} shown papers as read?"), answered)

    def action_view(self, view: str) -> None:
        if view in VIEWS:
            self.view = view

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.notify(f"Sorted by {self.sort}.", timeout=2)

    def action_copy_bibtex(self) -> None:
        paper = self._highlighted_paper()
        if paper is not None:
            copy_papers(self.app, [paper], "bibtex")

    def action_copy_menu(self) -> None:
        if self.library is None:
            return
        papers, what = copy_targets(
            self.library, self.paper_list.marked, self.states, self.paper_list.highlighted
        )
        if not papers:
            self.notify("Nothing to copy.", severity="warning")
            return

        def chosen(key: str | None) -> None:
            if key == APPEND_BIBTEX:
                self.app.push_screen(BibFileDialog(what, self._bib_path), appended)
            elif key:
                copy_papers(self.app, papers, key)

        def appended(path: str | None) -> None:
            if path:
                append_papers(self.app, papers, path, on_added=lambda: setattr(self, "_bib_path", path))

        self.app.push_screen(CopyMenu(what, format_labels()), chosen)

    # -- session -------------------------------------------------------------------
    def _schedule_session_save(self) -> None:
        if self._session_timer is not None:
            self._session_timer.stop()
        self._session_timer = self.set_timer(SESSION_DEBOUNCE, self.save_session)

    def session(self) -> dict[str, Any]:
        """What :meth:`Store.save_session` keeps: query, view, sort and paper."""
        paper = self.paper_list.highlighted if self.loaded else None
        return {
            "query": self.filter_bar.text,
            "view": self.view,
            "sort": self.sort,
            "paper": paper.id if paper is not None else None,
        }

    def save_session(self) -> None:
        """Write the session now (also called on quit)."""
        if self._session_timer is not None:
            self._session_timer.stop()
            self._session_timer = None
        if not self.loaded:
            return
        try:
            self.store.save_session(self.session())
        except Exception as error:
            self.notify(f"Could not save the session: {error}", severity="error", markup=False)


def _contains(ascending: list[int], value: int | None) -> bool:
    """Whether ``value`` is in the sorted list ``ascending`` (by bisection)."""
    if value is None:
        return False
    pos = bisect_left(ascending, value)
    return pos < len(ascending) and ascending[pos] == value


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")

