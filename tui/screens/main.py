"""The main screen: filter bar, paper list, paper detail, status line.

It owns the state: the query, view, sort and day filter, the current
:class:`~tui.core.results.Results`, the highlighted paper, the marks and the
user's states (reactives). Widgets render them (bound with ``data_bind``, or one
explicit call for the detail and the status line) and post messages that say
what the user did; each kind of change has one path through the screen:

* the query: what is typed (the filter bar's ``text``, watched) sets
  :attr:`query_text`, as do the screen's own changes; its watcher searches.
  While the user edits the filter, every result keeps the paper that was
  highlighted when the edit began (the anchor) whenever it is in the result;
* the cursor: the list's :attr:`~PaperList.move_request` (a key or click of
  the user, watched: answered while the key is handled, so the next key of the
  same read acts on the paper moved to) and the screen's own moves go through
  :meth:`move_to`; a new result sets the cursor where the result put it;
  :attr:`highlighted` follows the cursor;
* read state: only :meth:`mark_read` by an act of the user on that paper (Enter,
  the read timer after the user moved onto it with the list focused, ``m``, ``A``);
  every new result (query, view, sort, day) cancels a pending read timer
  (see :mod:`.read_timer`).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Static

from ..commands import MAIN_COMMANDS, WIDE_ONLY, bindings
from ..core.library import BaseLibrary
from ..core.models import Paper, PaperState
from ..core.query import Query
from ..core.results import Results
from ..core.finished import waiting_files
from ..widgets.filter_bar import FilterBar
from ..widgets.key_footer import KeyFooter
from ..widgets.paper_detail import PaperDetail
from ..widgets.paper_list import MoveRequest, PaperList
from ..widgets.sidebar import Sidebar
from ..widgets.status_line import StatusLine
from .actions import PaperActions
from .collector import CollectorPacing
from .loader import Loaded, LibraryLoader
from .read_timer import ReadTimer
from .reading_list import ReadingListKeeper
from .reading_list_actions import ReadingListActions
from .detail_follow import FollowsDetail, _id
from .early_keys import TakesEarlyKeys
from .first_rows import FirstRows
from .searching import Searching
from .session import SessionKeeper
from .user_state import UserState
from .polling import PollsState
from .watching import WatchesDigests

if TYPE_CHECKING:
    from ..core.store import Store

#: Action names of the screen's commands (without parameters).
_SCREEN_ACTIONS = frozenset(command.action.split("(")[0] for command in MAIN_COMMANDS)
#: Seconds between two looks at the store for changes made by another reader.
POLL_INTERVAL = 1.0
#: Seconds the background work of a start-up waits for the first rows at most (see :mod:`.first_rows`).
FIRST_ROWS_WAIT = 1.0
#: Seconds between two looks at whether the user paused (the collector then catches up).
PAUSE_CHECK_INTERVAL = 0.1


class MainScreen(TakesEarlyKeys, Searching, FollowsDetail, ReadingListActions, PaperActions, WatchesDigests,
                 PollsState, Screen):
    """Browse, filter and act on the papers of the library."""

    BINDINGS = bindings(MAIN_COMMANDS)
    #: Never the filter (the first focusable widget): focused while hidden by the loading state,
    #: it consumed the keys typed then, ``q`` included (see :mod:`.early_keys`).
    AUTO_FOCUS = "#papers"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    # The screen's state: ``var`` (a reactive that never repaints the screen itself:
    # a plain reactive would redraw the whole screen on every key). Widgets bound to
    # them repaint what they show.

    #: The query as typed (the filter bar shows it).
    query_text: var[str] = var("", init=False)
    view: var[str] = var("all", init=False)
    sort: var[str] = var("date", init=False)
    #: The digest day shown alone (``[`` / ``]``), None for every day.
    day: var[str | None] = var(None, init=False)
    results: var[Results | None] = var(None, init=False, always_update=True)
    #: Position of the highlighted paper in ``results`` (-1: none).
    cursor: var[int] = var(-1, init=False, always_update=True)
    highlighted: var[Paper | None] = var(None, init=False, always_update=True)
    marks: var[frozenset[str]] = var(frozenset, init=False)
    states: var[Mapping[str, PaperState]] = var(dict, init=False, always_update=True)

    def __init__(self, store: Store, paths: list[Path] | None = None, mark_read_delay: float = 1.5,
                 sample: bool = False) -> None:
        super().__init__()
        self.store = store
        self.paths = paths
        self.read_timer = ReadTimer(self.set_timer, mark_read_delay, self._still_reading,
                                    lambda paper_id: self.mark_read([paper_id], True))
        #: True when showing the bundled sample instead of the user's library.
        self.sample = sample
        self.library: BaseLibrary | None = None
        self.user: UserState | None = None
        self.session_keeper = SessionKeeper(self, store)
        #: Tags, notes, saved searches, muting and the sidebar's counts (see :mod:`.reading_list`).
        self.reading_list = ReadingListKeeper(store, self.notify_reading_list)
        #: How many muted papers the shown result leaves out (the status line says it).
        self.muted_hidden = 0
        #: Whether the shown result's query says is:muted (then the muted papers count in the total).
        self.muted_shown = False
        self._generation = 0
        #: The search generation whose result is shown (below ``_generation``: a search runs).
        self._shown_generation = 0
        #: The last search: (query, view, states version, matches), reused when the next query narrows it.
        self._last_match: tuple[Query, str, int, list[int]] | None = None
        self._search_basis: tuple[str, int] = ("all", 0)
        #: While the user edits the filter: ``(id,)`` of the paper highlighted when the
        #: edit began (``(None,)``: none), kept by every result it is in. None: no edit.
        self._edit_anchor: tuple[str | None] | None = None
        self._detail_pending = False
        #: A new result is being shown (its cursor's paper reaches the detail after the rows).
        self.arranging = False
        self._counts = (0, 0, 0)
        #: Monotonic time of the last key that moved the cursor or changed the query.
        self.last_input = 0.0
        #: Full garbage collections wait while those keys arrive (see :mod:`.collector`).
        self.collector = CollectorPacing()
        #: Rebuilds of the search index found damaged this session (see :meth:`check_index_damage`).
        self.index_rebuilds = 0
        #: The index kept being damaged: every library of this session is loaded whole.
        self.index_given_up = False
        #: The .bib file papers were last added to (the copy menu's "added to a .bib file").
        self.bib_path = "refs.bib"
        #: Work that waits for the first rows painted (see :mod:`.first_rows`).
        self.first_rows = FirstRows()

    # -- layout ------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield LibraryLoader(id="loading")
        with Vertical(id="main-area"):
            if self.sample:
                yield Static(SAMPLE_BANNER, id="sample-banner", markup=False)
            yield FilterBar(id="filter").data_bind(MainScreen.query_text)
            with Container(id="panes"):
                yield Sidebar(id="sidebar")
                yield PaperList(id="papers").data_bind(
                    MainScreen.results, MainScreen.cursor, MainScreen.states, MainScreen.marks
                )
                yield PaperDetail(id="detail")
            yield StatusLine(id="status")
        yield KeyFooter(WIDE_ONLY)

    def on_mount(self) -> None:
        self.add_class("-loading")
        self.watch(self.filter_bar, "text", self._typed, init=False)
        self.watch(self.filter_bar, "finished", self._filter_finished, init=False)
        self.watch(self.paper_list, "move_request", self._move_requested, init=False)
        self.watch(self.paper_list, "chosen", self._chosen, init=False)
        self.query_one(LibraryLoader).start(self.store, self.paths)

    def on_unmount(self) -> None:
        # Leaving without q (the app exiting otherwise): as a quit. A process that dies
        # unmounts nothing; the store tells it from its released lock.
        self.session_keeper.end()
        self.collector.release()

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

    @property
    def query_obj(self) -> Query | None:
        """The parsed query of the shown result (None when empty)."""
        return self.results.query if self.results is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While loading, the screen's commands are off (and out of the footer); so is ``/``
        while the filter has the focus (it types a slash there)."""
        if action == "focus_filter" and self.loaded and self.focused is self.filter_bar.input:
            return False
        return self.loaded or action not in _SCREEN_ACTIONS

    # -- loading -----------------------------------------------------------------
    def on_library_loader_finished(self, event: LibraryLoader.Finished) -> None:
        loaded: Loaded = event.loaded
        self.library = loaded.library
        self.user = UserState(self.store, loaded.states, self._notify_store)
        self.session_keeper.reading = loaded.reading
        self.set_reactive(MainScreen.states, self.user.states)
        self.mutate_reactive(MainScreen.states)
        self.reading_list_loaded()
        self.remove_class("-loading")
        self.refresh_bindings()
        self.user.show_store_messages()
        report = loaded.report
        if report is not None and report.problems:
            self.notify(
                f"a problem in the digests: {report.problems[0]}" if len(report.problems) == 1
                else f"{len(report.problems):,} problems in the digests; first: {report.problems[0]} "
                "(arxiv-reader problems lists them all)",
                title="Import", severity="warning", markup=False, timeout=10,
            )
        if not len(loaded.library):
            self.notify("The library is empty: import a folder of digests.", markup=False)
        elif loaded.index_pending:
            # The index is missing or out of date and too large to build before the rows.
            self.notify(
                f"Building the search index of the {len(loaded.library):,} papers in the background "
                "(one time); searches use the slower loaded library until it is ready.",
                title="Library", markup=False, timeout=10,
            )
            self.query_one(LibraryLoader).build_index(self.store, loaded.reading)
        self.session_keeper.restore(loaded.session)
        self.paper_list.focus()
        self.set_interval(POLL_INTERVAL, self._poll_store)
        self.set_interval(PAUSE_CHECK_INTERVAL, self.collector.tick)
        self.watch_digests(waiting_files(report.problems) if report is not None else frozenset())
        # After the first rows: they must not wait for the indexes, nor for the state decoded whole.
        user, loader = self.user, self.query_one(LibraryLoader)
        self.first_rows.hold(lambda: loader.warm(loaded.library, lambda: self.last_input))
        self.first_rows.hold(lambda: self.run_worker(user.warm, thread=True, group="state", name="read the state",
                                                     exit_on_error=False))
        self.first_rows.hold(self.offer_early_keys)
        self.set_timer(FIRST_ROWS_WAIT, self.first_rows.release)

    def on_paper_list_painted(self) -> None:
        self.first_rows.release()

    def on_library_loader_index_ready(self, event: LibraryLoader.IndexReady) -> None:
        """The search index built aside: read the library through it from now on (or, the
        index given up, every paper loaded into memory)."""
        self.swap_library(event.library, event.mark)  # type: ignore[arg-type]
        if event.whole:
            self.notify("The whole library is loaded: it is read from memory for the rest of this session.",
                        title="Library", markup=False)
        else:
            self.notify("The search index is ready.", title="Library", markup=False)

    def _notify_store(self, message: str, severity: str) -> None:
        title = "Error" if severity == "error" else "Library"
        self.notify(message, title=title, severity=severity, markup=False, timeout=10)  # type: ignore[arg-type]

    # -- searching -----------------------------------------------------------------
    def _typed(self, text: str) -> None:
        """The filter bar's text changed: typing, or the screen's own query shown there (then equal)."""
        if text != self.query_text:
            self.last_input = time.monotonic()
            self.collector.input()
            if self._edit_anchor is None:
                paper = self.highlighted
                self._edit_anchor = (paper.id if paper is not None else None,)
            self.query_text = text

    @on(events.DescendantBlur, "#filter-input")
    def _filter_left(self) -> None:
        """The edit is over: the next results keep whatever paper is highlighted then (and the
        papers next to it are rendered ahead now, see :mod:`.detail_follow`)."""
        self._edit_anchor = None
        self.show_pending_detail()
        self.call_after_refresh(self._prepare_neighbours)

    def _filter_finished(self) -> None:
        """Enter or Escape in the filter: back to the list at once (Screen.set_focus, not the
        deferred Widget.focus), so the keys right behind them are list keys."""
        self._edit_anchor = None
        self.set_focus(self.paper_list)

    def watch_query_text(self) -> None:
        self.refilter()

    def watch_view(self) -> None:
        self.refilter()

    def watch_sort(self) -> None:
        self._rearrange()

    def watch_day(self) -> None:
        self._rearrange()

    def watch_results(self, results: Results | None) -> None:
        if results is None or self.user is None:
            return
        self._counts = results.counts(self.user.states)
        self.paper_list.empty_message = self._empty_message()
        self._update_status()
        self.update_sidebar()
        self.session_keeper.schedule()
        self.call_after_refresh(self.check_index_damage)  # (the rows drawn read the index too)
        self.offer_early_keys()  # (the first result came after the rows' wait)

    def watch_cursor(self, position: int) -> None:
        self.highlighted = self.results.paper(position) if self.results is not None else None
        if getattr(self.library, "damage", None) is not None:
            self.check_index_damage()

    def _empty_message(self) -> str:
        if self.day:
            return f"No papers on {self.day} under this query and view (Esc: every day)"
        papers = "papers" if self.view == "all" else f"{self.view} papers"
        message = f"No {papers} match this query" if self.query_text.strip() else f"No {papers}"
        return message if self.view == "all" else f"{message} (1: all papers)"

    def _move_requested(self, request: MoveRequest | None) -> None:
        """A key or a click in the list asked for another paper."""
        if request is not None and self.results is not None:
            self.move_to(request.target(self.cursor, len(self.results)))

    def move_to(self, position: int, timer: bool = True) -> None:
        """Put the cursor on ``position`` for the user (a key, a click, n/p, space, Enter in
        the reading view); the detail follows in the same step.

        With ``timer``, moving onto an unread paper starts the read timer; a key
        that leaves the cursor where it was (``k`` on the first row) starts none.
        """
        if self.results is None or not 0 <= position < len(self.results):
            return
        self.last_input = time.monotonic()
        self.collector.input()
        moved = position != self.cursor
        self.cursor = position
        paper = self.highlighted
        if timer and moved and paper is not None and self.user is not None and not self.user.is_read(paper.id):
            self.read_timer.start(paper.id)
        self.session_keeper.schedule()

    def _still_reading(self, paper_id: str) -> bool:
        """Whether the user still has ``paper_id`` under the cursor of the focused list."""
        current = self.highlighted
        return current is not None and current.id == paper_id and self.paper_list.has_focus and self.app.screen is self

    def _chosen(self, paper: Paper | None) -> None:
        """Enter (or a double click) on the list's highlighted paper."""
        if paper is not None and paper.id == _id(self.highlighted):
            self.open_reading_view()

    # -- state changes ------------------------------------------------------------------
    def mark_read(self, ids: list[str], read: bool) -> None:
        """Mark ``ids`` read or unread: only ever for an act of the user on those papers."""
        self.read_timer.cancel()
        self._change(ids, "read", read)

    def set_starred(self, ids: list[str], starred: bool) -> None:
        self._change(ids, "starred", starred)

    def _change(self, ids: list[str], flag: str, value: bool) -> None:
        if self.user is not None and (changed := self.user.set(ids, flag, value)):
            self._states_changed(changed)

    def _states_changed(self, changed: Collection[str] | None = None, elsewhere: bool = False) -> None:
        """Read or starred changed: ``changed`` ids (None: any) by this reader, or
        ``elsewhere`` by another process (then tags and notes may have too)."""
        assert self.library is not None and self.user is not None
        if changed is None:
            self.library.forget_states()  # changed in place
        else:
            self.library.update_states(self.user.states, changed)
        self.mutate_reactive(MainScreen.states)
        self.reading_list_states_changed(changed, elsewhere)
        if self.results is not None:
            self._counts = self.results.counts(self.user.states, changed)
        self._update_detail(defer_same=True)  # the same paper: after the rows and the sidebar are painted
        self._update_status()

    # -- status ---------------------------------------------------------------------------
    def watch_marks(self) -> None:
        self._update_status()

    def _update_status(self) -> None:
        results = self.results
        if results is None or self.library is None:
            return
        unread, starred, new = self._counts
        self.query_one(StatusLine).show_status(
            # The total the sidebar's All counts: without the muted papers, unless the query says is:muted.
            shown=len(results), total=len(self.library) - (0 if self.muted_shown else self.reading_list.muted_count),
            unread=unread, starred=starred, new=new,
            view=self.view, sort=self.sort, day=self.day, marked=len(self.marks),
            marked_hidden=results.hidden(self.marks) if self.marks else 0, muted=self.muted_hidden,
        )

    def save_session(self) -> None:
        """Write the session now (also called on quit)."""
        self.session_keeper.save()


SAMPLE_BANNER = "Sample digests, nothing kept. Import yours: arxiv-reader import ~/digests"

