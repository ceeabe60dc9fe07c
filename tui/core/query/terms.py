"""One ``field:value`` of the filter language -> a :class:`.nodes.Term`, its value checked.

``is:`` and ``has:`` values are named states, ``cat:`` and ``id:`` are normalised
(``arXiv:2201.12944v2`` is ``2201.12944``), dates become inclusive string bounds,
and text is folded (:func:`..textfold.fold`). What cannot be used is said in a warning.
"""

from __future__ import annotations

import calendar
import re
import unicodedata

from ..models import ARXIV_ID_RE
from ..textfold import fold
from .nodes import Term

_IS_VALUES = {
    "starred": "starred", "star": "starred", "read": "read", "unread": "unread", "new": "new", "muted": "muted",
}
_HAS_VALUES = {"tag": "tag", "tags": "tag", "note": "note", "notes": "note"}
#: Per field: the names its value may be (as typed -> as meant), and the choices a warning lists.
_NAMED_VALUES = {
    "is": (_IS_VALUES, "starred, read, unread, new, muted"),
    "has": (_HAS_VALUES, "tag, note"),
}
_DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_ARXIV_FULL = re.compile(r"(?:arxiv:)?(" + ARXIV_ID_RE.pattern + r")", re.IGNORECASE)


def make_term(key: str, value: str, warnings: list[str], label: str) -> Term | None:
    """The Term for field ``key`` (canonical, see :data:`.nodes.FIELD_ALIASES`) and ``value``;
    ``None`` when nothing can be searched (why, in ``warnings``, naming the field as typed: ``label``)."""
    if key == "date":
        return _date_term(value, warnings)
    if key in _NAMED_VALUES:  # is: and has: take one of a few names
        names, choices = _NAMED_VALUES[key]
        named = names.get(value.lower())
        if named is None:
            warnings.append(f"unknown {key}:{value} (use {choices})")
            return None
        return Term(key, value, named)
    if key == "tag":
        name = unicodedata.normalize("NFC", value.strip()).casefold()
        return Term("tag", value, name) if name else None
    if key == "cat":
        needle = value.strip().lower().rstrip(".")
        return Term("cat", value, needle) if needle else None
    if key == "id":
        needle = value.strip().lower()
        match = _ARXIV_FULL.fullmatch(needle)
        if match:  # a full id: drop "arXiv:" and the version
            needle = match.group("id")
        elif needle.startswith("arxiv:"):
            needle = needle[len("arxiv:") :]
        if not needle:
            warnings.append(f"ignored empty '{label}:'")
            return None
        return Term("id", value, needle)
    needle = fold(value).strip()
    if not needle:
        return None
    return Term(key, value, needle)


def _date_bound(text: str) -> str | None:
    """``2022``, ``2022-1``, ``2022-01-31``, ``2022/01/31``, ``20220131`` -> canonical prefix."""
    text = text.strip().replace("/", "-")
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE_RE.fullmatch(text)
    if not match:
        return None
    year, month, day = match.groups()
    if month is None:
        return year
    m = int(month)
    if not 1 <= m <= 12:
        return None
    if day is None:
        return f"{year}-{m:02d}"
    d = int(day)
    if not 1 <= d <= calendar.monthrange(int(year), m)[1]:
        return None
    return f"{year}-{m:02d}-{d:02d}"


def _date_term(value: str, warnings: list[str]) -> Term | None:
    """``date:`` value -> Term with inclusive string bounds ``lo <= d <= hi``.

    ``date:latest`` is the newest digest day of the library, resolved by the engine.
    """
    if value.strip().lower() == "latest":
        return Term("date", value, "latest")
    if ".." in value:
        left, _, right = value.partition("..")
        lo = _date_bound(left) if left.strip() else ""
        hi = _date_bound(right) if right.strip() else ""
        if lo is None or hi is None:
            bad = left if lo is None else right
            warnings.append(f"bad date {bad}")
            return None
        if not lo and not hi:
            warnings.append("ignored empty date range '..'")
            return None
        hi_key = hi + "~" if hi else "~"  # '~' sorts after digits and '-'
        if lo and hi and lo > hi_key:
            warnings.append(f"empty date range {value}")
        return Term("date", value, value, lo, hi_key)
    bound = _date_bound(value)
    if bound is None:
        warnings.append(f"bad date {value}")
        return None
    return Term("date", value, value, bound, bound + "~")
