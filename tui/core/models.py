"""Plain data records shared by every layer: papers, digest references, state.

These are the contract between the parser, the store, the query engine, the
citation formats and the UI. They hold data only; behaviour lives elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

#: New-style (``2201.12944``) and old-style (``quant-ph/9802028``) arXiv ids,
#: with an optional ``vN`` version suffix.
ARXIV_ID_RE = re.compile(
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?"
)


@dataclass(frozen=True, slots=True, order=True)
class DigestRef:
    """One daily digest a paper appeared in: its category and ISO date."""

    category: str
    date: str  # "YYYY-MM-DD"

    def to_dict(self) -> dict[str, str]:
        return {"category": self.category, "date": self.date}


@dataclass(slots=True)
class Paper:
    """One arXiv paper, merged over every digest block that mentioned it.

    ``id`` is the arXiv identifier without version (``2201.12944`` or
    ``quant-ph/9802028``); ``version`` is the highest version seen.  Absent
    digest fields (``None`` in the Markdown) are ``None`` here.
    """

    id: str
    version: int
    title: str
    authors: list[str] = field(default_factory=list)
    primary_category: str = ""
    #: arXiv categories, primary first, without duplicates.
    categories: list[str] = field(default_factory=list)
    #: MSC / ACM class strings from the Categories line, kept apart.
    classes: list[str] = field(default_factory=list)
    #: Every DOI of the DOI field, in order; empty when the digest says None.
    dois: list[str] = field(default_factory=list)
    published: str | None = None  # "YYYY-MM-DD HH:MM:SS+00:00" as written
    updated: str | None = None
    comment: str | None = None
    journal_ref: str | None = None
    summary: str = ""
    #: Every digest this paper appeared in, sorted, without duplicates.
    digests: list[DigestRef] = field(default_factory=list)
    pdf_url: str | None = None

    @property
    def doi(self) -> str | None:
        """The first DOI, or ``None``."""
        return self.dois[0] if self.dois else None

    @property
    def versioned_id(self) -> str:
        return f"{self.id}v{self.version}"

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.id}"

    @property
    def first_digest_date(self) -> str:
        """The earliest digest date ("" when unknown): the paper's listing day."""
        return self.digests[0].date if self.digests else ""

    @property
    def latest_digest_date(self) -> str:
        return max((d.date for d in self.digests), default="")

    @property
    def year(self) -> str:
        """Publication year from ``published``, else from the first digest."""
        source = self.published or self.first_digest_date
        return source[:4] if source else ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict for storage (round-trips with :meth:`from_dict`)."""
        data = asdict(self)
        data["digests"] = [[d.category, d.date] for d in self.digests]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        values = dict(data)
        values["digests"] = [DigestRef(c, d) for c, d in values.get("digests", [])]
        return cls(**values)


@dataclass(slots=True)
class PaperState:
    """What the user did with a paper, keyed by id without version."""

    id: str
    read: bool = False
    read_at: str | None = None  # ISO timestamp, UTC
    starred: bool = False
    starred_at: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in an input file, reported instead of raised."""

    path: str
    line: int  # 1-based; 0 when it concerns the whole file
    message: str

    def __str__(self) -> str:
        """``path:line: message`` (``path: message`` for the whole file), safe to print
        (control characters in a file name escaped)."""
        from .safetext import escape_controls

        where = f"{self.path}:{self.line}" if self.line else self.path
        return escape_controls(f"{where}: {self.message}")


#: The ways a person writes one arXiv id: bare, ``arXiv:``-prefixed, or as an
#: arxiv.org URL (abs, pdf, html; http or https; optional ``www.``/``export.``;
#: optional ``.pdf``, trailing slash, query or fragment).
_WHOLE_ID_RE = re.compile(
    r"(?:arxiv:\s*|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/)?"
    + ARXIV_ID_RE.pattern
    + r"(?:(?<=\d)\.pdf)?/?(?:[?#]\S*)?",
    re.IGNORECASE,
)


def split_arxiv_id(text: str) -> tuple[str, int | None] | None:
    """Read ``text`` as one arXiv id: a bare id, an ``arXiv:`` id or an arxiv.org
    abs/pdf/html URL, with or without a version.

    The whole text must be the id: ``2608.050130`` or ``x2608.05013y`` is not
    ``2608.05013``.  Returns ``(id_without_version, version_or_None)`` or
    ``None``.
    """
    match = _WHOLE_ID_RE.fullmatch(text.strip())
    if not match:
        return None
    version = match.group("version")
    return match.group("id"), int(version) if version else None


def bare_id(text: str) -> str:
    """``2201.12944v5`` -> ``2201.12944``; anything else is returned stripped."""
    text = text.strip()
    found = split_arxiv_id(text)
    return found[0] if found else text
