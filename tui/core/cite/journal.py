"""Read arXiv's free-text journal reference into venue, series, volume, number,
pages, article number and year.

``parse_journal_ref("2021 IEEE International Conference on Big Data (Big Data),
pp. 1779-1786. IEEE, 2021")`` gives an ``inproceedings`` at booktitle
"2021 IEEE International Conference on Big Data (Big Data)", pages
``1779--1786``, publisher IEEE, year 2021.

How (each step tested on every journal reference of the real digests):

1. "None" is no reference; "Under review", "Submitted", "accepted" alone are not
   venues (the text stays a note); "Accepted at X", "To appear in X" give the
   venue X and the status as a note.  A citation pasted whole (``A. Author et
   al., "Title," in Venue, ...``, ``Zang, X., ... Title. Venue 3, 3 (2026)``)
   loses its authors and title.
2. The parts with a shape are taken out wherever they are: pages (``pp.``,
   ``Pages:``, ``pages 3 to 9``, a trailing ``643-656``), volume and number
   (``vol. 12``, ``Volume: 13``, ``no. 4``, ``Issue 3``, ``39(21)``), article
   numbers (``Article 88``), years (``(2021)``, ``, 2021``, ``July 2025``,
   ``04 March 2020``, a range ``2021-2022``).  A second, different value of a
   field (``vol. 1, vol. 2``) is kept in the note, never dropped.
3. What is left is split into comma (or sentence) separated parts, never inside
   parentheses nor inside an abbreviated name (``IEEE Robot. Autom. Lett.``):
   a book series (LNCS, CCIS, PMLR, Proc. SPIE...) becomes ``series``; the
   first other part is the venue; a known publisher becomes ``publisher``
   (with its city as ``address``); a bare number after the volume is an
   article number (``Algorithms 13, 268``).  Whatever else is left is kept, as
   written, for a ``note``: nothing is dropped but bare punctuation, and no
   field ends in a stray comma.
4. The kind: a series, conference words (Proceedings, Proc., Conference,
   Workshop...), NeurIPS's "Advances in Neural Information Processing
   Systems", a name carrying its year or an ordinal (``CVPR 2026``, ``28th
   ...``) or an acronym alone (``ETRA``) make an ``inproceedings``; journal
   words (Journal, Trans., Lett....) and journals known by acronym (TMLR,
   JMLR...) an ``article``.  No venue nor series (``Volume 58, Issue 02``) or a
   book chapter: not parsed, the whole reference becomes the note.

The year is the last year written outside the venue's name, else the one in
its name (``CVPR 2026``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial

from . import journal_words as W
from .escaping import clean_text
from .journal_parts import SEP, split_parts, trim_part


@dataclass(slots=True)
class JournalRef:
    """What a journal reference says, each field as plain text ('' when absent)."""

    kind: str  # "inproceedings", "article", or "" when it could not be parsed
    venue: str = ""
    series: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    eid: str = ""  # an article number
    year: str = ""  # "2021", or a range "2021--2022"
    publisher: str = ""
    address: str = ""
    #: What could not be placed, as written ("" when everything was).
    note: str = ""
    extra: list[str] = field(default_factory=list)

    @property
    def parsed(self) -> bool:
        """Whether the reference was understood (else it is all in ``note``)."""
        return bool(self.kind)


_Y = W.YEAR

#: Pasted citations: authors and a quoted title before the venue.
_QUOTED_CITATION_RE = re.compile(r"^.{3,400}?[\"“](?P<title>[^\"”]{8,})[\"”],?\s*(?:in\s+)?(?P<rest>.+)$")
#: "Author, A. (2026). Title. In Proceedings ..."
_APA_CITATION_RE = re.compile(rf"^[^()]{{3,300}}\(({_Y})\)\.\s.+?\.\s+In:?\s+(?P<rest>.+)$")

_NOT_A_YEAR = rf"(?!{_Y}\))"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # "Vol. 16(3)", "volume 45 (2026)" (a year in parentheses is not an issue)
    ("volume",
     re.compile(rf"(?<!\()\b(?:vol(?:ume)?\.?)\s*:?\s*(\d+)(?:\s*\({_NOT_A_YEAR}(\d{{1,4}})\))?(?![\w-])", re.I)),
    # "39(21): 22732-22740", "57(8): 5813-5828", "7(11), 101462"
    ("vnp", re.compile(rf"\b(\d{{1,4}})\s*\({_NOT_A_YEAR}(\d{{1,4}})\)(?:\s*:\s*(\d+)(?:{W.DASH}(\d+))?)?")),
    # "pp. 10-20", "Pages: 3 to 9", and a dangling "pp. 10-"
    ("pages", re.compile(
        rf"\b(?:pp?\.|[Pp]ages?)\s*:?\s*(?:no\.\s*)?(\d+)(?:{W.DASH}(\d+)|\s*(?:-+|–|—)(?=\s*(?:$|[,;.)])))?"
    )),
    ("eid", re.compile(r"\b(?:Article|art\.)(?:\s+(?:No\.?|number|#))?\s*(\d+)", re.I)),
    ("number", re.compile(r"\b(?:no\.|number|issue)\s*:?\s*(\d+[a-z]?)\b", re.I)),
    ("vp", re.compile(rf"\b(\d{{1,4}})\s*:\s*(\d+){W.DASH}(\d+)")),  # "315:3397-3423"
    ("pubdate", re.compile(rf"\bPublication date:\s*(?:{W.MONTH}\s+)?({_Y})\b", re.I)),
    ("date", re.compile(rf"\b(?:\d{{1,2}}\s+)?{W.MONTH}\s+(?:\d{{1,2}}(?:{W.DASH}\d{{1,2}})?,?\s+)?({_Y})\b")),
    ("year", re.compile(rf"(?:\(\s*({_Y})\s*\)|\bYear:?\s*({_Y})\b)", re.I)),
]
#: Taken out whole and kept for the note: links, DOIs, ISSNs.
_ASIDE_RE = re.compile(r"\bhttps?://\S+|\bDOI:?\s*10\.\S+|\bISSN:?\s*[\dXx-]+", re.I)
_PAGE_RANGE_RE = re.compile(rf"^(\d+){W.DASH}(\d+)$")
_BARE_YEAR_RE = re.compile(rf"^{_Y}$")
_YEAR_IN_NAME_RE = re.compile(rf"(?<![\d.])({_Y})(?!\d)|'(\d\d)\b")
#: "Proceedings of the IEEE", "Proceedings of the ACM on ...": journals.
_PROCEEDINGS_JOURNAL_RE = re.compile(
    r"^(?:Proc\.?|Proceedings)\s+(?:of\s+)?(?:the\s+)?(?:IEEE$|ACM on\b|National Academy|Royal Society|VLDB Endowment)",
    re.I,
)
_STATUS_NOTES = {"accepted": "Accepted", "to appear": "To appear", "in press": "In press", "forthcoming": "Forthcoming"}


def _pages(first: str, last: str | None) -> str:
    return f"{first}--{last}" if last else first


def _status(text: str) -> tuple[str, str]:
    """``("To appear", rest)`` for "To appear in rest"; ``("", text)`` otherwise."""
    match = W.STATUS_PREFIX_RE.match(text)
    if match is None:
        return "", text
    words = " ".join(match.group("status").lower().split())
    status = next((note for key, note in _STATUS_NOTES.items() if words.startswith(key)), "")
    return status, match.group("rest")


def parse_journal_ref(text: str | None) -> JournalRef:
    """Parse one journal reference; see the module docstring."""
    raw = clean_text(text)
    if not raw or raw.lower().strip(" .") in W.NO_REFERENCE:
        return JournalRef(kind="")
    unparsed = JournalRef(kind="", note=raw.rstrip(" ,;:"))
    s = raw
    if match := _APA_CITATION_RE.match(s):
        s = match.group("rest")
    elif match := _QUOTED_CITATION_RE.match(s):
        s = match.group("rest")
    elif W.AUTHOR_LIST_RE.match(s):
        # "Zang, X., ... Title. Vicinagearth 3, 3 (2026)": the last sentence is the venue.
        if (match := re.search(r"\.\s+([A-Z][^.]*\d[^.]*)$", s)) is None:
            return unparsed
        s = match.group(1)
    s = re.sub(r"^In:?\s+", "", s)
    status, s = _status(s)
    if W.BOOK_RE.search(s) or (not status and W.NOT_A_VENUE_RE.match(s)):
        return unparsed
    ref = JournalRef(kind="")
    years: list[str] = []
    asides = [m.rstrip(".,;") for m in _ASIDE_RE.findall(s)]
    s = _ASIDE_RE.sub(SEP, s)
    s = re.sub(rf"(?<=[a-z])\.(?={_Y}\b)", ", ", s)  # "Computer Vision.2026"
    # "Machine.Learning.for.Biomedical.Imaging" reads better with spaces.
    s = re.sub(r"\b[A-Za-z]{2,}(?:\.[A-Za-z]{2,}){2,}\b\.?", lambda m: m.group(0).replace(".", " ").strip(), s)
    for kind, pattern in _PATTERNS:
        s = pattern.sub(partial(_take, ref, years, kind), s)
    s = re.sub(rf"\((?:\s|{SEP})*\)", SEP, s)  # what a taken date leaves: "( )"
    parts = split_parts(s)
    _take_series(ref, parts)
    venue, forced = "", ""
    leftovers: list[str] = []
    for index, part in enumerate(parts):
        if not part:
            continue
        if _BARE_YEAR_RE.match(part):
            years.append(part)
        elif W.PUBLISHER_RE.match(part) and not ref.publisher:
            ref.publisher = part.rstrip(".")
            _take_address(ref, parts, index)
        elif not venue and re.search(r"[A-Za-z]{2}", part):
            _extend_venue(parts, index)
            venue, forced = _venue_of(ref, years, parts, index)
        elif (match := _PAGE_RANGE_RE.match(part)) and not ref.pages:
            first, last = match.groups()
            if _BARE_YEAR_RE.match(first) and _BARE_YEAR_RE.match(last) and 0 < int(last) - int(first) < 10:
                years.append(f"{first}--{last}")  # "2021-2022": years, not pages
            else:
                ref.pages = _pages(first, last)
        elif re.fullmatch(r"\d+[A-Za-z]?", part):
            _place_number(ref, part)
        elif re.search(r"\w", part):
            leftovers.append(part)
    if not venue and not ref.series:
        return unparsed
    leftovers = [p for p in dict.fromkeys(leftovers) if p not in venue]
    ref.kind = forced or _kind(venue, leftovers, ref)
    if ref.kind == "article" and (match := re.search(rf"\s+({_Y})$|^({_Y})\s+", venue)):
        # "IEEE Access 2020", "2022 JINST": a journal's year is not part of its name.
        venue = venue[: match.start()] + venue[match.end() :]
        years.append(match.group(1) or match.group(2))
    ref.venue = venue
    if years:
        ref.year = years[-1]
    else:
        for place in (venue, *leftovers):
            if (match := _YEAR_IN_NAME_RE.search(place)) and match.group(1):
                ref.year = match.group(1)
                break
    ref.extra = [status] * bool(status) + ref.extra + leftovers + asides
    ref.note = ", ".join(ref.extra)
    return ref


def _take(ref: JournalRef, years: list[str], kind: str, match: re.Match[str]) -> str:
    """Put what ``match`` found in ``ref`` (a second, different value goes to the note)."""
    groups = match.groups()
    before = (ref.volume, ref.number, ref.pages, ref.eid)

    def put(name: str, value: str | None) -> None:
        if value:
            if not getattr(ref, name):
                setattr(ref, name, value)
            elif getattr(ref, name) != value:
                ref.extra.append(" ".join(match.group(0).split()).strip(" ,;"))

    if kind == "vnp":
        put("volume", groups[0])
        put("number", groups[1])
        if groups[3]:
            put("pages", _pages(groups[2], groups[3]))
        else:
            put("eid", groups[2])
    elif kind == "pages":
        put("pages", _pages(groups[0], groups[1]))
    elif kind == "eid":
        put("eid", groups[0])
    elif kind == "volume":
        put("volume", groups[0])
        put("number", groups[1])
    elif kind == "number":
        put("number", groups[0])
    elif kind == "vp":
        if _BARE_YEAR_RE.match(groups[0]):  # "2026: 177-185"
            years.append(groups[0])
        else:
            put("volume", groups[0])
        put("pages", _pages(groups[1], groups[2]))
    else:  # date, pubdate, year
        years.append(next(g for g in groups if g))
    if len(ref.extra) > 1 and ref.extra[-1] == ref.extra[-2] and before == (ref.volume, ref.number, ref.pages, ref.eid):
        ref.extra.pop()  # one match, two differing groups: said once
    return SEP


def _take_series(ref: JournalRef, parts: list[str]) -> None:
    """A book series among the parts becomes ``series``; what follows its name
    in the same part stays (``Proc. SPIE 11313`` -> volume 11313)."""
    for index, part in enumerate(parts):
        if match := W.SERIES_RE.match(part):
            ref.series = match.group(0).strip()
            parts[index] = part[match.end() :].strip()
            return


def _venue_of(ref: JournalRef, years: list[str], parts: list[str], index: int) -> tuple[str, str]:
    """The venue at ``parts[index]`` (trailing numbers placed) and the kind it
    forces ("" when :func:`_kind` decides)."""
    part = parts[index]
    if match := W.NEURIPS_RE.match(part):
        # "(NeurIPS 2023)" only restates the conference: its year is kept.
        if match.group("volume"):
            _place_number(ref, match.group("volume"))
        if match.group("year") and len(match.group("year")) == 4:
            years.append(match.group("year"))
        name = part[: match.start("volume") if match.group("volume") else len(part)]
        return name.split(" (")[0].strip(), "inproceedings"
    venue, trailing = _venue_and_numbers(part)
    for number in trailing:
        _place_number(ref, number)
    # "Medical Image Computing ..., MICCAI 2025": the short name with its year
    # right after the venue belongs to it.
    following = parts[index + 1] if index + 1 < len(parts) else ""
    if following and W.SHORT_NAME_WITH_YEAR_RE.match(following) and not _YEAR_IN_NAME_RE.search(venue):
        venue = f"{venue}, {following}"
        parts[index + 1] = ""
    return venue, ""


def _take_address(ref: JournalRef, parts: list[str], index: int) -> None:
    cities = []
    for rest in parts[index + 1 :]:
        if W.PLACE_RE.match(rest) and not W.PUBLISHER_RE.match(rest):
            cities.append(rest)
        else:
            break
    if cities:
        ref.address = ", ".join(cities)
        parts[index + 1 : index + 1 + len(cities)] = [""] * len(cities)


def _venue_and_numbers(part: str) -> tuple[str, list[str]]:
    """Split "Algorithms 13" or "Pattern Recognition Letters 202" into the venue
    and its trailing volume; a year is kept in the name ("CVPR 2026")."""
    trailing: list[str] = []
    while match := re.search(r"\s+([A-Z]?\d{1,6})$", part):
        if _BARE_YEAR_RE.match(match.group(1)):
            break
        trailing.insert(0, match.group(1))
        part = part[: match.start()]
    return trim_part(part), trailing


def _extend_venue(parts: list[str], index: int) -> None:
    """Join back the commas of a venue's own name into ``parts[index]``:
    "Conference on AI, Ethics, and Society (AIES)", "Computer Science,
    Engineering and Applications (IJCSEA)", "Pervading Industry, Environment
    and Society"."""
    for end in range(index + 1, min(index + 4, len(parts))):
        between = parts[index + 1 : end + 1]
        if any(re.search(r"\d", p.split("(")[0]) or W.PUBLISHER_RE.match(p) or not p for p in between):
            return
        closes = re.search(r"\([A-Z][^()]*\)$", parts[end]) is not None
        oxford = parts[end].startswith("and ")
        # "Conference on Video, Signal and Image Processing"; "Industry, Environment and Society"
        pair = re.fullmatch(r"[A-Z][a-z]+ and [A-Z][a-z]+", parts[end]) is not None
        listed = end == index + 1 and pair and re.search(r"\b[A-Z][\w-]*$", parts[index])
        if closes or oxford or listed:
            parts[index] = ", ".join(parts[index : end + 1])
            parts[index + 1 : end + 1] = []
            return


def _place_number(ref: JournalRef, number: str) -> None:
    """A bare number: the volume (five digits in a series: LNCS 15726), else an
    article number (``Algorithms 13, 268``: MDPI and Springer write it so)."""
    if not ref.volume and (len(number) <= 4 or (ref.series and number.isdigit())):
        ref.volume = number
    elif not ref.eid and not ref.pages:
        ref.eid = number
    else:
        ref.extra.append(number)


def _kind(venue: str, leftovers: list[str], ref: JournalRef) -> str:
    if ref.series:
        return "inproceedings"
    acronyms = {word.upper() for word in venue.split()} & W.JOURNAL_ACRONYMS
    if acronyms or _PROCEEDINGS_JOURNAL_RE.match(venue) or W.JOURNAL_NAME_RE.match(venue):
        return "article"
    if W.CONFERENCE_RE.search(" ".join([venue, *leftovers])):
        return "inproceedings"
    if W.JOURNAL_RE.search(venue):
        return "article"
    if ref.volume and re.search(rf"\s{_Y}$", venue) and not W.ORDINAL_RE.search(venue):
        return "article"  # "Digital 2026, 6, 31": a journal, its year, volume, article
    if _YEAR_IN_NAME_RE.search(venue) or W.ORDINAL_RE.search(venue):
        return "inproceedings"
    if W.ACRONYM_RE.match(venue) and len(venue.split()) <= 4:
        return "inproceedings"
    if any(W.SHORT_NAME_WITH_YEAR_RE.match(part) for part in leftovers):
        return "inproceedings"
    return "article"
