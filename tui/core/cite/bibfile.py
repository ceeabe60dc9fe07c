"""An existing ``.bib`` file: what it holds, and exports that never destroy it.

Headless and pure: these functions read text and return text or a plan; the
caller writes the file (atomically, keeping its mode and owner).

* :func:`scan_bib` finds each entry's type, key, arXiv id and DOI, and any
  text outside entries, with a forgiving scanner (a file BibTeX accepts is
  read; one it doesn't is read as far as it goes).
* :func:`plan_append` adds only the papers not already there (same arXiv id or
  DOI, whatever the key), with keys unique across the whole file, leaving every
  byte of the file as it was: running it twice adds nothing the second time.
* :func:`overwrite_losses` says what replacing a file would lose: entries this
  export would not write again under the same key, ``@string``/``@preamble``
  blocks, and text outside entries (or, for line formats, lines).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from ..models import ARXIV_ID_RE, Paper
from .fields import first_valid_doi
from .keys import DEFAULT_KEY_TEMPLATE

_ENTRY_START_RE = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
_KEY_RE = re.compile(r"\s*([^,\s{}()=\"#%'~\\]+)\s*,")
_FIELD_RE = re.compile(r"\b(eprint|doi|url|archiveprefix|eprinttype|journal|note|howpublished)\s*=\s*[{\"]", re.I)
_ARXIV_URL_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/(" + ARXIV_ID_RE.pattern + ")", re.I)
_ARXIV_TAG_RE = re.compile(r"arXiv:\s*(" + ARXIV_ID_RE.pattern + ")", re.I)
_DOI_IN_TEXT_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/\S+)$", re.I)
_NOT_ENTRIES = {"comment", "string", "preamble"}


@dataclass(slots=True)
class BibEntry:
    """One ``@type{key, ...}`` block of a file."""

    kind: str  # lower case
    key: str
    start: int
    end: int
    arxiv_id: str | None = None
    doi: str | None = None


@dataclass(slots=True)
class BibScan:
    """What a ``.bib`` file holds."""

    entries: list[BibEntry] = field(default_factory=list)
    #: ``@string`` and ``@preamble`` blocks (``@comment`` is a comment).
    others: list[BibEntry] = field(default_factory=list)
    #: Non-blank text outside any block (comments to BibTeX, but the user's).
    loose_text: list[str] = field(default_factory=list)

    @property
    def keys(self) -> set[str]:
        return {entry.key for entry in self.entries}

    @property
    def arxiv_ids(self) -> set[str]:
        return {entry.arxiv_id for entry in self.entries if entry.arxiv_id}

    @property
    def dois(self) -> set[str]:
        return {entry.doi.lower() for entry in self.entries if entry.doi}


def _block_end(text: str, open_at: int) -> int:
    """Index just past the delimiter closing the one at ``open_at`` (or the text's end).

    Braces nest; a block opened with ``(`` closes at the first ``)`` outside braces."""
    paren = text[open_at] == "("
    depth = 0
    index = open_at + 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and not paren:
                return index + 1
            depth = max(depth - 1, 0)
        elif char == ")" and paren and depth == 0:
            return index + 1
        index += 1
    return len(text)


def _field_value(body: str, start: int) -> str:
    """The value of a field whose opening delimiter is at ``start - 1``."""
    opener = body[start - 1]
    if opener == '"':
        end = body.find('"', start)
        return body[start : end if end >= 0 else len(body)]
    end = _block_end(body, start - 1)
    return body[start : end - 1]


def _identify(entry: BibEntry, body: str) -> None:
    for match in _FIELD_RE.finditer(body):
        name = match.group(1).lower()
        value = " ".join(_field_value(body, match.end()).split())
        if name == "doi" and entry.doi is None:
            if found := _DOI_IN_TEXT_RE.match(value.strip("{}")):
                entry.doi = found.group(1)
        elif name == "eprint" and entry.arxiv_id is None:
            if found := ARXIV_ID_RE.fullmatch(value.strip("{} ")):
                entry.arxiv_id = found.group("id")
        elif entry.arxiv_id is None and (found := _ARXIV_URL_RE.search(value) or _ARXIV_TAG_RE.search(value)):
            entry.arxiv_id = ARXIV_ID_RE.match(found.group(1)).group("id")  # type: ignore[union-attr]


def scan_bib(text: str) -> BibScan:
    """Read the blocks of a ``.bib`` file's text (see :class:`BibScan`)."""
    scan = BibScan()
    position = 0
    for match in _ENTRY_START_RE.finditer(text):
        if match.start() < position:
            continue  # an "@" inside the previous block
        loose = text[position : match.start()].strip()
        if loose:
            scan.loose_text.append(loose)
        kind = match.group(1).lower()
        end = _block_end(text, match.end() - 1)
        position = end
        if kind == "comment":
            continue
        key_match = _KEY_RE.match(text, match.end())
        key = key_match.group(1) if key_match and kind not in _NOT_ENTRIES else ""
        entry = BibEntry(kind=kind, key=key, start=match.start(), end=end)
        if kind in _NOT_ENTRIES or not key:
            scan.others.append(entry)
            continue
        _identify(entry, text[match.end() : end])
        scan.entries.append(entry)
    loose = text[position:].strip()
    if loose:
        scan.loose_text.append(loose)
    return scan


def already_in(paper: Paper, scan: BibScan) -> bool:
    """Whether ``scan`` has an entry for ``paper`` (same arXiv id, or same DOI)."""
    if paper.id in scan.arxiv_ids:
        return True
    doi = first_valid_doi(paper)
    return bool(doi and doi.lower() in scan.dois)


@dataclass(slots=True)
class AppendPlan:
    """What :func:`plan_append` would do."""

    text: str  # the whole new file text ("" when nothing is added)
    added: list[Paper]
    present: list[Paper]


def plan_append(
    existing: str,
    papers: Sequence[Paper],
    render,
    key_template: str = DEFAULT_KEY_TEMPLATE,
) -> AppendPlan:
    """Append entries for the ``papers`` not already in ``existing``.

    ``render(papers, key_template, taken_keys)`` is :func:`bibtex` or
    :func:`biblatex`.  The existing text is kept byte for byte: the new entries
    follow it after a blank line (and a newline if the file lacked its last).
    """
    scan = scan_bib(existing)
    seen: set[str] = set()
    added: list[Paper] = []
    present: list[Paper] = []
    for paper in papers:
        if paper.id in seen:
            continue
        seen.add(paper.id)
        (present if already_in(paper, scan) else added).append(paper)
    if not added:
        return AppendPlan(text="", added=[], present=present)
    taken = scan.keys | {entry.key for entry in scan.others if entry.key}
    entries = render(added, key_template, sorted(taken))
    if not existing.strip():
        text = existing + entries
    else:
        separator = "\n" if existing.endswith("\n") else "\n\n"
        text = existing + separator + entries
    return AppendPlan(text=text, added=added, present=present)


def overwrite_losses(existing: str, new_text: str, bib: bool) -> list[str]:
    """What replacing ``existing`` with ``new_text`` would lose, one line each
    (empty: the new export holds everything the file held).

    Bib formats: every entry must come back under the same key for the same
    paper (its fields may be rewritten); ``@string``/``@preamble`` blocks and
    text outside entries would be lost.  Other formats: every non-blank line
    must come back.
    """
    if not existing.strip():
        return []
    if not bib:
        new_lines = {line.strip() for line in new_text.splitlines()}
        return [line.strip() for line in existing.splitlines() if line.strip() and line.strip() not in new_lines]
    old, new = scan_bib(existing), scan_bib(new_text)
    new_by_key = {entry.key.lower(): entry for entry in new.entries}
    lost = []
    for entry in old.entries:
        again = new_by_key.get(entry.key.lower())
        same_paper = again is not None and (
            (entry.arxiv_id and entry.arxiv_id == again.arxiv_id)
            or (entry.doi and again.doi and entry.doi.lower() == again.doi.lower())
        )
        if not same_paper:
            lost.append(f"@{entry.kind}{{{entry.key}}}")
    lost += [f"@{entry.kind} block" for entry in old.others]
    lost += [f"text outside entries: {' '.join(text.split())[:60]!r}" for text in old.loose_text]
    return lost


def taken_keys(existing: str) -> Collection[str]:
    """Every key already used in ``existing``."""
    return scan_bib(existing).keys
