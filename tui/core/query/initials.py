"""The first character of every word of each paper's text: one-letter queries, fast.

A one-letter needle (``e``, ``abs:q``) at a word start is everywhere inside
words too, so a scan of the full text checks millions of occurrences one by
one. Its papers are exactly those whose *initials* (the first character of
each word, :mod:`.words`) contain the letter, and the initials are about a
sixth of the text: one C-speed pass over them answers.

Built from a haystack's folded UTF-8 text with numpy, a few thousand papers
at a time: on plain-ASCII papers a word is a run of ASCII letters and
digits, so word starts come from one table lookup and a shift; a paper
holding any other character has its initials taken by the word regex.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence

from .words import words

#: Papers handled per step of the build and between two ``should_stop`` checks.
_STEP = 4096


class SearchStopped(Exception):
    """``should_stop`` answered True (the caller raises its own cancellation)."""


def is_one_letter(needle: bytes) -> bool:
    """Whether the folded ``needle`` (UTF-8) is one letter or digit: the initials answer it."""
    try:
        text = needle.decode()
    except UnicodeDecodeError:
        return False
    return len(text) == 1 and text.isalnum()


class Initials:
    """Each paper's initials, NUL-terminated, in one byte string with offsets (as a haystack)."""

    __slots__ = ("text", "offsets", "_bytes", "_starts")

    def __init__(self, text: bytes | bytearray, offsets: array) -> None:
        import numpy as np  # (only a one-letter query pays for numpy)

        bounds = np.frombuffer(offsets, np.uint32 if offsets.itemsize == 4 else np.uint64).astype(np.int64)
        data = np.frombuffer(text, np.uint8)
        word_byte = np.zeros(256, bool)
        word_byte[[*b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"]] = True
        pieces: list[bytes] = []
        sizes: list[int] = []
        n = len(bounds) - 1
        for lo in range(0, n, _STEP):
            hi = min(n, lo + _STEP)
            base = int(bounds[lo])
            chunk = data[base : int(bounds[hi])]
            local = bounds[lo : hi + 1] - base
            inside = word_byte[chunk]
            starts = np.flatnonzero(inside[1:] & ~inside[:-1]) + 1
            if len(inside) and inside[0]:
                starts = np.concatenate([[0], starts])
            paper = np.searchsorted(local, starts, "right") - 1
            counts = np.bincount(paper, minlength=hi - lo) + 1  # (each paper's NUL)
            blob = np.zeros(len(starts) + hi - lo, np.uint8)
            blob[np.arange(len(starts)) + paper] = chunk[starts]
            ends = np.cumsum(counts)
            wide = np.unique(np.searchsorted(local, np.flatnonzero(chunk >= 0x80), "right") - 1)
            if not len(wide):
                pieces.append(blob.tobytes())
                sizes += counts.tolist()
                continue
            raw = blob.tobytes()
            bounds_here = [0, *ends.tolist()]
            wide_set = set(wide.tolist())
            for k in range(hi - lo):
                if k in wide_set:
                    piece = _initials_of(bytes(chunk[local[k] : local[k + 1] - 1]))
                else:
                    piece = raw[bounds_here[k] : bounds_here[k + 1]]
                pieces.append(piece)
                sizes.append(len(piece))
        self.text = b"".join(pieces)
        self.offsets = array("Q" if len(self.text) > 0xFFFFFFFF else "I", [0])
        total = 0
        for size in sizes:
            total += size
            self.offsets.append(total)
        self._bytes = np.frombuffer(self.text, np.uint8)
        # Where each paper's initials start (never empty: each ends in its NUL), for reduceat.
        ends = np.frombuffer(self.offsets, np.uint32 if self.offsets.itemsize == 4 else np.uint64)
        self._starts = ends[:-1].astype(np.intp)

    def find_all(self, needle: bytes, should_stop: Callable[[], bool] | None = None) -> list[int]:
        """Ascending indices of the papers with a word starting with the letter ``needle``."""
        if len(needle) == 1:  # an ASCII letter or digit: where it is, and whose, vectorised
            import numpy as np

            if should_stop is not None and should_stop():
                raise SearchStopped
            if not len(self._starts):
                return []
            return np.flatnonzero(np.logical_or.reduceat(self._bytes == needle[0], self._starts)).tolist()
        pattern = re.compile(re.escape(needle) + b"[^\\x00]*")
        text, offsets = self.text, self.offsets
        out: list[int] = []
        n = len(offsets) - 1
        for lo in range(0, n, _STEP):
            if should_stop is not None and should_stop():
                raise SearchStopped
            hi = min(n, lo + _STEP)
            k = lo
            for match in pattern.finditer(text, offsets[lo], offsets[hi]):
                k = bisect_right(offsets, match.start(), k, hi) - 1
                out.append(k)
        return out

    def find_in(self, needle: bytes, candidates: Sequence[int]) -> list[int]:
        """Those of ``candidates`` with a word starting with the letter ``needle``."""
        find, offsets = self.text.find, self.offsets
        return [i for i in candidates if find(needle, offsets[i], offsets[i + 1]) != -1]


def _initials_of(folded: bytes) -> bytes:
    """The initials of one paper's folded text (any characters), NUL-terminated."""
    return "".join(word[0] for word in words(folded.decode())).encode() + b"\x00"

