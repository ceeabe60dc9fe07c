"""Damaged, foreign and read-only data files: the Store opens, says so, keeps the bytes.

For every kind of damage to the state file and to the library (index and shards):
no exception escapes, Store.messages names the file, the bad file is kept
aside under a name that starts with the original name and holds the original
bytes, the library is rebuilt from the digests on the next import, and new
changes are saved.  Read-only files and folders give StoreError on write and
nothing worse on open.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import orjson
import pytest

from _workers import snapshot
from tui.core.store import Store, StoreError

DIGESTS = Path(__file__).resolve().parents[1] / "data" / "digests"
SOURCES = [
    DIGESTS / "cs.IR/2026/07/20260718.md",
    DIGESTS / "cs.CV/2021/03/20210306.md",
    DIGESTS / "cs.CV/2011/05/20110513.md",
    DIGESTS / "cs.CV/1998/02/19980211.md",
]

DAMAGE = {
    "empty": b"",
    "whitespace": b" \n\t\n",
    "truncated": None,  # the first half of the real file
    "garbage-binary": bytes(range(256)) * 3,
    "nul-bytes": b"\x00" * 64,
    "invalid-utf8": b'{"state": {"1": {"id": "\xff\xfe"}}}',
    "top-level-schema-999": b'{"schema": 999}',
    "meta-schema-999": orjson.dumps({"_meta": {"1": {"schema": 999}}, "state": {}, "files": {}, "papers": {}}),
    "json-list": b"[]",
    "json-string": b'"state"',
    "json-null": b"null",
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
}


def damaged_bytes(kind: str, original: bytes) -> bytes:
    raw = DAMAGE[kind]
    return original[: len(original) // 2] if raw is None else raw


def aside_copies(path: Path) -> list[Path]:
    """Files next to ``path`` whose name starts with its name (the moved-aside copies)."""
    return [
        p for p in path.parent.iterdir()
        if p.name.startswith(path.name) and p.name != path.name and not p.name.endswith(".lock")
    ]


def mentions(messages: list[str], name: str) -> bool:
    return any(name in message for message in messages)


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    """A home with the sample digests imported and some state."""
    home = tmp_path / "home"
    store = Store(home)
    report = store.import_paths(SOURCES)
    assert report.files_read == len(SOURCES) and not report.problems
    store.set_starred(["2103.03463", "1105.2250v1"], True)
    store.set_read(["quant-ph/9802028"], True)
    return home


def papers_of(store: Store) -> list[tuple]:
    return [(p.id, p.version, p.title, p.digests) for p in store.load_papers()]


@pytest.fixture()
def reference(home: Path) -> list[tuple]:
    papers = papers_of(Store(home))
    assert len(papers) == 1 + 1 + 6 + 4
    return papers


# -- this device's state file -----------------------------------------------------------


@pytest.mark.parametrize("first", ["read", "write"])
@pytest.mark.parametrize("kind", [k for k in DAMAGE if k != "meta-schema-999"])
def test_damaged_state_is_kept_aside_and_reported(home: Path, kind: str, first: str) -> None:
    state = Store(home).state_path
    original = {k: v for k, v in snapshot(Store(home).states()).items()}
    bad = damaged_bytes(kind, state.read_bytes())
    state.write_bytes(bad)

    store = Store(home)
    if first == "read":
        assert set(snapshot(store.states())) <= set(original)
    # The store goes on working: the next change is saved, the library is untouched.
    store.set_starred(["2301.00009"], True)
    if bad:
        assert mentions(store.messages, state.name), store.messages
        (aside,) = aside_copies(state)
        assert aside.read_bytes() == bad
    fresh = Store(home)
    kept = snapshot(fresh.states())
    assert kept.pop("2301.00009") == {"starred": True, "read": False}
    assert all(original[key] == flags for key, flags in kept.items())
    assert fresh.messages == []
    assert len(fresh.load_papers()) == 12


def test_newer_state_file_is_refused_never_moved_or_overwritten(home: Path) -> None:
    state = Store(home).state_path
    newer = orjson.dumps({"_meta": {"1": {"schema": 999}}, "columns": {}}) + b"\n"
    state.write_bytes(newer)
    store = Store(home)
    assert store.states() == {}
    assert mentions(store.messages, state.name) and any("newer" in m for m in store.messages)
    with pytest.raises(StoreError, match="newer"):
        store.set_starred(["2103.03463"], True)
    assert state.read_bytes() == newer and aside_copies(state) == []


@pytest.mark.parametrize(
    "line",
    [b'{"id": "2301.00001", "starred": true}', b'["2301.00001", "starred", 1, "2026-11-25T10:00:00.000000Z"]',
     b'["2301.00001", "starred", true]', b"5"],
    ids=["object", "wrong-value-type", "short", "number"],
)
def test_foreign_lines_in_the_state_never_escape_as_exceptions(home: Path, line: bytes) -> None:
    """Valid JSON of the wrong shape: skipped with a message, the rest loads, writes still work."""
    state = Store(home).state_path
    state.write_bytes(state.read_bytes() + line + b"\n")
    store = Store(home)
    assert snapshot(store.states()) == snapshot(Store(home).states())
    assert "2103.03463" in store.states() and mentions(store.messages, state.name)
    store.set_starred(["2301.00002"], True)
    assert "2301.00002" in Store(home).states()


def test_state_path_is_a_directory(home: Path) -> None:
    state = Store(home).state_path
    state.unlink()
    state.mkdir()
    store = Store(home)
    assert store.states() == {}
    assert mentions(store.messages, state.name)
    with pytest.raises(StoreError, match="state"):
        store.set_starred(["2103.03463"], True)


# -- library --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["garbage-binary", "top-level-schema-999", "meta-schema-999", "truncated", "empty"])
def test_damaged_index_and_shards_are_rebuilt_from_the_digests(
    home: Path, reference: list[tuple], kind: str
) -> None:
    library = home / "library"
    files = sorted(p for p in library.rglob("*.json") if "search" not in p.relative_to(library).parts)
    assert len(files) == 1 + len(SOURCES)  # the index and one shard per digest (the search index aside)
    originals = {}
    for path in files:
        originals[path] = damaged_bytes(kind, path.read_bytes())
        path.write_bytes(originals[path])

    store = Store(home)
    store.load_papers()  # finds the damage: nothing raised
    assert mentions(store.messages, "index.json"), store.messages
    for path, bad in originals.items():
        copies = aside_copies(path)
        assert len(copies) == 1, (path.name, copies, store.messages)
        assert copies[0].read_bytes() == bad
    # The state is separate and survives.
    assert store.states()["2103.03463"].starred
    # The next import rebuilds the library from the digests.
    report = store.import_paths(SOURCES)
    assert report.files_read == len(SOURCES)
    assert papers_of(store) == reference
    fresh = Store(home)
    assert papers_of(fresh) == reference and fresh.messages == []


def test_missing_shards_are_reparsed(home: Path, reference: list[tuple]) -> None:
    shutil.rmtree(home / "library" / "shards")
    store = Store(home)
    assert papers_of(store) == reference
    assert store.messages, "rebuilding lost shards should be reported"


def test_library_path_is_a_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "library").write_bytes(b"not a folder")
    store = Store(home)
    assert mentions(store.messages, "library")
    assert store.load_papers() == []
    with pytest.raises(StoreError):
        store.import_paths(SOURCES)
    store.set_starred(["2103.03463"], True)  # the state does not depend on the library
    assert Store(home).states()["2103.03463"].starred


# -- read-only files and folders ------------------------------------------------------


@contextlib.contextmanager
def read_only(path: Path):
    """Make ``path`` unwritable even for root (chattr +i), else with chmod."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make a file read-only")
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i not supported here: {done.stderr.decode().strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)


def test_read_only_state_file_opens_and_refuses_writes_clearly(home: Path) -> None:
    state = Store(home).state_path
    before = state.read_bytes()
    with read_only(state):
        store = Store(home)
        assert store.states()["2103.03463"].starred
        with pytest.raises(StoreError, match=str(home)):
            store.set_starred(["2301.00009"], True)
        assert state.read_bytes() == before
        assert not [p for p in home.rglob("*") if p.name.endswith(".tmp")]
    # Writable again: the store works.
    store.set_starred(["2301.00009"], True)
    assert Store(home).states()["2301.00009"].starred


def test_read_only_home_opens_reads_and_refuses_writes_clearly(home: Path, reference: list[tuple]) -> None:
    with read_only(home), read_only(home / "state"), read_only(Store(home).state_path):
        store = Store(home)
        assert any("read-only" in m for m in store.messages), store.messages
        assert store.states()["2103.03463"].starred
        assert papers_of(store) == reference
        assert store.load_session() == {}
        with pytest.raises(StoreError):
            store.set_starred(["2301.00009"], True)
        with pytest.raises(StoreError):
            store.set_read(["2103.03463"], True)  # a real change (it is unread)
        with pytest.raises(StoreError):
            store.save_session({"query": "x"})
    assert not Store(home).states().get("2301.00009")


def test_read_only_fresh_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with read_only(home):
        store = Store(home)
        assert store.messages
        assert store.states() == {} and store.load_papers() == [] and store.digest_count() == 0
        with pytest.raises(StoreError):
            store.set_starred(["2103.03463"], True)
        with pytest.raises(StoreError):
            store.import_paths(SOURCES)


# -- valid JSON, wrong contents -------------------------------------------------------


def _edit_json(path: Path, change) -> None:
    data = orjson.loads(path.read_bytes())
    change(data)
    path.write_bytes(orjson.dumps(data))


@pytest.mark.parametrize(
    "doc",
    [{"id": "2607.00001"}, "a string", None],
    ids=["missing-fields", "string", "null"],
)
def test_shard_with_malformed_papers_is_rebuilt(home: Path, reference: list[tuple], doc) -> None:
    shard = sorted((home / "library" / "shards").rglob("*.json"))[0]

    def damage(data):
        first = next(iter(data["papers"]))
        data["papers"][first] = doc

    _edit_json(shard, damage)
    bad = shard.read_bytes()
    store = Store(home)
    assert papers_of(store) == reference
    assert mentions(store.messages, shard.name)
    (aside,) = aside_copies(shard)
    assert aside.read_bytes() == bad


def test_index_with_malformed_versions_never_raises_on_import(home: Path, reference: list[tuple]) -> None:
    index = home / "library" / "index.json"

    def damage(data):
        for doc in data["papers"].values():
            for key in doc["versions"]:
                doc["versions"][key] = 5

    _edit_json(index, damage)
    store = Store(home)
    assert papers_of(store) == reference
    touched = home / "copy" / "cs.IR" / "2026" / "07"
    touched.mkdir(parents=True)
    shutil.copy(SOURCES[0], touched / "20260718.md")  # a "new" file makes the import count versions
    store.import_paths([home / "copy"])
    assert papers_of(Store(home)) == reference
