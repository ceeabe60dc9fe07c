"""A whole build of the search index (a first import, a rebuild) reads the library a chunk at a
time, on worker processes when it is large: whichever way, and whatever the import history, the
index answers exactly as the library's merged papers do."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tui.core.index.segment_file import SegmentFile
from tui.core.query import parse_query
from tui.core.store import Store
from tui.core.store import chunks as store_chunks
from tui.core.store import search as store_search

from test_search_store import FILES, QUERIES, assert_index_is_the_library, copy_digests, search_dir

MORE_QUERIES = [*QUERIES, "a", "learn", "au:li", "is:new", "cat:cs", "date:2022..2023", '"large language"',
                "comment:accepted", "doi:10.", "-abs:the model"]


def answers(store: Store) -> dict[str, list[str]]:
    """Every paper in index order, and each query's matches (ids, in order)."""
    index = store.open_index()
    out = {"": [index.row(d).id for d in index.all_docs().tolist()]}
    for text in MORE_QUERIES:
        out[text] = [index.row(d).id for d in index.search(parse_query(text), limit=0).docs().tolist()]
    out["papers"] = [repr(index.paper(d)) for d in index.all_docs().tolist()]
    return out


def segment_sections(home: Path) -> dict[str, bytes]:
    (path,) = sorted(search_dir(home).glob("seg-*.axs"))
    segment = SegmentFile(path)
    try:
        return {name: bytes(segment.blob(name)) for name in segment.meta["sections"]}
    finally:
        segment.close()


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 37 papers (the test library holds some hundreds): many chunks, odd sizes."""
    monkeypatch.setattr(store_search, "CHUNK_DOCS", 37)


def test_from_scratch_and_one_file_at_a_time_answer_alike(tmp_path: Path, small_chunks) -> None:
    files = copy_digests(tmp_path, FILES)
    whole = Store(tmp_path / "whole")
    whole.import_paths([tmp_path / "digests"])
    assert_index_is_the_library(whole)
    shuffled = files[:]
    random.Random(3).shuffle(shuffled)
    for path in shuffled:
        Store(tmp_path / "steps").import_paths([path])
    steps = Store(tmp_path / "steps")
    assert_index_is_the_library(steps)
    expected, got = answers(whole), answers(steps)
    assert [text for text in expected if expected[text] != got[text]] == []
    assert len(expected[""]) > 300


def test_a_parallel_build_writes_the_segment_a_serial_one_does(tmp_path: Path, small_chunks, monkeypatch) -> None:
    copy_digests(tmp_path, FILES)
    Store(tmp_path / "serial").import_paths([tmp_path / "digests"])
    monkeypatch.setattr(store_search, "PARALLEL_MIN_PAPERS", 0)
    import tui.core.store.parsepool as parsepool

    pools = []
    real = parsepool.worker_pool

    def counted(*args, **kwargs):
        pools.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(parsepool, "worker_pool", counted)
    parallel = Store(tmp_path / "parallel")
    parallel.import_paths([tmp_path / "digests"])
    assert pools == [1]  # (the parse itself is too small for workers)
    assert_index_is_the_library(parallel)
    assert segment_sections(tmp_path / "parallel") == segment_sections(tmp_path / "serial")


def test_workers_that_cannot_start_leave_the_build_to_this_process(tmp_path: Path, small_chunks, monkeypatch) -> None:
    import tui.core.store.parsepool as parsepool

    def no_pool(*args, **kwargs):
        raise parsepool.BrokenProcessPool("workers cannot start")

    copy_digests(tmp_path, FILES)
    monkeypatch.setattr(store_search, "PARALLEL_MIN_PAPERS", 0)
    monkeypatch.setattr(parsepool.concurrent.futures, "ProcessPoolExecutor", no_pool)
    store = Store(tmp_path / "home")
    store.import_paths([tmp_path / "digests"])
    assert_index_is_the_library(store)


def test_a_shard_changed_between_the_passes_loads_the_library_whole(tmp_path: Path, small_chunks,
                                                                   monkeypatch) -> None:
    """The second pass finds other papers than the first planned: the chunks are given up and the
    index is built from the library loaded whole (the same index)."""
    copy_digests(tmp_path, FILES)
    real_rows, real_merge = store_chunks._rows, store_chunks.merge_chunk
    second_pass = []

    def rows(library, entry):
        found = real_rows(library, entry)
        if second_pass:
            second_pass.append(1)
            if len(second_pass) == 5:  # a paper gone from a shard since the first pass
                return found[1:]
        return found

    def merge(*args):
        second_pass[:] = second_pass or [0]
        return real_merge(*args)

    monkeypatch.setattr(store_chunks, "_rows", rows)
    monkeypatch.setattr(store_chunks, "merge_chunk", merge)
    store = Store(tmp_path / "home")
    store.import_paths([tmp_path / "digests"])
    assert len(second_pass) >= 5
    assert_index_is_the_library(store)
