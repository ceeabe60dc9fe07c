"""Folded field text for every paper as one byte string, searched in C.

The engine's text index: see :class:`_Haystack`. A needle matches where it
starts a word (:mod:`tui.core.query.words`): each occurrence ``bytes.find``
reports is kept only when the character before it is not a letter or digit.
A one-letter needle is looked for in the words' initials instead (:mod:`.initials`).
"""

from __future__ import annotations

import re
import threading
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import accumulate

from .initials import Initials, SearchStopped, is_one_letter


class SearchCancelled(Exception):
    """Raised by :meth:`QueryEngine.search` when its ``should_stop`` callback answers True.

    A superseded search (the user typed another key) stops within one segment
    of papers instead of finishing; the caller catches this and shows nothing.
    """


#: Papers scanned between two ``should_stop`` checks (and the span of the dense path's split).
_SEGMENT = 4096
#: Papers folded per batch while building a haystack (bounds the temporary strings).
_BUILD_BATCH = 2048
_MAX_U32 = 0xFFFFFFFF
#: Needles up to this many bytes are searched by one regex pass (see :meth:`_Haystack.find_all`).
_SHORT_NEEDLE = 4
#: Candidates below this share of the papers are checked one by one, else a full scan.
_FIND_IN_SHARE = 0.75


_ASCII_ALNUM = frozenset(b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _word_start(text: bytes | bytearray, pos: int) -> bool:
    """Is byte ``pos`` of UTF-8 ``text`` at a word start (no letter or digit just before it)?"""
    if pos == 0:
        return True
    byte = text[pos - 1]
    if byte < 0x80:
        return byte not in _ASCII_ALNUM
    start = pos - 1  # back to the lead byte of the character before (at most 4 bytes)
    while start > 0 and pos - start < 4 and text[start] & 0xC0 == 0x80:
        start -= 1
    before = bytes(text[start:pos]).decode("utf-8", "replace")
    return not before[-1:].isalnum()


@lru_cache(maxsize=256)
def _word_regex(needle: bytes, to_text_end: bool = False) -> re.Pattern[bytes]:
    """``needle`` not preceded by an ASCII letter or digit, as a regex whose literal prefix is the
    whole needle (the look-behind comes after it), so the regex engine scans for it fast in C.
    ``to_text_end``: the match goes on to the end of that paper's text (its NUL)."""
    rest = b"[^\\x00]*" if to_text_end else b""
    return re.compile(re.escape(needle) + b"(?<![0-9A-Za-z].{%d})" % len(needle) + rest, re.DOTALL)


def _find_word(text: bytes | bytearray, needle: bytes, start: int, end: int) -> int:
    """The first position in ``[start, end)`` where ``needle`` starts a word of ``text``, else -1.

    The regex rules out ASCII letters and digits before a match; a match after
    a non-ASCII character (rare) is checked by decoding that character.
    """
    search = _word_regex(needle).search
    match = search(text, start, end)
    while match is not None:
        pos = match.start()
        if pos == 0 or text[pos - 1] < 0x80 or _word_start(text, pos):
            return pos
        match = search(text, pos + 1, end)
    return -1


class _Haystack:
    """The folded text of one field for every paper: ONE UTF-8 byte string plus offsets.

    Paper ``k``'s text is ``text[offsets[k]:offsets[k + 1] - 1]`` (each text is
    followed by a NUL, which folded text never contains).  UTF-8 rather than
    ``str``: one Greek letter in 200,000 abstracts would otherwise widen the
    whole joined string to two or four bytes per character.  A substring match
    on UTF-8 bytes is a match on the characters, since UTF-8 is self-synchronising.
    ``bytes.find`` jumps to the next occurrence in C (one not at a word start
    is skipped) and ``bisect`` on the compact ``array`` of offsets maps it back
    to a paper.  Nothing per paper is
    kept besides the offsets (4 bytes each).
    """

    __slots__ = ("text", "offsets", "_initials", "_initials_lock")

    def __init__(self, texts: Iterable[str]) -> None:
        self._initials: Initials | None = None  # (built on the first one-letter needle)
        self._initials_lock = threading.Lock()
        # A bytearray grows in place (realloc), so the build never holds two
        # copies of the joined text; it is never written after this.
        buf = bytearray()
        offsets = array("I", [0])
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) == _BUILD_BATCH:
                offsets = self._add(buf, offsets, batch)
                batch = []
        if batch:
            offsets = self._add(buf, offsets, batch)
        self.text = buf
        self.offsets = offsets

    @staticmethod
    def _add(buf: bytearray, offsets: array, batch: list[str]) -> array:
        joined = "\x00".join(batch) + "\x00"
        if joined.isascii():
            sizes = [len(t) + 1 for t in batch]
        else:
            sizes = [(len(t) if t.isascii() else len(t.encode())) + 1 for t in batch]
        sizes[0] += len(buf)
        buf += joined.encode()
        if len(buf) > _MAX_U32 and offsets.typecode == "I":
            offsets = array("Q", offsets)
        offsets.extend(accumulate(sizes))
        return offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def texts(self) -> list[str]:
        """Every paper's folded text (for tests and debugging; builds new strings)."""
        return self.text[:-1].decode().split("\x00") if self.text else []

    def find_all(self, needle: bytes, should_stop: Callable[[], bool] | None = None) -> list[int]:
        """Ascending indices of papers whose text contains ``needle`` at a word start.

        A short needle occurs inside words all the time (``e``, ``se``): one
        regex pass, in C, whose pattern matches the needle at a word start and
        then the rest of that paper's text, so each matching paper is one match.
        A longer one is rarer: ``bytes.find`` jumps to each occurrence, its word
        start is checked, and after a hit the search goes on at the next paper.
        ``bisect`` maps a position to its paper.
        """
        if is_one_letter(needle):
            try:
                return self.initials().find_all(needle, should_stop)
            except SearchStopped:
                raise SearchCancelled from None
        out: list[int] = []
        n = len(self.offsets) - 1
        for lo in range(0, n, _SEGMENT):
            if should_stop is not None and should_stop():
                raise SearchCancelled
            hi = min(n, lo + _SEGMENT)
            if len(needle) <= _SHORT_NEEDLE:
                out += self._regex_pass(needle, lo, hi)
            else:
                out += self._find_pass(needle, lo, hi)
        return out

    def _regex_pass(self, needle: bytes, lo: int, hi: int) -> list[int]:
        out: list[int] = []
        text, offsets = self.text, self.offsets
        k = lo
        for match in _word_regex(needle, True).finditer(text, offsets[lo], offsets[hi]):
            pos = match.start()
            k = bisect_right(offsets, pos, k, hi) - 1
            # After a non-ASCII character: decode it; if it is a letter, look further in this paper.
            if pos == 0 or text[pos - 1] < 0x80 or _find_word(text, needle, pos, offsets[k + 1]) != -1:
                out.append(k)
        return out

    def _find_pass(self, needle: bytes, lo: int, hi: int) -> list[int]:
        out: list[int] = []
        text, offsets = self.text, self.offsets
        find, end = text.find, offsets[hi]
        k = lo
        pos = find(needle, offsets[lo], end)
        while pos != -1:
            if pos == 0 or _word_start(text, pos):
                k = bisect_right(offsets, pos, k, hi) - 1
                out.append(k)
                pos = find(needle, offsets[k + 1], end)
            else:
                pos = find(needle, pos + 1, end)
        return out

    def find_in(
        self, needle: bytes, candidates: Sequence[int], should_stop: Callable[[], bool] | None = None
    ) -> list[int]:
        """Those of ``candidates`` (ascending) whose text contains ``needle`` at a word start."""
        one_letter = is_one_letter(needle)
        out: list[int] = []
        for lo in range(0, len(candidates), _SEGMENT):
            if should_stop is not None and should_stop():
                raise SearchCancelled
            some = candidates[lo : lo + _SEGMENT]
            out += self.initials().find_in(needle, some) if one_letter else self._each_paper(needle, some)
        return out

    def initials(self) -> Initials:
        """The first character of every word of each text (see :mod:`.initials`), built once."""
        found = self._initials
        if found is None:
            with self._initials_lock:
                found = self._initials
                if found is None:
                    found = self._initials = Initials(self.text, self.offsets)
        return found

    def _each_paper(self, needle: bytes, papers: Iterable[int]) -> list[int]:
        """Those of ``papers`` whose text holds ``needle`` at a word start: one bounded regex
        search per paper (a comprehension: no Python call per paper unless a match follows a
        non-ASCII character)."""
        text, offsets = self.text, self.offsets
        search = _word_regex(needle).search
        return [
            i for i in papers
            if (m := search(text, offsets[i], offsets[i + 1])) is not None
            and (m.start() == 0 or text[m.start() - 1] < 0x80
                 or _find_word(text, needle, m.start(), offsets[i + 1]) != -1)
        ]


