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
