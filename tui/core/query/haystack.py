"""Folded field text for every paper as one byte string, searched in C.

The engine's substring index: see :class:`Haystack`.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate

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
#: Candidates below this share of the papers are checked one by one, else a full scan.
_FIND_IN_SHARE = 0.75
#: Compiled "a paper without this byte" regexes of the dense path, per byte.
_MISSING_BYTE: dict[bytes, re.Pattern[bytes]] = {}


class _Haystack:
    """The folded text of one field for every paper: ONE UTF-8 byte string plus offsets.

    Paper ``k``'s text is ``text[offsets[k]:offsets[k + 1] - 1]`` (each text is
    followed by a NUL, which folded text never contains).  UTF-8 rather than
    ``str``: one Greek letter in 200,000 abstracts would otherwise widen the
    whole joined string to two or four bytes per character.  A substring match
    on UTF-8 bytes is a match on the characters, since UTF-8 is self-synchronising.
    ``bytes.find`` jumps to the next occurrence in C and ``bisect`` on the
    compact ``array`` of offsets maps it back to a paper.  Nothing per paper is
    kept besides the offsets (4 bytes each).
    """

    __slots__ = ("text", "offsets")

    def __init__(self, texts: Iterable[str]) -> None:
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
        """Ascending indices of papers whose text contains ``needle``."""
        out: list[int] = []
        append = out.append
        text, offsets = self.text, self.offsets
        find = text.find
        n = len(offsets) - 1
        for lo in range(0, n, _SEGMENT):
            if should_stop is not None and should_stop():
                raise SearchCancelled
            hi = min(n, lo + _SEGMENT)
            end = offsets[hi]
            pos = find(needle, offsets[lo], end)
            k = lo - 1
            hits = 0
            while pos != -1:
                k += 1
                nxt = offsets[k + 1]
                if pos >= nxt:  # not the very next paper: search for it
                    k = bisect_right(offsets, pos, k + 1, hi) - 1
                    nxt = offsets[k + 1]
                append(k)
                hits += 1
                if k + 1 >= hi:
                    break
                if hits >= 32 and hits * 3 > k - lo:
                    # Dense (a short, common needle): one bounded find per
                    # remaining paper of the segment beats find+bisect per hit;
                    # for one byte in over 90% of them, a regex listing the papers
                    # WITHOUT it beats both (at 50% it is twice slower).
                    if len(needle) == 1 and hits * 10 > (k + 1 - lo) * 9:
                        out.extend(self._without_byte(needle, k + 1, hi))
                    else:
                        out.extend([i for i in range(k + 1, hi) if find(needle, offsets[i], offsets[i + 1]) != -1])
                    break
                pos = find(needle, nxt, end)
        return out

    def _without_byte(self, byte: bytes, lo: int, hi: int) -> list[int]:
        """Papers ``lo..hi-1`` whose text contains the single byte ``byte``, for a byte in most of them.

        The regex (all in C) stops at each paper's terminating NUL whose next
        text lacks ``byte``: only the few misses cost Python work.  ``lo >= 1``.
        """
        offsets = self.offsets
        pattern = _MISSING_BYTE.get(byte)
        if pattern is None:
            pattern = _MISSING_BYTE[byte] = re.compile(b"\\x00(?=[^\\x00" + re.escape(byte) + b"]*\\x00)")
        out: list[int] = []
        start = lo
        for match in pattern.finditer(self.text, offsets[lo] - 1, offsets[hi]):
            miss = bisect_right(offsets, match.start() + 1, lo, hi) - 1
            out.extend(range(start, miss))
            start = miss + 1
        out.extend(range(start, hi))
        return out

    def find_in(
        self, needle: bytes, candidates: Sequence[int], should_stop: Callable[[], bool] | None = None
    ) -> list[int]:
        """Those of ``candidates`` (ascending) whose text contains ``needle``."""
        find, offsets = self.text.find, self.offsets
        out: list[int] = []
        for lo in range(0, len(candidates), _SEGMENT):
            if should_stop is not None and should_stop():
                raise SearchCancelled
            # A comprehension per segment: ~30% faster than an append per candidate.
            out += [i for i in candidates[lo : lo + _SEGMENT] if find(needle, offsets[i], offsets[i + 1]) != -1]
        return out


