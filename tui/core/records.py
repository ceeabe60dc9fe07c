"""Flat, JSON-ready records of papers for scripts (``list --format jsonl``, ``export``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import orjson

from .safetext import inert_json

from .models import Paper, PaperState


def paper_record(paper: Paper, state: PaperState | None = None) -> dict:
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
    }


def jsonl(papers: Iterable[Paper], states: Mapping[str, PaperState]) -> str:
    """One JSON object per line (UTF-8 kept as is, but bidi and C1 controls as ``\\u``
    escapes: the same data, inert on a terminal), ending with a newline."""
    lines = [
        orjson.dumps(paper_record(paper, states.get(paper.id))).decode("utf-8") for paper in papers
    ]
    return inert_json("".join(line + "\n" for line in lines))
