"""An existing ``.bib`` file and exports that never destroy it.

Headless and pure: these functions read text (as :mod:`.bibread` reads it, the
way BibTeX does) and return a plan or a list of losses; the caller writes the
file (:mod:`tui.core.userfile`).

* :func:`entry_ids` finds which arXiv paper (and DOI) an entry is, however the
  tool that wrote it spelled the id: ``eprint = {arXiv:2608.05013v2}``,
  ``volume = {abs/2608.05013}`` (DBLP, Semantic Scholar), ``doi =
  {10.48550/arXiv.2608.05013}`` (arXiv's own DOI), ``arxivId`` (Mendeley),
  arXiv abs/pdf/html URLs, ``note = {arXiv 2608.05013}``...
* :func:`plan_append` adds only the papers not already there (same arXiv id or
  DOI, whatever the key), with keys unique across the whole file, leaving every
  byte of the file as it was: running it twice adds nothing the second time.
* :func:`overwrite_losses` says what replacing a file would lose: anything the
  new export would not write again with the same meaning (an entry under the
  same key, spelled with the same case, of the same type, with the same fields
  and values), ``@string``/``@preamble``/``@comment`` blocks, text outside
  entries, and text BibTeX could not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..models import Paper
from .bibread import BibBlock, BibScan, line_of, scan_bib
from .fields import first_valid_doi
from .keys import DEFAULT_KEY_TEMPLATE

_NEW_ID = r"\d{4}\.\d{4,5}"
_OLD_ID = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
_ID = rf"(?P<id>{_NEW_ID}|{_OLD_ID})(?:v\d+)?"
#: An id alone, as an eprint-like field holds it: "2608.05013", "arXiv:2608.05013v2",
#: "abs/2608.05013" (DBLP's volume), "hep-th/9901001".
_BARE_ID_RE = re.compile(rf"^(?:arxiv\s*[:.]?\s*|abs/)?{_ID}$", re.I)
#: An id inside free text: after "arXiv" (":", ".", "/" or a space), in an arXiv
#: URL (abs, pdf, html, format), or arXiv's DOI 10.48550/arXiv.ID.
_ID_IN_TEXT_RE = re.compile(
    rf"(?:arxiv\.org/(?:abs|pdf|html|format|ps)/|\barxiv\s*[:/.]?\s*){_ID}(?!\d)",
    re.I,
)
_DOI_RE = re.compile(r"(?:^|doi\.org/|doi:\s*)(10\.\d{4,9}/[^\s{}]+)", re.I)
#: Fields that name the entry's own identity (searched for an id alone or in text).
_ID_FIELDS = ("eprint", "arxivid", "arxiv_id", "arxiv", "eprintid")
#: Free-text fields that describe other works or the user's notes: never searched.
_NOT_SEARCHED = frozenset(
    {
        "abstract", "annote", "annotation", "comment", "comments", "review", "keywords", "file", "related",
        "mendeley-tags",
    }
)


@dataclass(frozen=True, slots=True)
class EntryIds:
    """The arXiv ids (without version) and DOIs one entry carries, in lower case."""

    arxiv: frozenset[str]
    dois: frozenset[str]


def entry_ids(entry: BibBlock) -> EntryIds:
    """Every arXiv id and DOI ``entry`` carries, in any of the usual spellings."""
    arxiv: set[str] = set()
    dois: set[str] = set()
    for name, parts in entry.fields.items():
        if name in _NOT_SEARCHED:
            continue
        value = " ".join("".join(text for _, text in parts).replace("{", "").replace("}", "").split())
        if name in _ID_FIELDS or name == "volume":
            if match := _BARE_ID_RE.match(value):
                arxiv.add(match.group("id").lower())
        arxiv.update(match.group("id").lower() for match in _ID_IN_TEXT_RE.finditer(value))
        if name in ("doi", "url", "howpublished", "note"):
            for match in _DOI_RE.finditer(value):
                doi = match.group(1).rstrip(".,;").lower()
                if doi.startswith("10.48550/arxiv."):
                    continue  # arXiv's own DOI: the id was taken above
                dois.add(doi)
    return EntryIds(frozenset(arxiv), frozenset(dois))


@dataclass(slots=True)
class BibContents:
    """The ids and keys a file already has (what :func:`plan_append` checks against)."""

    scan: BibScan
    arxiv_ids: set[str]
    dois: set[str]

    @classmethod
    def of(cls, text: str) -> BibContents:
        scan = scan_bib(text)
        arxiv: set[str] = set()
        dois: set[str] = set()
        for entry in scan.entries:
            ids = entry_ids(entry)
            arxiv |= ids.arxiv
            dois |= ids.dois
        return cls(scan, arxiv, dois)

    def has(self, paper: Paper) -> bool:
        """Whether the file has an entry for ``paper`` (same arXiv id, or same DOI)."""
        if paper.id.lower() in self.arxiv_ids:
            return True
        doi = first_valid_doi(paper)
        return bool(doi and doi.lower() in self.dois)

    @property
    def keys(self) -> set[str]:
        return self.scan.keys


@dataclass(slots=True)
class AppendPlan:
    """What :func:`plan_append` would do."""

    addition: str  # the text to add at the end of the file ("" when nothing is added)
    added: list[Paper]
    present: list[Paper]
    scan: BibScan  # the file as it is


def plan_append(
    existing: str,
    papers: Sequence[Paper],
    render: Callable[[Sequence[Paper], str, Sequence[str], Sequence[Paper] | None], str],
    key_template: str = DEFAULT_KEY_TEMPLATE,
    universe: Sequence[Paper] | None = None,
) -> AppendPlan:
    """The entries to add at the end of ``existing`` for the ``papers`` it lacks.

    ``render(papers, key_template, taken_keys, universe)`` is :func:`bibtex`
    or :func:`biblatex`.  The existing text is kept byte for byte: the addition
    starts with the newlines that put a blank line between it and the file's
    last line (none for an empty file).
    """
    contents = BibContents.of(existing)
    seen: set[str] = set()
    added: list[Paper] = []
    present: list[Paper] = []
    for paper in papers:
        if paper.id in seen:
            continue
        seen.add(paper.id)
        (present if contents.has(paper) else added).append(paper)
    if not added:
        return AppendPlan(addition="", added=[], present=present, scan=contents.scan)
    taken = contents.keys | {block.key for block in contents.scan.others if block.key}
    entries = render(added, key_template, sorted(taken), universe)
    if not existing.strip():
        separator = ""
    elif existing.endswith("\n\n"):
        separator = ""
    else:
        separator = "\n" if existing.endswith("\n") else "\n\n"
    return AppendPlan(addition=separator + entries, added=added, present=present, scan=contents.scan)


def _meaning(entry: BibBlock) -> dict[str, tuple[tuple[str, str], ...]]:
    """An entry's fields with their values' whitespace collapsed (what BibTeX sees)."""
    out = {}
    for name, parts in entry.fields.items():
        merged: list[tuple[str, str]] = []
        for kind, text in parts:
            text = " ".join(text.split())
            if merged and kind == "s" and merged[-1][0] == "s":
                merged[-1] = ("s", merged[-1][1] + text)
            else:
                merged.append((kind, text))
        out[name] = tuple(merged)
    return out


def _entry_loss(old: BibBlock, new: BibBlock | None) -> str | None:
    """Why the new export would not reproduce ``old`` (None: it would)."""
    label = f"@{old.kind}{{{old.key}}}"
    if new is None:
        return f"{label} (not in this export)"
    if new.key != old.key:
        return f"{label} (this export spells the key {new.key})"
    if new.kind != old.kind:
        return f"{label} (this export makes it @{new.kind})"
    old_fields, new_fields = _meaning(old), _meaning(new)
    extra = [name for name in old.field_order if name not in new_fields]
    changed = [name for name in old_fields if name in new_fields and old_fields[name] != new_fields[name]]
    repeated = len(old.field_order) != len(set(old.field_order))
    reasons = []
    if extra:
        reasons.append("fields this export does not write: " + ", ".join(dict.fromkeys(extra)))
    if changed:
        reasons.append("fields this export writes differently: " + ", ".join(changed))
    if repeated:
        reasons.append("a repeated field")
    return f"{label} ({'; '.join(reasons)})" if reasons else None


def overwrite_losses(existing: str, new_text: str, bib: bool) -> list[str]:
    """What replacing ``existing`` with ``new_text`` would lose, one line each
    (empty: the new export holds everything the file held, with the same meaning).

    Bib formats: see the module docstring.  Other formats: every non-blank
    line must come back.
    """
    if not existing.strip():
        return []
    if not bib:
        new_lines = {line.strip() for line in new_text.splitlines()}
        return [line.strip() for line in existing.splitlines() if line.strip() and line.strip() not in new_lines]
    old, new = scan_bib(existing), scan_bib(new_text)
    new_by_key: dict[str, BibBlock] = {}
    for entry in new.entries:
        new_by_key.setdefault(entry.key.lower(), entry)
    lost = []
    for entry in old.entries:
        if (reason := _entry_loss(entry, new_by_key.get(entry.key.lower()))) is not None:
            lost.append(reason)
    for block in old.others + old.comments:
        lost.append(f"@{block.kind} at line {line_of(existing, block.start)}")
    for problem in old.problems:
        lost.append(f"text BibTeX can't read at line {problem.line} ({problem.message})")
    problem_starts = {problem.start for problem in old.problems}
    for start, text in old.loose:
        if start not in problem_starts:
            lost.append(f"text outside entries at line {line_of(existing, start)}: {' '.join(text.split())[:50]!r}")
    return lost
