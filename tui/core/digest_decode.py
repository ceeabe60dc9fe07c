"""Turn a digest file's bytes into text: lenient UTF-8, NUL bytes cut or replaced, each repair reported."""

from __future__ import annotations

import re

from .digest_problems import ProblemReporter

__all__ = ["decode_lenient", "without_nuls"]

#: NUL bytes at the end of a file, with any white space among them (a crash leftover).
_NUL_TAIL = re.compile(r"\x00[\x00\s]*\Z")


def without_nuls(text: str, report: ProblemReporter) -> str | None:
    """``text`` without the NUL bytes a crash or a disk problem leaves; ``None`` for a binary file.

    NULs at the end (a file extended but never written) are cut off; a few
    inside become U+FFFD, each line said, and the rest of the file still
    loads; many (more than one byte in a hundred) mean a binary file.
    """
    tail = _NUL_TAIL.search(text)
    if tail is not None:
        count = tail.group().count("\x00")
        text = text[: tail.start()]
        report(text.count("\n") + 1, f"{count} NUL bytes at the end (left by a crash or a disk problem) ignored")
    inside = text.count("\x00")
    if not inside:
        return text
    first = text.count("\n", 0, text.index("\x00")) + 1
    if inside > max(16, len(text) // 100):
        report(first, "binary file (NUL bytes): not a digest")
        return None
    for number, line in enumerate(text.split("\n"), 1):
        if "\x00" in line:
            report(number, "NUL byte(s) replaced by U+FFFD")
    return text.replace("\x00", "\ufffd")


def decode_lenient(raw: bytes, report: ProblemReporter) -> str:
    """Decode UTF-8 leniently, reporting each line with invalid bytes."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", errors="replace")
    # U+FFFD never spans a newline, so decoded and raw lines match one to one.
    raw_lines = raw.split(b"\n")
    for number, line in enumerate(text.split("\n"), 1):
        if "\ufffd" in line:
            try:
                raw_lines[number - 1].decode("utf-8")
            except UnicodeDecodeError:
                report(number, "invalid UTF-8 replaced by U+FFFD")
    return text

