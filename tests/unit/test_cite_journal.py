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
        ("Zang, X., Jiang, Z., Cheng, J. et al. Instruction-based image editing. Vicinagearth 3, 3 (2026)",
         {"@type": "misc", "year": "2022"}),
    ],
)
def test_parsed_references(ref: str, expected: dict) -> None:
    fields = _fields(bibtex([_paper(ref)]))
    for key, value in expected.items():
        assert fields.get(key) == value, (key, fields)
    # arXiv fields are always there.
    assert fields["eprint"] == "2201.00001" and fields["archivePrefix"] == "arXiv"


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
            assert ref.note == " ".join(paper.journal_ref.split()), where
            continue
        parsed += 1
        clean += not ref.note
        assert ref.kind in ("article", "inproceedings"), where
        for value in (ref.venue, ref.volume, ref.number, ref.pages, ref.publisher, ref.address, ref.year):
            assert value == value.strip(" ,;:"), (where, value)
        assert ref.year == "" or ref.year in paper.journal_ref, where
        # Every digit run of the reference ends up somewhere (days of a date aside).
        source = _DAYS_RE.sub(" ", paper.journal_ref)
        kept = " ".join([ref.venue, ref.volume, ref.number, ref.pages, ref.eid, ref.year, ref.note,
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
