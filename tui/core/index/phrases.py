"""Phrases over a whole field blob: one regex pass instead of a text check per candidate.

A phrase of common words (``abs:"of the"``) has nearly every abstract as a
candidate; reading, folding and checking 200,000 abstracts one by one took
8 s. Here a segment's abstracts are read in chunks of a few megabytes,
lower-cased, and scanned by a regex without look-behind (the engine then finds
the phrase's first literal bytes in C); each match is mapped to its document
with one ``searchsorted`` and its word start checked on the byte before it.

Exactness: only documents whose text is plain printable ASCII are answered
here (for them :func:`~tui.core.textfold.fold` is lower-casing with white
space squeezed to one space, which the pattern's ``[white space]+`` mirrors);
the others (accents, other scripts, control characters: a bitset kept at
build time) and the few documents where a match was rejected or crossed into
the next document are checked one by one against their folded text by the
caller. Needles starting or ending with white space, or holding characters
outside printable ASCII, are not answered here (:func:`blob_pattern` returns None).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..query.haystack import SearchCancelled
from ..query.words import needle_pattern
from ..textfold import fold
from .segment_file import IndexDamaged

if TYPE_CHECKING:
    from .segment import Segment

#: What ``str.isspace`` calls white space in ASCII (fold turns each into a space).
_WHITE = rb"[\t-\r\x1c-\x1f ]+"
#: Bytes of a chunk read and scanned at once.
CHUNK_BYTES = 8 << 20
_WORD_BYTE = np.zeros(256, bool)
_WORD_BYTE[list(b"abcdefghijklmnopqrstuvwxyz0123456789")] = True


def blob_pattern(needle: str) -> re.Pattern[bytes] | None:
    """The regex finding folded ``needle`` in lower-cased plain ASCII text, or None when it can't."""
    if not needle or not needle.isascii() or not needle.isprintable() or needle != needle.strip():
        return None
    parts = [re.escape(part.encode()) for part in needle.split(" ")]
    return re.compile(_WHITE.join(parts))


def scan_blob(
    read: Callable[[int, int], bytes],
    offsets: np.ndarray,
    pattern: re.Pattern[bytes],
    stop: Callable[[], bool] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Scan the blob of ``len(offsets) - 1`` documents; (documents matched, documents to recheck).

    ``read(a, b)`` gives bytes ``a:b`` of the blob. A document is matched when
    a match starts at a word start inside it and ends inside it; one whose
    only matches were rejected (not at a word start) or that a match crossed
    into from the one before is to be checked again by the caller.
    """
    bounds = offsets.astype(np.int64)
    n = len(bounds) - 1
    found: list[np.ndarray] = []
    recheck: list[np.ndarray] = []
    first = 0
    while first < n:
        last = int(np.searchsorted(bounds, bounds[first] + CHUNK_BYTES, "right")) - 1
        last = min(n, max(last, first + 1))
        if stop is not None and stop():
            raise SearchCancelled
        base = int(bounds[first])
        data = read(base, int(bounds[last])).lower()
        spans = [m.span() for m in pattern.finditer(data)]
        if spans:
            starts, ends = np.array(spans, dtype=np.int64).T + base
            docs = np.searchsorted(bounds, starts, "right") - 1
            doc_start = bounds[docs]
            inside = ends <= bounds[docs + 1]
            before = np.frombuffer(data, np.uint8)[np.maximum(starts - base - 1, 0)]
            word_start = (starts == doc_start) | ~_WORD_BYTE[before]
            good = inside & word_start
            found.append(docs[good])
            recheck.append(docs[~good])
            crossing = docs[~inside]  # (a match running past its document's end may hide one on either side)
            recheck.append(crossing)
            recheck.append(crossing + 1)
        first = last
    hits = np.unique(np.concatenate(found)) if found else np.zeros(0, np.int64)
    again = np.unique(np.concatenate(recheck)) if recheck else np.zeros(0, np.int64)
    again = again[(again < n) & ~np.isin(again, hits)]
    return hits, again


#: The blob section holding each field a segment can scan whole.
_BLOB = {"summary": "abstract"}
#: Candidates checked between two ``stop`` calls.
_CHECK_EVERY = 512


def scan_segment(
    segment: Segment, field: str, pattern: re.Pattern[bytes], local: np.ndarray, stop: Callable[[], bool] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Scan a segment's whole blob of ``field`` for the candidates of bitset ``local``:
    (local documents found, local documents still to check one by one with :func:`check_texts`)."""
    offsets = segment.blob_offsets(field)
    hits, again = scan_blob(lambda a, b: segment.file.read(f"{_BLOB[field]}.blob", a, b), offsets, pattern, stop)
    wanted = np.unpackbits(local)[: segment.n].astype(bool)
    not_plain = segment.columns.not_plain(field)
    odd = np.unpackbits(not_plain)[: segment.n].astype(bool) if not_plain is not None else wanted
    recheck = np.zeros(segment.n, bool)
    recheck[again] = True
    recheck |= odd
    matched = np.zeros(segment.n, bool)
    matched[hits] = True
    return np.flatnonzero(matched & wanted & ~recheck), np.flatnonzero(recheck & wanted)


def check_texts(
    segment: Segment, field: str, needle: str, docs: list[int], stop: Callable[[], bool] | None
) -> list[int]:
    """Those of ``docs`` (local) whose text of ``field`` holds ``needle`` at a word start."""
    pattern = needle_pattern(needle)
    found = []
    for k, local in enumerate(docs):
        if stop is not None and k % _CHECK_EVERY == 0 and stop():
            raise SearchCancelled
        try:
            texts = segment.texts(local, field)
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            raise IndexDamaged(f"{segment.file.path}: text of {local} unreadable ({exc})") from None
        if any(pattern.search(fold(text)) for text in texts):
            found.append(local)
    return found
