"""The digest parser on the real variation files and on bad input."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.digest import (
    MAX_PROBLEMS_PER_FILE,
    find_digest_files,
    parse_digest_file,
    parse_digest_text,
    split_categories,
    split_dois,
)
from tui.core.models import DigestRef, Paper

DIGESTS = Path(__file__).resolve().parents[1] / "data" / "digests"


def parse(rel: str):
    result = parse_digest_file(DIGESTS / rel)
    assert result.problems == [], result.problems
    return result


def paper(rel: str, arxiv_id: str) -> Paper:
    found = [p for p in parse(rel).papers if p.id == arxiv_id]
    assert found, f"{arxiv_id} not in {rel}"
    return found[0]


# ----------------------------------------------------------------------------
# Every field, exactly, for a couple of papers
# ----------------------------------------------------------------------------


def test_brief_example_every_field():
    result = parse("cs.CV/2022/01/20220131.md")
    assert (result.category, result.date) == ("cs.CV", "2022-01-31")
    assert len(result.papers) == 39
    p = result.papers[0]
    assert p.id == "2201.12944"
    assert p.version == 5
    assert p.versioned_id == "2201.12944v5"
    assert p.title == "Deep Learning Approaches on Image Captioning: A Review"
    assert p.authors == ["Taraneh Ghandi", "Hamidreza Pourreza", "Hamidreza Mahyar"]
    assert p.primary_category == "cs.CV"
    assert p.categories == ["cs.CV"]
    assert p.classes == ["I.2.7", "I.4"]
    assert p.dois == ["10.1145/3617592"]
    assert p.doi == "10.1145/3617592"
    assert p.pdf_url == "http://arxiv.org/pdf/2201.12944v5"
    assert p.published == "2022-01-31 00:39:37+00:00"
    assert p.updated == "2023-08-22 17:50:41+00:00"
    assert p.comment == "41 pages, 6 figures"
    assert p.journal_ref is None
    assert p.summary.startswith("Image captioning is a research area of immense importance, aiming")
    assert p.summary.endswith("tools to accurately measure the quality of image captions.")
    assert "\n" not in p.summary
    assert p.digests == [DigestRef("cs.CV", "2022-01-31")]


def test_second_paper_every_field():
    p = parse("cs.CV/2022/01/20220131.md").papers[1]
    assert p.to_dict() | {"summary": p.summary[:40]} == {
        "id": "2201.12961",
        "version": 1,
        "title": "Plug-In Inversion: Model-Agnostic Inversion for Vision with Data Augmentations",
        "authors": ["Amin Ghiasi", "Hamid Kazemi", "Steven Reich", "Chen Zhu",
                    "Micah Goldblum", "Tom Goldstein"],
        "primary_category": "cs.CV",
        "categories": ["cs.CV", "cs.LG"],
        "classes": [],
        "dois": [],
        "published": "2022-01-31 02:12:45+00:00",
        "updated": "2022-01-31 02:12:45+00:00",
        "comment": None,
        "journal_ref": None,
        "summary": "Existing techniques for model inversion ",
        "digests": [["cs.CV", "2022-01-31"]],
        "pdf_url": "http://arxiv.org/pdf/2201.12961v1",
    }


def test_wrapped_categories_and_ordered_list_like_comment():
    p = paper("cs.CV/2004/07/20040719.md", "cs/0407047")
    assert p.version == 3
    assert p.categories == ["cs.CV", "cs.AI"]
    assert p.classes == ["I.5", "I.5.4.m", "I.5.2.b", "I.2.10.f", "I.2.4.j", "I.2.7.g",
                         "I.5.4.b", "I.2", "I.2.0.b"]
    assert p.dois == ["10.1063/1.2128687"]
    assert p.comment == (
        "The results of a numerically simulated experiment, which illustrates "
        "the proposed method, have been added to the version submitted on October 27, "
        "2004. This paper has been accepted for publication in the Journal of Applied "
        "Physics. For related papers, see http://www.geocities.com/dlevin2001/"
    )
    assert p.pdf_url == "http://arxiv.org/pdf/cs/0407047v3"


def test_three_line_glued_doi_and_wrapped_journal():
    p = paper("cs.CV/2022/05/20220523.md", "2205.11124")
    # Four copies of one DOI, two of them glued together: one DOI remains.
    assert p.dois == ["10.1007/978-3-030-94893-1_16"]
    assert p.journal_ref == ("Communications in Computer and Information Science (CCIS), "
                             "vol. 1474, pp. 353-371, Springer, 2022")
    assert p.title == "ConvPoseCNN2: Prediction and Refinement of Dense 6D Object Poses"


def test_several_dois_wrapped():
    p = paper("cs.CV/2009/05/20090508.md", "0905.1235")
    assert p.dois == ["10.1007/978-1-4020-8741-7_84", "10.1007/978-3-540-68825-9_21",
                      "10.1145/1370256.1370262"]
    assert p.primary_category == "cs.SD"
    assert p.categories == ["cs.SD", "cs.CL", "cs.CV", "cs.MM", "cs.NE"]
    assert p.classes == ["I.5", "I.2.6", "D.2.10", "D.2.11", "D.2.5", "D.2.2", "I.2.7"]
    assert p.authors == ["Serguei A. Mokhov", "Stephen Sinclair", "Ian Clément",
                         "Dimitrios Nicolacopoulos"]
    assert p.comment.startswith("v2: add missing .ind file for index; 224 pages, 40 figures, 19 tables; index.")
    assert p.comment.endswith("Source revision is maintained in the CVS at http://marf.sf.net")


def test_split_dois_glued_and_malformed():
    assert split_dois("10.1/a_1610.1007/b 10.1/a_16") == ["10.1/a_16", "10.1007/b"]
    assert split_dois("0.1145/3776591.3832513") == ["0.1145/3776591.3832513"]
    assert split_dois("None") == []


def test_malformed_doi_kept_as_written():
    p = paper("cs.CL/2026/07/20260725.md", "2607.23204")
    assert p.dois == ["0.1145/3776591.3832513"]
    assert p.pdf_url == "https://arxiv.org/pdf/2607.23204v1"
    assert p.primary_category == "cs.RO"
    assert p.categories == ["cs.RO", "cs.CL", "cs.SD"]


def test_del_character_removed_from_title_and_summary():
    p = paper("cs.CV/2016/02/20160218.md", "1602.05990")
    assert p.title == "Plücker Correction Problem: Analysis and Improvements in Efficiency"
    assert "\x7f" not in p.summary
    assert "3D straight line in Plucker coordinates" in p.summary
    assert p.authors == ["João R. Cardoso", "Pedro Miraldo", "Helder Araujo"]


def test_942_authors():
    p = paper("cs.CV/2023/12/20231219.md", "2312.11805")
    assert len(p.authors) == 942
    assert p.authors[:3] == ["Gemini Team", "Rohan Anil", "Sebastian Borgeaud"]
    assert p.authors[-2:] == ["Jeffrey Dean", "Oriol Vinyals"]
    assert all(a == a.strip() and a for a in p.authors)


def test_402_authors():
    p = paper("cs.CL/2026/07/20260727.md", "2607.24653")
    assert len(p.authors) == 402
    assert p.authors[0] == "Kimi Team"
    assert p.authors[-1] == "Xinxing Zu"


def test_old_style_id_and_foreign_primary():
    result = parse("cs.CV/1998/02/19980211.md")
    assert len(result.papers) == 1
    p = result.papers[0]
    assert (p.id, p.version) == ("quant-ph/9802028", 1)
    assert p.title == "Analogue Quantum Computers for Data Analysis"
    assert p.primary_category == "quant-ph"
    assert p.categories == ["quant-ph", "cs.CV"]
    assert p.classes == []
    assert p.authors == ["Alexander Yu. Vlasov"]
    assert p.comment == "7 pages, standard article LaTeX2e document class"
    assert p.pdf_url == "http://arxiv.org/pdf/quant-ph/9802028v1"
    assert p.summary.endswith("(N=6.0E23).")
    assert p.digests == [DigestRef("cs.CV", "1998-02-11")]


def test_msc_classes_with_free_text():
    p = paper("cs.CV/1999/05/19990526.md", "math/9905165")
    assert p.primary_category == "math.HO"
    assert p.categories == ["math.HO", "cs.CV"]
    assert p.classes == ["90D20 (Primary) 90D80", "49N55", "93C41", "93B52", "51D05",
                         "68U07 (Secondary)"]


def test_empty_category_item_dropped():
    p = paper("cs.CV/2010/07/20100722.md", "1007.3881")
    assert p.categories == ["cs.CV", "cs.NA"]
    assert p.classes == ["42Cxx", "65Txx", "68Uxx", "94Axx", "85-XX", "97Mxx",
                         "D.2", "E.4", "G.1", "I.4", "I.5"]


def test_duplicated_categories():
    p = paper("cs.CV/2018/10/20181031.md", "1810.13166")
    assert p.primary_category == "cs.AI"
    assert p.categories == ["cs.AI", "cs.CV", "cs.LG", "cs.NE", "stat.ML"]
    assert p.classes == ["68T05"]


def test_split_categories_rules():
    assert split_categories("**cs.CV**, cond-mat.mes-hall, hep-th, physics.bio-ph, q-bio.NC") == (
        "cs.CV", ["cs.CV", "cond-mat.mes-hall", "hep-th", "physics.bio-ph", "q-bio.NC"], [])
    # No bold item: the first arXiv category is the primary.
    assert split_categories("cs.LG, **, 68T05") == ("cs.LG", ["cs.LG"], ["68T05"])
    # The result lists are fresh copies (the cache must not leak).
    _, cats, _ = split_categories("**cs.CV**, cs.LG")
    cats.append("x")
    assert split_categories("**cs.CV**, cs.LG")[1] == ["cs.CV", "cs.LG"]


def test_comment_continuation_looking_like_list_item():
    p = paper("cs.CV/2019/11/20191115.md", "1911.06475")
    assert p.comment == ("This is a pre-print of our paper that was accepted by Neurocomputing "
                         "- Its shorter version has been accepted by Medical Imaging with Deep "
                         "Learning conference (MIDL 2020)")
    assert p.journal_ref is None
    assert p.primary_category == "eess.IV"


def test_comment_continuation_looking_like_heading():
    p = paper("cs.CV/2023/06/20230601.md", "2306.01188")
    assert p.comment == ("Submitted to IEEE Robotics and Automation Letters (RA-L). "
                         "Manuscript #23-1314. 8 pages, 4 figures")
    assert p.journal_ref is None


@pytest.mark.parametrize(
    ("rel", "arxiv_id", "title"),
    [
        ("cs.CV/2011/05/20110513.md", "1105.2782",
         r"$\ell_0$ Minimization for Wavelet Frame Based Image Restoration"),
        ("cs.CV/2019/05/20190506.md", "1905.01861",
         r"The Missing Data Encoder: Cross-Channel Image Completion\\with Hide-And-Seek "
         r"Adversarial Network"),
        ("cs.CV/2023/07/20230725.md", "2307.13720", "Composite Diffusion | whole >= Σparts"),
        ("cs.CV/2019/09/20190917.md", "1909.07541",
         "A*3D Dataset: Towards Autonomous Driving in Challenging Environments"),
    ],
)
def test_titles_kept_as_written(rel, arxiv_id, title):
    assert paper(rel, arxiv_id).title == title


def test_html_entity_unescaped_in_summary():
    p = paper("cs.CV/2025/01/20250129.md", "2501.17534")
    assert "with a \\> 95% accuracy" in p.summary
    assert "&gt;" not in p.summary


def test_http_and_https_links_as_written():
    old = parse("cs.CV/2025/11/20251106.md").papers
    new = parse("cs.CV/2025/11/20251107.md").papers
    assert old and new
    assert all(p.pdf_url.startswith("http://arxiv.org/pdf/") for p in old)
    assert all(p.pdf_url.startswith("https://arxiv.org/pdf/") for p in new)
    first = new[0]
    assert first.id == "2511.04886"
    assert first.pdf_url == "https://arxiv.org/pdf/2511.04886v1"
    assert first.authors == ["Ahmad Elallaf", "Nathan Jacobs", "Xinyue Ye", "Mei Chen",
                             "Gongbo Liang"]
    assert first.comment == "Accepted to AAAI 2026"


def test_long_summary_is_one_line():
    papers = parse("cs.CV/2021/05/20210525.md").papers
    longest = max(papers, key=lambda p: len(p.summary))
    assert len(longest.summary) == 3309
    assert "\n" not in longest.summary


def test_same_day_duplicates_kept_by_parser():
    result = parse("cs.CV/2026/02/20260206.md")
    assert len(result.papers) == 140
    assert len({p.id for p in result.papers}) == 93


def test_other_catalog_header():
    result = parse("cs.CL/2026/07/20260701.md")
    assert (result.category, result.date) == ("cs.CL", "2026-07-01")
    assert len(result.papers) == 93
    assert all(p.digests == [DigestRef("cs.CL", "2026-07-01")] for p in result.papers)


def test_all_variation_files_parse_cleanly():
    files, problems = find_digest_files([DIGESTS])
    assert problems == []
    assert len(files) == 32
    total = 0
    for path in files:
        result = parse_digest_file(path)
        assert result.problems == [], path
        assert result.papers, path
        for p in result.papers:
            assert p.title and p.authors and p.primary_category and p.pdf_url, (path, p.id)
            assert p.categories[0] == p.primary_category
            assert p.published and p.updated
        total += len(result.papers)
    assert total == 1787  # grep -c "^### " over the files


# ----------------------------------------------------------------------------
# Line-level variations, written to tmp_path
# ----------------------------------------------------------------------------

BLOCK = """### A Title
- **Arxiv ID**: https://arxiv.org/abs/2401.00001v2
- **DOI**: None
- **Categories**: **cs.CV**, cs.LG
- **Links**: [PDF](https://arxiv.org/pdf/2401.00001v2)
- **Published**: 2024-01-02 03:04:05+00:00
- **Updated**: 2024-01-03 03:04:05+00:00
- **Authors**: Ada Lovelace, Alan Turing
- **Comment**: None
- **Journal**: None
- **Summary**: Short &amp; sweet.



"""
HEADER = "# Arxiv Papers in cs.CV on 2024-01-02\n"


def write(tmp_path: Path, data: bytes | str, rel: str = "cs.CV/2024/01/20240102.md") -> Path:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def test_minimal_block_text():
    result = parse_digest_text(HEADER + BLOCK)
    assert result.problems == []
    [p] = result.papers
    assert (p.id, p.version, p.title) == ("2401.00001", 2, "A Title")
    assert p.summary == "Short & sweet."
    assert p.authors == ["Ada Lovelace", "Alan Turing"]
    assert p.digests == [DigestRef("cs.CV", "2024-01-02")]


def test_wrapped_title():
    text = HEADER + BLOCK.replace("### A Title\n", "### A Title that\n  wraps onto\n  two lines\n")
    result = parse_digest_text(text)
    assert result.problems == []
    assert result.papers[0].title == "A Title that wraps onto two lines"


def test_bare_title_marker_and_tab_continuation():
    text = HEADER + "###\n" + BLOCK.replace("- **Comment**: None", "- **Comment**: one\n\ttwo")
    result = parse_digest_text(text, "x.md")
    assert [p.comment for p in result.papers] == ["one two"]
    assert [(p.line, "without an Arxiv ID" in p.message) for p in result.problems] == [(2, True)]


def test_crlf_and_bom(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbf" + (HEADER + BLOCK + BLOCK).replace("\n", "\r\n").encode())
    result = parse_digest_file(path)
    assert result.problems == []
    assert (result.category, result.date) == ("cs.CV", "2024-01-02")
    assert [p.title for p in result.papers] == ["A Title", "A Title"]
    assert result.papers[0].summary == "Short & sweet."


def test_empty_file(tmp_path):
    result = parse_digest_file(write(tmp_path, b""))
    assert result.papers == []
    assert [(p.line, p.message) for p in result.problems] == [(0, "empty file: no papers")]
    assert (result.category, result.date) == ("cs.CV", "2024-01-02")


def test_header_only(tmp_path):
    result = parse_digest_file(write(tmp_path, HEADER))
    assert result.papers == []
    assert [p.message for p in result.problems] == ["no papers in file"]
    assert (result.category, result.date) == ("cs.CV", "2024-01-02")


def test_missing_header_falls_back_to_path(tmp_path):
    result = parse_digest_file(write(tmp_path, BLOCK, "cs.LG/2023/12/20231231.md"))
    assert (result.category, result.date) == ("cs.LG", "2023-12-31")
    assert result.papers[0].digests == [DigestRef("cs.LG", "2023-12-31")]
    [problem] = result.problems
    assert problem.line == 1 and "header" in problem.message
    assert problem.path.endswith("20231231.md")


def test_odd_header_date_from_path(tmp_path):
    text = "# Arxiv Papers in cs.CV on Jan 2nd\n" + BLOCK
    result = parse_digest_file(write(tmp_path, text))
    assert (result.category, result.date) == ("cs.CV", "2024-01-02")
    assert [p.line for p in result.problems] == [1]


def test_no_header_no_path_gives_no_digest_refs():
    result = parse_digest_text(BLOCK, "somewhere.md")
    assert len(result.papers) == 1
    assert result.papers[0].digests == []
    assert {p.line for p in result.problems} == {0, 1}


def test_truncated_last_entry(tmp_path):
    cut = BLOCK.index("- **Updated**")
    text = HEADER + BLOCK + BLOCK.replace("2401.00001", "2401.00002")[:cut]
    result = parse_digest_file(write(tmp_path, text))
    assert [p.id for p in result.papers] == ["2401.00001", "2401.00002"]
    last = result.papers[1]
    assert last.published == "2024-01-02 03:04:05+00:00"
    assert last.updated is None and last.summary == "" and last.authors == []
    [problem] = result.problems
    assert problem.line == 2 + BLOCK.count("\n")  # the line of the second ###
    assert "Updated" in problem.message and "Summary" in problem.message


def test_truncated_inside_title(tmp_path):
    result = parse_digest_file(write(tmp_path, HEADER + BLOCK + "### Half a ti"))
    assert len(result.papers) == 1
    [problem] = result.problems
    assert problem.line == 2 + BLOCK.count("\n")
    assert "without an Arxiv ID" in problem.message


def test_block_without_id_skipped(tmp_path):
    broken = BLOCK.replace("- **Arxiv ID**: https://arxiv.org/abs/2401.00001v2\n", "")
    text = HEADER + broken + BLOCK
    result = parse_digest_file(write(tmp_path, text))
    assert [p.id for p in result.papers] == ["2401.00001"]
    assert [(p.line, "without an Arxiv ID" in p.message) for p in result.problems] == [(2, True)]


def test_unrecognised_id_skipped():
    text = HEADER + BLOCK.replace("https://arxiv.org/abs/2401.00001v2", "garbage")
    result = parse_digest_text(text, "x.md")
    assert result.papers == []
    assert [(p.path, p.line) for p in result.problems] == [("x.md", 3)]


def test_unknown_field_reported_and_skipped():
    text = HEADER + BLOCK.replace("- **DOI**: None\n", "- **DOI**: None\n- **Mood**: happy\n  still\n")
    result = parse_digest_text(text, "x.md")
    assert len(result.papers) == 1
    assert result.papers[0].title == "A Title"
    assert result.papers[0].dois == []
    assert [(p.line, p.message) for p in result.problems] == [(5, "unknown field 'Mood' ignored")]


def test_stray_lines_reported():
    text = HEADER + "hello\n" + BLOCK + "# second header\n"
    result = parse_digest_text(text, "x.md")
    assert len(result.papers) == 1
    assert [p.line for p in result.problems] == [2, 2 + 1 + BLOCK.count("\n")]


def test_invalid_utf8_reported_with_line(tmp_path):
    data = (HEADER + BLOCK).encode().replace(b"Alan Turing", b"Alan \xff\xfeTuring")
    result = parse_digest_file(write(tmp_path, data))
    assert result.papers[0].authors == ["Ada Lovelace", "Alan \ufffd\ufffdTuring"]
    assert [(p.line, p.message) for p in result.problems] == [
        (9, "invalid UTF-8 replaced by U+FFFD")
    ]


def test_binary_file(tmp_path):
    data = (HEADER + BLOCK).encode() + b"\x00\x01\x02PK\x03\x04" * 100
    result = parse_digest_file(write(tmp_path, data))
    assert result.papers == []
    assert len(result.problems) == 1
    assert "binary" in result.problems[0].message
    assert result.problems[0].line == 1 + BLOCK.count("\n") + 1


def test_directory_and_unreadable_file(tmp_path):
    folder = tmp_path / "cs.CV/2024/01/20240102.md"
    folder.mkdir(parents=True)
    result = parse_digest_file(folder)
    assert result.papers == [] and len(result.problems) == 1
    assert result.problems[0].line == 0 and "directory" in result.problems[0].message

    missing = parse_digest_file(tmp_path / "nope.md")
    assert missing.papers == [] and missing.problems[0].line == 0

    if os.name == "posix" and os.geteuid() != 0:
        locked = write(tmp_path, HEADER + BLOCK, "locked.md")
        locked.chmod(0)
        result = parse_digest_file(locked)
        assert result.papers == [] and "cannot read" in result.problems[0].message


def test_garbage_problems_are_capped():
    text = HEADER + "junk line\n" * 10_000
    result = parse_digest_text(text, "x.md")
    assert len(result.problems) == MAX_PROBLEMS_PER_FILE + 1
    assert result.problems[0].line == 2
    assert result.problems[-1] == type(result.problems[0])("x.md", 0, "9951 more problems not shown")
    # 10,000 stray lines plus "no papers in file", of which 50 are listed.


def test_control_characters_removed_everywhere():
    text = HEADER + BLOCK.replace("A Title", "A\x7f Ti\x1btle").replace(
        "Short &amp; sweet.", "Short\x7f\x85 sweet.\tyes").replace("Ada", "A\x7fda")
    p = parse_digest_text(text).papers[0]
    assert p.title == "A Title"
    assert p.summary == "Short sweet. yes"
    assert p.authors[0] == "Ada Lovelace"


def test_none_values_and_empty_fields():
    text = HEADER + BLOCK.replace("**Categories**: **cs.CV**, cs.LG", "**Categories**: None").replace(
        "**Authors**: Ada Lovelace, Alan Turing", "**Authors**: None").replace(
        "[PDF](https://arxiv.org/pdf/2401.00001v2)", "None")
    p = parse_digest_text(text).papers[0]
    assert p.categories == [] and p.primary_category == "" and p.classes == []
    assert p.authors == [] and p.pdf_url is None


def test_id_without_version_and_old_style_https():
    text = HEADER + BLOCK.replace("https://arxiv.org/abs/2401.00001v2",
                                  "https://arxiv.org/abs/hep-th/9901001")
    result = parse_digest_text(text, "x.md")
    p = result.papers[0]
    assert (p.id, p.version) == ("hep-th/9901001", 1)
    assert [pr.line for pr in result.problems] == [3]


def test_fifty_megabytes_parse_fast():
    one_day = (DIGESTS / "cs.CV/2025/11/20251124.md").read_text(encoding="utf-8")
    header, body = one_day.split("\n", 1)
    copies = 50_000_000 // len(body) + 1
    text = header + "\n" + body * copies
    start = time.process_time()  # CPU time: robust to a busy machine
    result = parse_digest_text(text, "big.md")
    elapsed = time.process_time() - start
    assert result.problems == []
    assert len(result.papers) == 213 * copies
    assert elapsed < 3.0, f"{len(text) / 1e6:.0f} MB took {elapsed:.2f} s"


# ----------------------------------------------------------------------------
# find_digest_files
# ----------------------------------------------------------------------------


def test_find_digest_files(tmp_path):
    a = write(tmp_path, HEADER, "cs.CV/2024/01/20240102.md")
    b = write(tmp_path, HEADER, "cs.AI/2024/01/20240101.md")
    write(tmp_path, "not a digest", "cs.CV/notes.txt")
    write(tmp_path, HEADER, ".git/hidden.md")
    plain = write(tmp_path, HEADER, "explicit.txt")
    files, problems = find_digest_files(
        [tmp_path, a, tmp_path / "cs.CV", plain, tmp_path / "missing"]
    )
    assert files == sorted([a, b, plain], key=str)
    assert problems == [type(problems[0])(str(tmp_path / "missing"), 0, "no such file or folder")]


def test_find_digest_files_real_tree_sorted():
    files, problems = find_digest_files([DIGESTS / "cs.IR", DIGESTS / "cs.CL"])
    assert problems == []
    assert [f.relative_to(DIGESTS).as_posix() for f in files] == [
        "cs.CL/2026/07/20260701.md",
        "cs.CL/2026/07/20260725.md",
        "cs.CL/2026/07/20260727.md",
        "cs.CL/2026/08/20260804.md",
        "cs.IR/2026/07/20260701.md",
        "cs.IR/2026/07/20260718.md",
    ]


# ----------------------------------------------------------------------------
# Never raises, whatever the input
# ----------------------------------------------------------------------------

_PIECES = [line + "\n" for line in (HEADER + BLOCK).splitlines()] + [
    "  continued\n", "### \n", "- **Arxiv ID**: \n", "- **Categories**: **, ;,\n",
    "- **DOI**: 10.1/x10.2/y\n", "- **Bogus**: 1\n", "\r\n", "\x00", "\ufeff", "# \n",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=30)), max_size=40))
def test_never_raises_on_shuffled_lines(pieces):
    result = parse_digest_text("".join(pieces), "fuzz.md")
    for problem in result.problems:
        assert problem.path == "fuzz.md" and problem.line >= 0
    for p in result.papers:
        assert p.id and p.version >= 0


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_never_raises_on_random_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "x.md"
    path.write_bytes(data)
    result = parse_digest_file(path)
    assert all(problem.path == str(path) for problem in result.problems)
