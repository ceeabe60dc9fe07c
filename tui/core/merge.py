"""Merge the blocks of one paper seen in several digests into a single Paper."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Paper


def merge_papers(papers: Iterable[Paper]) -> dict[str, Paper]:
    """Merge papers by id: the newest version's fields win, digests are united.

    Returns a dict from id (without version) to the merged Paper, in first-seen order.
    """
    raise NotImplementedError
