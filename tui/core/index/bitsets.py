"""Packed bitsets over document ids: numpy ``uint8`` arrays, bit 7 of byte 0 is document 0.

The layout of ``numpy.packbits`` (big bit order), so building one from a
boolean mask and reading ids back are single numpy calls.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def empty(nbytes: int) -> np.ndarray:
    return np.zeros(nbytes, np.uint8)


def from_docs(docs: Iterable[int] | np.ndarray, nbytes: int) -> np.ndarray:
    """The bitset of ``docs`` (ids beyond ``nbytes * 8`` are ignored)."""
    ids = np.fromiter(docs, np.int64) if not isinstance(docs, np.ndarray) else docs.astype(np.int64, copy=False)
    ids = ids[(ids >= 0) & (ids < nbytes * 8)]
    mask = np.zeros(nbytes * 8, bool)
    mask[ids] = True
    return np.packbits(mask)


def count(bits: np.ndarray) -> int:
    """How many documents are in ``bits``."""
    return int(np.bitwise_count(bits).sum(dtype=np.int64))


def to_docs(bits: np.ndarray) -> np.ndarray:
    """Every document of ``bits``, ascending (int64)."""
    return np.flatnonzero(np.unpackbits(bits))


def first_docs(bits: np.ndarray, limit: int, start: int = 0) -> list[int]:
    """The first ``limit`` documents of ``bits`` from document ``start`` on, ascending.

    Looks at the non-zero bytes only, so the first screenful of a large
    result costs microseconds.
    """
    if limit <= 0:
        return []
    first_byte = start // 8
    nonzero = np.flatnonzero(bits[first_byte:])
    out: list[int] = []
    step = max(8, limit)
    for at in range(0, len(nonzero), step):
        chunk = nonzero[at : at + step] + first_byte
        for byte_index, value in zip(chunk.tolist(), bits[chunk].tolist()):
            base = byte_index * 8
            for bit in range(8):
                if value & (0x80 >> bit) and base + bit >= start:
                    out.append(base + bit)
                    if len(out) == limit:
                        return out
    return out
