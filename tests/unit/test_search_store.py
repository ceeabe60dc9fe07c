"""The store keeps its search index current: every import and removal leaves an index that holds
exactly the papers ``load_papers`` merges from the shards, in the same order, and a damaged,
missing or old index is rebuilt with a message, never a crash."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from tui.cli import main
from tui.core.query import QueryEngine, parse_query
from tui.core.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
FILES = sorted(DATA.rglob("*.md"))
QUERIES = ["transf", "au:wang", "abs:diffusion", '"neural field"', "cat:cs.CL", "date:2025", "-cat:cs.CV vision",
           "any:segment", "ti:former", "id:2201.1"]


def search_dir(home: Path) -> Path:
    return home / "library" / "search"


def assert_index_is_the_library(store: Store, rebuilt: bool = False) -> None:
    """The index holds exactly the library's merged papers, newest first, and answers as the engine;
    unless ``rebuilt``, it was kept current (opening it rebuilt nothing)."""
    index = store.open_index()
    if not rebuilt:
        assert not [m for m in store.messages if "search index" in m], store.messages
    papers = store.load_papers()
    docs = index.all_docs().tolist()
    assert len(index) == len(papers)
    assert [index.row(d).id for d in docs] == [p.id for p in papers]
    assert [index.paper(d) for d in docs] == papers
    engine = QueryEngine(papers)
    for text in QUERIES:
        query = parse_query(text)
        expected = [papers[i].id for i in engine.search(query, {})]
        assert [index.row(d).id for d in index.search(query, limit=0).docs().tolist()] == expected, text


def copy_digests(tmp_path: Path, files: list[Path]) -> list[Path]:
    """The digest files copied under ``tmp_path/digests`` (so a test may change or delete them)."""
    out = []
    for path in files:
        target = tmp_path / "digests" / path.relative_to(DATA)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        out.append(target)
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_imports_one_file_at_a_time_in_any_order_keep_the_index_exact(tmp_path: Path, seed: int) -> None:
    """Days arriving out of order (back-filled), cross-listed papers, new versions: after every
    import the index is the library (new segments in front, older ones absorbed or merged)."""
    files = copy_digests(tmp_path, FILES)
    random.Random(seed).shuffle(files)
    home = tmp_path / "home"
    for path in files:
        store = Store(home)
        store.import_paths([path])
        assert not [m for m in store.messages if "search index" in m], store.messages
        assert_index_is_the_library(Store(home))
    segments = json.loads((search_dir(home) / "index.json").read_text())["segments"]
    assert 1 <= len(segments) < len(files)  # merged in tiers, not one segment per file


def test_a_new_day_adds_a_segment_and_an_unchanged_reimport_writes_nothing(tmp_path: Path) -> None:
    files = copy_digests(tmp_path, FILES)
    newest = max(files, key=lambda p: p.stem)
    home = tmp_path / "home"
    Store(home).import_paths([f for f in files if f != newest])
    manifest = search_dir(home) / "index.json"
    before = json.loads(manifest.read_text())
    assert len(before["segments"]) == 1  # a first import builds one segment
    Store(home).import_paths([tmp_path / "digests"])  # only the new day is read
    after = json.loads(manifest.read_text())
    assert len(after["segments"]) == 2 and after["segments"][1] == before["segments"][0]
    assert_index_is_the_library(Store(home))
    stamp = manifest.stat().st_mtime_ns
    Store(home).import_paths([tmp_path / "digests"])
    assert manifest.stat().st_mtime_ns == stamp


def test_a_changed_digest_and_removals_update_the_index(tmp_path: Path) -> None:
    files = copy_digests(tmp_path, FILES)
    home = tmp_path / "home"
    Store(home).import_paths([tmp_path / "digests"])
    # A paper's title changes in its digest: the index shows the new title, once.
    path = next(p for p in files if "20220131" in p.name)
    text = path.read_text()
    path.write_text(text.replace("BOAT:", "SHIP:", 1))
    store = Store(home)
    store.import_paths([path])
    assert_index_is_the_library(store)
    index = store.open_index()
    assert [index.row(d).title[:5] for d in index.search(parse_query("id:2201.13027"), limit=0).docs()] == ["SHIP:"]
    # Remove digests one by one: papers listed elsewhere stay (merged from what remains).
    for path in sorted(files)[::5]:
        store = Store(home)
        store.remove_paths([path])
        assert_index_is_the_library(Store(home))


@pytest.mark.parametrize("damage", ["garbage manifest", "old format", "truncated segment", "missing segment",
                                    "missing directory", "stale source"])
def test_a_damaged_missing_or_old_index_is_rebuilt_with_a_message(tmp_path: Path, capsys, damage: str) -> None:
    home = tmp_path / "home"
    Store(home).import_paths([DATA])
    directory = search_dir(home)
    manifest = directory / "index.json"
    segment = next(directory.glob("seg-*.axs"))
    if damage == "garbage manifest":
        manifest.write_bytes(b"\x00garbage{")
    elif damage == "old format":
        data = json.loads(manifest.read_text())
        manifest.write_text(json.dumps(dict(data, format=1)))
    elif damage == "truncated segment":
        segment.write_bytes(segment.read_bytes()[:1000])
    elif damage == "missing segment":
        segment.unlink()
    elif damage == "missing directory":
        shutil.rmtree(directory)
    else:
        data = json.loads(manifest.read_text())
        manifest.write_text(json.dumps(dict(data, source="another", library_stamp=None)))
    assert main(["--home", str(home), "list", "--query", "transf"]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "2201.13027" in out
    assert "search index was" in err and "rebuilt it" in err, err
    assert_index_is_the_library(Store(home))  # (rebuilt by list: this store finds it current)
    assert main(["--home", str(home), "stats"]) == 0
    assert "search index" not in capsys.readouterr().err  # rebuilt once


def test_import_repairs_a_damaged_index_too(tmp_path: Path) -> None:
    files = copy_digests(tmp_path, FILES)
    home = tmp_path / "home"
    Store(home).import_paths([f for f in files if f.name != files[-1].name])
    (search_dir(home) / "index.json").write_text("{}")
    store = Store(home)
    store.import_paths([tmp_path / "digests"])
    assert any("search index was damaged" in m for m in store.messages), store.messages
    assert_index_is_the_library(Store(home))


def test_is_new_from_the_index_follows_the_reader_sessions(tmp_path: Path) -> None:
    """``is:new`` answered by the index is what the store's rule gives, before any reader
    session ended (every paper) and after one (the papers imported since)."""
    files = copy_digests(tmp_path, FILES)
    home = tmp_path / "home"

    def new_from_index(store: Store) -> set[str]:
        index = store.open_index()
        docs = index.search(parse_query("is:new"), store.index_states(index, {"new"}), limit=0).docs()
        return {index.paper_id(d) for d in docs.tolist()}

    Store(home).import_paths(files[:10])
    store = Store(home)
    assert new_from_index(store) == store.new_paper_ids(store.new_baseline()) == store.known_ids()
    store.end_reading(store.begin_reading())  # a reader showed these and quit
    Store(home).import_paths(files[10:20])
    store = Store(home)
    expected = store.new_paper_ids(store.new_baseline())
    assert expected and expected != store.known_ids()
    assert new_from_index(store) == expected


def test_a_missing_index_of_a_large_library_is_announced_before_its_build(tmp_path: Path, capsys, monkeypatch) -> None:
    """The import builds the index (nothing to say); a command that finds it missing in a large
    library says it builds it, with an estimate of the time, and what was wrong."""
    from tui.core.store import search

    monkeypatch.setattr(search, "ANNOUNCE_AT", 0)  # every library counts as large here
    home = tmp_path / "home"
    store = Store(home)
    store.import_paths(copy_digests(tmp_path, FILES))
    directory = search_dir(home)
    assert (directory / "index.json").exists()
    assert not [m for m in store.messages if "search index" in m], store.messages
    (directory / "index.json").unlink()
    assert main(["--home", str(home), "list", "--query", "transf"]) == 0
    out, err = capsys.readouterr()
    assert "2201.13027" in out
    assert "building the search index of the library's" in err and "(about" in err, err
    assert "was missing" in err, err
    assert main(["--home", str(home), "stats"]) == 0
    assert "search index" not in capsys.readouterr().err  # built once
