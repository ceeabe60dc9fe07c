"""The store: the only part of the program that writes to disk.

One module per job: :mod:`.home` (the :class:`Store` facade over one data
directory), :mod:`.library` (import, load, repair), :mod:`.index` (the library
index), :mod:`.shards` (one digest file -> one shard, row codecs),
:mod:`.state` (read / starred), :mod:`.session` (where the reader was),
:mod:`.dbfiles` (stamps, locks, moving bad files aside) and :mod:`.common`.
"""

from .common import DigestOutcome, ImportReport, Progress, StoreError, default_home, gc_paused, utc_now
from .dbfiles import LOCK_TIMEOUT
from .home import Store
from .shards import paper_fingerprint, paper_to_doc, papers_from_docs, papers_from_rows

__all__ = [
    "DigestOutcome",
    "ImportReport",
    "LOCK_TIMEOUT",
    "Progress",
    "Store",
    "StoreError",
    "default_home",
    "gc_paused",
    "paper_fingerprint",
    "paper_to_doc",
    "papers_from_docs",
    "papers_from_rows",
    "utc_now",
]
