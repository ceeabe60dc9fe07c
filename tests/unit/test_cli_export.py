"""`export` never destroys a file; the command line is scriptable (queries that
start with -, help, closed pipes, non-UTF-8 output), on real digest papers."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest
from pybtex.database import parse_string as pybtex_parse

from tui.cli import EXIT_CLOSED_PIPE, SUBCOMMANDS, main

DATA = Path(__file__).resolve().parents[1] / "data" / "digests"
DAY = DATA / "cs.CV" / "2022" / "01" / "20220131.md"  # 39 papers; 2202.00067 has the "Big Data" reference
POLYP = DATA / "cs.CV" / "2023" / "06" / "20230601.md"  # S$^2$ME (2306.00451)

FOREIGN = """% my own references, typed by hand
@string{tpami = "IEEE Trans. PAMI"}

@article{knuth1984,
  title   = {Literate Programming},
  author  = {Donald E. Knuth},
  journal = {The Computer Journal},
  year    = {1984}
}
"""


def run(capsys, home: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def parses(text: str) -> int:
    """Entries in ``text``, asserting both bibtexparser and pybtex read all of it."""
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, library.failed_blocks[0].error
    keys = [entry.key for entry in library.entries]
    assert len(keys) == len(set(k.lower() for k in keys))
    assert len(pybtex_parse(text, "bibtex").entries) == len(keys)
    return len(keys)


# -- the first example -----------------------------------------------------------


def test_typo_in_query_writes_nothing_and_exits_2(capsys, home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "refs.bib"
    refs.write_text(FOREIGN)
    before = refs.read_bytes()
    code, out, err = run(capsys, home, "export", "-q", "is:stared", "-o", str(refs))
    assert code == 2 and out == ""
    # (nothing is left of this one: --lenient would not help, and is not offered)
    assert "unknown is:stared" in err and "nothing written" in err and "wrote" not in err
    assert refs.read_bytes() == before
    code, out, err = run(capsys, home, "export", "-q", "graph is:stared", "-o", str(refs))
    assert code == 2 and out == ""
    assert "unknown is:stared" in err and "--lenient" in err and "wrote" not in err
    assert refs.read_bytes() == before
    for query in ("ti:(graph", "date:2022-13", "nofield:x"):
        code, _, err = run(capsys, home, "export", "-q", query)
        assert code == 2, (query, err)


def test_lenient_exports_what_the_rest_selects(capsys, home: Path, tmp_path: Path) -> None:
    code, out, err = run(capsys, home, "export", "--lenient", "-q", "captioning )")
    assert code == 0 and "unmatched" in err
    assert parses(out) >= 1


def test_no_match_exits_1_and_leaves_the_file(capsys, home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "refs.bib"
    refs.write_text(FOREIGN)
    stamp = refs.stat().st_mtime_ns
    code, out, err = run(capsys, home, "export", "-q", "ti:zzzzqqq", "-o", str(refs))
    assert code == 1 and out == "" and "no paper matches" in err
    assert refs.read_text() == FOREIGN and refs.stat().st_mtime_ns == stamp
    code, out, _ = run(capsys, home, "export", "-q", "ti:zzzzqqq")
    assert code == 1 and out == ""


# -- -o ----------------------------------------------------------------------------------


def test_refuses_to_replace_foreign_entries_unless_forced(capsys, home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "refs.bib"
    refs.write_text(FOREIGN)
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(refs))
    assert code == 1 and "knuth1984" in err and "--append" in err and "--force" in err
    assert refs.read_text() == FOREIGN
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(refs), "--force")
    assert code == 0 and "wrote 1 paper as bibtex" in err
    assert "ghandi2022deep" in refs.read_text() and "knuth" not in refs.read_text()


def test_rewriting_its_own_export_is_allowed_and_keeps_mode(capsys, home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "refs.bib"
    assert run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(refs))[0] == 0
    refs.chmod(0o644)
    owner = (refs.stat().st_uid, refs.stat().st_gid)
    # A bigger query re-exports the same entry under the same key: nothing is lost.
    code, _, err = run(capsys, home, "export", "-q", "date:2022-01-31", "-o", str(refs))
    assert code == 0, err
    assert refs.stat().st_mode & 0o777 == 0o644
    assert (refs.stat().st_uid, refs.stat().st_gid) == owner
    assert parses(refs.read_text()) == 39
    # Line formats: the same rule, line by line.
    listing = tmp_path / "ids.txt"
    assert run(capsys, home, "export", "-f", "id", "-q", "date:2022-01-31", "-o", str(listing))[0] == 0
    code, _, err = run(capsys, home, "export", "-f", "id", "-q", "au:Ghandi", "-o", str(listing))
    assert code == 1 and "38 lines" in err


def test_new_file_gets_the_usual_mode_and_a_symlink_stays(capsys, home: Path, tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.bib"
        assert run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(fresh))[0] == 0
        assert fresh.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(umask)
    target = tmp_path / "real.bib"
    link = tmp_path / "link.bib"
    link.symlink_to(target)
    assert run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(link))[0] == 0
    assert link.is_symlink() and "ghandi2022deep" in target.read_text()


# -- --append ----------------------------------------------------------------------------


def test_append_adds_only_missing_papers_and_keeps_every_byte(capsys, home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "refs.bib"
    # The user's file: their own entry, 2201.12944 under their own key, a paper known
    # only by its DOI, a key this export would choose, and no newline at the end.
    original = (
        FOREIGN
        + "\n@misc{mine, title={Captioning review}, eprint={2201.12944}, archivePrefix={arXiv}}\n"
        + "\n@article{bydoi, title={Ghandi again}, doi={10.1145/3617592}}\n"
        + "\n@misc{wang2023s2me, title={Not the paper this export would call that}}"
    ).encode("utf-8") + " café".encode("latin-1")  # and bytes that aren't UTF-8
    refs.write_bytes(original)
    refs.chmod(0o640)
    code, _, err = run(capsys, home, "export", "-q", "id:2201.12944 OR id:2306.00451 OR id:2202.00067",
                       "--append", str(refs))
    assert code == 0, err
    assert "added 2 papers" in err and "1 already there" in err
    data = refs.read_bytes()
    assert data.startswith(original)
    assert refs.stat().st_mode & 0o777 == 0o640
    text = data.decode("utf-8", errors="replace")
    assert text.count("2201.12944") == 1
    assert "@misc{wang2023s2me-2306.00451," in text  # unique across the whole file: its id appended
    assert "@inproceedings{" in text and "booktitle" in text  # 2202.00067: IEEE Big Data 2021
    assert parses(text) == 6

    # Twice: nothing added, file untouched.
    stamp = refs.stat().st_mtime_ns
    code, _, err = run(capsys, home, "export", "-q", "id:2201.12944 OR id:2306.00451 OR id:2202.00067",
                       "--append", str(refs))
    assert code == 0 and "nothing added" in err
    assert refs.read_bytes() == data and refs.stat().st_mtime_ns == stamp


def test_append_creates_a_missing_file_and_wants_a_bib_format(capsys, home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "new.bib"
    code, _, _ = run(capsys, home, "export", "-q", "date:2022-01-31", "-f", "biblatex", "--append", str(refs))
    assert code == 0 and parses(refs.read_text()) == 39
    again = refs.read_bytes()
    assert run(capsys, home, "export", "-q", "date:2022-01-31", "-f", "biblatex", "--append", str(refs))[0] == 0
    assert refs.read_bytes() == again
    code, _, err = run(capsys, home, "export", "-f", "text", "--append", str(refs))
    assert code == 1 and "bibtex or biblatex" in err


def test_key_template_from_config_and_option(capsys, home: Path, _own_config_file: Path) -> None:
    _own_config_file.write_text('[citations]\nkey_template = "{Auth}{year}{Shorttitle}"\n')
    code, out, _ = run(capsys, home, "export", "-q", "id:2306.00451")
    assert code == 0 and out.startswith("@misc{Wang2023S2me,")
    code, out, _ = run(capsys, home, "export", "-q", "au:Ghandi", "--key-template", "{auth}-{id}")
    assert code == 0 and "{ghandi-2201.12944," in out
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "--key-template", "{nope}")
    assert code == 1 and "unknown placeholder {nope}" in err
    _own_config_file.write_text('[citations]\nkey_template = "{bad"\n')
    code, out, err = run(capsys, home, "export", "-q", "au:Ghandi")
    assert code == 0 and "config.toml:2:" in err and "ghandi2022deep" in out


# -- scripting -------------------------------------------------------------------------------


def test_query_may_start_with_a_dash(capsys, home: Path) -> None:
    code, out, err = run(capsys, home, "list", "--query", "-captioning", "--format", "jsonl")
    assert code == 0, err
    every = run(capsys, home, "list", "--format", "jsonl")[1]
    assert 0 < len(out.splitlines()) < len(every.splitlines())
    assert run(capsys, home, "list", "-q", "-captioning", "--format", "jsonl")[1] == out
    code, out, _ = run(capsys, home, "export", "--query", "-captioning", "-f", "id")
    assert code == 0 and "arXiv:2201.12944" not in out


def test_every_subcommand_help_has_a_description_and_an_example(capsys) -> None:
    for name in SUBCOMMANDS:
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"])
        assert exit_.value.code == 0
        out = capsys.readouterr().out
        assert "examples:" in out and f"arxiv-reader {name}" in out, name
        assert len(out.split("\n\n")[1]) > 40, name  # the description paragraph
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert any(line.split()[:1] == [name] and len(line.split()) > 3 for line in out.splitlines()), name


class _ClosedPipe(io.TextIOBase):
    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise io.UnsupportedOperation


@pytest.mark.parametrize(
    "argv",
    [["list"], ["list", "--format", "jsonl"], ["stats"], ["export"], ["export", "-f", "text"],
     ["star", "2201.12944"], ["import", str(DAY)], ["list", "--help"], ["--help"],
     ["tag", "add", "x", "2201.12944"], ["note", "2201.12944", "--set", "n"], ["search", "save", "x", "cat:cs.CV"]],
)
def test_closed_pipe_never_raises(home: Path, monkeypatch, argv: list[str]) -> None:
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    try:
        code = main(["--home", str(home), *argv])
    except SystemExit as exit_:  # --help exits through argparse
        code = exit_.code
    assert code in (0, EXIT_CLOSED_PIPE)


def test_closed_pipe_never_raises_from_the_reading_list(home: Path, monkeypatch, capsys) -> None:
    for argv in (["tag", "add", "x", "2201.12944"], ["note", "2201.12944", "--set", "n"],
                 ["search", "save", "all", "cat:cs.CV"]):
        assert main(["--home", str(home), *argv]) == 0
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    for argv in (["tags"], ["note", "2201.12944"], ["search", "list"], ["alerts"], ["alerts", "-f", "jsonl"]):
        assert main(["--home", str(home), *argv]) == EXIT_CLOSED_PIPE, argv
    monkeypatch.undo()
    capsys.readouterr()
    # the alerts whose output was lost are reported again
    assert main(["--home", str(home), "alerts", "--dry-run"]) == 0
    assert "2201.12944" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["list"], ["export"], ["export", "-f", "biblatex"], ["stats"], ["list", "--help"]])
def test_non_utf8_stdout_never_raises(home: Path, monkeypatch, argv: list[str]) -> None:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    try:
        code = main(["--home", str(home), *argv])
    except SystemExit as exit_:
        code = exit_.code
    assert code == 0


def test_real_pipe_and_ascii_terminal_in_a_subprocess(capsys, tmp_path: Path) -> None:
    home = tmp_path / "big"
    assert main(["--home", str(home), "import", str(DATA)]) == 0  # 1,000+ papers: more than a pipe holds
    capsys.readouterr()
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    for command in ("list", "export -f biblatex", "list --format jsonl"):
        shell = f"{sys.executable} -m tui --home {home} {command} | head -1"
        result = subprocess.run(["sh", "-c", shell], capture_output=True, text=True, env=env, timeout=120)
        assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr
        assert len(result.stdout.splitlines()) == 1


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another owner needs root")
def test_another_owners_file_stays_theirs(capsys, home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "refs.bib"
    assert run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(refs))[0] == 0
    os.chown(refs, 65534, 65534)
    refs.chmod(0o664)
    assert run(capsys, home, "export", "-q", "date:2022-01-31", "-o", str(refs))[0] == 0
    info = refs.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (65534, 65534, 0o664)
    assert parses(refs.read_text()) == 39
