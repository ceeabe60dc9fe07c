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


@pytest.mark.parametrize(
    "shard", ["../../victim.txt", "/tmp/victim.txt", "shards/../../victim.txt", "x/../../victim.txt"]
)
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


def _files_under(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("command", ["import", "load", "rebuild", "remove"])
def test_a_symlinked_folder_in_shards_never_leads_outside(tmp_path: Path, command: str) -> None:
    """Review finding 6: `ln -s outside library/shards/evil` and an index entry
    'shards/evil/victim.json' with size -1: import deleted outside/victim.json, list renamed
    outside files to *.corrupt-...; temporaries-like names there were deleted too."""
    path = digest_with(tmp_path, "fine")
    home = tmp_path / "home"
    Store(home).import_paths([path])
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.json").write_text("keep me")
    (outside / ".victim.json.host.1.0123abcd.tmp").write_text("keep me too")
    os.utime(outside / ".victim.json.host.1.0123abcd.tmp", (0, 0))
    before = _files_under(outside)
    shards = home / "library" / "shards"
    (shards / "evil").symlink_to(outside)
    index = home / "library" / "index.json"
    data = orjson.loads(index.read_bytes())
    for doc in data["files"].values():
        doc["shard"], doc["size"] = "shards/evil/victim.json", -1
    index.write_bytes(orjson.dumps(data))
    store = Store(home)
    if command == "import":
        store.import_paths([path])
    elif command == "load":
        assert len(store.load_papers()) == 4  # rebuilt from the digest, not from outside
    elif command == "remove":
        assert store.remove_paths([path]).removed == [str(path)]
    else:
        index.unlink()
        store.load_papers()
    assert _files_under(outside) == before
    assert len(Store(home).load_papers()) == (0 if command == "remove" else 4)


def test_a_category_folder_linked_outside_gets_no_shard(tmp_path: Path) -> None:
    path = digest_with(tmp_path, "fine")
    home = tmp_path / "home"
    outside = tmp_path / "outside"
    outside.mkdir()
    (home / "library" / "shards").mkdir(parents=True)
    (home / "library" / "shards" / "cs.IR").symlink_to(outside)
    report = Store(home).import_paths([path])
    assert list(outside.iterdir()) == []
    assert any("symbolic link" in str(p) for p in report.problems), report.problems


# -- digests damaged after their import (review finding 7) -------------------------------------


def _nul_tail(path: Path) -> None:
    with open(path, "ab") as handle:
        handle.write(b"\x00" * 4096)


def _emptied(path: Path) -> None:
    path.write_bytes(b"")


def _zeroed(path: Path) -> None:
    path.write_bytes(b"\x00" * path.stat().st_size)


def _not_a_digest_any_more(path: Path) -> None:
    path.write_bytes(b"\x00\x01\x02PK\x03\x04" * 300)


@pytest.mark.parametrize("damage", [_emptied, _zeroed, _not_a_digest_any_more], ids=lambda f: f.__name__[1:])
def test_a_digest_emptied_after_import_keeps_its_papers(tmp_path: Path, damage, capsys) -> None:
    """Review finding 7: `: > file` then import: exit 0 and every paper of the file gone."""
    from tui.cli import main

    path = tmp_path / "cs.IR" / "20260718.md"
    path.parent.mkdir()
    shutil.copy(DAY, path)
    home = tmp_path / "home"
    assert main(["--home", str(home), "import", str(path)]) == 0
    damage(path)
    for _ in range(2):  # said at every import, until the file is fixed or removed
        assert main(["--home", str(home), "import", str(path)]) == 0
        err = capsys.readouterr().err
        assert "20260718.md" in err and "4 papers imported from it before are kept" in err, err
        assert len(Store(home).load_papers()) == 4
    assert main(["--home", str(home), "remove", str(path)]) == 0
    assert "removed 1 digest(s): 4 papers left the library" in capsys.readouterr().out
    assert Store(home).load_papers() == [] and Store(home).known_ids() == set()
    assert main(["--home", str(home), "remove", str(path)]) == 1


def test_a_nul_padded_digest_still_loads_its_papers(tmp_path: Path) -> None:
    """Review finding 7: 4,096 NUL bytes appended (a crash leftover) rejected the whole file."""
    path = tmp_path / "20260718.md"
    shutil.copy(DAY, path)
    home = tmp_path / "home"
    Store(home).import_paths([path])
    _nul_tail(path)
    report = Store(home).import_paths([path])
    assert report.files_read == 1 and len(Store(home).load_papers()) == 4
    assert [p.message for p in report.problems] == ["4096 NUL bytes at the end (left by a crash or a disk problem) "
                                                    "ignored"]


def test_a_few_nul_bytes_inside_cost_only_their_lines(tmp_path: Path) -> None:
    text = DAY.read_text(encoding="utf-8")
    line = text.index("- **Comment**:")
    path = tmp_path / "20260718.md"
    path.write_text(text[:line] + "- **Comment**: 12 pages\x00\x00" + text[line + len("- **Comment**:"):],
                    encoding="utf-8")
    report = Store(tmp_path / "home").import_paths([path])
    assert len(Store(tmp_path / "home").load_papers()) == 4
    assert [p.message for p in report.problems] == ["NUL byte(s) replaced by U+FFFD"]
    assert report.problems[0].line == text[:line].count("\n") + 1


def test_import_workers_exit_when_the_importer_is_killed(tmp_path: Path) -> None:
    """Review (minor): kill -9 of a parallel import left the fork server and its workers running."""
    import signal
    import subprocess
    import sys
    import time
    import uuid

    for n in range(60):
        target = tmp_path / "digests" / f"2026{n:04d}.md"
        target.parent.mkdir(exist_ok=True)
        shutil.copy(DAY, target)
    marker = uuid.uuid4().hex
    script = (
        "import sys, tui.core.store.parsepool as p, tui.core.store.shards as s\n"
        "p.PARALLEL_MIN_BYTES = 1\n"
        "from tui.core.store import Store\n"
        "Store(sys.argv[1]).import_paths([sys.argv[2]])\n"
    )
    env = {**os.environ, "ARXIV_TEST_MARKER": marker}
    importer = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "home"), str(tmp_path / "digests")],
                                env=env)

    def marked() -> list[int]:
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if marker.encode() in Path(f"/proc/{pid}/environ").read_bytes() and int(pid) != importer.pid:
                    found.append(int(pid))
            except OSError:
                pass
        return found

    deadline = time.monotonic() + 30
    while len(marked()) < 2 and time.monotonic() < deadline and importer.poll() is None:
        time.sleep(0.02)
    assert marked(), "no worker started"
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    deadline = time.monotonic() + 5
    while marked() and time.monotonic() < deadline:
        time.sleep(0.1)
    left = marked()
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []


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


@pytest.mark.parametrize("command", [["list"], ["export", "-f", "bibtex"], ["stats"]])
def test_a_shard_changed_keeping_its_size_and_time_is_still_checked(tmp_path: Path, capsys, command) -> None:
    """Review finding 10: a title replaced by as many digits, the mtime restored: the size and
    time matched the index, the rows were trusted, and list/export raised on every run."""
    from tui.cli import main

    path = digest_with(tmp_path, "fine")
    home = tmp_path / "home"
    Store(home).import_paths([path])
    shard = next((home / "library" / "shards").rglob("*.json"))
    info = shard.stat()
    raw = shard.read_bytes()
    title = orjson.loads(raw)["papers"]["1"]["rows"][0][2]
    tampered = raw.replace(orjson.dumps(title), b"1" * len(orjson.dumps(title)), 1)
    assert len(tampered) == len(raw) and tampered != raw
    shard.write_bytes(tampered)
    os.utime(shard, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert main(["--home", str(home), *command]) == 0  # answered from the search index: no shard read
    out, err = capsys.readouterr()
    assert "Traceback" not in err and out, err
    fresh = Store(home)  # the reader's load reads the shard, finds the change, re-parses the digest
    assert len(fresh.load_papers()) == 4 and all(isinstance(p.title, str) for p in fresh.load_papers())
    assert any(shard.name in m for m in fresh.messages), fresh.messages


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
