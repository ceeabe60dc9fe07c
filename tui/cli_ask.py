"""Asking the person at the terminal before a command does something large."""

from __future__ import annotations

import sys

try:
    import termios
except ImportError:  # not on a POSIX system: nothing to flush with
    termios = None  # type: ignore[assignment]

#: A removal of more digests than this (about a month of one category), or of the
#: whole library, is confirmed first.
REMOVE_WITHOUT_ASKING = 31


def discard_typed_ahead(stream) -> None:
    """Throw away what was typed on the terminal behind ``stream`` and not read yet,
    so that only keys pressed after a question was printed can answer it.
    Anything that is not a terminal (a pipe, a test double) is left alone."""
    if termios is None:
        return
    try:
        termios.tcflush(stream.fileno(), termios.TCIFLUSH)
    except (AttributeError, OSError, ValueError, termios.error):
        pass


def ask_yes(question: str) -> bool | None:
    """Ask ``question`` on the standard error and read the answer: True for y/yes,
    False for anything else, None when there is no terminal to ask on. Keys typed
    before the question appeared are discarded: they cannot answer it."""
    if sys.stdin is None or not sys.stdin.isatty():
        return None
    try:
        discard_typed_ahead(sys.stdin)
        print(f"arxiv-reader: {question} [y/N] ", end="", file=sys.stderr, flush=True)
        answer = sys.stdin.readline()
    except (OSError, KeyboardInterrupt):
        return False
    return answer.strip().lower() in ("y", "yes")


def removal_refused(removed: int, library_digests: int, whole_library: bool) -> str | None:
    """Why a removal of ``removed`` digests does not go ahead (None: it does): taking out
    the whole library (of more than one digest) or more than :data:`REMOVE_WITHOUT_ASKING`
    digests is asked first; without a terminal to ask on, it is refused."""
    if removed <= 1 or not (whole_library or removed > REMOVE_WITHOUT_ASKING):
        return None
    what = (f"all {removed:,} digests of the library" if whole_library
            else f"{removed:,} of the library's {library_digests:,} digests")
    answer = ask_yes(f"remove {what}? The files and your read and starred marks stay.")
    if answer is None:
        return f"this would remove {what}; run it again with --yes to do so"
    return None if answer else "nothing removed"
