"""Reading a user's .bib as BibTeX does (checked against pybtex, bibtexparser and,
when installed, BibTeX itself), finding an entry's arXiv id however it is
spelled, and saying what replacing a file would lose."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pybtex.errors
import pytest
from pybtex.database import parse_string as pybtex_parse

from tui.core.cite.bibfile import BibContents, entry_ids, overwrite_losses
from tui.core.cite.bibread import scan_bib

#: name -> (text, the keys BibTeX reads).  Each ends with an entry on a line of
#: its own, after which BibTeX 0.99 stops reading when the line before had an
#: error (a quirk of its line buffer no other reader shares).
CASES: dict[str, tuple[str, list[str]]] = {
    "comment with an unbalanced brace hides nothing": (
        "@comment{ TODO: fix the { in titles }\n\n@book{knuth1984texbook, title={The TeXbook}}\n",
        ["knuth1984texbook"]),
    "a backslash before a closing brace escapes nothing": (
        "@misc{mine, title={Mine}, file={C:\\papers\\}, eprint={2608.05013}}\n@misc{two, title={Two}}\n",
        ["mine", "two"]),
    "a quote inside braces inside quotes": ('@misc{q, title="A {"} b", year=2020}\n@misc{r, title={R}}\n', ["q", "r"]),
    "parenthesised entry": ('@misc(p, title={x)y}, note="a)")\n@misc{r2, title={R}}\n', ["p", "r2"]),
    "an @ inside a value": ("@misc{a1, title={x @misc{inner, title={y}} z}}\n@misc{a2, title={R}}\n", ["a1", "a2"]),
    "an entry without its closing brace": (
        "@misc{u1, title={x}\n@misc{u2, title={R}}\n@misc{u3, title={S}}\n", ["u1", "u2", "u3"]),
    "a value never closed swallows the rest": ("@misc{u1, title={x\n@misc{u2, title={R}}\n", ["u1"]),
    "junk and a stray @": ("hello world @ foo\n@misc{j1, title={x}}\n@misc{j2, title={x}}\n", ["j1", "j2"]),
    "@comment( with a brace": ("@comment(hi { there)\n@misc{k2, title={x}}\n", ["k2"]),
    "@comment hides nothing, even an entry": (
        "@comment{ @misc{hidden, title={x}} }\n@misc{k4, title={x}}\n", ["hidden", "k4"]),
    "a key with parentheses": ("@misc(k(1), title={x})\n@misc{k3, title={x}}\n", ["k(1)", "k3"]),
    "strings and concatenation": ('@string{j = "Jour"}\n@misc{s1, journal = j # " of " # {X}, year = 2020}\n', ["s1"]),
    "trailing commas": ("@misc{t1, title={x},}\n@misc{t2, title={x},\n}\n", ["t1", "t2"]),
    "entries without fields": ("@misc{nf}\n@misc{nf2,}\n", ["nf", "nf2"]),
    "spaces around the parts": ("@ misc { sp1 , title = {x} }\n", ["sp1"]),
    "a bad field name keeps the entry read so far": (
        "@misc{bf1, title={x}, 9bad={y}}\n@misc{bf2, title={x}}\n", ["bf1", "bf2"]),
    "a closing brace inside quotes": ('@misc{qb, title="a } b"}\n@misc{qb2, title={x}}\n', ["qb", "qb2"]),
    "a preamble": ('@preamble{ "\\newcommand{\\x}{y}" }\n@misc{pr1, title={x}}\n', ["pr1"]),
    "a missing equals sign": ("@misc{me, title {x}}\n@misc{me2, title={x}}\n", ["me", "me2"]),
    "CRLF line ends": ("@misc{c1,\r\n title={x}}\r\n@misc{c2,\r\n title={y}}\r\n", ["c1", "c2"]),
    "a brace in a key": ("@misc{a{b, title={x}}\n@misc{ok, title={x}}\n", ["a{b", "ok"]),
    "a percent sign is not a comment": ("% @misc{pc0, title={x}}\n@misc{pc1, title={x}}\n", ["pc0", "pc1"]),
    "a macro value": ("@misc{mv, month = jan, title={x}}\n", ["mv"]),
    "an empty key": ("@misc{, title={x}}\n@misc{ek2, title={x}}\n", ["ek2"]),
}


def _pybtex_keys(text: str) -> list[str]:
    pybtex.errors.set_strict_mode(False)
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            return list(pybtex_parse(text, "bibtex").entries.keys())
    finally:
        pybtex.errors.set_strict_mode(True)


@pytest.mark.parametrize("name", list(CASES))
def test_reads_what_bibtex_reads(name: str) -> None:
    text, expected = CASES[name]
    keys = [entry.key for entry in scan_bib(text).entries]
    assert keys == expected
    pybtex_keys = [k for k in _pybtex_keys(text) if not k.startswith("unnamed-")]
    assert keys == pybtex_keys  # pybtex follows BibTeX too


#: Where bibtexparser 2 reads differently from BibTeX (and so from this reader).
BIBTEXPARSER_DIFFERS = {
    "a backslash before a closing brace escapes nothing": "it takes \\} as an escaped brace",
    "an entry without its closing brace": "it drops an entry with a syntax error; BibTeX keeps what it read",
    "a value never closed swallows the rest": "it restarts at a line's @; BibTeX is still inside the value",
    "@comment hides nothing, even an entry": "it reads @comment as a braced block",
    "a key with parentheses": "it ends a key at ')'",
    "spaces around the parts": "it wants no space after @",
    "a missing equals sign": "it drops an entry with a syntax error",
    "a brace in a key": "it rejects a brace in a key",
    "an empty key": "it keeps an entry without a key; BibTeX does not",
}


@pytest.mark.parametrize("name", list(CASES))
def test_bibtexparser_on_the_same_inputs(name: str) -> None:
    """bibtexparser agrees on every case but the ones listed (why, in the list):
    there this reader sides with BibTeX and pybtex."""
    text, expected = CASES[name]
    theirs = [e.key for e in bibtexparser.parse_string(text).entries]
    assert (theirs != expected) == (name in BIBTEXPARSER_DIFFERS), (theirs, expected)


@pytest.mark.skipif(shutil.which("bibtex") is None, reason="BibTeX is not installed")
def test_agrees_with_bibtex_itself(tmp_path: Path) -> None:
    (tmp_path / "keys.bst").write_text(
        "ENTRY { title } {} {}\nFUNCTION {default.type} { cite$ write$ newline$ }\nREAD\nITERATE {call.type$}\n"
    )
    env = {**os.environ, "BIBINPUTS": str(tmp_path), "BSTINPUTS": str(tmp_path), "openout_any": "a"}
    for name, (text, expected) in CASES.items():
        (tmp_path / "t.bib").write_text(text)
        (tmp_path / "t.aux").write_text("\\citation{*}\n\\bibdata{t}\n\\bibstyle{keys}\n")
        subprocess.run(["bibtex", "t"], cwd=tmp_path, env=env, capture_output=True, timeout=30)
        assert (tmp_path / "t.bbl").read_text().split() == expected, name


def test_what_a_scan_holds() -> None:
    text = (
        "% my references\n@string{tpami = {IEEE TPAMI}}\n@comment{jabref-meta: databaseType:bibtex;}\n"
        "@article{a, journal = tpami, title = {T}, year = 2020}\n@misc{b, title={x}\n"
    )
    scan = scan_bib(text)
    assert [e.key for e in scan.entries] == ["a", "b"]
    assert [b.kind for b in scan.others] == ["string"] and len(scan.comments) == 1
    assert scan.entries[0].fields["journal"] == (("m", "tpami"),)
    assert scan.entries[0].fields["year"] == (("s", "2020"),)
    assert scan.unclosed and scan.problems[-1].line == 5
    assert scan.loose[0][1] == "% my references"


def test_unmatched_braces_are_read_in_linear_time() -> None:
    scan = scan_bib("@misc{x, title={" + "{" * 200_000)
    assert scan.unclosed


# -- which paper an entry is -------------------------------------------------------------

SPELLINGS = [
    "eprint = {2608.05013}",
    "eprint = {arXiv:2608.05013}",
    "eprint = {ARXIV:2608.05013}",
    "eprint = {arxiv:2608.05013v2}",
    "eprint = {https://arxiv.org/abs/2608.05013}",
    "volume = {abs/2608.05013}",
    "doi = {10.48550/arXiv.2608.05013}",
    "doi = {https://doi.org/10.48550/ARXIV.2608.05013}",
    "arxivId = {2608.05013}",
    "url = {https://arxiv.org/html/2608.05013v1}",
    "url = {http://arxiv.org/pdf/2608.05013v3.pdf}",
    "eid = {arXiv:2608.05013}",
    "number = {arXiv:2608.05013}",
    "pages = {arXiv:2608.05013}",
    "note = {arXiv 2608.05013}",
    'journal = "arXiv preprint arXiv:2608.05013"',
    "howpublished = {\\url{https://arxiv.org/abs/2608.05013}}",
]


@pytest.mark.parametrize("field", SPELLINGS)
def test_every_spelling_of_an_arxiv_id(field: str) -> None:
    entry = scan_bib(f"@misc{{k, title = {{T}}, {field}}}\n").entries[0]
    assert entry_ids(entry).arxiv == {"2608.05013"}


@pytest.mark.parametrize(
    "field",
    ["eprint = {2608.050130}", "pages = {2608.05013}", "abstract = {we extend arXiv:2608.05013}",
     "note = {x2608.05013y}", "eprint = {12608.05013}"],
)
def test_what_is_not_an_arxiv_id(field: str) -> None:
    entry = scan_bib(f"@misc{{k, title = {{T}}, {field}}}\n").entries[0]
    assert entry_ids(entry).arxiv == set()


def test_old_style_ids_and_dois() -> None:
    contents = BibContents.of(
        "@article{a, eprint = {hep-th/9901001v2}}\n@article{b, doi = {https://doi.org/10.1145/3617592}}\n"
        "@article{c, eprint = {arXiv:math.GT/0309136}}\n"
    )
    assert contents.arxiv_ids == {"hep-th/9901001", "math.gt/0309136"}
    assert contents.dois == {"10.1145/3617592"}


# -- what replacing a file would lose -------------------------------------------------------

OURS = "@misc{ghandi2022deep,\n  title = {{Deep}},\n  eprint = {2201.12944},\n  year = {2022}\n}\n"


def test_its_own_export_loses_nothing() -> None:
    assert overwrite_losses(OURS, OURS, bib=True) == []
    # Spacing and delimiters are not meaning.
    respaced = '@misc{ghandi2022deep, title = "{Deep}", eprint = {2201.12944},\n year = 2022}'
    assert overwrite_losses(respaced, OURS, bib=True) == []


@pytest.mark.parametrize(
    "existing, reason",
    [
        (OURS + "@comment{jabref-meta: databaseType:bibtex;}\n", "@comment"),
        (OURS.replace("year", "abstract = {MY NOTES},\n  year"), "does not write: abstract"),
        (OURS.replace("year", "file = {C:\\papers\\}, year"), "does not write: file"),
        (OURS.replace("ghandi2022deep", "Ghandi2022Deep"), "spells the key ghandi2022deep"),
        (OURS.replace("{{Deep}}", "{{Deep Captioning}}"), "writes differently: title"),
        (OURS.replace("@misc", "@article"), "makes it @misc"),
        (OURS + "@misc{broken, title={x\n", "can't read"),
        (OURS + "% a note to self\n", "text outside entries"),
        ("@string{x = {y}}\n" + OURS, "@string"),
        (OURS + "@misc{other, title={O}}\n", "not in this export"),
    ],
)
def test_anything_not_written_again_is_a_loss(existing: str, reason: str) -> None:
    lost = overwrite_losses(existing, OURS, bib=True)
    assert any(reason in line for line in lost), lost
