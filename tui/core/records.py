"""Flat, JSON-ready records of papers for scripts (``list --format jsonl``, ``export``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet

import orjson

from .safetext import inert_json

from .models import Paper, PaperState


def paper_record(
    paper: Paper, state: PaperState | None = None, tags: Sequence[str] = (), note: str = ""
) -> dict:
    """The documented jsonl record of one paper; absent values are ``None``."""
    return {
        "id": paper.id,
        "version": paper.version,
        "title": paper.title,
        "authors": list(paper.authors),
        "primary_category": paper.primary_category or None,
        "categories": list(paper.categories),
        "classes": list(paper.classes),
        "doi": paper.doi,
        "dois": list(paper.dois),
        "published": paper.published,
        "updated": paper.updated,
        "comment": paper.comment,
        "journal_ref": paper.journal_ref,
        "summary": paper.summary or None,
        "digests": [ref.to_dict() for ref in paper.digests],
        "abs_url": paper.abs_url,
        "pdf_url": paper.pdf_url,
        "read": bool(state and state.read),
        "starred": bool(state and state.starred),
        "tags": list(tags),
        "note": note or None,
    }


def jsonl(
    papers: Iterable[Paper],
    states: Mapping[str, PaperState],
    tags: Mapping[str, AbstractSet[str]] | None = None,
    notes: Mapping[str, str] | None = None,
) -> str:
    """One JSON object per line (UTF-8 kept as is, but bidi and C1 controls as ``\\u``
    escapes: the same data, inert on a terminal), ending with a newline.

    ``tags`` (tag -> ids) and ``notes`` (id -> note) fill each record's ``tags`` and ``note``.
    """
    notes = notes or {}
    tags_of: dict[str, list[str]] = {}
    for tag, ids in sorted((tags or {}).items()):
        for paper_id in ids:
            tags_of.setdefault(paper_id, []).append(tag)
    lines = [
        orjson.dumps(
            paper_record(paper, states.get(paper.id), tags_of.get(paper.id, ()), notes.get(paper.id, ""))
        ).decode("utf-8")
        for paper in papers
    ]
    return inert_json("".join(line + "\n" for line in lines))
