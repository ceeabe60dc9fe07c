"""Atomic writes: durable in the right order, the user's permissions, no leftovers."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import tui.core.atomic as atomic
import tui.core.store.statewrite as statefile
from tui.core.store import Store


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Every fsync (with what the descriptor is) and every rename, in order."""
    seen: list[tuple] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        st = os.fstat(fd)
        kind = "dir" if stat.S_ISDIR(st.st_mode) else "file"
        seen.append(("fsync", kind, st.st_ino))
        return real_fsync(fd)

    def replace(src, dst):
        seen.append(("replace", os.stat(src).st_ino, str(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return seen


def test_the_temporary_is_synced_before_the_rename_and_the_folder_after(tmp_path: Path, calls) -> None:
    target = tmp_path / "data.json"
    atomic.atomic_write_bytes(target, b"new")
    folder = tmp_path.stat().st_ino
    renames = [i for i, call in enumerate(calls) if call[0] == "replace"]
    assert len(renames) == 1
    at = renames[0]
    inode = calls[at][1]
    assert ("fsync", "file", inode) in calls[:at], calls  # the data is on disk before it gets the name
    assert ("fsync", "dir", folder) in calls[at + 1:], calls  # and the name after the rename
    assert target.read_bytes() == b"new" and target.stat().st_ino == inode


def test_a_state_change_is_synced_before_it_returns(tmp_path: Path, calls, monkeypatch) -> None:
    store = Store(tmp_path)
    store.set_starred(["2201.00001"])
    calls.clear()
    writes = []
    real_write = statefile.os.write
    monkeypatch.setattr(statefile.os, "write", lambda fd, data: writes.append(len(calls)) or real_write(fd, data))
    store.set_starred(["2201.00002"])
    inode = store.state_path.stat().st_ino
    assert writes and ("fsync", "file", inode) in calls[writes[-1]:], calls


def test_new_files_get_the_users_umask_and_replaced_ones_keep_their_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        store = Store(tmp_path / "home")
        store.set_starred(["2201.00001"])
        store.save_session({"query": "x"})
        for path in (store.state_path, store.session_path):
            assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
        store.session_path.chmod(0o600)  # the user's choice is kept
        store.save_session({"query": "y"})
        assert stat.S_IMODE(store.session_path.stat().st_mode) == 0o600
        os.umask(0o077)
        atomic.atomic_write_bytes(tmp_path / "private", b"x")
        assert stat.S_IMODE((tmp_path / "private").stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_leftovers_of_a_killed_writer_are_removed_at_the_next_start(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Store(home).set_starred(["2201.00001"])
    # A child process creates temporaries the way a write does, then dies before renaming.
    script = (
        "import os, sys; from pathlib import Path; import tui.core.atomic as a\n"
        "for p in sys.argv[1:]: a.create_temporary(Path(p))\n"
        "os._exit(9)\n"
    )
    (home / "library" / "shards" / "cs.IR").mkdir(parents=True)
    targets = [home / "session.json", home / "state" / "x.jsonl", home / "library" / "index.json",
               home / "library" / "shards" / "cs.IR" / "20260718-abc.json"]
    subprocess.run([sys.executable, "-c", script, *map(str, targets)], check=False)
    leftovers = [p for p in home.rglob(".*.tmp")]
    assert len(leftovers) == 4
    alive = atomic.create_temporary(home / "session.json")  # a live writer's temporary stays
    os.close(alive[0])
    Store(home).import_paths([])  # an import cleans the shard folders (under its lock)
    assert list(home.rglob(".*.tmp")) == [alive[1]]
    assert Store(home).states()["2201.00001"].starred


def test_an_old_style_temporary_is_removed_only_when_old(tmp_path: Path) -> None:
    fresh = tmp_path / ".state.json.ab12cd_9.tmp"
    old = tmp_path / ".state.json.zz99yy_1.tmp"
    fresh.write_bytes(b"x")
    old.write_bytes(b"x")
    os.utime(old, (1, 1))
    assert atomic.remove_stale_temporaries(tmp_path) == [old]
    assert fresh.exists()


def test_a_failed_write_names_the_file_not_the_temporary(tmp_path: Path, monkeypatch) -> None:
    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", src, dst)

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError) as caught:
        atomic.atomic_write_bytes(tmp_path / "out.bib", b"x")
    assert caught.value.filename == str(tmp_path / "out.bib")
    assert list(tmp_path.iterdir()) == []
