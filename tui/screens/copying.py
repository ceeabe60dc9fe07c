"""Copying citations: which papers, in which format, and telling the user how."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from textual.app import App

from ..core.cite import FORMATS
from ..core.models import Paper, PaperState
from .dialogs import CopyFallbackDialog
from ..core.library import Library


def format_labels() -> dict[str, str]:
    """Format key -> menu label, in ``cite.FORMATS`` order."""
    return {key: label for key, (label, _) in FORMATS.items()}


def copy_targets(
    library: Library,
    marked: Collection[str],
    states: Mapping[str, PaperState],
    highlighted: Paper | None,
) -> tuple[list[Paper], str]:
    """Marked papers, else starred ones, else the highlighted one; with a label."""
    chosen = [paper for paper_id in marked if (paper := library.paper(paper_id)) is not None]
    if chosen:
        return chosen, _count(len(chosen), "marked paper")
    starred = library.starred(states)
    if starred:
        return starred, _count(len(starred), "starred paper")
    return ([highlighted], highlighted.id) if highlighted is not None else ([], "")


def copy_papers(app: App, papers: list[Paper], format_key: str) -> None:
    """Copy ``papers`` in a format of ``cite.FORMATS``; say how, or show the text.

    ``app.clipboard_helper`` (a :class:`tui.clipboard.Clipboard`) does the copy;
    when no route works the text opens in a dialog to copy by hand.
    """
    label, render = FORMATS[format_key]
    try:
        text = render(papers)
    except Exception as error:  # a citation bug must not cost the session
        app.notify(f"Could not format {label}: {error}", severity="error", markup=False)
        return
    what = papers[0].id if len(papers) == 1 else f"{len(papers):,} papers"
    how = app.clipboard_helper.copy(app, text)  # type: ignore[attr-defined]
    if how is None:
        app.push_screen(CopyFallbackDialog(f"{label} for {what}", text))
    else:
        app.notify(f"Copied {label} for {what} ({how})", markup=False)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
