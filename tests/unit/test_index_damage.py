"""Damage inside the search index's files, found while a command reads them: the index is
rebuilt from the shards with the README's message and the command answers as if intact; never
a traceback, never a wrong answer or a wrong citation written with exit 0 (review of issue 12)."""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"


def search_dir(home: Path) -> Path:
    return home / "library" / "search"


def section_span(segment: Path, name: str) -> tuple[int, int]:
    """Where section ``name`` of a segment file lies: (file offset, bytes)."""
    raw = segment.read_bytes()
    length = struct.unpack_from("<I", raw, 12)[0]
    header = json.loads(raw[24 : 24 + length])
    offset, nbytes = header["sections"][name][:2]
    return header["data_start"] + offset, nbytes


def damage(segment: Path, name: str, every: int = 97, data: bytes = b"\xff\xfe\x8d") -> None:
    """Overwrite bytes every ``every`` bytes of section ``name`` in place (no row decodes)."""
    start, nbytes = section_span(segment, name)
    with open(segment, "r+b") as handle:
        for at in range(0, nbytes - len(data), every):
            handle.seek(start + at)
            handle.write(data)


@pytest.fixture(scope="module")
def intact(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("intact") / "home"
    Store(home).import_paths([DATA])
    return home


@pytest.fixture()
def home(intact: Path, tmp_path: Path) -> Path:
    target = tmp_path / "home"
    shutil.copytree(intact, target)
    return target


def run(home: Path, capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["--home", str(home), *argv])
    out, err = capsys.readouterr()
    return status, out, err


#: Commands, and the sections of those damaged here that their answer is built from.
COMMANDS = [
    (("list", "-q", "transf"), {"rows.blob"}),
    (("list", "-q", "abs:diffusion", "--format", "jsonl"), {"rows.blob", "detail.blob", "abstract.blob"}),
    (("stats",), set()),
]


@pytest.mark.parametrize("section", ["rows.blob", "detail.blob", "abstract.blob"])
@pytest.mark.parametrize("argv, reads", COMMANDS, ids=lambda a: " ".join(a) if isinstance(a, tuple) else "")
def test_damage_found_while_reading_is_rebuilt_and_answered(intact, home, capsys, section, argv, reads) -> None:
    expected = run(intact, capsys, *argv)
    segment = next(search_dir(home).glob("seg-*.axs"))
    damage(segment, section)
    status, out, err = run(home, capsys, *argv)
    assert "Traceback" not in err
    assert (status, out) == expected[:2], err
    if section in reads:  # (else: a right answer, built from other sections)
        assert "the search index was damaged" in err and "rebuilt it" in err, err
        assert str(segment) in err, err  # the message names the damaged file
    assert run(home, capsys, *argv)[2] == ""  # rebuilt once


@pytest.mark.parametrize("section", ["rows.blob", "detail.blob"])
def test_export_from_a_damaged_index_writes_the_right_citations(intact, home, tmp_path, capsys, section) -> None:
    good, bad = tmp_path / "good.bib", tmp_path / "bad.bib"
    assert run(intact, capsys, "export", "-q", "abs:diffusion", "-o", str(good))[0] == 0
    damage(next(search_dir(home).glob("seg-*.axs")), section)
    status, _out, err = run(home, capsys, "export", "-q", "abs:diffusion", "-o", str(bad))
    assert status == 0 and "Traceback" not in err
    assert "the search index was damaged" in err, err
    assert bad.read_text() == good.read_text()


def test_damage_found_again_after_the_rebuild_is_one_clear_line(home, capsys, monkeypatch) -> None:
    """If rebuilding does not help (the damage comes back), one line naming the folder, exit 1."""
    from tui.core.index import IndexDamaged, SearchIndex

    def broken(self, doc):
        raise IndexDamaged(f"{self.directory}/seg-000001.axs: row {doc} unreadable (test)")

    monkeypatch.setattr(SearchIndex, "row", broken)
    status, _out, err = run(home, capsys, "list", "-q", "transf")
    assert status == 1 and "Traceback" not in err
    assert "even after a rebuild" in err and str(search_dir(home)) in err, err


QUERIES = ["transf", "abs:diffusion", "au:wang", "ti:l", "any:lidar", "cat:cs.RO", '"neural field"', "id:2201.1"]


@pytest.mark.parametrize("seed", range(8))
def test_flipped_bytes_anywhere_never_give_a_wrong_answer(intact, home, capsys, seed) -> None:
    """Bytes flipped at random in the segment's data (as in the review: 9 of 10 trials gave
    wrong answers with exit 0): every answer is the intact one, or the damage was found (message)."""
    import random

    expected = {q: run(intact, capsys, "list", "-q", q, "--format", "jsonl")[:2] for q in QUERIES}
    segment = next(search_dir(home).glob("seg-*.axs"))
    start = section_span(segment, "abstract.blob")[0]  # (the first section: after the header)
    rng = random.Random(seed)
    with open(segment, "r+b") as handle:
        for at in [rng.randrange(start, segment.stat().st_size) for _ in range(8)]:
            handle.seek(at)
            byte = handle.read(1)[0]
            handle.seek(at)
            handle.write(bytes([byte ^ 0x5A]))
    said = ""
    for query in QUERIES:
        status, out, err = run(home, capsys, "list", "-q", query, "--format", "jsonl")
        assert "Traceback" not in err
        assert (status, out) == expected[query], (query, err)
        said += err
    assert not said or ("the search index was damaged" in said and "checksum" in said), said


def test_a_zeroed_run_is_found_and_rebuilt(intact, home, capsys) -> None:
    """The review's dd of 100,000 zero bytes into the segment: `ti:l` gave 1 row instead of 1,818."""
    expected = run(intact, capsys, "list", "-q", "ti:l")[:2]
    segment = next(search_dir(home).glob("seg-*.axs"))
    start, nbytes = section_span(segment, "title.docs")
    with open(segment, "r+b") as handle:
        handle.seek(start)
        handle.write(bytes(nbytes))
    status, out, err = run(home, capsys, "list", "-q", "ti:l")
    assert (status, out) == expected and "checksum" in err and "rebuilt it" in err, err


def test_an_index_of_the_previous_format_is_rebuilt_with_the_message(home, capsys) -> None:
    """Segments without data checksums (format 3) read as stale: rebuilt, with the message."""
    manifest = search_dir(home) / "index.json"
    manifest.write_text(json.dumps(dict(json.loads(manifest.read_text()), format=3)))
    status, out, err = run(home, capsys, "list", "-q", "transf")
    assert status == 0 and "the search index was stale" in err and "rebuilt it" in err, err


@pytest.mark.parametrize("section", ["id.docs", "rows.blob", "refs.date", "detail.blob"])
def test_an_import_over_damage_it_reads_rebuilds_the_index(tmp_path, capsys, section) -> None:
    """An import that reads the damaged section (to find the papers it changes) rebuilds the index."""
    files = sorted(DATA.rglob("*.md"))
    home = tmp_path / "home"
    Store(home).import_paths(files[:-1])
    damage(next(search_dir(home).glob("seg-*.axs")), section)
    store = Store(home)
    store.import_paths(files[-1:])
    said = [m for m in store.messages if "search index" in m]
    assert said and "damaged" in said[0] and "checksum" in said[0], store.messages
    from test_search_store import assert_index_is_the_library

    assert_index_is_the_library(Store(home))


def test_a_rebuild_that_cannot_commit_leaves_no_segment_behind(home, capsys, monkeypatch) -> None:
    """Each failing command used to leave a whole new segment (13.8 MB for 4,492 papers) behind."""
    import errno

    from tui.core.index import directory as index_directory

    def full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    manifest = search_dir(home) / "index.json"
    manifest.write_text("{}")  # damaged: the command rebuilds
    before = sorted(p.name for p in search_dir(home).iterdir())
    monkeypatch.setattr(index_directory, "atomic_write_text", full)
    for _ in range(3):
        status, _out, err = run(home, capsys, "list", "-q", "transf")
        assert status == 1 and "Traceback" not in err and "No space left on device" in err, err
    assert sorted(p.name for p in search_dir(home).iterdir()) == before


def test_an_import_whose_index_update_fails_leaves_no_segment_behind(tmp_path, monkeypatch) -> None:
    import errno

    from tui.core.index import directory as index_directory

    files = sorted(DATA.rglob("*.md"))
    home = tmp_path / "home"
    Store(home).import_paths(files[:-1])
    before = sorted(p.name for p in search_dir(home).iterdir())

    def full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(index_directory, "atomic_write_text", full)
    store = Store(home)
    try:
        store.import_paths(files[-1:])
    except Exception:  # (what the import says is the next finding's)
        pass
    assert sorted(p.name for p in search_dir(home).iterdir()) == before


@pytest.mark.parametrize("where", ["search a file", "index.json a folder"])
def test_something_in_the_way_of_the_index_is_moved_aside_with_a_message(intact, home, capsys, where) -> None:
    """``library/search`` a plain file, or ``search/index.json`` a folder: every command failed
    ('File exists'), or rebuilt a whole segment each time and failed. Now it is moved aside
    (never deleted: it may be the user's), named, and the index rebuilt."""
    expected = run(intact, capsys, "list", "-q", "transf")[:2]
    directory = search_dir(home)
    if where == "search a file":
        shutil.rmtree(directory)
        directory.write_text("hi\n")
        in_the_way = directory
    else:
        in_the_way = directory / "index.json"
        in_the_way.unlink()
        in_the_way.mkdir()
        (in_the_way / "note").write_text("hi\n")
    status, out, err = run(home, capsys, "list", "-q", "transf")
    assert (status, out) == expected and "Traceback" not in err, err
    assert str(in_the_way) in err and "safe to remove" in err and "moved it to" in err, err
    moved = [p for p in in_the_way.parent.iterdir() if p.name.startswith(in_the_way.name + ".corrupt-")]
    assert len(moved) == 1 and "hi" in (moved[0].read_text() if moved[0].is_file() else (moved[0] / "note").read_text())
    assert len(list(directory.glob("seg-*.axs"))) == 1
    assert run(home, capsys, "stats")[2] == ""  # once


def test_a_full_disk_during_an_import_says_what_was_stored_and_answers_after(tmp_path, capsys, monkeypatch) -> None:
    """The review's tmpfs run: the import said 'cannot write the library' though the papers were
    stored (only the index update failed), then list and stats failed outright."""
    import errno

    from tui.core.index import builder as segment_file  # (where segment files are written)

    files = sorted(DATA.rglob("*.md"))
    home = tmp_path / "home"
    Store(home).import_paths(files[:-1])
    old = run(home, capsys, "list", "-q", "transf")[1]
    real = segment_file.write_through_temporary

    def full(path, fill, **_options):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(segment_file, "write_through_temporary", full)
    status, out, err = run(home, capsys, "import", str(files[-1]))
    assert status == 0 and "cannot write the library" not in err, err
    assert "the papers were imported and the library saved, but the search index could not be updated" in err, err
    assert "No space left on device" in err and "rebuilds it" in err, err
    assert "papers new: " in out and "papers new: 0" not in out, out
    # Still full: the old index (intact, out of date) answers, and says so.
    status, out, err = run(home, capsys, "list", "-q", "transf")
    assert (status, out) == (0, old) and "out of date" in err and "could not be rebuilt" in err, err
    # No usable index at all and still full: one line naming the folder and what to do.
    (search_dir(home) / "index.json").unlink()
    status, out, err = run(home, capsys, "stats")
    assert status == 1 and "Traceback" not in err and "make room" in err and str(search_dir(home)) in err, err
    monkeypatch.setattr(segment_file, "write_through_temporary", real)  # room again
    status, out, err = run(home, capsys, "list", "-q", "transf")
    assert status == 0 and "rebuilt it" in err, err
    from test_search_store import assert_index_is_the_library

    assert_index_is_the_library(Store(home))


def test_no_room_for_a_build_is_found_before_building(home, capsys, monkeypatch) -> None:
    import os
    from types import SimpleNamespace

    from tui.core.index import directory as index_directory

    monkeypatch.setattr(os, "statvfs", lambda path: SimpleNamespace(f_bavail=10, f_frsize=4096))
    built = []
    monkeypatch.setattr(index_directory, "build_segment", lambda *a, **k: built.append(a))
    (search_dir(home) / "index.json").unlink()
    status, _out, err = run(home, capsys, "list", "-q", "transf")
    assert status == 1 and "a build needs about" in err and not built, err


def test_indexed_library_answers_safe_values_on_damage(home) -> None:
    """The reader's library never raises on a damaged block: a placeholder paper, an empty
    search, and the first damage remembered for the screen to rebuild the index."""
    from tui.core.indexed_library import IndexedLibrary
    from tui.core.query import parse_query

    segment = next(search_dir(home).glob("seg-*.axs"))
    damage(segment, "detail.blob")
    damage(segment, "summary.docs", every=13)
    library = IndexedLibrary(Store(home).open_index())
    paper = library.papers[0]
    assert "could not be read" in paper.title
    assert library.damage is not None and "detail.blob" in library.damage
    first = library.damage
    assert list(library.match(parse_query("abs:diffusion"), "all", {})) == []
    assert library.damage == first  # the first message wins
    searched = IndexedLibrary(Store(home).open_index())
    assert list(searched.match(parse_query("abs:diffusion"), "all", {})) == []
    assert searched.damage is not None and "summary.docs" in searched.damage


@pytest.mark.parametrize("template", ["{auth}{year}", "{year}{title}"])
def test_citation_keys_from_a_damaged_index_are_refused_and_the_damage_noted(home, template) -> None:
    """The key universe of the reader's library (the ``auth`` postings, or every paper for a
    template not led by the author): damage raises (no key that could be wrong) and is noted
    on the library, for the screen to rebuild the index."""
    from tui.core.cite import render_citations
    from tui.core.index import IndexDamaged
    from tui.core.indexed_library import IndexedLibrary

    intact = Store(home).open_index()
    paper = intact.paper(int(intact.all_docs()[3]))
    intact.close()
    segment = next(search_dir(home).glob("seg-*.axs"))
    damage(segment, "auth.docs" if template.startswith("{auth}") else "detail.blob", every=5)
    library = IndexedLibrary(Store(home).open_index())
    with pytest.raises(IndexDamaged):
        render_citations("bibtex", [paper], template, universe=library.key_universe())
    assert library.damage is not None and ("auth.docs" in library.damage or "detail.blob" in library.damage)
