"""The vocabulary :mod:`.journal` reads journal references with: publishers,
book series, words that mark a conference or a journal, well-known acronyms,
and what an author writes instead of a venue ("Under review")."""

from __future__ import annotations

import re

YEAR = r"(?:19[5-9]\d|20\d\d)"
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DASH = r"\s*(?:-+|–|—|\bto\b)\s*"

PUBLISHERS = (
    "ACM", "IEEE", "IEEE Computer Society", "Springer", "Springer Nature", "Springer Vieweg",
    "Springer International Publishing", "Elsevier", "IOS Press", "IOP Publishing", "Wiley",
    "MIT Press", "SPIE", "PMLR", "AAAI Press", "Curran Associates", "Taylor & Francis",
    "World Scientific", "Cambridge University Press", "Oxford University Press", "MDPI",
)
PUBLISHER_RE = re.compile(r"^(?:" + "|".join(re.escape(p) for p in PUBLISHERS) + r")\.?$", re.I)
PLACE_RE = re.compile(r"^[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){0,2}$")

#: Book series that publish proceedings: exported as ``series`` + ``volume``,
#: with the conference (when the reference names it) as ``booktitle``.
SERIES_RE = re.compile(
    r"^(?:Lecture Notes in (?:Computer Science|Artificial Intelligence|Bioinformatics|Electrical Engineering|"
    r"Networks and Systems|Business Information Processing)|LNCS|LNAI|LNBI|LNEE|LNNS|LNBIP|"
    r"Communications in Computer and Information Science|CCIS|"
    r"Frontiers in Artificial Intelligence and Applications|FAIA|"
    r"Advances in Intelligent Systems and Computing|Studies in Computational Intelligence|"
    r"Smart Innovation,? Systems and Technologies|"
    r"Proceedings of Machine Learning Research|PMLR|CEUR Workshop Proceedings|CEUR-WS|"
    r"(?:Proc\.?|Proceedings) (?:of )?(?:the )?SPIE)"
    r"(?:\s*\([A-Z-]+\))?(?=$|\s)",
    re.I,
)

#: Words that make a venue a conference.  Abbreviations end with their period
#: (``Proc.`` then a space or the end: ``\b`` can't follow a period).
CONFERENCE_RE = re.compile(
    r"\b(?:Proceedings|Conference|Workshops?|Symposium|Summit|Meeting|Congress|Colloquium|Track|"
    r"Tiny Papers|Challenges?|Session|Convention|Forum on|Papers|Association)\b|\b(?:Proc|Conf|Symp|Worksh)\.",
    re.I,
)
#: Words that make a venue a journal.
JOURNAL_RE = re.compile(
    r"\b(?:Journal|Transactions|Letters?|Magazine|Reviews?|Access|Frontiers|Nature|Science|Bulletin|"
    r"Annals|Archives?|Systems|Research|Computation|Fusion|Networks|Communications)\b|"
    r"\b(?:J|Trans|Lett|Mag|Rev|Syst|Res|Commun|Ann)\.",
    re.I,
)
#: A name that starts as a journal's does ("Journal of the ... Association").
JOURNAL_NAME_RE = re.compile(
    r"^(?:(?:The|IEEE|ACM|IEEE/ACM|International|European|American|Chinese)\s+)*"
    r"(?:Journal|Transactions|Letters)\b|^(?:\w+\s+)?(?:J|Trans)\.",
)
#: Journals known by their acronym (an acronym alone is otherwise a conference).
JOURNAL_ACRONYMS = frozenset(
    "TMLR JMLR TPAMI PAMI IJCV TIP TOG TVCG TNNLS TMI MEDIA JAIR RAL RA-L IJRR TACL PNAS JINST TCSVT "
    "TGRS TKDE TOIS CSUR TIST TMM TASLP NECO".split()
)
#: NeurIPS's proceedings, written out or abbreviated: a conference with a volume.
NEURIPS_RE = re.compile(
    r"^(?:Advances in Neural Information Processing Systems|Adv\.? Neural Inf\.? Process\.? Syst\.?)"
    r"(?:\s+(?P<volume>\d{1,3}))?(?:\s*\((?:NeurIPS|NIPS)\s*'?(?P<year>" + YEAR + r"|\d\d)?\))?$",
    re.I,
)
ORDINAL_RE = re.compile(
    r"\b\d+\s*(?:st|nd|rd|th)\b|\b(?:First|Second|Third|Fourth|Fifth|Forty-\w+|Thirty-\w+|Twenty-\w+)\b", re.I
)
#: A short name led by an acronym: "VISAPP", "ETRA", "OCEANS Brest" (not "IEEE Access").
ACRONYM_RE = re.compile(r"^(?!IEEE\b|ACM\b)[A-Z][A-Za-z]*[A-Z][A-Za-z-]*\b")
#: A conference's short name with its year: "MICCAI 2025", "ApplePies 2023", "ECAI 2025".
SHORT_NAME_WITH_YEAR_RE = re.compile(rf"^(?!IEEE\b|ACM\b)[A-Z][A-Za-z]*[A-Z][A-Za-z-]*'?\s*{YEAR}$")

#: "Accepted at X", "To appear in X": X is the venue, the status a note.
STATUS_PREFIX_RE = re.compile(
    r"^(?P<status>accepted(?:\s+for\s+publication)?|to\s+appear|in\s+press|forthcoming|published)"
    r"\s*(?:at|in|to|by|for)?\s*:?\s+(?P<rest>.+)$",
    re.I,
)
#: What authors write instead of a venue: never exported as one.
NOT_A_VENUE_RE = re.compile(
    r"^(?:under\s+review|submitted|in\s+submission|under\s+submission|preprint|arxiv\s+preprint|"
    r"accepted|to\s+appear|in\s+press|forthcoming|work\s+in\s+progress|camera[-\s]ready)\b\W*(?:$|\w)",
    re.I,
)
#: A journal reference that says there is none.
NO_REFERENCE = frozenset({"none", "n/a", "na", "null", "-", "--", "tba", "tbd"})

#: "Zang, X., Jiang, Z. ..." or "Chamika, T.; Dhanapala, S.N.A.; ...": a whole citation.
AUTHOR_LIST_RE = re.compile(r"^[A-Z][\w'-]+,\s+(?:[A-Z]\.\s*)+[,;]")
#: A chapter of an edited book: "In: Lee JH. (eds) ...".
BOOK_RE = re.compile(r"\((?:eds?|Eds?)\.?\)")
