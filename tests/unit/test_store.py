"""The store: incremental import of the real digests, state, session, damage recovery."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

import orjson
import pytest

import tui.core.digest as digest_module
import tui.core.store.importer as importer_module
import tui.core.store.library as library_module
from tui.core.models import DigestRef, Paper
from tui.core.store import Store, StoreError, default_home, paper_to_doc, papers_from_docs

DIGESTS = Path(__file__).resolve().parents[1] / "data" / "digests"
N_FILES = len(list(DIGESTS.rglob("*.md")))
SMALL_DAY = DIGESTS / "cs.IR" / "2026" / "07" / "20260718.md"  # 4 papers


def all_files(root: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "home")


@pytest.fixture
def imported(store: Store) -> Store:
    store.import_paths([DIGESTS])
    return store


@pytest.fixture
def parse_counter(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every file the parser reads."""
    calls: list[str] = []
    real = digest_module.parse_digest_file

    def counting(path):
        calls.append(str(path))
        return real(path)

    monkeypatch.setattr(digest_module, "parse_digest_file", counting)
    return calls


# -- import ------------------------------------------------------------------------


def test_first_import_counts_every_paper_new(store: Store) -> None:
    report = store.import_paths([DIGESTS])
    papers = store.load_papers()
    assert report.files_read == N_FILES == 32
    assert report.files_unchanged == 0
    assert report.papers_new == len(papers) > 1000
    assert report.papers_updated == report.papers_unchanged == 0
    assert store.digest_count() == N_FILES
    stats = store.library_stats()
    assert stats["papers"] == len(papers)
    assert stats["categories"] == {"cs.CL": 4, "cs.CV": 26, "cs.IR": 2}
    assert (stats["first_date"], stats["last_date"]) == ("1998-02-11", "2026-08-04")


def test_second_import_parses_nothing(imported: Store, parse_counter: list[str]) -> None:
    report = imported.import_paths([DIGESTS])
    assert parse_counter == []
    assert (report.files_read, report.files_unchanged) == (0, N_FILES)
    assert (report.papers_new, report.papers_updated, report.papers_unchanged) == (0, 0, 0)


def test_touched_file_is_the_only_one_reparsed(tmp_path: Path, parse_counter: list[str]) -> None:
    archive = tmp_path / "digests"
    shutil.copytree(DIGESTS, archive)
    store = Store(tmp_path / "home")
    store.import_paths([archive])
    parse_counter.clear()
    touched = archive / "cs.IR" / "2026" / "07" / "20260718.md"
    stat = touched.stat()
    os.utime(touched, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    report = store.import_paths([archive])
    assert parse_counter == [str(touched)]
    assert (report.files_read, report.files_unchanged) == (1, N_FILES - 1)
    assert (report.papers_new, report.papers_updated, report.papers_unchanged) == (0, 0, 4)


def test_cross_listed_paper_is_one_paper_with_two_digests(imported: Store) -> None:
    papers = [p for p in imported.load_papers() if p.id == "2607.00374"]
    assert len(papers) == 1
    assert papers[0].digests == [DigestRef("cs.CL", "2026-07-01"), DigestRef("cs.IR", "2026-07-01")]


def test_papers_sorted_newest_digest_first_then_id_descending(imported: Store) -> None:
    papers = imported.load_papers()
    keys = [(p.latest_digest_date, p.id) for p in papers]
    assert keys == sorted(keys, reverse=True)
    assert papers[0].latest_digest_date == "2026-08-04"
    assert papers[-1].id == "quant-ph/9802028"
    assert len({p.id for p in papers}) == len(papers)


def test_missing_path_is_a_problem_not_an_error(store: Store, tmp_path: Path) -> None:
    report = store.import_paths([tmp_path / "nowhere", SMALL_DAY])
    assert report.files_read == 1 and report.papers_new == 4
    assert [p.path for p in report.problems if p.line == 0] == [str(tmp_path / "nowhere")]


def test_vanished_digest_file_keeps_its_papers(tmp_path: Path) -> None:
    archive = tmp_path / "digests"
    archive.mkdir()
    copy = archive / "20260718.md"
    shutil.copy(SMALL_DAY, copy)
    store = Store(tmp_path / "home")
    store.import_paths([archive])
    copy.unlink()
    report = store.import_paths([archive])
    assert report.files_read == 0
    assert len(store.load_papers()) == 4
    assert store.digest_count() == 1


def test_new_day_adds_one_shard_without_rewriting_others(tmp_path: Path) -> None:
    archive = tmp_path / "digests"
    shutil.copytree(DIGESTS / "cs.CV", archive / "cs.CV")
    store = Store(tmp_path / "home")
    store.import_paths([archive])
    shards_before = all_files(store.library / "shards")
    shutil.copy(SMALL_DAY, archive / "20260718.md")
    report = store.import_paths([archive])
    assert (report.files_read, report.papers_new) == (1, 4)
    shards_after = all_files(store.library / "shards")
    assert {k: shards_after[k] for k in shards_before} == shards_before
    assert len(shards_after) == len(shards_before) + 1


# -- state --------------------------------------------------------------------------


def test_state_survives_reimport_and_new_version(tmp_path: Path) -> None:
    archive = tmp_path / "digests"
    archive.mkdir()
    copy = archive / "20260718.md"
    shutil.copy(SMALL_DAY, copy)
    store = Store(tmp_path / "home")
    store.import_paths([archive])
    store.set_starred(["2607.16633v1"])
    store.set_read(["2607.16633", "2607.16660"])

    copy.write_text(SMALL_DAY.read_text(encoding="utf-8").replace("2607.16633v1", "2607.16633v2"), encoding="utf-8")
    report = store.import_paths([archive])
    assert (report.files_read, report.papers_updated, report.papers_unchanged) == (1, 1, 3)

    fresh = Store(tmp_path / "home")  # as after a restart
    paper = next(p for p in fresh.load_papers() if p.id == "2607.16633")
    assert paper.version == 2
    state = fresh.get_state("2607.16633v2")
    assert state.starred and state.read and state.starred_at and state.read_at
    assert fresh.get_state("2607.16660").read and not fresh.get_state("2607.16660").starred
    assert fresh.get_state("2607.16963") == fresh.get_state("2607.16963v1")
    assert not fresh.get_state("2607.16963").read


def test_timestamps_are_the_latest_act_and_unsetting_forgets_entries(store: Store) -> None:
    store.set_read(["2201.12944"])
    first = store.get_state("2201.12944").read_at
    store.set_read(["2201.12944"])  # marked read again: a new act, a new time
    assert store.get_state("2201.12944").read_at > first
    store.set_starred(["2201.12944"])
    store.set_read(["2201.12944"], False)
    state = store.get_state("2201.12944")
    assert (state.read, state.read_at, state.starred) == (False, None, True)
    store.set_starred(["2201.12944"], False)
    assert store.states() == {}


def test_state_changes_do_not_touch_library_files(imported: Store) -> None:
    before = all_files(imported.library)
    imported.set_starred(["2201.12944", "2607.00374"])
    imported.set_read(["2201.12944"])
    imported.set_starred(["2607.00374"], False)
    imported.save_session({"query": "star:yes", "view": "list", "paper": "2201.12944"})
    assert all_files(imported.library) == before


def test_atomic_writes_leave_no_temporary_files(imported: Store) -> None:
    imported.set_starred(["2201.12944"])
    imported.set_read(["2201.12944", "2607.00374"])
    imported.save_session({"query": "x"})
    imported.import_paths([DIGESTS])
    leftovers = [p for p in imported.home.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".")]
    assert leftovers == []


def test_two_stores_on_one_home_keep_both_updates(tmp_path: Path) -> None:
    a = Store(tmp_path / "home")
    b = Store(tmp_path / "home")
    assert a.states() == b.states() == {}
    a.set_starred(["1111.11111"])
    b.set_starred(["2222.22222"])
    assert set(a.states()) == set(b.states()) == {"1111.11111", "2222.22222"}
    a.set_read(["2222.22222"])
    assert b.get_state("2222.22222").read and b.get_state("2222.22222").starred


def _star_many(home: str, prefix: str) -> None:
    store = Store(Path(home))
    for n in range(15):
        store.set_starred([f"{prefix}.{n:05d}"])


def test_concurrent_processes_lose_no_update(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_star_many, args=(str(tmp_path), f"{2000 + i}")) for i in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert len(Store(tmp_path).states()) == 45


# -- session ------------------------------------------------------------------------


def test_session_round_trip(store: Store, tmp_path: Path) -> None:
    assert store.load_session() == {}
    store.save_session({"query": "cat:cs.CV", "view": "detail", "paper": "2201.12944"})
    assert Store(tmp_path / "home").load_session() == {"query": "cat:cs.CV", "view": "detail", "paper": "2201.12944"}
    store.save_session({"query": ""})
    assert store.load_session() == {"query": ""}


# -- damage ---------------------------------------------------------------------------

DAMAGE = {
    "corrupt": b'{"state": {"1": {"id": ',
    "empty": b"",
    "not-a-dict": b"[1, 2, 3]",
    "newer-schema": orjson.dumps({"_meta": {"1": {"schema": 99}}, "state": {}, "files": {}}),
    "bad-table": b'{"state": [1], "files": 3}',
    "foreign-doc-id": b'{"state": {"x": {"id": "2301.00001"}}, "files": {"x": {}}}',
    "non-object-doc": b'{"state": {"1": "text"}, "files": {"1": null}}',
}


@pytest.mark.parametrize("damage", [*DAMAGE, "truncated"])
def test_damaged_index_is_moved_aside_and_rebuilt(tmp_path: Path, damage: str) -> None:
    home = tmp_path / "home"
    first = Store(home)
    first.import_paths([DIGESTS])
    expected = [(p.id, p.version, p.digests) for p in first.load_papers()]
    index = home / "library" / "index.json"
    raw = index.read_bytes()
    index.write_bytes(raw[: len(raw) // 2] if damage == "truncated" else DAMAGE[damage])
    store = Store(home)
    assert [(p.id, p.version, p.digests) for p in store.load_papers()] == expected
    assert any("index.json" in m and "moved" in m for m in store.messages)
    assert any("rebuilt the library index" in m for m in store.messages)
    assert list(index.parent.glob("index.json.corrupt-*"))
    assert store.digest_count() == N_FILES
    report = store.import_paths([DIGESTS])  # the rebuilt index knows every file
    assert (report.files_read, report.files_unchanged) == (0, N_FILES)


def test_index_with_malformed_versions_is_rebuilt(imported: Store) -> None:
    data = orjson.loads(imported.index_path.read_bytes())
    for doc in data["papers"].values():
        doc["versions"] = {key: 5 for key in doc["versions"]}
    imported.index_path.write_bytes(orjson.dumps(data))
    store = Store(imported.home)
    assert store.paper_count() == len(imported.load_papers())
    assert any("malformed table 'papers'" in m for m in store.messages)
    report = store.import_paths([DIGESTS])
    assert report.files_unchanged == N_FILES


def test_damaged_shard_is_rebuilt_from_its_digest(imported: Store) -> None:
    entry = next(e for e in imported.library_files.load_index().files.values() if e["path"] == str(SMALL_DAY))
    shard = imported.library / entry["shard"]
    shard.write_bytes(b'{"papers": {"1": {"id"')
    store = Store(imported.home)
    ids = {p.id for p in store.load_papers()}
    assert {"2607.16633", "2607.16660", "2607.16963", "2607.16973"} <= ids
    assert list(shard.parent.glob(shard.name + ".corrupt-*"))
    assert any("rebuilt 1 damaged" in m for m in store.messages)
    assert orjson.loads(shard.read_bytes())["papers"]


def test_damaged_session_is_moved_aside(store: Store) -> None:
    store.save_session({"query": "x"})
    store.session_path.write_bytes(b"\x00\x01garbage")
    assert store.load_session() == {}
    assert any("session.json" in m for m in store.messages)
    store.save_session({"query": "y"})
    assert store.load_session() == {"query": "y"}


def test_unwritable_home_reports_and_raises_store_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.write_text("a file where the data folder should be")
    store = Store(home)  # must not raise
    assert store.messages and "cannot use the data folder" in store.messages[0] and store.unusable == store.messages[0]
    assert store.states() == {} and store.load_papers() == [] and store.load_session() == {}
    with pytest.raises(StoreError):
        store.set_starred(["2201.12944"])
    with pytest.raises(StoreError):
        store.save_session({"query": "x"})
    with pytest.raises(StoreError):
        store.import_paths([SMALL_DAY])


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_read_only_home_still_opens(imported: Store) -> None:
    imported.set_starred(["2201.12944"])
    os.chmod(imported.home, 0o555)
    try:
        store = Store(imported.home)
        assert any("read-only" in m for m in store.messages)
        assert store.get_state("2201.12944").starred
        assert len(store.load_papers()) > 1000
        with pytest.raises(StoreError):
            store.set_read(["2201.12944"])
    finally:
        os.chmod(imported.home, 0o755)


# -- home -----------------------------------------------------------------------------


def test_default_home_honours_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ARXIV_READER_HOME", str(tmp_path / "elsewhere"))
    assert default_home() == tmp_path / "elsewhere"
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ARXIV_READER_HOME", "~/reader")
    assert default_home() == tmp_path / "reader"
    monkeypatch.delenv("ARXIV_READER_HOME")
    assert "arxiv-reader" in str(default_home())


# -- fast conversions and the parallel path -------------------------------------------


def test_fast_paper_conversions_match_the_model() -> None:
    from tui.core.digest import parse_digest_file

    papers = [p for f in sorted(DIGESTS.rglob("*.md")) for p in parse_digest_file(f).papers]
    assert len(papers) > 1000
    docs = [paper_to_doc(p) for p in papers]
    assert docs == [p.to_dict() for p in papers]
    assert list(docs[0]) == list(papers[0].to_dict())  # same key order
    refs: dict = {}
    assert papers_from_docs(orjson.loads(orjson.dumps(docs)), refs) == [Paper.from_dict(d) for d in docs]
    assert len(refs) == N_FILES  # one shared DigestRef per (category, date)


def test_malformed_paper_in_shard_is_rebuilt(imported: Store) -> None:
    entry = next(e for e in imported.library_files.load_index().files.values() if e["path"] == str(SMALL_DAY))
    shard = imported.library / entry["shard"]
    shard.write_bytes(orjson.dumps({"papers": {"1": {"id": "2607.16633"}}}))
    store = Store(imported.home)
    assert sum(p.id.startswith("2607.169") for p in store.load_papers()) == 2
    assert any("malformed paper" in m for m in store.messages)


@pytest.mark.parametrize("broken_pool", [False, True])
def test_parallel_import_matches_sequential(
    tmp_path: Path, imported: Store, monkeypatch: pytest.MonkeyPatch, broken_pool: bool
) -> None:
    import tui.core.store.parsepool as parsepool

    monkeypatch.setattr(parsepool, "PARALLEL_MIN_BYTES", 1)
    if broken_pool:
        def no_pool(*args, **kwargs):
            raise parsepool.BrokenProcessPool("workers cannot start")

        monkeypatch.setattr(parsepool.concurrent.futures, "ProcessPoolExecutor", no_pool)
    parallel = Store(tmp_path / "parallel")
    report = parallel.import_paths([DIGESTS])
    assert (report.files_read, report.papers_new) == (N_FILES, len(imported.load_papers()))
    assert parallel.load_papers() == imported.load_papers()


def test_cached_states_match_the_file_after_many_changes(tmp_path: Path) -> None:
    import random

    rng = random.Random(7)
    home = tmp_path / "home"
    store, other = Store(home), Store(home)
    ids = [f"2301.{n:05d}" for n in range(12)]
    for step in range(120):
        actor = other if step % 17 == 0 else store  # now and then, another process writes
        chosen = rng.sample(ids, rng.randint(1, 4))
        if rng.random() < 0.5:
            actor.set_read(chosen, rng.random() < 0.6)
        else:
            actor.set_starred(chosen, rng.random() < 0.6)
        assert store.states() == Store(home).states()
    assert store.states()  # the sequence left something behind


def test_lost_shard_of_a_vanished_file_is_dropped_once(tmp_path: Path) -> None:
    archive = tmp_path / "digests"
    archive.mkdir()
    copy = archive / "20260718.md"
    shutil.copy(SMALL_DAY, copy)
    store = Store(tmp_path / "home")
    store.import_paths([archive, DIGESTS / "cs.CL" / "2026" / "08"])
    entry = store.library_files.load_index().files[str(copy)]
    (store.library / entry["shard"]).unlink()
    copy.unlink()
    again = Store(tmp_path / "home")
    assert not any(p.id == "2607.16633" for p in again.load_papers())
    assert any("lost and the file is gone" in m for m in again.messages)
    assert again.digest_count() == 1
    third = Store(tmp_path / "home")
    assert third.load_papers() and third.messages == []


def test_failed_write_leaves_the_old_file_and_no_temporary(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.core.atomic as atomic_module

    store.save_session({"query": "before"})
    before = store.session_path.read_bytes()

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_module.os, "replace", refuse)
    with pytest.raises(StoreError, match="No space left"):
        store.save_session({"query": "after"})
    monkeypatch.undo()
    assert store.session_path.read_bytes() == before
    assert [p.name for p in store.home.iterdir() if p.name.endswith(".tmp")] == []
    assert Store(store.home).load_session() == {"query": "before"}


def test_parser_crash_is_a_problem_and_the_file_is_retried(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    real = digest_module.parse_digest_file

    def flaky(path):
        if Path(path).name == "20260718.md":
            raise RecursionError("boom")
        return real(path)

    monkeypatch.setattr(digest_module, "parse_digest_file", flaky)
    report = store.import_paths([DIGESTS / "cs.IR"])
    assert report.files_read == 1
    assert [(p.path, p.line) for p in report.problems if "internal error" in p.message] == [(str(SMALL_DAY), 0)]
    monkeypatch.undo()
    report = store.import_paths([DIGESTS / "cs.IR"])
    assert (report.files_read, report.files_unchanged, report.papers_new) == (1, 1, 4)


# -- the compact shard layout (schema 2) and the older one ---------------------------


def _shard_of(store: Store, path: Path) -> Path:
    entry = next(e for e in store.library_files.load_index().files.values() if e["path"] == str(path))
    return store.library / entry["shard"]


def test_shards_hold_rows_in_field_order(imported: Store) -> None:
    data = orjson.loads(_shard_of(imported, SMALL_DAY).read_bytes())
    assert data["_meta"]["1"]["schema"] == 2
    (doc,) = data["papers"].values()
    assert doc["fields"][:3] == ["id", "version", "title"] and len(doc["rows"]) == 4
    assert {row[0] for row in doc["rows"]} == {"2607.16633", "2607.16660", "2607.16963", "2607.16973"}


def test_rows_in_another_field_order_load_the_same(imported: Store) -> None:
    expected = [p.to_dict() for p in imported.load_papers()]
    shard = _shard_of(imported, SMALL_DAY)
    data = orjson.loads(shard.read_bytes())
    (doc,) = data["papers"].values()
    doc["fields"] = doc["fields"][::-1]
    doc["rows"] = [row[::-1] for row in doc["rows"]]
    shard.write_bytes(orjson.dumps(data))
    store = Store(imported.home)
    assert [p.to_dict() for p in store.load_papers()] == expected
    assert not store.messages


def test_schema_1_library_loads_then_the_next_import_rewrites_rows(imported: Store, parse_counter) -> None:
    expected = [p.to_dict() for p in imported.load_papers()]
    # Turn the library into what the previous version wrote: a dict per paper, schema 1.
    for entry in imported.library_files.load_index().files.values():
        shard = imported.library / entry["shard"]
        data = orjson.loads(shard.read_bytes())
        (doc,) = data["papers"].values()
        data["papers"] = {str(k): dict(zip(doc["fields"], row)) for k, row in enumerate(doc["rows"], 1)}
        data["_meta"]["1"]["schema"] = 1
        shard.write_bytes(orjson.dumps(data))
    index = orjson.loads(imported.index_path.read_bytes())
    index["_meta"]["1"]["schema"] = 1
    imported.index_path.write_bytes(orjson.dumps(index))

    old = Store(imported.home)
    assert [p.to_dict() for p in old.load_papers()] == expected and not old.messages
    report = old.import_paths([DIGESTS])  # migrates: every file parsed once more
    assert report.files_read == N_FILES and report.papers_new == report.papers_updated == 0
    assert len(parse_counter) == N_FILES
    assert "rows" in orjson.loads(_shard_of(old, SMALL_DAY).read_bytes())["papers"]["1"]
    assert old.import_paths([DIGESTS]).files_unchanged == N_FILES  # once only
    assert [p.to_dict() for p in Store(imported.home).load_papers()] == expected


def test_load_shares_category_strings_and_digest_refs(imported: Store) -> None:
    papers = imported.load_papers()
    cats = {}
    for paper in papers:
        for cat in paper.categories:
            assert cats.setdefault(cat, cat) is cat
    refs = {}
    for paper in papers:
        for ref in paper.digests:
            assert refs.setdefault((ref.category, ref.date), ref) is ref


def test_toggle_after_refresh_keeps_the_other_writers_change(tmp_path: Path) -> None:
    """A store that reuses its last write must notice the file changed under it,
    even when states() has already re-read the newer file in between."""
    home = tmp_path / "home"
    first, second = Store(home), Store(home)
    first.set_starred(["2201.00001"])
    second.set_starred(["2201.00002"])
    assert first.states()["2201.00002"].starred  # first re-reads the newer file here
    first.set_starred(["2201.00003"])
    final = Store(home).states()
    assert {key for key, state in final.items() if state.starred} == {"2201.00001", "2201.00002", "2201.00003"}


def test_consecutive_toggles_read_nothing_back(tmp_path: Path, monkeypatch) -> None:
    """A toggle only appends: with nobody else writing, no state file is read again."""
    import tui.core.store.stateread as stateread

    store = Store(tmp_path / "home")
    store.set_read(["2201.00001"])
    reads = []
    original = stateread.read_state_file
    monkeypatch.setattr(stateread, "read_state_file", lambda *a, **k: reads.append(a) or original(*a, **k))
    store.set_starred(["2201.00002"])
    store.set_starred(["2201.00003"])
    assert reads == []
    assert {k for k, s in Store(tmp_path / "home").states().items() if s.starred} == {"2201.00002", "2201.00003"}


def test_known_ids_come_from_the_index(tmp_path: Path) -> None:
    store = Store(tmp_path / "home")
    store.import_paths([DIGESTS / "cs.CV" / "2022" / "01" / "20220131.md"])
    known = Store(tmp_path / "home").known_ids()
    assert "2201.12944" in known and "2201.12961" in known
    assert len(known) == 39


def test_an_index_without_shard_checksums_reparses_once(tmp_path: Path) -> None:
    """Indexes written before shards had a checksum recorded (size, mtime) are re-parsed once."""
    store = Store(tmp_path / "home")
    store.import_paths([SMALL_DAY])
    data = orjson.loads(store.index_path.read_bytes())
    for doc in data["files"].values():
        assert len(doc["written"]) == 4
        doc["written"] = doc["written"][:2]
    store.index_path.write_bytes(orjson.dumps(data))
    assert Store(tmp_path / "home").import_paths([SMALL_DAY]).files_read == 1
    assert Store(tmp_path / "home").import_paths([SMALL_DAY]).files_unchanged == 1


def test_a_shard_is_validated_only_when_its_bytes_may_have_changed(tmp_path: Path, monkeypatch) -> None:
    """Untouched (same change time): no check; rewritten with the same bytes (a copy, a
    restore): its checksum vouches for it; other bytes: its rows are validated."""
    store = Store(tmp_path / "home")
    store.import_paths([SMALL_DAY])
    checked = []
    real = library_module.validate_rows
    monkeypatch.setattr(library_module, "validate_rows", lambda rows: checked.append(len(rows)) or real(rows))
    assert len(Store(tmp_path / "home").load_papers()) == 4 and checked == []
    shard = next((tmp_path / "home" / "library" / "shards").rglob("*.json"))
    raw = shard.read_bytes()
    shard.write_bytes(raw)  # the same bytes, a new change time
    assert len(Store(tmp_path / "home").load_papers()) == 4 and checked == []
    shard.write_bytes(raw.replace(b"2607.16633", b"2607.16634"))
    assert len(Store(tmp_path / "home").load_papers()) == 4 and checked == [4]


def test_a_large_import_flushes_its_shards_once_before_the_index_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.core.atomic as atomic_module
    from tui.core.store.parsepool import FLUSH_ONCE_FILES

    archive = tmp_path / "digests"
    archive.mkdir()
    for day in range(FLUSH_ONCE_FILES):  # one small real day, copied as many times
        shutil.copy(SMALL_DAY, archive / f"{20260101 + day}.md")
    events: list[str] = []
    real_fsync = os.fsync
    monkeypatch.setattr(importer_module, "flush_file_system", lambda folder: events.append("flush"))
    monkeypatch.setattr(atomic_module.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    real_save = library_module.IndexFile.save
    monkeypatch.setattr(library_module.IndexFile, "save", lambda self, index: (events.append("save"),
                                                                                  real_save(self, index))[1])
    store = Store(tmp_path / "home")
    assert store.import_paths([archive]).files_read == FLUSH_ONCE_FILES
    first_save = events.index("save")
    assert events[:first_save] == ["flush"]  # no shard was fsynced on its own; all flushed before the save
    assert len(store.load_papers()) == 4


def test_a_small_import_fsyncs_each_shard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flushes: list[Path] = []
    monkeypatch.setattr(importer_module, "flush_file_system", flushes.append)
    store = Store(tmp_path / "home")
    store.import_paths([SMALL_DAY])
    assert flushes == [] and len(store.load_papers()) == 4
