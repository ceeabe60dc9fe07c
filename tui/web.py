"""The reader in a web browser (``arxiv-reader serve``): the few things done differently there.

In a browser (``App.is_web``) the user's machine is the browser's, not the
server's, so:

* a copy goes to the page's clipboard only: the terminal route (OSC 52), which
  the page hands to the browser's clipboard. The server's own clipboard
  (pyperclip) would be the wrong machine's; the notice says "offered", since the
  browser may refuse it (outside https or localhost, or without permission);
* a file the reader wrote for the user (a .bib file papers were added to) is also
  sent to the browser as a download (``App.deliver_text``);
* links open in a new tab of that browser (``App.open_url``), SSH or not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

__all__ = ["adapt_to_browser", "deliver_file", "in_browser"]


class _WebApp(Protocol):
    is_web: bool

    def deliver_text(self, path_or_file, *, save_filename=None, open_method="download", mime_type=None,
                     **options) -> str | None: ...


def in_browser(app: object) -> bool:
    """Whether ``app`` is shown in a web browser (served by textual-serve)."""
    return bool(getattr(app, "is_web", False))


def adapt_to_browser(app: object) -> None:
    """Once the app runs: in a browser, copies go to the page's clipboard only."""
    helper = getattr(app, "clipboard_helper", None)
    if helper is not None and in_browser(app):
        helper.browser = True


#: MIME types of the files the reader delivers, by suffix (text/plain otherwise).
_MIME_TYPES = {".bib": "application/x-bibtex", ".md": "text/markdown", ".jsonl": "application/jsonl"}


def deliver_file(app: _WebApp, path: Path) -> str:
    """Send the file at ``path`` to the browser as a download; what to tell the user."""
    app.deliver_text(
        path, save_filename=path.name, open_method="download",
        mime_type=_MIME_TYPES.get(path.suffix.lower(), "text/plain"),
    )
    return f"{path.name} sent to your browser as a download"
