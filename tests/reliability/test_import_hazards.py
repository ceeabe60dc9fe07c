"""Hostile files and tampered libraries at import and load: no traceback, no hang, no loss.

Each test names the class of failure it guards against (issue 11): text a
digest can hold, files that are not regular, names that are not UTF-8, links
that reach a file twice, reads that fail once, an index that points outside
the library, shards of the right shape with values of the wrong type.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import orjson
import pytest

import tui.core.digest as digest_module
from tui.core.digest import parse_digest_file
from tui.core.store import Store, StoreError

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
DAY = DATA / "cs.IR" / "2026" / "07" / "20260718.md"


def digest_with(tmp_path: Path, summary: str, name: str = "20260718.md", authors: str | None = None) -> Path:
    """A copy of a real day whose first paper has the given summary (and authors)."""
    text = DAY.read_text(encoding="utf-8")
    head, rest = text.split("- **Summary**: ", 1)
    _, tail = rest.split("\n", 1)
    text = head + "- **Summary**: " + summary + "\n" + tail
    if authors is not None:
        before, after = text.split("- **Authors**: ", 1)
        text = before + "- **Authors**: " + authors + "\n" + after.split("\n", 1)[1]
    folder = tmp_path / "digests" / "cs.IR" / "2026" / "07"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- any text a digest can hold imports ----------------------------------------------------


@pytest.mark.parametrize("reference", ["&#xD800;", "&#xDFFF;", "&#55296;", "&#xD83D;&#xDE00;", "&#x1B;]52;c;eA==&#7;",
                                       "&#0;", "&#x110000;", "&#x9B;"])
def test_any_character_reference_imports(tmp_path: Path, reference: str) -> None:
    path = digest_with(tmp_path, f"A summary with {reference} inside.")
    store = Store(tmp_path / "home")
    report = store.import_paths([path])
    assert report.files_read == 1 and report.papers_new == 4
    summary = next(p for p in store.load_papers() if p.summary.startswith("A summary")).summary
    assert summary.isprintable() and not any(0xD800 <= ord(c) <= 0xDFFF for c in summary)
    orjson.dumps(summary)
    again = Store(tmp_path / "home").import_paths([path.parent.parent.parent.parent])  # later imports still work
    assert again.files_unchanged == 1


def test_author_names_are_stripped(tmp_path: Path) -> None:
    path = digest_with(tmp_path, "text", authors="Shuang Liang,  Hao,  Chen ,Wei")
    paper = parse_digest_file(path).papers[0]
    assert paper.authors == ["Shuang Liang", "Hao", "Chen ,Wei"]


def test_a_paper_that_cannot_be_stored_is_a_problem_not_an_abort(tmp_path: Path, monkeypatch) -> None:
    """Whatever goes wrong inside one file's import stays that file's problem."""
    good = digest_with(tmp_path, "fine", name="20260718.md")
    bad = digest_with(tmp_path, "fine", name="20260719.md")
    real = digest_module.parse_digest_file

    def broken(path):
        parsed = real(path)
        if Path(path).name == bad.name:
            parsed.papers[0].summary = "\ud800"  # what a parser bug could leave
        return parsed

    monkeypatch.setattr(digest_module, "parse_digest_file", broken)
    report = Store(tmp_path / "home").import_paths([good.parent])
    assert report.files_read == 1 and any(bad.name in p.path for p in report.problems)


# -- never a hang: only regular files are read -------------------------------------------


def within(seconds: float, fifo: Path, work) -> dict:
    """Run ``work(result)`` in a thread; fail (after unblocking it) if it takes longer."""
    result: dict = {}
    worker = threading.Thread(target=work, args=(result,), daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():  # open the other end so the blocked reader ends with the test
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("blocked on a FIFO")
    return result


def test_a_fifo_named_md_never_blocks_and_the_good_file_imports(tmp_path: Path) -> None:
    good = digest_with(tmp_path, "fine")
    fifo = good.with_name("20260719.md")
    os.mkfifo(fifo)

    def run(result: dict) -> None:
        store = Store(tmp_path / "home")
        result["report"] = store.import_paths([good.parent, fifo])
        result["papers"] = len(store.load_papers())

    result = within(20, fifo, run)
    assert result["report"].files_read == 1 and result["papers"] == 4
    assert any("regular file" in p.message for p in result["report"].problems)


def test_parse_refuses_a_non_regular_file_without_opening_it_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "x.md"
    os.mkfifo(fifo)
    parsed = within(10, fifo, lambda result: result.update(parsed=parse_digest_file(fifo)))["parsed"]
    assert parsed.papers == [] and "regular file" in parsed.problems[0].message


# -- paths -----------------------------------------------------------------------------------


def imported_with_a_link(tmp_path: Path) -> tuple[Path, Path, Store]:
    """A day imported from its folder, and a link to the archive: (folder, link, store)."""
    folder = digest_with(tmp_path, "fine").parent
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "digests", target_is_directory=True)
    store = Store(tmp_path / "home")
    store.import_paths([folder])
    return folder, link, store


def as_an_older_index(data: dict) -> None:
    """Drop the mark that every path is resolved, as indexes written before had none."""
    for meta in data["_meta"].values():
        del meta["paths"]


def test_importing_through_a_symlink_does_not_double_the_digests(tmp_path: Path) -> None:
    folder, link, store = imported_with_a_link(tmp_path)
    report = store.import_paths([link])
    assert (report.files_read, report.files_unchanged) == (0, 1)
    assert store.digest_count() == 1


def test_a_library_keyed_by_a_symlinked_path_is_not_doubled(tmp_path: Path) -> None:
    """Libraries written before paths were resolved hold the link's path: re-keyed, not doubled."""
    folder, link, store = imported_with_a_link(tmp_path)
    index_path = store.index_path
    data = orjson.loads(index_path.read_bytes())
    real = str(folder / "20260718.md")
    linked = str(link / "cs.IR" / "2026" / "07" / "20260718.md")
    for doc in data["files"].values():
        doc["path"] = doc["path"].replace(real, linked)
    as_an_older_index(data)
    index_path.write_bytes(orjson.dumps(data))
    again = Store(tmp_path / "home")
    report = again.import_paths([folder])
    assert report.files_read == 0 and again.digest_count() == 1
    assert len(again.load_papers()) == 4


def test_a_library_holding_a_file_twice_through_a_symlink_is_healed(tmp_path: Path) -> None:
    folder, link, store = imported_with_a_link(tmp_path)
    data = orjson.loads(store.index_path.read_bytes())
    (doc,) = data["files"].values()
    twin = dict(doc, path=str(link / "cs.IR" / "2026" / "07" / "20260718.md"), shard=doc["shard"][:-5] + "-twin.json")
    shutil.copy(store.library / doc["shard"], store.library / twin["shard"])
    data["files"]["2"] = twin
    as_an_older_index(data)
    store.index_path.write_bytes(orjson.dumps(data))
    assert Store(tmp_path / "home").digest_count() == 2  # as an older version left it
    again = Store(tmp_path / "home")
    assert again.import_paths([folder]).files_unchanged == 1
    assert again.digest_count() == 1 and not (store.library / twin["shard"]).exists()


def test_a_file_name_that_is_not_utf8_imports(tmp_path: Path) -> None:
    good = digest_with(tmp_path, "fine")
    odd = Path(os.fsdecode(bytes(good.parent) + b"/2026\xff0718.md"))
    shutil.copy(good, odd)
    good.unlink()
    store = Store(tmp_path / "home")
    report = store.import_paths([good.parent])
    assert report.files_read == 1 and not [p for p in report.problems if "shard" in p.message]
    fresh = Store(tmp_path / "home")
    assert len(fresh.load_papers()) == 4 and fresh.messages == []
    assert fresh.import_paths([good.parent]).files_unchanged == 1


# -- never silent: a failed read is retried ----------------------------------------------------


def test_a_digest_that_could_not_be_read_is_retried(tmp_path: Path, monkeypatch) -> None:
    path = digest_with(tmp_path, "fine")
    import tui.core.digest_files as digest_files

    real_open = digest_files.os.open

    def failing(file, *args, **kwargs):
        if os.fspath(file) == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(digest_files.os, "open", failing)
    store = Store(tmp_path / "home")
    report = store.import_paths([path])
    assert report.files_read == 0 and any("Permission denied" in p.message for p in report.problems)
    monkeypatch.undo()
    report = store.import_paths([path])
    assert (report.files_read, report.papers_new) == (1, 4)


# -- the index's shard paths are not trusted ---------------------------------------------------


@pytest.mark.parametrize("shard", ["../../victim.txt", "/tmp/victim.txt", "shards/../../victim.txt", "x/../../victim.txt"])
def test_a_tampered_shard_path_never_touches_files_outside_the_library(tmp_path: Path, shard: str) -> None:
    path = digest_with(tmp_path, "fine")
    home = tmp_path / "home"
    store = Store(home)
    store.import_paths([path])
    victim = home / "victim.txt"
    victim.write_text("keep me")
    outside = Path("/tmp/victim.txt")
    existed = outside.exists()
    data = orjson.loads(store.index_path.read_bytes())
    for doc in data["files"].values():
        doc["shard"] = shard.replace("/tmp/victim.txt", str(victim))
    store.index_path.write_bytes(orjson.dumps(data))
    path.write_text(path.read_text(encoding="utf-8").replace("fine", "changed"), encoding="utf-8")  # re-import it
    again = Store(home)
    again.import_paths([path])
    assert victim.read_text() == "keep me"
    assert outside.exists() == existed
    assert len(Store(home).load_papers()) == 4
    assert any("index.json" in m for m in again.messages), again.messages


# -- shards of the right shape with values of the wrong type ------------------------------------


@pytest.mark.parametrize("field,value", [("title", 5), ("digests", [["cs.IR", 20260718]]), ("authors", "A, B"),
                                         ("version", "2"), ("summary", None), ("dois", [1])])
def test_a_shard_with_wrong_value_types_is_set_aside_and_reimported(tmp_path: Path, field: str, value) -> None:
    path = digest_with(tmp_path, "fine")
    home = tmp_path / "home"
    store = Store(home)
    store.import_paths([path])
    shard = next((home / "library" / "shards").rglob("*.json"))
    data = orjson.loads(shard.read_bytes())
    doc = next(iter(data["papers"].values()))
    doc["rows"][0][doc["fields"].index(field)] = value
    shard.write_bytes(orjson.dumps(data))
    fresh = Store(home)
    papers = fresh.load_papers()
    assert len(papers) == 4 and all(isinstance(p.title, str) and isinstance(p.version, int) for p in papers)
    assert any(shard.name in m for m in fresh.messages)
    assert list(shard.parent.glob(shard.name + ".corrupt-*"))
    assert Store(home).load_papers() == papers


@pytest.mark.parametrize("name", ["library/index.json", "session.json", "state.json", "state/here.jsonl",
                                  "state/other.jsonl", "shard"])
def test_a_fifo_in_place_of_a_data_file_never_blocks(tmp_path: Path, name: str) -> None:
    path = digest_with(tmp_path, "fine")
    home = tmp_path / "home"
    Store(home, device="here").import_paths([path])
    target = next((home / "library" / "shards").rglob("*.json")) if name == "shard" else home / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    os.mkfifo(target)

    def run(result: dict) -> None:
        store = Store(home, device="here")
        result["papers"] = len(store.load_papers())
        store.states()
        store.load_session()
        try:
            store.set_starred(["2607.16633"])
        except StoreError as error:
            result["error"] = str(error)
        result["messages"] = list(store.messages)

    result = within(20, target, run)
    assert result["papers"] == 4
    assert result["messages"] or "error" in result  # said, never silent
