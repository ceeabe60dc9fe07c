"""Index files: missing, stale, damaged and truncated files are told apart; segments answer like a rebuild."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from tui.core.digest import find_digest_files, parse_digest_file
from tui.core.index import (
    IndexDamaged,
    IndexMissing,
    IndexStale,
    add_segment,
    build_index,
    index_status,
    merge_segments,
    open_index,
    read_manifest,
)
from tui.core.index.segment import sort_key
from tui.core.merge import merge_papers
from tui.core.models import DigestRef

from test_index import DIGEST_DIRS, load_papers

QUERIES = ["transf", "segmentation", "au:wang", "abs:diffusion", '"neural field"', "cat:cs.CL", "id:2201.1",
           "date:2022", "any:hallucin", "vision-language", "-cat:cs.CV", "ti:a OR au:b", "date:2026-07..",
           'abs:"large language"', ""]


@pytest.fixture(scope="module")
def papers():
    return load_papers()


@pytest.fixture()
def built(papers, tmp_path) -> Path:
    build_index(tmp_path, papers, source="v1")
    return tmp_path


def segment_path(directory: Path) -> Path:
    return directory / read_manifest(directory)["segments"][0]["file"]


def answers(directory: Path, source: str | None = None) -> dict[str, list[str]]:
    """Every query's matches as ids in index order (newest first)."""
    index = open_index(directory, source)
    try:
        return {q: [index.row(d).id for d in index.search(q).docs().tolist()] for q in QUERIES}
    finally:
        index.close()


# -- missing, stale, damaged ---------------------------------------------------------


def test_missing_index(tmp_path) -> None:
    with pytest.raises(IndexMissing):
        open_index(tmp_path / "nothing")
    assert index_status(tmp_path)[0] == "missing"


def test_ok_and_stale_source(built) -> None:
    assert index_status(built, "v1") == ("ok", "")
    with pytest.raises(IndexStale, match="other data"):
        open_index(built, source="v2")


def test_stale_format_version(built) -> None:
    manifest = json.loads((built / "index.json").read_text())
    (built / "index.json").write_text(json.dumps(dict(manifest, format=0)))
    with pytest.raises(IndexStale, match="format"):
        open_index(built)


def test_stale_segment_format(built) -> None:
    path = segment_path(built)
    data = bytearray(path.read_bytes())
    data[8] = 99  # the format version, just after the magic
    path.write_bytes(bytes(data))
    reason, message = index_status(built)
    assert reason == "stale" and str(path) in message


@pytest.mark.parametrize("cut", [10, 5000, -1])
def test_truncated_segment_is_damaged(built, cut: int) -> None:
    path = segment_path(built)
    data = path.read_bytes()
    path.write_bytes(data[:cut])
    with pytest.raises(IndexDamaged) as raised:
        open_index(built)
    assert str(path) in raised.value.message


def test_damaged_header_and_section(built) -> None:
    path = segment_path(built)
    original = path.read_bytes()
    data = bytearray(original)
    data[40] ^= 0xFF  # inside the header JSON
    path.write_bytes(bytes(data))
    assert index_status(built)[0] == "damaged"
    data = bytearray(original)
    data[len(data) // 2] ^= 0xFF  # inside a section: caught by its checksum, when opened or first read
    path.write_bytes(bytes(data))

    def open_and_verify() -> None:
        index = open_index(built)
        try:
            index.verify()
        finally:
            index.close()

    with pytest.raises(IndexDamaged, match="checksum"):
        open_and_verify()


@pytest.mark.parametrize("content", [b"", b"{not json", b"[]", b'{"kind": "something else"}'])
def test_damaged_manifest(built, content: bytes) -> None:
    (built / "index.json").write_bytes(content)
    assert index_status(built)[0] == "damaged"


def test_manifest_naming_a_missing_segment_is_damaged(built) -> None:
    segment_path(built).unlink()
    assert index_status(built)[0] == "damaged"


def test_rebuild_over_a_damaged_index(built, papers) -> None:
    expected = answers(built)
    segment_path(built).write_bytes(b"garbage")
    assert index_status(built)[0] == "damaged"
    build_index(built, papers, source="v2")
    assert index_status(built, "v2") == ("ok", "")
    assert answers(built) == expected
    assert len(list(built.glob("seg-*.axs"))) == 1  # the damaged file is gone


def test_reader_keeps_its_segments_across_a_rebuild(built, papers) -> None:
    index = open_index(built)
    try:
        before = index.search("segmentation").count
        build_index(built, papers[: len(papers) // 2], source="v2")
        assert index.search("segmentation").count == before  # still the old mapping
        assert index.paper(0) == papers[0]
    finally:
        index.close()


# -- segments: a day at a time gives what a full build gives ---------------------------------


def digest_files_by_import() -> list[list[Path]]:
    """The real digest files grouped as imports: one file at a time, oldest first."""
    dirs = [d for d in dict.fromkeys(p.resolve() for p in DIGEST_DIRS if p.is_dir())]
    files, _ = find_digest_files(dirs)
    by_key: dict[tuple[str, str], list[Path]] = defaultdict(list)
    for path in files:
        by_key[(path.stem, path.parts[-4])].append(path)  # date, category
    return [by_key[k] for k in sorted(by_key)]


def test_segments_and_deletions_answer_like_a_full_build(papers, tmp_path) -> None:
    step = tmp_path / "steps"
    seen = []
    for number, group in enumerate(digest_files_by_import()):
        blocks = [p for path in group for p in parse_digest_file(path).papers]
        seen.extend(blocks)
        merged = merge_papers(seen)
        touched = [merged[i] for i in dict.fromkeys(p.id for p in blocks)]
        if number == 0:
            build_index(step, touched, source=f"s{number}")
        else:
            add_segment(step, touched, source=f"s{number}", expect_source=f"s{number - 1}")
    # A later day lists new versions of old papers: their old copies are deleted, not rebuilt.
    relisted = [
        replace(p, version=p.version + 1, title=p.title + " (revised)",
                digests=[*p.digests, DigestRef(p.primary_category, "2027-01-0" + str(k + 1))])
        for k, p in enumerate(papers[100::300][:6])
    ]
    for k, paper in enumerate(relisted):
        add_segment(step, [paper], source=f"r{k}")
    manifest = read_manifest(step)
    assert len(manifest["segments"]) > 10
    assert sum(len(s["deleted"]) for s in manifest["segments"]) == len(relisted)

    final = sorted({**{p.id: p for p in papers}, **{p.id: p for p in relisted}}.values(), key=sort_key, reverse=True)
    full = tmp_path / "full"
    build_index(full, final, source="all")
    expected = answers(full)
    assert expected["transf"] and expected["segmentation"]
    assert answers(step) == expected

    index = open_index(step)
    try:
        assert [index.row(d).id for d in index.all_docs().tolist()] == [p.id for p in final]
        assert len(index) == len(final)
        assert all(index.paper(index.doc_of(p.id)) == p for p in final[::50] + relisted)
        assert index.search("ti:revised").count == len(relisted)
        assert_sorts_like_the_library(index, final)
    finally:
        index.close()

    assert merge_segments(step, max_segments=4)
    assert len(read_manifest(step)["segments"]) <= 4
    assert answers(step) == expected
    assert merge_segments(step, max_segments=1)
    assert not merge_segments(step, max_segments=1)  # nothing left to do
    assert answers(step) == expected
    index = open_index(step)
    try:
        assert index.all_docs().tolist() == list(range(len(final)))  # ids are rows again
    finally:
        index.close()


def assert_sorts_like_the_library(index, newest_first) -> None:
    """Title and category orders, whole and of a result, as the reader's Library sorts
    (stable sorts of the newest-first list: ties newest first)."""
    for sort, key in (("title", lambda p: p.title.casefold()), ("category", lambda p: p.primary_category)):
        want = [p.id for p in sorted(newest_first, key=key)]
        assert [index.row(d).id for d in index.sort_order(sort).tolist()] == want, sort
        found = index.search("transf").docs()
        assert [index.row(d).id for d in index.in_order(found, sort).tolist()] == [
            i for i in want if i in {index.row(d).id for d in found.tolist()}], sort
    assert index.in_order(index.all_docs(), "date").tolist() == index.all_docs().tolist()


def test_sort_orders_of_one_segment(built, papers) -> None:
    index = open_index(built)
    try:
        assert_sorts_like_the_library(index, papers)
    finally:
        index.close()


def test_add_segment_refuses_an_index_built_from_other_data(built, papers) -> None:
    with pytest.raises(IndexStale):
        add_segment(built, papers[:3], source="v3", expect_source="v0")


def test_add_segment_of_an_older_day_keeps_newest_first(papers, tmp_path) -> None:
    newest, oldest = papers[: len(papers) // 2], papers[len(papers) // 2 :]
    build_index(tmp_path, newest, source="a")
    add_segment(tmp_path, oldest[:40], source="b")  # back-filled: sorts after everything indexed
    add_segment(tmp_path, [newest[5], oldest[60]], source="c")  # re-imported: moves nothing but rebuilds
    index = open_index(tmp_path)
    try:
        got = [index.row(d).id for d in index.all_docs().tolist()]
        want = sorted(newest + oldest[:40] + [oldest[60]], key=sort_key, reverse=True)
        assert got == [p.id for p in want]
    finally:
        index.close()
