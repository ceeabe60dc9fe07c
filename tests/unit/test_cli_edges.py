"""The command line at its edges: odd query values, bytes that aren't UTF-8,
closed streams, ids that only contain an id, dangling operators, locales that
can't encode the data, closed pipes, and queries that match nothing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tui.cli
from tui.cli import build_command_parser, main
from tui.core.store import Store

from test_cli_export import DATA, run

KNOWN_OPTIONS = getattr(tui.cli, "KNOWN_OPTIONS", frozenset())

READER = [sys.executable, "-m", "tui"]


def shell(home: Path, command: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    line = " ".join(READER) + f" --home {home} " + command
    return subprocess.run(["bash", "-c", line], capture_output=True, timeout=120, env={**os.environ, **env})


# -- query values (hostile 8, cold) ----------------------------------------------------------


def test_a_query_of_two_dashes_is_a_query(capsys, home: Path) -> None:
    # A query (not an option), which leaves nothing to search for: refused, nothing listed.
    code, out, err = run(capsys, home, "list", "-q", "--", "--format", "jsonl")
    assert code == 2 and out == "" and "query '--': ignored lone '-'" in err and "nothing listed" in err
    code, out, err = run(capsys, home, "export", "-q", "--")
    assert code == 2 and out == "" and "query '--'" in err and "nothing written" in err


@pytest.mark.parametrize("query", ['"', 'abs:"', "-", "au:", "tag:", "()", '""', "NOT"])
def test_a_query_left_with_nothing_to_search_for_lists_nothing(capsys, home: Path, query: str) -> None:
    """Review L2: a lone '"', '-' or 'au:' listed the whole library with a warning on stderr
    only (``list -q '"' | wc -l`` counted the library). Refused with exit 2, for list and for
    export (--lenient too: the rest of the query selects nothing); a blank query still lists all."""
    code, out, err = run(capsys, home, "list", "-q", query)
    assert (code, out) == (2, "") and "nothing left to search for" in err and "nothing listed" in err, err
    code, out, err = run(capsys, home, "export", "-q", query, "--lenient")
    assert (code, out) == (2, "") and "nothing written" in err, err
    every = run(capsys, home, "list")[1]
    assert run(capsys, home, "list", "-q", "  ")[:2] == (0, every) and every
    code, out, err = run(capsys, home, "list", "-q", "retrieval -")  # something is left: answered
    assert code == 0 and out and "ignored lone '-'" in err
    code, out, err = run(capsys, home, "list", "-q", "retrieval NOT")
    assert code == 0 and out and "ignored dangling NOT" in err and "'-'" not in err


def test_a_query_of_a_lone_not_or_nothing_names_what_was_typed(capsys, home: Path) -> None:
    """Review F4: ``NOT`` was reported as a lone '-'; ``?`` said "nothing to search for, so it
    has nothing left to search for"."""
    code, _, err = run(capsys, home, "list", "-q", "NOT")
    assert code == 2 and "query 'NOT': ignored dangling NOT, so it has nothing left to search for" in err, err
    code, _, err = run(capsys, home, "list", "-q", "?")
    assert code == 2 and err.count("nothing") == 2 and "query '?': nothing to search for; nothing listed" in err, err


def test_an_option_after_q_is_not_swallowed_as_the_query(capsys, home: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--home", str(home), "list", "-q", "--limit", "2"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --query/-q: expected one argument" in err and "unrecognized" not in err


def test_known_options_are_every_option_of_the_parser() -> None:
    parser = build_command_parser()
    options = set(parser._option_string_actions)  # noqa: SLF001 - the top level's
    for action in parser._subparsers._group_actions:  # noqa: SLF001
        for sub in action.choices.values():
            options |= set(sub._option_string_actions)  # noqa: SLF001
    assert options == set(KNOWN_OPTIONS)


def test_query_bytes_that_are_not_utf8(home: Path) -> None:
    result = subprocess.run(
        [*READER, "--home", str(home).encode(), "list", "-q", b"caf\xe9"], capture_output=True, timeout=120
    )
    assert b"Traceback" not in result.stderr
    assert "read as Latin-1: 'café'" in result.stderr.decode()
    assert result.returncode == 1 and b"no paper matches" in result.stderr


def test_a_closed_stdout_is_a_message_not_a_traceback(home: Path) -> None:
    for command in ("list", "stats", "export -f id", "star 2201.12944"):
        result = shell(home, command + " >&-")
        assert result.returncode == 1, command
        assert result.stderr.decode().strip().endswith("standard output is closed; nothing could be printed")
    # A closed stderr is quiet, never a crash.
    assert shell(home, "list --limit 1 2>&-").returncode == 0


# -- ids (hostile 9) -----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["2201.129440", "12201.12944", "x2201.12944y", "2201.12944 junk", "arXiv:2201.1294"])
def test_an_id_must_be_the_whole_argument(capsys, home: Path, raw: str) -> None:
    code, out, err = run(capsys, home, "star", raw)
    assert code == 1 and f"not an arXiv id in the library: {raw}" in err and "nothing changed" in err
    starred = run(capsys, home, "list", "-q", "is:starred")
    assert starred[0] == 1 and "no paper matches" in starred[2]


@pytest.mark.parametrize(
    "raw", ["2201.12944", "2201.12944v5", "arXiv:2201.12944", "https://arxiv.org/abs/2201.12944v2",
            "http://arxiv.org/pdf/2201.12944v5.pdf", "arxiv.org/abs/2201.12944/"]
)
def test_every_way_of_writing_an_id(capsys, home: Path, raw: str) -> None:
    code, out, _ = run(capsys, home, "star", raw)
    assert code == 0 and out == "starred: 2201.12944\n"


# -- queries (hostile 10) --------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["AND", "captioning AND", "AND captioning", "captioning AND OR deep"])
def test_a_dangling_and_is_refused_like_a_dangling_or(capsys, home: Path, query: str, tmp_path: Path) -> None:
    target = tmp_path / "x.bib"
    code, out, err = run(capsys, home, "export", "-q", query, "-o", str(target))
    assert code == 2 and "dangling AND" in err and not target.exists()
    assert run(capsys, home, "export", "-q", "captioning AND deep", "-f", "id")[0] == 0


def test_list_says_when_nothing_matches(capsys, home: Path, tmp_path: Path) -> None:
    code, out, err = run(capsys, home, "list", "-q", "xyzzy")
    assert code == 1 and out == "" and err == "arxiv-reader: no paper matches the query 'xyzzy'\n"
    code, out, err = run(capsys, tmp_path / "empty", "list")  # nothing asked to match: a note, exit 0
    assert code == 0 and out == "" and "no library at" in err and not (tmp_path / "empty").exists()
    code, out, err = run(capsys, tmp_path / "empty", "list", "-q", "graph")
    assert code == 1 and out == "" and "no library at" in err
    Store(tmp_path / "empty")
    code, out, err = run(capsys, tmp_path / "empty", "list")
    assert code == 0 and out == "" and "the library is empty" in err
    code, out, err = run(capsys, tmp_path / "empty", "list", "-q", "graph")
    assert code == 1 and out == "" and "no paper matches" in err


# -- encodings and pipes (hostile 11, cold) --------------------------------------------------------


@pytest.mark.parametrize("argv", [["export", "-f", "biblatex"], ["export", "-f", "text"], ["export", "-f", "jsonl"],
                                  ["list", "--format", "jsonl"], ["export", "-f", "markdown"]])
def test_data_is_utf8_whatever_the_locale(home: Path, monkeypatch, argv: list[str]) -> None:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    assert main(["--home", str(home), *argv, "-q" if argv[0] == "export" else "--query", "au:Bökman"]) == 0
    sys.stdout.flush()
    text = raw.getvalue().decode("utf-8")
    assert "Bökman" in text and "B?kman" not in text
    if "jsonl" in argv:
        assert json.loads(text.splitlines()[0])["authors"][1] == "Georg Bökman"


def test_ascii_locale_in_a_real_process(home: Path) -> None:
    result = shell(home, "export -f biblatex -q au:Bökman", PYTHONIOENCODING="ascii", LC_ALL="C")
    assert result.returncode == 0 and "Bökman".encode() in result.stdout and b"?" not in result.stdout
    table = shell(home, "list -q au:Bökman", PYTHONIOENCODING="ascii")
    assert table.returncode == 0 and b"Traceback" not in table.stderr


def test_a_closed_pipe_is_141_for_every_command_that_writes_a_lot(tmp_path: Path, capsys) -> None:
    home = tmp_path / "big"
    assert main(["--home", str(home), "import", str(DATA)]) == 0  # 1,000+ papers
    capsys.readouterr()
    for command in ("list", "list --format jsonl", "export", "export -f biblatex", "export -f text"):
        result = subprocess.run(
            ["bash", "-c",
             " ".join(READER) + f" --home {home} {command} | head -1 > /dev/null; exit ${{PIPESTATUS[0]}}"],
            capture_output=True, timeout=120,
        )
        assert result.returncode == 141, (command, result.stderr)
        assert result.stderr == b"", command


def test_list_shows_titles_with_their_latex_rendered(tmp_path: Path, capsys) -> None:
    home = tmp_path / "home"
    assert main(["--home", str(home), "import", str(DATA / "cs.CV" / "2011" / "05" / "20110513.md")]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, home, "list", "-q", "id:1105.2782")
    assert code == 0 and "ℓ₀ Minimization for Wavelet Frame" in out and "$" not in out
