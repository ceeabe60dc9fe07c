"""Building one segment from runs ("chunks") of papers, in bounded memory.

A whole library (200,000 papers) is never held at once: each chunk of papers
(newest first, consecutive) is turned into its parts (:func:`chunk_parts`: its
blobs, its columns with local tables, the postings of each field with local
document numbers), which are small and can be made in another process. The
parts stream into the segment file (the abstracts straight into their
section; the other blobs and the postings through unnamed temporary files,
gone with the process whatever happens), then each field's postings are
merged over the chunks: the union of the chunks' sorted vocabularies, and each
term's documents chunk after chunk (still ascending, as chunks are
consecutive). The result is the segment one pass over every paper would
write, section for section.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple, cast

import numpy as np

from .. import locks
from ..atomic import write_through_temporary
from ..models import Paper
from .columns import ColumnChunk, ColumnsBuilder, column_chunk
from .directory import (
    _LOCK, MANIFEST, _commit, _discarded_on_failure, _newest_first, _next_generation, _numbers, _segment_name,
)
from .segment import VALUE_FIELDS, WORD_FIELDS
from .segment_file import BLOCK, SegmentWriter

if TYPE_CHECKING:
    from .invert import Inverted

#: Papers per chunk: large enough that merging the chunks' postings stays cheap, small
#: enough that a chunk's papers and temporaries take a few tens of MB.
CHUNK_DOCS = 8_192
#: Header room reserved per expected document, in bytes: a document takes about 3 KB of
#: sections, whose block CRCs take 11 bytes per BLOCK in the header (more is made if needed).
_HEADER_PER_DOC = 4_000 * 11 // BLOCK + 1
_COPY = 1 << 22


class ChunkParts(NamedTuple):
    """What one chunk of papers contributes to the segment (see the module docstring)."""

    docs: int
    abstract: bytes
    abstract_lengths: np.ndarray
    rows: bytes
    rows_lengths: np.ndarray
    detail: bytes
    detail_lengths: np.ndarray
    columns: ColumnChunk
    #: The process whose word numbers the postings use (see :class:`~.invert.Vocabulary`).
    numbering: int
    #: field -> (the words that process numbered since its previous chunk, in one blob; each
    #: one's length; the numbers of the words present; documents per word; documents, local)
    postings: dict[str, tuple[bytes, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]


#: This process's word numbering for the build in progress: (build, field -> its vocabulary).
_NUMBERING: dict[str, Any] = {"build": None, "fields": {}}


def _vocabulary(build: str, field: str) -> Any:
    from .invert import Vocabulary  # (here: a command that only reads never loads the tokeniser)

    if _NUMBERING["build"] != build:  # another build: numbered afresh
        _NUMBERING["build"], _NUMBERING["fields"] = build, {}
    fields = _NUMBERING["fields"]
    if field not in fields:
        fields[field] = Vocabulary(values=field in VALUE_FIELDS)
    return fields[field]


def forget_numbering() -> None:
    """Drop this process's word numbering (a build is done)."""
    _NUMBERING["build"], _NUMBERING["fields"] = None, {}


def chunk_parts(papers: Sequence[Paper], imported: Sequence[int] | None, build: str) -> ChunkParts:
    """The parts of one chunk of papers (newest first); ``imported`` as in :func:`build_segment`;
    ``build``: names the build, whose chunks this process numbers words for alike."""
    from .invert import chunk_postings
    from .union import SOURCES, default_rest, union_postings
    from .writer import _detail, _row_strings, field_texts

    abstract, abstract_lengths = _joined([p.summary or "" for p in papers])
    offsets = np.zeros(len(papers) + 1, np.int64)
    np.cumsum(abstract_lengths, out=offsets[1:])
    columns = column_chunk(papers, imported, abstract, offsets)
    rows, rows_lengths = _joined(_row_strings(papers))
    detail, detail_lengths = _joined([_detail(p) for p in papers])
    found = {}
    for field in (*WORD_FIELDS, *VALUE_FIELDS):
        if field != "default":  # (made of others' postings, after them)
            found[field] = chunk_postings(field_texts(papers, field), _vocabulary(build, field))
    found["default"] = union_postings(
        _vocabulary(build, "default"), [(f, _vocabulary(build, f), *found[f]) for f in SOURCES],
        default_rest([p.id for p in papers], [p.categories for p in papers]))
    postings = {}
    for field in (*WORD_FIELDS, *VALUE_FIELDS):
        words, word_lengths = _joined(_vocabulary(build, field).new_words())
        postings[field] = (words, word_lengths.astype(np.uint32), *found[field])
    return ChunkParts(len(papers), abstract, abstract_lengths, rows, rows_lengths, detail, detail_lengths,
                      columns, os.getpid(), postings)


def _joined(items: Sequence[str] | Sequence[bytes]) -> tuple[bytes, np.ndarray]:
    """The items (all text, or all bytes) as one UTF-8 blob, and each one's length in bytes."""
    encoded = cast("Sequence[bytes]", items if not items or isinstance(items[0], bytes) else
                   list(map(str.encode, cast("Sequence[str]", items))))
    return b"".join(encoded), np.fromiter(map(len, encoded), np.int64, len(encoded))


def build_segment_from_parts(
    path: Path, parts: Iterable[ChunkParts], meta: dict[str, Any], expect_docs: int = 0
) -> tuple[int, int]:
    """Write the segment of the chunks whose parts ``parts`` yields (in document order) to ``path``,
    atomically; returns its size and how many documents it holds. ``expect_docs``: about how many
    documents (the header's room)."""
    size = docs = 0

    def fill(handle: BinaryIO) -> None:
        nonlocal size, docs
        size, docs = _SegmentAssembly(handle, Path(path).parent, expect_docs).run(parts, meta)

    write_through_temporary(Path(path), fill, readable=True)  # (the header may move the data: read back)
    return size, docs


class _Spool:
    """An unnamed temporary file (removed by the system even if the process is killed)."""

    def __init__(self, directory: Path) -> None:
        import tempfile  # (here: it imports random, which a reader never needs)

        self.file = tempfile.TemporaryFile(dir=directory)
        self.size = 0

    def write(self, data: bytes | memoryview) -> int:
        """Append ``data``; returns where it starts."""
        at = self.size
        self.file.write(data)
        self.size += memoryview(data).nbytes
        return at

    def read(self, at: int, count: int) -> bytes:
        self.file.flush()
        return os.pread(self.file.fileno(), count, at)

    def copy_into(self, writer: SegmentWriter) -> None:
        for at in range(0, self.size, _COPY):
            writer.append(self.read(at, min(_COPY, self.size - at)))


class _SegmentAssembly:
    def __init__(self, handle: BinaryIO, directory: Path, expect_docs: int) -> None:
        self.writer = SegmentWriter(handle, (1 << 16) + expect_docs * _HEADER_PER_DOC)
        self.directory = directory

    def run(self, parts: Iterable[ChunkParts], meta: dict[str, Any]) -> tuple[int, int]:
        writer = self.writer
        rows, detail, docs = _Spool(self.directory), _Spool(self.directory), _Spool(self.directory)
        lengths: dict[str, list[np.ndarray]] = {"abstract": [], "rows": [], "detail": []}
        columns = ColumnsBuilder()
        #: field -> per chunk: (numbering, words present, documents per word, where its documents are in ``docs``)
        postings: dict[str, list[tuple[int, np.ndarray, np.ndarray, int]]] = {
            f: [] for f in (*WORD_FIELDS, *VALUE_FIELDS)}
        #: field -> numbering -> its words, in number order
        words: dict[str, dict[int, list[bytes]]] = {f: {} for f in postings}
        base = 0
        try:
            writer.begin("abstract.blob")
            for part in parts:
                writer.append(part.abstract)
                rows.write(part.rows)
                detail.write(part.detail)
                lengths["abstract"].append(part.abstract_lengths)
                lengths["rows"].append(part.rows_lengths)
                lengths["detail"].append(part.detail_lengths)
                columns.add(part.columns)
                for field, (new, new_lengths, present, counts, local) in part.postings.items():
                    at = docs.write((local.astype(np.uint32) + np.uint32(base)).data)
                    postings[field].append((part.numbering, present, counts, at))
                    words[field].setdefault(part.numbering, []).extend(_split(new, new_lengths))
                base += part.docs
                del part
            writer.end()
            _give_back()
            for name, spool in (("rows", rows), ("detail", detail)):
                writer.begin(f"{name}.blob")
                spool.copy_into(writer)
                writer.end()
                spool.file.close()
            for name, pieces in lengths.items():
                writer.add(f"{name}.offsets", _offsets(pieces))
            for name, value in columns.finish().items():
                writer.add(name, value)
            _give_back()
            from .writer import _add_postings

            for field, chunks in postings.items():
                sections: dict[str, Any] = {}
                _add_postings(sections, field, _merged(chunks, words.pop(field), docs), base)
                for name, value in sections.items():
                    writer.add(name, value)
                chunks.clear()
                del sections
                _give_back()
        finally:
            for spool in (rows, detail, docs):
                spool.file.close()
        return writer.finish(dict(meta, docs=base)), base


def _give_back() -> None:
    """Return freed heap memory to the system (glibc's ``malloc_trim``; elsewhere nothing).

    A build frees hundreds of MB of temporaries phase after phase; glibc keeps most of it
    mapped, so each phase's peak would stack on the last one's in the process's resident size.
    """
    trim = _MALLOC_TRIM[0]
    if trim is None:
        try:
            import ctypes

            trim = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError):
            trim = False
        _MALLOC_TRIM[0] = trim
    if trim:
        trim(0)


_MALLOC_TRIM: list[Any] = [None]


def _offsets(pieces: list[np.ndarray]) -> np.ndarray:
    lengths = np.concatenate(pieces or [np.zeros(0, np.int64)])
    offsets = np.zeros(len(lengths) + 1, np.uint64)
    np.cumsum(lengths, out=offsets[1:])
    return _narrow(offsets)


def _build_name() -> str:
    """A name for one build (see :func:`chunk_parts`)."""
    import uuid

    return uuid.uuid4().hex


def _narrow(offsets: np.ndarray) -> np.ndarray:
    """Offsets as uint32 when they fit."""
    return offsets.astype(np.uint32) if offsets[-1] < 2**32 else offsets


def _split(blob: bytes, lengths: np.ndarray) -> list[bytes]:
    ends = np.cumsum(lengths, dtype=np.int64).tolist()
    return [blob[a:b] for a, b in zip([0, *ends[:-1]], ends)]


def _merged(chunks: list[tuple[int, np.ndarray, np.ndarray, int]], words: dict[int, list[bytes]],
            spool: _Spool) -> Inverted:
    """One field's postings over every chunk: the words of every numbering sorted into one
    vocabulary, each term's documents chunk after chunk (ascending: chunks are consecutive)."""
    from .invert import Inverted

    vocab = sorted({word for numbered in words.values() for word in numbered})
    position = {word: k for k, word in enumerate(vocab)}
    ranks = {owner: np.fromiter(map(position.__getitem__, numbered), np.int64, len(numbered))
             for owner, numbered in words.items()}
    del position
    totals = np.zeros(len(vocab), np.int64)
    for owner, present, counts, _ in chunks:
        totals[ranks[owner][present]] += counts  # (a word once per chunk: no repeated index)
    offsets = np.zeros(len(vocab) + 1, np.uint64)
    np.cumsum(totals, out=offsets[1:])
    del totals
    cursor = offsets[:-1].astype(np.int64)
    out = np.empty(int(offsets[-1]), np.uint32)
    for owner, present, counts, at in chunks:
        total = int(counts.sum(dtype=np.int64))
        found = np.frombuffer(spool.read(at, total * 4), np.uint32, total)
        rank = ranks[owner][present]
        starts = np.zeros(len(counts), np.int64)
        np.cumsum(counts[:-1], out=starts[1:])
        out[np.repeat(cursor[rank] - starts, counts) + np.arange(total)] = found
        cursor[rank] += counts
    return Inverted(vocab, offsets, out)


def build_segment_chunked(path: Path, papers: Sequence[Paper], meta: dict[str, Any],
                          imported: Sequence[int] | None = None, chunk: int = CHUNK_DOCS) -> int:
    """:func:`build_segment_from_parts` of ``papers`` cut into chunks of ``chunk`` papers, made here."""
    numbers = list(imported) if imported is not None else [-1] * len(papers)
    build = _build_name()
    parts = (chunk_parts(papers[at : at + chunk], numbers[at : at + chunk], build)
             for at in range(0, len(papers), chunk))
    try:
        return build_segment_from_parts(path, parts, meta, len(papers))[0]
    finally:
        forget_numbering()


# -- the whole index as one segment ----------------------------------------------------


def build_index(
    directory: Path,
    papers: Iterable[Paper],
    source: str,
    imported: Mapping[str, int] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Replace the index in ``directory`` by one segment of ``papers`` (merged, one per id).

    ``imported``: paper id -> its first import (see :mod:`.columns`); ``extra``:
    more keys for the manifest (the store's own bookkeeping, see :func:`manifest_extra`);
    """
    new = _newest_first(papers)
    chunks = (new[at : at + CHUNK_DOCS] for at in range(0, len(new), CHUNK_DOCS))
    build_index_chunked(directory, chunks, len(new), source, imported, extra)


def build_index_chunked(
    directory: Path,
    chunks: Iterable[list[Paper]],
    count: int,
    source: str,
    imported: Mapping[str, int] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """:func:`build_index` of ``count`` papers given as consecutive ``chunks`` (lists of merged
    papers, newest first, one per id), consumed one at a time: the index of a whole library
    is built without holding it."""
    numbers = imported or {}
    build = _build_name()
    parts = (chunk_parts(chunk, _numbers(chunk, numbers), build) for chunk in chunks)
    try:
        build_index_from_parts(directory, parts, count, source, extra)
    finally:
        forget_numbering()


def build_index_from_parts(
    directory: Path, parts: Iterable[ChunkParts], count: int, source: str, extra: dict[str, Any] | None = None
) -> None:
    """Replace the index in ``directory`` by one segment of the chunks whose parts ``parts`` yields
    (``count`` papers in all; the parts may be made in other processes)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    _give_back()  # (what the import before freed: not under the build's own peak)
    with locks.FileLock(str(directory / _LOCK)):
        check_writable(directory, count * BYTES_PER_PAPER)  # before minutes of building, not after
        generation = _next_generation(directory)
        name = _segment_name(generation)
        with _discarded_on_failure(directory, generation):
            docs = build_segment_from_parts(directory / name, parts, {"source": source}, count)[1]
            if docs != count:
                raise ValueError(f"{docs} papers indexed where {count} were announced")
            entry = {"file": name, "docs": count, "deleted": []}
            _commit(directory, generation, source, [entry], extra or {})


#: Bytes of index per paper, about (583 MB for 200,000 real-shaped papers): the room a build needs.
BYTES_PER_PAPER = 3_000


def check_writable(directory: Path, need: int = 0) -> None:
    """Raise ``OSError`` (naming the file) unless a new manifest can replace the one in ``directory``
    and the file system has about ``need`` bytes free."""
    manifest = directory / MANIFEST
    if manifest.is_dir() or (manifest.exists() and not manifest.is_file()):
        raise IsADirectoryError(errno.EISDIR, "not a file: the index's manifest cannot be written", str(manifest))
    try:
        stats = os.statvfs(directory)
    except (OSError, AttributeError):  # (no statvfs: Windows)
        pass
    else:
        if stats.f_bavail * stats.f_frsize < need:
            raise OSError(errno.ENOSPC, f"No space left on device (a build needs about {need / 1e6:,.0f} MB)",
                          str(directory))
    probe = directory / f".{MANIFEST}.probe-{os.getpid()}"
    with open(probe, "wb"):
        pass
    os.unlink(probe)
