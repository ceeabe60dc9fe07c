"""Journal references read into entry types and fields, on every real one."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
import pytest
from pybtex.database import parse_string as pybtex_parse

from tui.core.cite import biblatex, bibtex, parse_journal_ref
from tui.core.digest import find_digest_files, parse_digest_file
from tui.core.models import Paper

_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
#: "04 March 2020", "October 27-31, 2025", "July 13--16, 2026": the days, not a field.
_DAYS_RE = re.compile(rf"\b\d{{1,2}}\s+(?={_MONTHS})|(?<=\s)\d{{1,2}}(?:-+\d{{1,2}})?,(?=\s*\d{{4}})")
DATA = Path(__file__).resolve().parents[1] / "data" / "digests"


def _shared_digests() -> Path | None:
    for candidate in (Path(__file__).resolve().parents[3] / "shared" / "digests", Path("/work/shared/digests")):
        if candidate.is_dir():
            return candidate
    return None


def _paper(journal_ref: str | None, published: str = "2022-01-05 00:00:00+00:00") -> Paper:
    return Paper(
        id="2201.00001", version=1, title="Deep Things", authors=["Ann Smith"],
        primary_category="cs.CV", categories=["cs.CV"], published=published, journal_ref=journal_ref,
    )


def _fields(text: str) -> dict:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    (entry,) = library.entries
    return {"@type": entry.entry_type, **{f.key: f.value for f in entry.fields}}


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        # The example: a conference, its pages and the venue's year (not arXiv's 2022).
        ("2021 IEEE International Conference on Big Data (Big Data), pp. 1779-1786. IEEE, 2021",
         {"@type": "inproceedings", "booktitle": "2021 IEEE International Conference on Big Data (Big Data)",
          "pages": "1779--1786", "publisher": "IEEE", "year": "2021"}),
        # The stray comma ("Pages 39-60,}").
        ("International Journal of Approximate Reasoning, Volume 149, 2022, Pages 39-60,",
         {"@type": "article", "journal": "International Journal of Approximate Reasoning",
          "volume": "149", "pages": "39--60", "year": "2022"}),
        ("IEEE Internet of Things Journal, vol. 12, no. 21, pp. 44492-44501, 2025",
         {"@type": "article", "journal": "IEEE Internet of Things Journal", "volume": "12", "number": "21",
          "pages": "44492--44501", "year": "2025"}),
        ("IEEE Transactions on Geoscience and Remote Sensing, 2019, 57(8): 5813-5828",
         {"@type": "article", "volume": "57", "number": "8", "pages": "5813--5828", "year": "2019"}),
        ("Pattern Recognition Letters 202 (2026) 50-56",
         {"@type": "article", "journal": "Pattern Recognition Letters", "volume": "202", "pages": "50--56"}),
        ("CVPR 2026", {"@type": "inproceedings", "booktitle": "CVPR 2026", "year": "2026"}),
        ("Proceedings of the AAAI/ACM Conference on AI, Ethics, and Society (AIES '25), 2025, pp. 1623-1636",
         {"@type": "inproceedings",
          "booktitle": "Proceedings of the AAAI/ACM Conference on AI, Ethics, and Society (AIES '25)",
          "pages": "1623--1636", "year": "2025"}),
        ("In Proceedings of the 52nd Annual IEEE/ACM International Symposium on Microarchitecture (MICRO '52). "
         "ACM, New York, NY, USA, 643-656 (2019)",
         {"@type": "inproceedings", "publisher": "ACM", "address": "New York, NY, USA", "pages": "643--656",
          "year": "2019"}),
        ("Computer Graphics Forum, Volume 44 (2025), Number 7",
         {"@type": "article", "volume": "44", "number": "7", "year": "2025"}),
        ("Expert Systems with Applications 321, 132146 (2026)",
         {"@type": "article", "volume": "321", "eid": "132146", "year": "2026"}),
        # What can't be placed stays, whole, in note.
        ("VISAPP, Feb 2025, Porto, Portugal",
         {"@type": "inproceedings", "booktitle": "VISAPP", "year": "2025", "note": "Porto, Portugal"}),
        ("Volume 58, Issue 02, pp. no. 891-913, 2026, ISSN: 2096-3246",
         {"@type": "misc", "year": "2022", "note": "Volume 58, Issue 02, pp. no. 891-913, 2026, ISSN: 2096-3246"}),
        # A citation pasted whole: its last sentence is the venue (Springer's style).
        ("Zang, X., Jiang, Z., Cheng, J. et al. Instruction-based image editing. Vicinagearth 3, 3 (2026)",
         {"@type": "article", "journal": "Vicinagearth", "volume": "3", "eid": "3", "year": "2026"}),
    ],
)
def test_parsed_references(ref: str, expected: dict) -> None:
    fields = _fields(bibtex([_paper(ref)]))
    for key, value in expected.items():
        assert fields.get(key) == value, (key, fields)
    # arXiv fields are always there.
    assert fields["eprint"] == "2201.00001" and fields["archivePrefix"] == "arXiv"


#: The reviewers' references, each with everything it must give (fields absent
#: here must be empty).
REVIEWED = [
    ("Proc. IEEE Int. Conf. BioInformatics and BioEngineering (BIBE), Athens, Greece, 2025",
     dict(kind="inproceedings", venue="Proc. IEEE Int. Conf. BioInformatics and BioEngineering (BIBE)", year="2025",
          note="Athens, Greece")),
    ("Proc. of CVPR, 2021", dict(kind="inproceedings", venue="Proc. of CVPR", year="2021")),
    ("In Proc. ICCV, pages 1-9, 2019", dict(kind="inproceedings", venue="Proc. ICCV", pages="1--9", year="2019")),
    ("Conf. on Robot Learning (CoRL), 2021",
     dict(kind="inproceedings", venue="Conf. on Robot Learning (CoRL)", year="2021")),
    ("IEEE Robot. Autom. Lett. 8(3), 2023",
     dict(kind="article", venue="IEEE Robot. Autom. Lett.", volume="8", number="3", year="2023")),
    ("Adv. Neural Inf. Process. Syst. 35, 2022",
     dict(kind="inproceedings", venue="Adv. Neural Inf. Process. Syst.", volume="35", year="2022")),
    ("IEEE Trans. Geosci. Remote Sens. 61",
     dict(kind="article", venue="IEEE Trans. Geosci. Remote Sens.", volume="61")),
    ("J. Mach. Learn. Res. 21(140):1-67",
     dict(kind="article", venue="J. Mach. Learn. Res.", volume="21", number="140", pages="1--67")),
    ("Journal of Foo (JFOO, Elsevier)", dict(kind="article", venue="Journal of Foo (JFOO, Elsevier)")),
    ("Applications in Electronics Pervading Industry, Environment and Society. ApplePies 2023",
     dict(kind="inproceedings",
          venue="Applications in Electronics Pervading Industry, Environment and Society, ApplePies 2023",
          year="2023")),
    ("Accepted at CVPR 2026", dict(kind="inproceedings", venue="CVPR 2026", year="2026", note="Accepted")),
    ("To appear in NeurIPS 2025", dict(kind="inproceedings", venue="NeurIPS 2025", year="2025", note="To appear")),
    ("Under review", dict(kind="", note="Under review")),
    ("Under review at ICLR 2026", dict(kind="", note="Under review at ICLR 2026")),
    ("accepted", dict(kind="", note="accepted")),
    ("None", dict(kind="")),
    ("Computer Vision | ECCV 2020", dict(kind="inproceedings", venue="Computer Vision | ECCV 2020", year="2020")),
    ("Journal of Foo, vol. 1, vol. 2", dict(kind="article", venue="Journal of Foo", volume="1", note="vol. 2")),
    ("Journal of Foo, pp. 1-2, pp. 3-4", dict(kind="article", venue="Journal of Foo", pages="1--2", note="pp. 3-4")),
    ("Journal of X, 2021-2022", dict(kind="article", venue="Journal of X", year="2021--2022")),
    ("Advances in Neural Information Processing Systems 36 (NeurIPS 2023)",
     dict(kind="inproceedings", venue="Advances in Neural Information Processing Systems", volume="36", year="2023")),
    ("Advances in Neural Information Processing Systems 38 (2025)",
     dict(kind="inproceedings", venue="Advances in Neural Information Processing Systems", volume="38", year="2025")),
    ("TMLR 2024", dict(kind="article", venue="TMLR", year="2024")),
    ("Proc. SPIE 11313, Medical Imaging 2020: Image Processing, 113130A (10 March 2020)",
     dict(kind="inproceedings", venue="Medical Imaging 2020: Image Processing", series="Proc. SPIE", volume="11313",
          eid="113130A", year="2020")),
    ("Journal of Foo, pp. 10-", dict(kind="article", venue="Journal of Foo", pages="10")),
    ("Volume 58, Issue 02,", dict(kind="", note="Volume 58, Issue 02")),
    ("Lecture Notes in Computer Science, vol 15726, pp. 240-253, Springer, Cham, 2025",
     dict(kind="inproceedings", series="Lecture Notes in Computer Science", volume="15726", pages="240--253",
          publisher="Springer", address="Cham", year="2025")),
    ("Medical Image Computing and Computer Assisted Intervention, MICCAI 2025. MICCAI 2025. "
     "Lecture Notes in Computer Science, vol 15971. Springer, Cham",
     dict(kind="inproceedings", venue="Medical Image Computing and Computer Assisted Intervention, MICCAI 2025",
          series="Lecture Notes in Computer Science", volume="15971", publisher="Springer", address="Cham",
          year="2025")),
    ("Communications in Computer and Information Science (CCIS), vol. 1474, pp. 353-371, Springer, 2022",
     dict(kind="inproceedings", series="Communications in Computer and Information Science (CCIS)", volume="1474",
          pages="353--371", publisher="Springer", year="2022")),
    ("Frontiers in Artificial Intelligence and Applications, Volume 413, ECAI 2025, IOS Press, 2025",
     dict(kind="inproceedings", venue="ECAI 2025", series="Frontiers in Artificial Intelligence and Applications",
          volume="413", publisher="IOS Press", year="2025")),
    ("Proceedings of Machine Learning Research 315:3397-3423, 2026",
     dict(kind="inproceedings", series="Proceedings of Machine Learning Research", volume="315", pages="3397--3423",
          year="2026")),
    ("Algorithms 13, 268 (2020)", dict(kind="article", venue="Algorithms", volume="13", eid="268", year="2020")),
    ("ETRA, 2026, 11, 1-7", dict(kind="inproceedings", venue="ETRA", volume="11", pages="1--7", year="2026")),
    ("Proceedings of the IEEE, vol. 109, no. 5, pp. 1-20, 2021",
     dict(kind="article", venue="Proceedings of the IEEE", volume="109", number="5", pages="1--20", year="2021")),
]
_ALL_FIELDS = ("kind", "venue", "series", "volume", "number", "pages", "eid", "year", "publisher", "address", "note")


@pytest.mark.parametrize(("ref", "expected"), REVIEWED, ids=[r for r, _ in REVIEWED])
def test_reviewed_references_give_the_whole_entry(ref: str, expected: dict) -> None:
    parsed = parse_journal_ref(ref)
    got = {name: getattr(parsed, name) for name in _ALL_FIELDS}
    assert got == {name: expected.get(name, "") for name in _ALL_FIELDS}


def test_a_series_and_a_range_of_years_in_the_entries() -> None:
    paper = _paper("Frontiers in Artificial Intelligence and Applications, Volume 413, ECAI 2025, IOS Press, 2025")
    assert bibtex([paper]).splitlines()[1:] == [
        "  title         = {{Deep Things}},",
        "  author        = {Ann Smith},",
        "  booktitle     = {ECAI 2025},",
        "  series        = {Frontiers in Artificial Intelligence and Applications},",
        "  volume        = {413},",
        "  publisher     = {IOS Press},",
        "  year          = {2025},",
        "  eprint        = {2201.00001},",
        "  archivePrefix = {arXiv},",
        "  primaryClass  = {cs.CV},",
        "  url           = {https://arxiv.org/abs/2201.00001}",
        "}",
    ]
    assert bibtex([paper]).startswith("@inproceedings{")
    fields = _fields(biblatex([_paper("Journal of X, 2021-2022")]))
    assert fields["date"] == "2021/2022" and fields["@type"] == "article"
    booktitle = _fields(bibtex([_paper("Computer Vision | ECCV 2020")]))["booktitle"]
    assert booktitle == "Computer Vision \\textbar{} ECCV 2020"


def test_biblatex_types_and_date() -> None:
    fields = _fields(biblatex([_paper("CVPR 2026")]))
    assert fields["@type"] == "inproceedings" and fields["booktitle"] == "CVPR 2026" and fields["date"] == "2026"
    fields = _fields(biblatex([_paper("Information Fusion, Volume 63, November 2020, Pages 256-272")]))
    assert fields["@type"] == "article" and fields["journaltitle"] == "Information Fusion"
    fields = _fields(biblatex([_paper(None)]))
    assert fields["@type"] == "online" and fields["date"] == "2022-01-05"


def test_every_real_journal_reference() -> None:
    """Every journal reference of ../shared/digests: parsed ones give a clean venue,
    nothing ends in punctuation, nothing is lost; prints the share parsed."""
    root = _shared_digests()
    if root is None:
        pytest.skip("../shared/digests not found")
    files, _ = find_digest_files([root])
    papers = list({p.id: p for f in files for p in parse_digest_file(f).papers if p.journal_ref}.values())
    assert len(papers) > 100
    parsed = clean = 0
    for paper in papers:
        ref = parse_journal_ref(paper.journal_ref)
        where = paper.journal_ref
        if not ref.parsed:
            assert ref.note == " ".join(paper.journal_ref.split()).rstrip(" ,;:"), where
            continue
        parsed += 1
        clean += not ref.note
        # No junk left in the note: empty brackets, a lone dash, a trailing comma.
        assert not re.search(r"\(\W*\)|(?:^|, )[-–](?:$|,)", ref.note) and ref.note == ref.note.strip(" ,;:"), where
        assert ref.kind in ("article", "inproceedings"), where
        for value in (ref.venue, ref.series, ref.volume, ref.number, ref.pages, ref.publisher, ref.address, ref.year):
            assert value == value.strip(" ,;:"), (where, value)
        assert ref.year == "" or ref.year.split("--")[0] in paper.journal_ref, where
        # Every digit run of the reference ends up somewhere (days of a date aside).
        source = _DAYS_RE.sub(" ", paper.journal_ref)
        kept = " ".join([ref.venue, ref.series, ref.volume, ref.number, ref.pages, ref.eid, ref.year, ref.note,
                         ref.publisher, ref.address]).replace("--", "-")
        for number in {n.lstrip("0") for n in re.findall(r"\d+", source)} - {""}:
            assert number in kept, (where, number, ref)
    share = parsed / len(papers)
    print(f"\njournal references parsed: {parsed}/{len(papers)} = {share:.1%}; with nothing left over: {clean}")
    assert share >= 0.95
    # Every entry parses in both libraries.
    for render in (bibtex, biblatex):
        text = render(papers)
        assert not bibtexparser.parse_string(text).failed_blocks
        assert len(pybtex_parse(text, "bibtex").entries) == len(papers)
