"""Read arXiv's free-text journal reference into venue, volume, number, pages, year.

``parse_journal_ref("2021 IEEE International Conference on Big Data (Big Data),
pp. 1779-1786. IEEE, 2021")`` gives an ``inproceedings`` at booktitle
"2021 IEEE International Conference on Big Data (Big Data)", pages
``1779--1786``, publisher IEEE, year 2021.

How (each step tested on every journal reference of the real digests):

1. A citation pasted whole (``A. Author et al., "Title," in Venue, ...``) loses
   its authors and title.
2. The parts with a shape are taken out wherever they are: pages (``pp.``,
   ``Pages:``, ``pages 3 to 9``, a trailing ``643-656``), volume and number
   (``vol. 12``, ``Volume: 13``, ``no. 4``, ``Issue 3``, ``39(21)``), article
   numbers (``Article 88``), years (``(2021)``, ``, 2021``, ``July 2025``,
   ``04 March 2020``).
3. What is left is split into comma (or sentence) separated parts: the first is
   the venue; a known publisher becomes ``publisher`` (with its city as
   ``address``); a bare number is a volume, a number or an article number.
   Whatever else is left is kept, as written, for a ``note``: nothing is
   dropped and no field ends in a stray comma.
4. The kind: conference words (Proceedings, Conference, Workshop,
   Symposium...) or a name carrying its year or an ordinal (``CVPR 2026``,
   ``28th ...``) make an ``inproceedings``; anything else with a venue an
   ``article``.  No venue (``Volume 58, Issue 02, ...``) or a reference that is
   itself a book chapter: not parsed, the whole reference becomes the note.

The year is the last year written outside the venue's name, else the one in
its name (``CVPR 2026``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .escaping import clean_text


@dataclass(slots=True)
class JournalRef:
    """What a journal reference says, each field as plain text ('' when absent)."""

    kind: str  # "inproceedings", "article", or "" when it could not be parsed
    venue: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    eid: str = ""  # an article number
    year: str = ""
    publisher: str = ""
    address: str = ""
    #: What could not be placed, as written ("" when everything was).
    note: str = ""
    extra: list[str] = field(default_factory=list)

    @property
    def parsed(self) -> bool:
        return bool(self.kind)


_YEAR = r"(?:19[5-9]\d|20\d\d)"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DASH = r"\s*(?:-+|–|—|\bto\b)\s*"

#: Pasted citations: authors and a quoted title before the venue.
_QUOTED_CITATION_RE = re.compile(r"^.{3,400}?[\"“](?P<title>[^\"”]{8,})[\"”],?\s*(?:in\s+)?(?P<rest>.+)$")
#: "Author, A. (2026). Title. In Proceedings ..."
_APA_CITATION_RE = re.compile(rf"^[^()]{{3,300}}\(({_YEAR})\)\.\s.+?\.\s+In:?\s+(?P<rest>.+)$")

_NOT_A_YEAR = rf"(?!{_YEAR}\))"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # "Vol. 16(3)", "volume 45 (2026)" (a year in parentheses is not an issue)
    ("volume", re.compile(rf"(?<!\()\b(?:vol(?:ume)?\.?)\s*:?\s*(\d+)(?:\s*\({_NOT_A_YEAR}(\d{{1,4}})\))?(?![\w-])", re.I)),
    # "39(21): 22732-22740", "57(8): 5813-5828", "7(11), 101462"
    ("vnp", re.compile(rf"\b(\d{{1,4}})\s*\({_NOT_A_YEAR}(\d{{1,4}})\)(?:\s*:\s*(\d+)(?:{_DASH}(\d+))?)?")),
    ("pages", re.compile(rf"\b(?:pp?\.|[Pp]ages?)\s*:?\s*(?:no\.\s*)?(\d+)(?:{_DASH}(\d+))?")),
    ("eid", re.compile(r"\b(?:Article|art\.)(?:\s+(?:No\.?|number|#))?\s*(\d+)", re.I)),
    ("number", re.compile(r"\b(?:no\.|number|issue)\s*:?\s*(\d+[a-z]?)\b", re.I)),
    ("vp", re.compile(rf"\b(\d{{1,4}})\s*:\s*(\d+){_DASH}(\d+)")),  # "315:3397-3423"
    ("pubdate", re.compile(rf"\bPublication date:\s*(?:{_MONTH}\s+)?({_YEAR})\b", re.I)),
    ("date", re.compile(rf"\b(?:\d{{1,2}}\s+)?{_MONTH}\s+(?:\d{{1,2}}(?:{_DASH}\d{{1,2}})?,?\s+)?({_YEAR})\b")),
    ("year", re.compile(rf"(?:\(\s*({_YEAR})\s*\)|\bYear:?\s*({_YEAR})\b)", re.I)),
]
#: Taken out whole and kept for the note: links, DOIs, ISSNs.
_ASIDE_RE = re.compile(r"\bhttps?://\S+|\bDOI:?\s*10\.\S+|\bISSN:?\s*[\dXx-]+", re.I)
_PAGE_RANGE_RE = re.compile(rf"^(\d+){_DASH}(\d+)$")
_BARE_YEAR_RE = re.compile(rf"^{_YEAR}$")
_YEAR_IN_NAME_RE = re.compile(rf"(?<![\d.])({_YEAR})(?!\d)|'(\d\d)\b")

_PUBLISHERS = (
    "ACM", "IEEE", "IEEE Computer Society", "Springer", "Springer Nature", "Springer Vieweg",
    "Springer International Publishing", "Elsevier", "IOS Press", "IOP Publishing", "Wiley",
    "MIT Press", "SPIE", "PMLR", "AAAI Press", "Curran Associates", "Taylor & Francis",
    "World Scientific", "Cambridge University Press", "Oxford University Press", "MDPI",
)
_PUBLISHER_RE = re.compile(r"^(?:" + "|".join(re.escape(p) for p in _PUBLISHERS) + r")\.?$", re.I)
_PLACE_RE = re.compile(r"^[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){0,2}$")

_CONFERENCE_RE = re.compile(
    r"\b(?:Proc\.|Proceedings|Conference|Conf\.|Workshops?|Symposium|Symp\.|Summit|Meeting|"
    r"Congress|Colloquium|Track|Tiny Papers|Lecture Notes|Challenges?|Session|Association|"
    r"Convention|Forum on|Papers)\b",
    re.I,
)
_JOURNAL_RE = re.compile(
    r"\b(?:Journal|J\.|Transactions|Trans\.|Letters?|Lett\.|Magazine|Reviews?|Access|Frontiers|"
    r"Nature|Science|Bulletin|Annals|Archives?|Systems|Research|Computation|Fusion|Networks)\b",
    re.I,
)
_ORDINAL_RE = re.compile(r"\b\d+\s*(?:st|nd|rd|th)\b|\b(?:First|Second|Third|Fourth|Fifth|Forty-\w+|Thirty-\w+|Twenty-\w+)\b", re.I)
#: A short name led by an acronym: "VISAPP", "ETRA", "OCEANS Brest" (not "IEEE Access").
_ACRONYM_RE = re.compile(r"^(?!IEEE\b|ACM\b)[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b")
#: "Zang, X., Jiang, Z. ..." or "Chamika, T.; Dhanapala, S.N.A.; ...": a whole citation.
_AUTHOR_LIST_RE = re.compile(r"^[A-Z][\w'-]+,\s+(?:[A-Z]\.\s*)+[,;]")
_BOOK_RE = re.compile(r"\((?:eds?|Eds?)\.?\)")


def _pages(first: str, last: str | None) -> str:
    return f"{first}--{last}" if last else first


def parse_journal_ref(text: str | None) -> JournalRef:
    """Parse one journal reference; see the module docstring."""
    raw = clean_text(text)
    if not raw:
        return JournalRef(kind="")
    s = raw
    if match := _APA_CITATION_RE.match(s):
        s = match.group("rest")
    elif match := _QUOTED_CITATION_RE.match(s):
        s = match.group("rest")
    elif _AUTHOR_LIST_RE.match(s):
        return JournalRef(kind="", note=raw)
    s = re.sub(r"^In:?\s+", "", s)
    if _BOOK_RE.search(s):
        return JournalRef(kind="", note=raw)
    ref = JournalRef(kind="")
    years: list[str] = []
    asides = [m.rstrip(".,;") for m in _ASIDE_RE.findall(s)]
    s = _ASIDE_RE.sub(" | ", s)
    s = re.sub(rf"(?<=[a-z])\.(?={_YEAR}\b)", ", ", s)  # "Computer Vision.2026"
    # "Machine.Learning.for.Biomedical.Imaging" reads better with spaces.
    s = re.sub(r"\b[A-Za-z]{2,}(?:\.[A-Za-z]{2,}){2,}\b\.?", lambda m: m.group(0).replace(".", " ").strip(), s)

    def take(kind: str, match: re.Match[str]) -> str:
        groups = match.groups()
        if kind == "vnp":
            ref.volume = ref.volume or groups[0]
            ref.number = ref.number or groups[1]
            if groups[3]:
                ref.pages = ref.pages or _pages(groups[2], groups[3])
            elif groups[2]:
                ref.eid = ref.eid or groups[2]
        elif kind == "pages":
            ref.pages = ref.pages or _pages(groups[0], groups[1])
        elif kind == "eid":
            ref.eid = ref.eid or groups[0]
        elif kind == "volume":
            ref.volume = ref.volume or groups[0]
            if groups[1]:
                ref.number = ref.number or groups[1]
        elif kind == "number":
            ref.number = ref.number or groups[0]
        elif kind == "vp":
            if _BARE_YEAR_RE.match(groups[0]):  # "2026: 177-185"
                years.append(groups[0])
            else:
                ref.volume = ref.volume or groups[0]
            ref.pages = ref.pages or _pages(groups[1], groups[2])
        else:  # date, pubdate, year
            years.append(next(g for g in groups if g))
        return " | "

    for kind, pattern in _PATTERNS:
        s = pattern.sub(lambda m, k=kind: take(k, m), s)
    parts = _split_parts(s)
    venue = ""
    leftovers: list[str] = []
    for index, part in enumerate(parts):
        if _BARE_YEAR_RE.match(part):
            years.append(part)
        elif not venue:
            if not re.search(r"[A-Za-z]{2}", part):
                leftovers.append(part)
                continue
            _extend_venue(parts, index)
            venue, trailing = _venue_and_numbers(parts[index])
            for number in trailing:
                _place_number(ref, number)
        elif (match := _PAGE_RANGE_RE.match(part)) and not ref.pages:
            ref.pages = _pages(match.group(1), match.group(2))
        elif _PUBLISHER_RE.match(part) and not ref.publisher:
            ref.publisher = part.rstrip(".")
            cities = []
            for rest in parts[index + 1 :]:
                if _PLACE_RE.match(rest) and not _PUBLISHER_RE.match(rest):
                    cities.append(rest)
                else:
                    break
            if cities:
                ref.address = ", ".join(cities)
                parts[index + 1 : index + 1 + len(cities)] = [""] * len(cities)
        elif re.fullmatch(r"\d+[a-z]?", part):
            _place_number(ref, part)
        elif part:
            leftovers.append(part)
    if not venue:
        return JournalRef(kind="", note=raw)
    leftovers = list(dict.fromkeys(leftovers))
    ref.kind = _kind(venue, leftovers, ref)
    if ref.kind == "article" and (match := re.search(rf"\s+({_YEAR})$|^({_YEAR})\s+", venue)):
        # "IEEE Access 2020", "2022 JINST": a journal's year is not part of its name.
        venue = venue[: match.start()] + venue[match.end() :]
        years.append(match.group(1) or match.group(2))
    ref.venue = venue
    if years:
        ref.year = years[-1]
    else:
        for place in (venue, *leftovers):
            if match := _YEAR_IN_NAME_RE.search(place):
                ref.year = match.group(1) or ""
                if ref.year:
                    break
    ref.extra = ref.extra + leftovers + asides
    ref.note = ", ".join(ref.extra)
    return ref


def _split_parts(text: str) -> list[str]:
    """Comma, semicolon and sentence separated parts, trimmed of punctuation.

    A period ends a part only after a word of 5+ letters, a year or a closing
    parenthesis (so ``Proc. IEEE Int. Conf.`` stays whole)."""
    text = re.sub(r"(\b[A-Za-z]{5,}|\)|\d{4})\.\s+(?=[A-Z(])", _sentence_end, text)
    text = re.sub(r"[,;]", " | ", text)
    parts = []
    for part in text.split("|"):
        part = part.strip().strip(".:,;").strip()
        part = re.sub(r"\s+", " ", part)
        if part:
            parts.append(part)
    return parts


#: Abbreviations of 5+ letters that end with a period inside a venue's name.
_ABBREVIATIONS = frozenset(
    "trans proc symp intell comput syst technol appl mach annu assoc inform graph intl "
    "journ lett anal robot neurosci stati engin".split()
)


def _sentence_end(match: re.Match[str]) -> str:
    word = match.group(1)
    if word.lower() in _ABBREVIATIONS:
        return match.group(0)
    return word + " | "


def _venue_and_numbers(part: str) -> tuple[str, list[str]]:
    """Split "Algorithms 13" or "Pattern Recognition Letters 202" into the venue
    and its trailing volume; a year is kept in the name ("CVPR 2026")."""
    trailing: list[str] = []
    while match := re.search(r"\s+([A-Z]?\d{1,6})$", part):
        if _BARE_YEAR_RE.match(match.group(1)):
            break
        trailing.insert(0, match.group(1))
        part = part[: match.start()]
    return part.strip(" .:,;"), trailing


def _extend_venue(parts: list[str], index: int) -> None:
    """Join back the commas of a venue's own name into ``parts[index]``:
    "Conference on AI, Ethics, and Society (AIES)", "Computer Science,
    Engineering and Applications (IJCSEA)"."""
    for end in range(index + 1, min(index + 4, len(parts))):
        between = parts[index + 1 : end + 1]
        if any(re.search(r"\d", p.split("(")[0]) or _PUBLISHER_RE.match(p) for p in between):
            return
        closes = re.search(r"\([A-Z][^()]*\)$", parts[end]) is not None
        oxford = parts[end].startswith("and ")
        # "Conference on Video, Signal and Image Processing"
        listed = end == index + 1 and re.search(r"\bon [A-Z][\w-]*$", parts[index]) and " and " in parts[end]
        if closes or oxford or listed:
            parts[index] = ", ".join(parts[index : end + 1])
            parts[index + 1 : end + 1] = []
            return


def _place_number(ref: JournalRef, number: str) -> None:
    """A bare number: the volume, else the issue, else an article number."""
    if not ref.volume and len(number) <= 4:
        ref.volume = number
    elif not ref.number and len(number) <= 3 and ref.volume:
        ref.number = number
    elif not ref.eid and not ref.pages:
        ref.eid = number
    else:
        ref.extra.append(number)


def _kind(venue: str, leftovers: list[str], ref: JournalRef) -> str:
    if _CONFERENCE_RE.search(" ".join([venue, *leftovers])):
        return "inproceedings"
    if _JOURNAL_RE.search(venue) or ref.number or ref.volume:
        return "article"
    if _YEAR_IN_NAME_RE.search(venue) or _ORDINAL_RE.search(venue):
        return "inproceedings"
    if _ACRONYM_RE.match(venue) and len(venue.split()) <= 4:
        return "inproceedings"
    return "article"
