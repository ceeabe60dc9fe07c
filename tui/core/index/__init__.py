"""The search index: list columns, paper details and word-prefix postings, memory-mapped.

Headless (numpy, no Textual, no Rich). Derived from the papers the store
holds: it can always be rebuilt, so every file says what it was built from
and a caller that finds it missing, stale or damaged rebuilds it.

Layout (see :mod:`.directory`)::

    <dir>/index.json      manifest: format, generation, source, segments (newest first),
                          and for each segment its deleted documents
    <dir>/seg-NNNNNN.axs  segment files (:mod:`.segment_file`, :mod:`.segment`)

A segment holds a run of papers in newest-first order (latest digest date,
then id, descending; as ``Store.load_papers`` orders them):

* list columns (id, version, title, first author, author count, primary
  category, first and latest digest date) as offsets into one UTF-8 blob;
* abstracts, and the other fields of a ``Paper`` as one JSON array per paper,
  read only when a paper is shown (:meth:`SearchIndex.paper`);
* for each searchable field (the query language's ``default`` title+authors+
  id+categories, ``title``, ``authors``, ``summary``, ``comment``, ``journal``,
  ``doi``; ``any:`` is their union), the sorted vocabulary of folded words and
  their postings in vocabulary order, so a word prefix is one contiguous run
  of postings; packed bitsets of the prefixes with the most postings are
  precomputed; plus ``cat`` (categories and archives, exact), ``id``
  (lower-cased ids, prefix) and ``date`` (digest and published dates, ranges).

Every file is written to a temporary name, fsynced and renamed; the manifest
is written last and is the commit point. Segment files carry a header with
magic, format version, CRC of the header and their exact size (so a truncated
file is caught at open) and a CRC per 64 KiB block of every section, checked when the data is
first used in a process (:mod:`.segment_file`; :meth:`SearchIndex.verify` checks everything).

Incremental updates: an import calls :func:`add_segment` with the merged
papers it added or changed. They become one small new segment in front (their
ids are the newest), and their older copies are marked deleted in the older
segments (a list per segment in the manifest, a bitset in memory). When new
papers sort among older ones (a back-filled day), the newest segments they
interleave with are rebuilt with them, so segments never overlap and
ascending document ids stay newest-first order. :func:`merge_segments`
(background) merges the smallest adjacent segments and drops deleted
documents; merging never reorders anything.

The store keeps an index under ``library/search`` current through every
import and removal, and rebuilds it when it is missing, stale or damaged
(:mod:`tui.core.store.search`); :class:`tui.core.store.Store` documents how a
caller reads through it (``open_index``, ``index_states``, ``search``, ``rows``,
``paper``, ``sort_rank``...).

Matching is by word prefix (:mod:`tui.core.query.words`), not substring.
"""

from .bitsets import count as count_bits
from .builder import build_index, build_index_chunked
from .directory import add_segment, clear_index, index_status, merge_segments, read_manifest
from .search import SearchIndex, SearchResult, open_index
from .segment import Row
from .segment_file import FORMAT, IndexDamaged, IndexMissing, IndexStale, IndexUnavailable

__all__ = [
    "FORMAT",
    "IndexDamaged",
    "IndexMissing",
    "IndexStale",
    "IndexUnavailable",
    "Row",
    "SearchIndex",
    "SearchResult",
    "add_segment",
    "build_index",
    "build_index_chunked",
    "clear_index",
    "count_bits",
    "index_status",
    "merge_segments",
    "open_index",
    "read_manifest",
]
