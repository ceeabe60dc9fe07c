"""`export -o` and `--append` never destroy or corrupt a file, whatever it is:
a .bib BibTeX reads differently from a naive scanner, special files, read-only
files, concurrent writers, other encodings and line ends, files that aren't
BibTeX.  Real papers from tests/data; device files are private copies made
with mknod under a temporary folder (never the real /dev nodes)."""

from __future__ import annotations

import errno
import os
import select
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pybtex.database import parse_string as pybtex_parse

from tui.core import atomic, userfile

from test_cli_export import parses, run

READER = [sys.executable, "-m", "tui"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _device(tmp_path: Path, name: str, minor: int) -> Path:
    """A private character device node (1, minor): 3 is null, 7 is full."""
    node = tmp_path / name
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except (PermissionError, OSError) as error:
        pytest.skip(f"can't make a device node here: {error}")
    return node


# -- a .bib read as BibTeX reads it (hostile review 1, 2, 5) ------------------------------------

KNUTH = (
    "@comment{ TODO: fix the { in titles }\n\n"
    "@book{knuth1984texbook,\n  title = {The {\\TeX}book},\n  year = {1984}\n}\n"
)


def test_an_unbalanced_comment_does_not_hide_the_entries_after_it(capsys, home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "r1.bib"
    assert run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(refs))[0] == 0
    refs.write_text(refs.read_text() + "\n" + KNUTH)
    before = refs.read_bytes()
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(refs))
    assert code == 1 and "knuth1984texbook" in err and "@comment" in err
    assert refs.read_bytes() == before


def test_a_trailing_backslash_does_not_make_append_add_twice(capsys, home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "mine.bib"
    refs.write_text("@misc{mine, title={Mine}, file={C:\\papers\\}, eprint={2201.12944}}\n")
    query = "id:2201.12944 OR id:2306.00451"
    for attempt in range(3):
        code, _, err = run(capsys, home, "export", "-q", query, "--append", str(refs))
        assert code == 0, err
        assert ("added 1 paper" if attempt == 0 else "nothing added") in err
    text = refs.read_text()
    assert text.count("2201.12944") == 1 and text.count("2306.00451") == 2  # eprint and url
    assert len(pybtex_parse(text, "bibtex").entries) == 2  # (bibtexparser can't read the user's entry)


@pytest.mark.parametrize(
    "spelling",
    ["eprint = {arXiv:2201.12944}", "volume = {abs/2201.12944}", "doi = {10.48550/arXiv.2201.12944}",
     "arxivId = {2201.12944}", "url = {https://arxiv.org/html/2201.12944v1}", "note = {arXiv 2201.12944}"],
)
def test_append_knows_every_spelling_of_the_id(capsys, home: Path, tmp_path: Path, spelling: str) -> None:
    refs = tmp_path / "refs.bib"
    refs.write_text(f"@article{{theirs, title = {{Captioning}}, {spelling}}}\n")
    code, _, err = run(capsys, home, "export", "-q", "id:2201.12944", "--append", str(refs))
    assert code == 0 and "nothing added" in err


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t + "\n@comment{jabref-meta: databaseType:bibtex;}\n",
        lambda t: t.replace("  year", "  abstract = {MY NOTES},\n  year", 1),
        lambda t: t.replace("ghandi2022deep", "Ghandi2022Deep"),
        lambda t: t + "\n@misc{broken, title = {never closed\n",
    ],
    ids=["jabref comment", "a field added by hand", "key case", "unreadable text"],
)
def test_o_refuses_to_drop_what_the_user_added(capsys, home: Path, tmp_path: Path, edit) -> None:
    refs = tmp_path / "refs.bib"
    assert run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(refs))[0] == 0
    refs.write_text(edit(refs.read_text()))
    before = refs.read_bytes()
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(refs))
    assert code == 1 and "--force" in err and "left untouched" in err
    assert refs.read_bytes() == before
    assert run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(refs), "--force")[0] == 0


# -- special files (hostile 4, cold /dev/full) --------------------------------------------------


def test_o_to_a_fifo_nobody_reads_is_refused_at_once(capsys, home: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "ff"
    os.mkfifo(fifo)
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(fifo))
    assert code == 1 and "FIFO that nothing is reading" in err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "--append", str(fifo))
    assert code == 1 and "is a FIFO, not a regular .bib file" in err


def test_o_to_a_fifo_with_a_reader_writes_straight_to_it(capsys, home: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "ff"
    os.mkfifo(fifo)
    received: list[bytes] = []
    ready = threading.Event()

    def read() -> None:
        # Open without waiting for a writer; read until the writer has come and gone.
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        ready.set()
        chunks: list[bytes] = []
        for _ in range(1000):
            select.select([fd], [], [], 0.05)
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                continue
            if chunk:
                chunks.append(chunk)
            elif chunks:
                break
            else:
                threading.Event().wait(0.01)  # no writer yet
        os.close(fd)
        received.append(b"".join(chunks))

    reader = threading.Thread(target=read)
    reader.start()
    ready.wait(5)
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(fifo))
    reader.join(10)
    assert code == 0, err
    assert received and b"@misc{ghandi2022deep," in received[0]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_character_devices_are_written_never_replaced(capsys, home: Path, tmp_path: Path) -> None:
    null = _device(tmp_path, "null", 3)
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(null))
    assert code == 0, err
    assert stat.S_ISCHR(os.stat(null).st_mode)
    full = _device(tmp_path, "full", 7)
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(full))
    assert code == 1 and "No space left" in err and str(full) in err
    # --append never reads a device (reading /dev/full never ends).
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "--append", str(full))
    assert code == 1 and "a character device" in err
    assert stat.S_ISCHR(os.stat(full).st_mode) and stat.S_ISCHR(os.stat(null).st_mode)


def test_dev_stdout_and_an_open_descriptor(capsys, home: Path, tmp_path: Path) -> None:
    code, out, _ = run(capsys, home, "export", "-q", "au:Ghandi", "-o", "/dev/stdout")
    assert code == 0 and out.startswith("@misc{ghandi2022deep,")
    read_end, write_end = os.pipe()
    try:
        code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "-o", f"/dev/fd/{write_end}")
        assert code == 0, err
        os.close(write_end)
        assert os.read(read_end, 65536).startswith(b"@misc{ghandi2022deep,")
    finally:
        os.close(read_end)


def test_process_substitution_does_not_hang(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "count"
    shell = f"{' '.join(READER)} --home {home} export -q au:Ghandi -o >(wc -c > {out}); wait"
    result = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=60, cwd=Path.cwd())
    assert result.returncode == 0, result.stderr
    for _ in range(100):
        if out.exists() and out.read_text().strip():
            break
        threading.Event().wait(0.05)
    assert int(out.read_text()) > 100


def test_a_folder_and_an_empty_name_are_refused(capsys, home: Path, tmp_path: Path) -> None:
    for option in ("-o", "--append"):
        code, out, err = run(capsys, home, "export", "-q", "au:Ghandi", option, str(tmp_path))
        assert code == 1 and "folder" in err and out == ""
        code, out, err = run(capsys, home, "export", "-q", "au:Ghandi", option, "")
        assert code == 1 and "file name is empty" in err and out == ""


def test_a_file_too_big_to_read_is_refused(capsys, home: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(userfile, "MAX_READ_BYTES", 1000)
    refs = tmp_path / "big.bib"
    refs.write_text("@misc{x, note = {" + "y" * 2000 + "}}\n")
    for option in ("-o", "--append"):
        code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", option, str(refs))
        assert code == 1 and "more than the" in err


# -- permissions (hostile 6) --------------------------------------------------------------------


def test_read_only_files_stay_read_only_even_for_root(capsys, home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "ro.bib"
    refs.write_text("@misc{mine, title = {Mine}}\n")
    refs.chmod(0o444)
    before = refs.read_bytes()
    for extra in (["--append", str(refs)], ["-o", str(refs), "--force"], ["--append", str(refs), "--force"]):
        code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", *extra)
        assert code == 1 and "read-only (mode 0444)" in err, err
    assert refs.read_bytes() == before and refs.stat().st_mode & 0o777 == 0o444


# -- two writers at once (hostile 3) -----------------------------------------------------------


def test_concurrent_appends_both_land(home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "cc.bib"
    queries = ["date:2022-01-31 cat:cs.CV", "date:2023-06-01", "au:Ghandi OR au:Wang", "ti:learning"]
    procs = [
        subprocess.Popen([*READER, "--home", str(home), "export", "-q", q, "--append", str(refs)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for q in queries
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    union = subprocess.run([*READER, "--home", str(home), "export", "-f", "id", "-q",
                            " OR ".join(f"({q})" for q in queries)], capture_output=True, text=True, check=True)
    expected = {line.removeprefix("arXiv:") for line in union.stdout.split()}
    text = refs.read_text()
    assert parses(text) == len(expected)
    assert all(f"eprint        = {{{paper_id}}}" in text for paper_id in expected)


# -- what --append takes (cold review) ---------------------------------------------------------


def test_append_refuses_files_that_are_not_bibtex(capsys, home: Path, tmp_path: Path) -> None:
    tex = tmp_path / "paper2.tex"
    tex.write_text("\\documentclass{article}\n")
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "--append", str(tex))
    assert code == 1 and "does not look like a BibTeX file" in err and "--force" in err
    assert tex.read_text() == "\\documentclass{article}\n"
    notes = tmp_path / "notes.bib"
    notes.write_text("remember to cite the survey\n")
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "--append", str(notes))
    assert code == 1 and "holds no BibTeX entries" in err
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "--append", str(tex), "--force")
    assert code == 0 and tex.read_text().startswith("\\documentclass{article}\n\n@misc{ghandi2022deep,")


def test_append_refuses_a_file_whose_last_entry_is_open(capsys, home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "refs.bib"
    refs.write_text("@misc{a, title = {A}}\n\n@article{open,\n  title = {Not closed},\n")
    before = refs.read_bytes()
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "--append", str(refs))
    assert code == 1 and f"{refs}:3:" in err and "never closed" in err
    assert refs.read_bytes() == before


def test_append_keeps_crlf_and_a_bom_and_refuses_utf16(capsys, home: Path, tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.bib"
    crlf.write_bytes(b"@misc{mine,\r\n  title = {Mine}\r\n}\r\n")
    assert run(capsys, home, "export", "-q", "au:Ghandi", "--append", str(crlf))[0] == 0
    data = crlf.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") and b"ghandi2022deep" in data

    bom = tmp_path / "bom.bib"
    assert run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(bom))[0] == 0
    bom.write_bytes(b"\xef\xbb\xbf" + bom.read_bytes())
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "--append", str(bom))
    assert code == 0 and "nothing added" in err
    assert run(capsys, home, "export", "-q", "au:Ghandi OR id:2306.00451", "-o", str(bom))[0] == 0
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf@misc{") and parses(bom.read_text("utf-8-sig")) == 2

    utf16 = tmp_path / "utf16.bib"
    utf16.write_bytes("@misc{mine, title = {Mine}}\n".encode("utf-16"))
    before = utf16.read_bytes()
    for option in ("--append", "-o"):
        code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", option, str(utf16))
        assert code == 1 and "UTF-16" in err
    assert utf16.read_bytes() == before


def test_append_keeps_hard_links_and_o_crlf(capsys, home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "refs.bib"
    refs.write_text("@misc{mine, title = {Mine}}\n")
    link = tmp_path / "paper" / "refs.bib"
    link.parent.mkdir()
    os.link(refs, link)
    assert run(capsys, home, "export", "-q", "au:Ghandi", "--append", str(refs))[0] == 0
    assert os.path.samefile(refs, link) and "ghandi2022deep" in link.read_text()
    # -o keeps a CRLF file's line ends too.
    crlf = tmp_path / "crlf.bib"
    assert run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(crlf))[0] == 0
    crlf.write_bytes(crlf.read_bytes().replace(b"\n", b"\r\n"))
    assert run(capsys, home, "export", "-q", "au:Ghandi OR id:2306.00451", "-o", str(crlf))[0] == 0
    data = crlf.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") and b"2306.00451" in data


# -- temporary files and messages (hostile 15) -------------------------------------------------


def test_a_stale_temporary_is_removed_and_failures_name_the_users_file(
    capsys, home: Path, tmp_path: Path, monkeypatch
) -> None:
    refs = tmp_path / "new.bib"
    # What a killed export leaves: a temporary tagged with a process that is gone,
    # or one of the older untagged kind (from before 2026-11-29) a minute old.
    dead = next(pid for pid in range(4_000_000, 4_100_000) if not _alive(pid))
    stale = tmp_path / f".new.bib.{atomic._HOST}.{dead}.0123abcd.tmp"
    old_style = tmp_path / ".new.bib.k1ll3dXY.tmp"
    live = tmp_path / f".new.bib.{atomic._HOST}.{os.getpid()}.0123abcd.tmp"  # a writer still running
    not_ours = tmp_path / ".new.bib.swp"
    for leftover in (stale, old_style, live, not_ours):
        leftover.write_text("half an export")
    os.utime(old_style, (0, 0))
    assert run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(refs))[0] == 0
    assert not stale.exists() and not old_style.exists() and live.exists() and not_ours.exists()
    live.unlink()

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    before = refs.read_bytes()
    monkeypatch.setattr(userfile.os, "fsync", no_space)
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi OR id:2306.00451", "-o", str(refs))
    assert code == 1 and f"can't write {refs}: No space left on device; the file is unchanged" in err
    assert ".tmp" not in err
    assert refs.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []  # none left
    # An append that fails part way leaves the file as it was.
    code, _, err = run(capsys, home, "export", "-q", "id:2306.00451", "--append", str(refs))
    assert code == 1 and f"can't write {refs}" in err and "as it was" in err
    assert refs.read_bytes() == before


def test_refusals_count_in_plain_english(capsys, home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "mine.bib"
    refs.write_text("".join(f"@misc{{m{i}, title = {{M}}}}\n" for i in range(4)))
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(refs))
    assert code == 1 and "4 things" in err and "entrys" not in err


def test_o_leaves_a_file_that_already_holds_the_export(capsys, home: Path, tmp_path: Path) -> None:
    refs = tmp_path / "refs.bib"
    assert run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(refs))[0] == 0
    stamp = refs.stat().st_mtime_ns
    code, _, err = run(capsys, home, "export", "-q", "au:Ghandi", "-o", str(refs))
    assert code == 0 and err == f"{refs} already holds this export (1 paper as bibtex); file untouched\n"
    assert refs.stat().st_mtime_ns == stamp


def test_a_held_lock_is_waited_for_then_refused_with_a_message(tmp_path: Path) -> None:
    from tui.core.folder_lock import LockTimeout, locked

    refs = tmp_path / "refs.bib"
    with locked(refs):
        with pytest.raises(LockTimeout, match=f"another program is still writing to {tmp_path}"):
            with locked(tmp_path / "other.bib", timeout=0.1):  # the same folder: the same lock
                pass
    with locked(refs, timeout=0.1):  # free again
        pass
