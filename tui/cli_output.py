"""Standard output and error for the command line: data as UTF-8 whatever the
locale, text for people in the terminal's encoding, written in pieces so a
closed pipe is noticed, and stand-ins for streams closed before start."""

from __future__ import annotations

import os
import sys

#: Output goes out in pieces this big, so a reader that stops early (``| head -1``)
#: is noticed (exit status 141) however much was still to come.
_CHUNK = 16 * 1024


def write_data(text: str) -> None:
    """Write data (an export, JSON lines) to standard output as UTF-8, whatever
    the locale's encoding: a data file must never lose a character."""
    _write_bytes(text.encode("utf-8"), text)


def write_text(text: str) -> None:
    """Write text for people (a table) in standard output's encoding; what it
    can't encode shows as ``?``."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    _write_bytes(text.encode(encoding, errors="replace"), text)


def stdout_is_terminal() -> bool:
    """Whether standard output is a terminal (text is then made inert before it is shown;
    into a file or a pipe it is the data, as it is)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # closed, or a stand-in without a terminal
        return False


def _write_bytes(data: bytes, text: str) -> None:
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (tests, an embedding program)
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    for start in range(0, len(data), _CHUNK):
        buffer.write(data[start : start + _CHUNK])
        buffer.flush()


class StdoutClosed(Exception):
    """Standard output was closed before the program started (``>&-``)."""


class _ClosedStdout:
    """Stands in for a closed standard output: writing to it is an error message."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise StdoutClosed

    def flush(self) -> None:
        pass


class _NullStream:
    """Stands in for a closed standard error: messages go nowhere."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def guard_missing_streams() -> bool:
    """Put stand-ins where Python found no stdout/stderr; True if stdout was closed."""
    if sys.stderr is None:
        sys.stderr = _NullStream()  # type: ignore[assignment]
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()  # type: ignore[assignment]
        return True
    return False


def tolerate_unencodable_output() -> None:
    """On a terminal or pipe that isn't UTF-8, print "?" for what it can't show."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding != "utf8" and reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # pragma: no cover - a stream already closed
                pass


def silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush can't fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
