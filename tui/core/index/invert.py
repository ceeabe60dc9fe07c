"""Turn one field of every paper into an inverted index, fast (numpy, no object per word).

:func:`invert` takes the field's text for each document and returns the sorted
vocabulary with, for every word, the ascending ids of the documents holding it.

Why numpy: 200,000 abstracts hold about 40 million words. Making a Python
string per word and a set per abstract costs 15-20 s on a 2-core machine;
here the texts of a few thousand documents are joined into one byte string,
word boundaries come from one ``bytes.translate`` and a ``diff``, and each
word of up to 16 bytes is read as two 64-bit integers straight from the
buffer. A vectorised open-addressing hash table on those integer pairs gives
every distinct word a number (no sort of 40 million keys), then one stable
radix sort (two 16-bit passes) groups the (word, document) pairs by word with
documents still ascending, and drops a word's repeats within a document.

Exactness: the table compares the full 16 bytes, never a hash alone; words
longer than 16 bytes (rare: formulas, long numbers) go through a Python dict.
Texts are tokenised as :mod:`tui.core.query.words` defines it; plain-ASCII text is lowered
byte-wise (what :func:`~tui.core.textfold.fold` does to ASCII), anything else
(accents, control characters) is folded and split in Python and re-joined
with spaces, which the byte tokeniser splits identically.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..textfold import fold
from ..query.words import words

#: Documents tokenised per batch (bounds the temporary arrays).
_BATCH_DOCS = 1024
_MAX_SHORT = 16
_PAD = b"\x00" * 24
#: ASCII control characters that fold() deletes (so they glue words together).
_DELETED_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f]")
#: Those characters' bytes, plus the padding NUL (counted apart).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F])

_ALNUM = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#: Byte -> 1 when it belongs to a word (ASCII letters and digits; every byte
#: of a non-ASCII character, which only appears here inside re-joined words).
_WORD_BYTES = bytes(1 if (b in _ALNUM or b >= 0x80) else 0 for b in range(256))
#: In "values" mode everything but the separators (NUL, newline, space) is part of a value.
_VALUE_BYTES = bytes(0 if b in (0, 0x0A, 0x20) else 1 for b in range(256))
_LOWER = bytes(b + 32 if 0x41 <= b <= 0x5A else b for b in range(256))
_MASKS = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [0xFFFFFFFFFFFFFFFF], dtype=np.uint64)
_MIX1 = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xC2B2AE3D27D4EB4F)


@dataclass(slots=True)
class Inverted:
    """A field's inverted index: ``docs[offsets[k]:offsets[k + 1]]`` hold ``terms[k]``.

    ``terms`` are UTF-8 bytes in ascending byte order (so every prefix is one
    contiguous run of terms); each term's documents are ascending and unique.
    """

    terms: list[bytes]
    offsets: np.ndarray  # uint64, len(terms) + 1
    docs: np.ndarray  # uint32


class _TermTable:
    """Open-addressing hash table from a word's 16 bytes (two uint64) to a dense id, vectorised."""

    def __init__(self, bits: int = 12) -> None:  # (grown as words come: small fields stay small)
        self._alloc(bits)
        self.count = 0
        self.keys0: list[np.ndarray] = []  # the words, in id order, per insertion batch
        self.keys1: list[np.ndarray] = []

    def _alloc(self, bits: int) -> None:
        self.bits = bits
        self.w0 = np.zeros(1 << bits, np.uint64)  # 0 = empty (a word has at least one non-zero byte)
        self.w1 = np.zeros(1 << bits, np.uint64)
        self.ids = np.zeros(1 << bits, np.int32)
        self.owner = np.zeros(1 << bits, np.int64)

    def lookup(self, w0: np.ndarray, w1: np.ndarray) -> np.ndarray:
        """The id of each word (new words get the next ids).

        The table grows when more than half full (sized by the distinct words, not by the
        words looked up: a batch of abstracts holds a million words, some thousands new).
        """
        return self._insert(w0, w1, record=True)

    def _grow(self) -> None:
        used = np.flatnonzero(self.w0)
        w0, w1, ids = self.w0[used], self.w1[used], self.ids[used]
        self._alloc(self.bits + 2)
        slots = self._place(w0, w1)
        self.ids[slots] = ids

    def _place(self, w0: np.ndarray, w1: np.ndarray) -> np.ndarray:
        """Slots for distinct new keys (rehash): claim the first empty slot of each probe run."""
        out = np.empty(len(w0), np.int64)
        mask = (1 << self.bits) - 1
        pending = np.arange(len(w0))
        slot = self._slot(w0, w1)
        while pending.size:
            free = self.w0[slot] == 0
            self.owner[slot[free]] = pending[free]
            won = free.copy()
            won[free] = self.owner[slot[free]] == pending[free]
            self.w0[slot[won]] = w0[pending[won]]
            self.w1[slot[won]] = w1[pending[won]]
            out[pending[won]] = slot[won]
            pending, slot = pending[~won], (slot[~won] + 1) & mask
        return out

    def _slot(self, w0: np.ndarray, w1: np.ndarray) -> np.ndarray:
        h = (w0 * _MIX1) ^ (w1 * _MIX2)
        h ^= h >> np.uint64(29)
        h *= _MIX1
        return (h >> np.uint64(64 - self.bits)).astype(np.int64)

    def _insert(self, w0: np.ndarray, w1: np.ndarray, record: bool) -> np.ndarray:
        out = np.empty(len(w0), np.int32)
        mask = (1 << self.bits) - 1
        pending = np.arange(len(w0))
        slot = self._slot(w0, w1)
        p0, p1 = w0, w1
        while pending.size:
            c0 = self.w0[slot]
            empty = c0 == 0
            if empty.any():
                # Claim empty slots: one writer per slot wins, and gets a new id.
                es, ep = slot[empty], pending[empty]
                self.owner[es] = ep
                won = self.owner[es] == ep
                ws, wp = es[won], ep[won]
                self.w0[ws] = w0[wp]
                self.w1[ws] = w1[wp]
                self.ids[ws] = np.arange(self.count, self.count + len(ws), dtype=np.int32)
                self.count += len(ws)
                if record:
                    self.keys0.append(w0[wp])
                    self.keys1.append(w1[wp])
                if self.count * 2 > (1 << self.bits):  # the words claimed so far move with the rest
                    self._grow()
                    mask = (1 << self.bits) - 1
                    slot = self._slot(p0, p1)
                    continue
                c0 = self.w0[slot]
            hit = (c0 == p0) & (self.w1[slot] == p1)
            out[pending[hit]] = self.ids[slot[hit]]
            miss = ~hit
            pending, slot, p0, p1 = pending[miss], (slot[miss] + 1) & mask, p0[miss], p1[miss]
        return out

    def keys(self, start: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """The keys (two uint64 each) of every word from id ``start`` on, in id order (zeros for
        the words over 16 bytes, which the table does not hold)."""
        if not self.keys0:
            return np.zeros(0, np.uint64), np.zeros(0, np.uint64)
        if len(self.keys0) > 1:  # (kept as one array: later calls don't join everything again)
            self.keys0, self.keys1 = [np.concatenate(self.keys0)], [np.concatenate(self.keys1)]
        return self.keys0[0][start:], self.keys1[0][start:]

    def words(self, start: int = 0) -> list[bytes]:
        """Every word from id ``start`` on, in id order (bytes, trailing padding removed)."""
        if not self.keys0:
            return []
        pairs = np.stack(self.keys(start), axis=1)
        return pairs.astype("<u8").view("S16").ravel().tolist()


class _Inverter:
    """Accumulates each batch's word ids, then groups them by word (see :meth:`finish`)."""

    def __init__(self, values: bool) -> None:
        self.values = values
        self.table = _TermTable()
        self.long_ids: dict[bytes, int] = {}  # words over 16 bytes -> id
        self.long_words: dict[int, bytes] = {}
        #: Per batch: (word id of every word, words per document, first document).
        self.batches: list[tuple[np.ndarray, np.ndarray, int]] = []

    def add_batch(self, texts: Sequence[str], base: int) -> None:
        pieces = list(texts) if self.values else _word_pieces(texts)
        data = "\n".join(pieces).encode() + _PAD
        if not self.values and len(data.translate(None, _CONTROL_BYTES)) != len(data) - len(_PAD):
            pieces = _word_pieces(pieces, controls=True)  # rare: fold deletes these characters
            data = "\n".join(pieces).encode() + _PAD
        sizes = [len(p) if p.isascii() else len(p.encode()) for p in pieces]
        edges = _edges(data.translate(_VALUE_BYTES if self.values else _WORD_BYTES))
        starts, ends = edges[0::2], edges[1::2]
        if not len(starts):
            return
        doc_starts = np.cumsum([0] + [s + 1 for s in sizes[:-1]])
        counts = np.diff(np.append(np.searchsorted(starts, doc_starts), len(starts)))
        lowered = data if self.values else data.translate(_LOWER)
        view = np.ndarray((len(lowered) - 8,), "<u8", lowered, 0, (1,))
        lengths = ends - starts
        short = lengths <= _MAX_SHORT
        ids = None
        if not short.all():
            ids = np.empty(len(starts), np.int32)
            for k in np.flatnonzero(~short).tolist():
                ids[k] = self._long_id(lowered[starts[k] : ends[k]])
            starts, lengths = starts[short], lengths[short]
        w0 = view[starts] & _MASKS[np.minimum(lengths, 8)]
        w1 = np.zeros(len(starts), np.uint64)
        over = np.flatnonzero(lengths > 8)
        w1[over] = view[starts[over] + 8] & _MASKS[lengths[over] - 8]
        found = self.table.lookup(w0, w1)
        if ids is None:
            ids = found
        else:
            ids[short] = found
        self.batches.append((ids, counts, base))

    def _long_id(self, word: bytes) -> int:
        # Long words share the id space with the table: they get ids from its counter.
        found = self.long_ids.get(word)
        if found is None:
            found = self.long_ids[word] = self.table.count
            self.long_words[found] = word
            self.table.count += 1
            # Keep the table's list of words aligned with ids: a placeholder for this one.
            self.table.keys0.append(np.zeros(1, np.uint64))
            self.table.keys1.append(np.zeros(1, np.uint64))
        return found

    def finish(self) -> Inverted:
        """Sort the vocabulary, then place each batch's (word, doc) pairs in word order.

        Each batch is radix-sorted by word rank on its own (it fits in cache),
        its repeats dropped, and its runs copied behind the previous batches'
        documents of the same word: documents stay ascending without a global sort.
        """
        vocab = self.table.words()
        for word_id, word in self.long_words.items():
            vocab[word_id] = word
        size = len(vocab)
        if not size:
            return Inverted([], np.zeros(1, np.uint64), np.zeros(0, np.uint32))
        order = sorted(range(size), key=vocab.__getitem__)
        rank = np.empty(size, np.uint32)
        rank[np.array(order, dtype=np.int64)] = np.arange(size, dtype=np.uint32)
        offsets, postings = self._grouped(rank, size)
        return Inverted([vocab[i] for i in order], offsets, postings)

    def _grouped(self, rank: np.ndarray | None, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Every batch's (word, document) pairs grouped by ``rank[word id]`` (the id itself when
        None; below ``size``): ``(offsets, documents)`` as in :class:`Inverted`."""
        sorted_batches = []
        totals = np.zeros(size, np.int64)
        while self.batches:
            ids, counts, base = self.batches.pop(0)
            keys = rank[ids] if rank is not None else ids.astype(np.uint32)
            docs = np.repeat(np.arange(base, base + len(counts), dtype=np.uint32), counts)
            perm = _stable_order(keys, size)
            keys, docs = keys[perm], docs[perm]
            keep = np.ones(len(keys), bool)
            np.not_equal(keys[1:], keys[:-1], out=keep[1:])
            keep[1:] |= docs[1:] != docs[:-1]
            keys, docs = keys[keep], docs[keep]
            change = np.flatnonzero(keys[1:] != keys[:-1]) + 1
            run_starts = np.concatenate([[0], change])
            run_ends = np.concatenate([change, [len(keys)]])
            words_here = keys[run_starts]
            lengths = run_ends - run_starts
            totals[words_here] += lengths
            sorted_batches.append((words_here, run_starts, lengths, docs))
        offsets = np.zeros(size + 1, np.uint64)
        np.cumsum(totals, out=offsets[1:])
        cursor = offsets[:-1].astype(np.int64)
        postings = np.empty(int(offsets[-1]), np.uint32)
        for words_here, run_starts, lengths, docs in sorted_batches:
            shift = cursor[words_here] - run_starts
            postings[np.repeat(shift, lengths) + np.arange(len(docs))] = docs
            cursor[words_here] += lengths
        return offsets, postings


class Vocabulary:
    """A field's words numbered across many calls of :func:`chunk_postings` in one process:
    each chunk is grouped by these numbers, and its new words are reported once, so chunks are
    merged without a vocabulary of their own each (see :mod:`.builder`)."""

    def __init__(self, values: bool) -> None:
        self.inverter = _Inverter(values)
        self.reported = 0  # words before this number were reported
        #: Another field's name -> its word numbers' numbers here (see :mod:`.union`).
        self.mapped: dict[str, np.ndarray] = {}

    def new_words(self) -> list[bytes]:
        """The words numbered since the last call, in number order."""
        inverter = self.inverter
        words = inverter.table.words(self.reported)
        for number, word in inverter.long_words.items():
            if number >= self.reported:
                words[number - self.reported] = word
        self.reported = inverter.table.count
        return words


def chunk_postings(texts: Sequence[str], vocabulary: Vocabulary) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The postings of ``texts`` (document ``i`` is ``texts[i]``) by ``vocabulary``'s word numbers:
    ``(numbers of the words present, ascending; documents per word; the documents)``."""
    inverter = vocabulary.inverter
    inverter.batches = []
    for base in range(0, len(texts), _BATCH_DOCS):
        inverter.add_batch(texts[base : base + _BATCH_DOCS], base)
    size = inverter.table.count
    offsets, postings = inverter._grouped(None, size)
    counts = np.diff(offsets)
    present = np.flatnonzero(counts)
    return present.astype(np.uint32), counts[present].astype(np.uint32), postings


def invert(texts: Sequence[str], values: bool = False) -> Inverted:
    """The inverted index of ``texts`` (document ``i`` is ``texts[i]``).

    By default texts are prose, split into folded words (:mod:`tui.core.query.words`).
    With ``values``, each text is a space-separated list of exact values
    (categories, ids, dates) that must not contain spaces or newlines.
    """
    inverter = _Inverter(values)
    for base in range(0, len(texts), _BATCH_DOCS):
        inverter.add_batch(texts[base : base + _BATCH_DOCS], base)
    return inverter.finish()


def _word_pieces(texts: Sequence[str], controls: bool = False) -> list[str]:
    """Each text as the byte tokeniser can split it: plain ASCII as is, others folded and re-joined.

    With ``controls``, ASCII texts holding characters that fold deletes are folded too.
    """
    out = list(texts)
    for i, text in enumerate(out):
        if not text.isascii() or (controls and _DELETED_CONTROLS.search(text)):
            out[i] = " ".join(words(fold(text)))
    return out


def _edges(flags: bytes) -> np.ndarray:
    """Where each run of 1 bytes in ``flags`` (bytes of 0 and 1) starts and ends, alternately
    (a run reaching the end has no end: the data ends in padding, never part of a word).

    A comparison of neighbours as booleans: ten times faster than ``np.diff`` on int8, which
    makes and subtracts a prepended copy.
    """
    inside = np.frombuffer(flags, np.bool_)
    change = np.empty(len(inside), np.bool_)
    if len(inside):
        change[0] = inside[0]
        np.not_equal(inside[1:], inside[:-1], out=change[1:])
    return np.flatnonzero(change)


def _stable_order(keys: np.ndarray, bound: int) -> np.ndarray:
    """Permutation sorting ``keys`` (uint32 below ``bound``) stably: radix sort, 16 bits a pass."""
    low = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    if bound <= 0x10000:
        return low
    high = (keys[low] >> 16).astype(np.uint16)
    return low[np.argsort(high, kind="stable")]

