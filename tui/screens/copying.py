"""Copying citations, or appending them to a .bib file: which papers, in which
format, and telling the user what actually happened."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from textual.app import App
from textual.worker import Worker

from ..clipboard import Asked, tmux_blocks
from ..core.cite import BIB_FORMATS, CITED_FORMATS, DEFAULT_KEY_TEMPLATE, FORMATS, citation_gaps, render_citations
from ..core.index import IndexDamaged
from ..core.library import BaseLibrary
from ..core.models import Paper, PaperState
from ..core.results import Results
from ..export import ExportRefused, append_export
from ..web import deliver_file, in_browser
from .dialogs import CopyFallbackDialog

#: The copy menu's entry that appends BibTeX to a file instead of copying.
APPEND_BIBTEX = "append-bibtex"


def format_labels() -> dict[str, str]:
    """Menu key -> label: every format of ``cite.FORMATS``, then appending to a file."""
    labels = {key: label for key, (label, _) in FORMATS.items()}
    labels[APPEND_BIBTEX] = "BibTeX, added to a .bib file…"
    return labels


def key_template(app: App) -> str:
    """The citation key template of the app's config (the default without one)."""
    config = getattr(app, "config", None)
    return config.citations.key_template if config is not None else DEFAULT_KEY_TEMPLATE


def copy_targets(
    library: BaseLibrary,
    marked: Collection[str],
    states: Mapping[str, PaperState],
    highlighted: Paper | None,
    results: Results | None = None,
) -> tuple[list[Paper], str]:
    """What ``Y`` copies, and a label that says exactly that.

    The marked papers (all of them, in list order), else every starred paper of
    the library, else the highlighted one. The label counts those the filter
    hides, so the user knows before copying ("3 marked papers, 1 of them hidden
    by the filter").
    """
    by_id = library.by_id
    chosen = [library.papers[i] for i in sorted(by_id[paper_id] for paper_id in marked if paper_id in by_id)]
    noun = "marked paper"
    if not chosen:
        chosen = library.starred(states)
        noun = "starred paper"
    if not chosen:
        return ([highlighted], f"the highlighted paper {highlighted.id}") if highlighted is not None else ([], "")
    label = _count(len(chosen), noun)
    hidden = results.hidden({paper.id for paper in chosen}) if results is not None else 0
    if hidden:
        label += f", {hidden:,} of them hidden by the filter" if len(chosen) > 1 else ", hidden by the filter"
    return chosen, label


def copy_papers(app: App, papers: list[Paper], format_key: str) -> Worker:
    """Copy ``papers`` in a format of ``cite.FORMATS``; say how, or show the text.

    The citations are made in a worker thread (keys are checked against the
    whole library, which takes a moment in a large one) and copied as
    :func:`copy_text` does.
    """
    label = FORMATS[format_key][0]
    template = key_template(app)
    universe = _library_papers(app)
    what = papers[0].id if len(papers) == 1 else f"{len(papers):,} papers"

    suffix = ".bib" if format_key in BIB_FORMATS else ".txt"

    def make() -> None:
        try:
            text = render_citations(format_key, papers, template, universe=universe)
        except IndexDamaged as damage:  # (keys from a damaged index could be wrong: none made)
            app.call_from_thread(_index_damaged, app, f"Could not make {label}", damage)
            return
        except Exception as error:  # a citation bug must not cost the session
            app.call_from_thread(app.notify, f"Could not format {label}: {error}", severity="error", markup=False)
            return
        copy_in_thread(app, text, f"{label} for {what}", suffix)
        if format_key in CITED_FORMATS:
            _warn_gaps(app, citation_gaps(papers))

    return app.run_worker(make, name="format citations", group="copy", thread=True, exit_on_error=False)


def append_papers(
    app: App, papers: list[Paper], path_text: str, on_added: Callable[[], None] | None = None
) -> Worker:
    """Add the BibTeX of the ``papers`` a .bib file lacks, as ``export --append``
    does (same checks, same lock; nothing else in the file changes), and say
    what happened.  The file is read and written in a worker thread, so a slow
    disk never freezes the reader; ``on_added`` runs (on the UI thread) when
    the file now has the papers."""
    path = Path(os.path.abspath(Path(path_text).expanduser()))  # the notice names the real place
    template = key_template(app)
    universe = _library_papers(app)

    def add() -> None:
        try:
            result = append_export(path, papers, "bibtex", template, universe=universe)
        except ExportRefused as error:
            message = str(error)
            app.call_from_thread(app.notify, message[:1].upper() + message[1:], severity="error", markup=False)
            return
        except IndexDamaged as damage:  # (before the file was touched: keys are made first)
            app.call_from_thread(_index_damaged, app, f"Could not add BibTeX to {path}", damage)
            return
        except Exception as error:  # a citation bug must not cost the session
            app.call_from_thread(
                app.notify, f"Could not add BibTeX to {path}: {error}", severity="error", markup=False
            )
            return
        app.call_from_thread(app.notify, result.describe(path, "bibtex", appended=True).capitalize(), markup=False)
        _warn_gaps(app, result.gaps)
        if in_browser(app):  # the file is on the server: the browser's user gets a copy
            app.call_from_thread(lambda: app.notify(deliver_file(app, path), markup=False))
        if on_added is not None:
            app.call_from_thread(on_added)

    return app.run_worker(add, name="add to a .bib file", group="bibfile", thread=True, exit_on_error=False)


def copy_text(app: App, text: str, what: str, suffix: str = ".txt") -> Worker:
    """Copy ``text`` (described by ``what``) and say how, or show it to copy by hand.

    ``app.clipboard_helper`` (a :class:`tui.clipboard.Clipboard`) runs its
    helper programs in a worker thread (a slow or hanging ``xclip`` never
    freezes the reader); the terminal route and the notice follow on the UI
    thread. When no route took the text, it is also written to a file
    (``suffix``) and shown, with the file's path, to copy by hand.
    """
    return app.run_worker(lambda: copy_in_thread(app, text, what, suffix), name="copy", group="copy",
                          thread=True, exit_on_error=False)


def copy_in_thread(app: App, text: str, what: str, suffix: str = ".txt") -> None:
    """:func:`copy_text` for code already in a worker thread."""
    helper = app.clipboard_helper  # type: ignore[attr-defined]
    asked = helper.ask(text)
    # Written only in case nothing takes it (known only once it was sent: decided below).
    failing = not asked.system and (not helper.uses_terminal or tmux_blocks(asked.tmux))
    path = helper.hand_copy.write(text, suffix) if failing else None
    app.call_from_thread(_copied, app, text, what, asked, path)


def _copied(app: App, text: str, what: str, asked: Asked, path: str | None) -> None:
    copied = app.clipboard_helper.send(app, text, asked)  # type: ignore[attr-defined]
    if copied.worked:
        app.notify(copied.message(what), markup=False, timeout=8 if copied.tmux_blocks else 4)
    else:
        app.push_screen(CopyFallbackDialog(what, text, tmux=copied.tmux if copied.tmux_blocks else None, path=path))


def _warn_gaps(app: App, gaps: Sequence[str], most: int = 3) -> None:
    """From a worker thread: say which citations lack a title or authors (see ``citation_gaps``)."""
    if not gaps:
        return
    more = f" (and {len(gaps) - most:,} more)" if len(gaps) > most else ""
    message = "Check the citation: " + "; ".join(gaps[:most]) + more
    app.call_from_thread(app.notify, message, title="Citation", severity="warning", markup=False, timeout=12)


def _index_damaged(app: App, what: str, damage: IndexDamaged) -> None:
    """The citation keys met a damaged search index: nothing was made; the screen that
    reads the library rebuilds it (said there)."""
    app.notify(
        f"{what}: the search index is damaged ({damage.message}), so its citation keys could be "
        "wrong; nothing was written. Try again once the library is ready.",
        title="Library", severity="error", markup=False, timeout=10,
    )
    for screen in app.screen_stack:
        check = getattr(screen, "check_index_damage", None)
        if check is not None:
            check()


def _library_papers(app: App) -> object | None:
    """Every paper of the reader's library (keys are unique and stable in it), as a key universe."""
    library = getattr(getattr(app, "main_screen", None), "library", None)
    return library.key_universe() if library is not None else None


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
