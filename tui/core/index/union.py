"""The ``default`` field's postings of a chunk assembled from other fields' postings.

What an unprefixed query searches (``default``) is the text
``title \\n authors \\n id \\n categories`` of each paper (see
:func:`~.writer.field_texts`). Folding is per character and the newlines are
separators, so its words are exactly the union of the words of the four
parts. Titles and authors are tokenised for their own fields anyway: their
postings are renumbered into the ``default`` vocabulary and united with the
postings of the short rest (id and categories), tokenised here. The result is
what tokenising the whole text would give, word for word and document for
document (tests compare the two on real digests and hostile text).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .invert import _BATCH_DOCS, Vocabulary, _stable_order

#: The fields whose words ``default`` holds besides its rest (see :func:`default_rest`).
SOURCES = ("title", "authors")


def default_rest(ids: Sequence[str], categories: Sequence[Sequence[str]]) -> list[str]:
    """The part of each paper's ``default`` text that no other word field tokenises."""
    return [f"{i}\n{' '.join(c)}" for i, c in zip(ids, categories)]


def _renumbered(target: Vocabulary, name: str, source: Vocabulary) -> np.ndarray:
    """``source``'s word numbers -> ``target``'s (words new to ``target`` numbered there)."""
    mapped = target.mapped.get(name)
    if mapped is None:
        mapped = target.mapped[name] = np.zeros(0, np.int64)
    table, start = source.inverter.table, len(mapped)
    if table.count == start:
        return mapped
    w0, w1 = table.keys(start)
    numbers = np.empty(table.count - start, np.int64)
    long_words = source.inverter.long_words
    long = np.array([n - start for n in long_words if n >= start], np.int64)
    short = np.ones(len(numbers), bool)
    short[long] = False
    numbers[short] = target.inverter.table.lookup(w0[short], w1[short])
    for k in long.tolist():
        numbers[k] = target.inverter._long_id(long_words[k + start])
    mapped = target.mapped[name] = np.concatenate([mapped, numbers])
    return mapped


def union_postings(
    target: Vocabulary, sources: Sequence[tuple[str, Vocabulary, np.ndarray, np.ndarray, np.ndarray]],
    rest: Sequence[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What :func:`~.invert.chunk_postings` of each document's source texts and ``rest`` joined
    by newlines would return, by ``target``'s numbers; ``sources``: per source field, ``(name, its
    vocabulary, and its chunk postings)`` of the same documents."""
    inverter = target.inverter
    inverter.batches = []
    for base in range(0, len(rest), _BATCH_DOCS):
        inverter.add_batch(rest[base : base + _BATCH_DOCS], base)
    keys = [ids.astype(np.int64) for ids, _, _ in inverter.batches]
    docs = [np.repeat(np.arange(base, base + len(counts), dtype=np.uint32), counts)
            for _, counts, base in inverter.batches]
    inverter.batches = []
    for name, vocabulary, present, counts, local in sources:
        mapped = _renumbered(target, name, vocabulary)
        keys.append(mapped[np.repeat(present.astype(np.int64), counts)])
        docs.append(local.astype(np.uint32))
    size = inverter.table.count
    all_keys = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    all_docs = np.concatenate(docs) if docs else np.zeros(0, np.uint32)
    by_doc = _stable_order(all_docs, len(rest))
    per_doc = np.bincount(all_docs, minlength=len(rest)).astype(np.int64)
    inverter.batches = [(all_keys[by_doc], per_doc, 0)]
    offsets, postings = inverter._grouped(None, size)
    counts = np.diff(offsets)
    present = np.flatnonzero(counts)
    return present.astype(np.uint32), counts[present].astype(np.uint32), postings
