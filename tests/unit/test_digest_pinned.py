"""The parser's complete output on every real digest, pinned.

Every field of every paper and every problem (file, line, message) of each
digest under ``../shared/digests`` and ``tests/data`` is encoded canonically
and hashed; the hashes were taken from the parser before it was made faster,
so any change in what it produces, however small, fails here with the file's
name. Regenerate (only for an intended change of output) with
``ARXIV_READER_PIN_DIGESTS=1 pytest tests/unit/test_digest_pinned.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

import pytest

from tui.core.digest import parse_digest_file, parse_digest_text
from tui.core.store.shards import paper_to_doc

ROOT = Path(__file__).resolve().parents[2]
SOURCES = {"shared": ROOT.parent / "shared" / "digests", "data": ROOT / "tests" / "data"}
PINS = ROOT / "tests" / "data" / "digest_parse_pins.json"


def _digest_files() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for label, folder in SOURCES.items():
        if folder.is_dir():
            for path in sorted(folder.rglob("*.md")):
                found[f"{label}/{path.relative_to(folder).as_posix()}"] = path
    return found


def fingerprint(parsed, path: str) -> str:
    """A hash of everything ``parsed`` holds, with ``path`` shown as given."""
    def where(text: str) -> str:
        return text.replace(parsed.path, path)

    content = {
        "category": parsed.category,
        "date": parsed.date,
        "unreadable": parsed.unreadable,
        "papers": [paper_to_doc(paper) | {"digests_refs": [asdict(r) for r in paper.digests]}
                   for paper in parsed.papers],
        "problems": [[where(p.path), p.line, where(p.message)] for p in parsed.problems],
    }
    encoded = json.dumps(content, ensure_ascii=False, sort_keys=True, default=repr)
    return hashlib.sha256(encoded.encode("utf-8", "surrogatepass")).hexdigest()


def _variants(path: Path) -> dict[str, str]:
    """The file's text as read, and reshaped the ways real files differ (CRLF, tabs, no final newline)."""
    text = path.read_bytes().decode("utf-8", "replace")
    return {
        "crlf": text.replace("\n", "\r\n"),
        "tabs": text.replace("\n  ", "\n\t"),
        "no-final-newline": text.rstrip("\n"),
        "blank-lines-doubled": text.replace("\n\n", "\n\n\n"),
    }


def current_pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for name, path in _digest_files().items():
        pins[name] = fingerprint(parse_digest_file(path), name)
        for variant, text in _variants(path).items():
            pins[f"{name} [{variant}]"] = fingerprint(parse_digest_text(text, name), name)
    return pins


def test_every_digest_parses_exactly_as_pinned():
    if not SOURCES["shared"].is_dir():
        pytest.skip("../shared/digests is not beside the project")
    pins = current_pins()
    if os.environ.get("ARXIV_READER_PIN_DIGESTS"):
        PINS.write_text(json.dumps(pins, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(PINS.read_text(encoding="utf-8"))
    assert len(pins) > 300  # (every file, four variants each: the test really covers them)
    assert sorted(pins) == sorted(expected)
    changed = [name for name in pins if pins[name] != expected[name]]
    assert changed == []


@pytest.mark.parametrize("odd", ["\x1b", "\x85", "\t", "\x7f", "\x01", ""])
def test_a_file_cleans_its_fields_as_its_text_does(tmp_path, odd):
    """Reading a file decides from its bytes whether fields need cleaning: the
    same papers as parsing its text, controls gone whatever the character."""
    source = sorted((ROOT / "tests" / "data" / "digests").rglob("*.md"))[0].read_text(encoding="utf-8")
    text = source.replace("### ", f"### A{odd}B ", 1).replace("- **Authors**: ", f"- **Authors**: X{odd}Y, ", 1)
    path = tmp_path / "cs.CV" / "2022" / "01" / "20220131.md"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    from_file = parse_digest_file(path)
    from_text = parse_digest_text(text, str(path))
    assert from_file.papers == from_text.papers and from_file.problems == from_text.problems
    first = from_file.papers[0]
    assert first.title.startswith("A" + (" " if odd == "\t" else "") + "B")
    assert first.authors[0] == "X" + (" " if odd == "\t" else "") + "Y"
