"""Where a digest file says (or its path tells) which category and day it holds."""

from __future__ import annotations

import re

__all__ = ["parse_header", "path_fallback"]

_HEADER_PREFIX = "# Arxiv Papers in "
_PATH_RE = re.compile(r"(?:^|[/\\])([^/\\]+)[/\\](\d{4})[/\\](\d{2})[/\\](\d{8})\.md$")


def path_fallback(path: str) -> tuple[str | None, str | None]:
    """Category and ISO date from ``<cat>/<YYYY>/<MM>/<YYYYMMDD>.md``."""
    match = _PATH_RE.search(path)
    if not match:
        return None, None
    cat, _year, _month, day = match.groups()
    return cat, f"{day[:4]}-{day[4:6]}-{day[6:]}"


def _is_iso_date(text: str) -> bool:
    return (
        len(text) == 10
        and text[4] == "-"
        and text[7] == "-"
        and text[:4].isdigit()
        and text[5:7].isdigit()
        and text[8:].isdigit()
    )


def parse_header(line: str) -> tuple[str | None, str | None]:
    """``# Arxiv Papers in <cat> on <YYYY-MM-DD>`` -> (cat, date), None when odd."""
    if not line.startswith(_HEADER_PREFIX):
        return None, None
    rest = line[len(_HEADER_PREFIX) :].strip()
    cat_part, sep, date_part = rest.rpartition(" on ")
    if not sep:
        cat_part, date_part = rest, ""
    cat_part = cat_part.strip()
    date_part = date_part.strip()
    cat = cat_part if cat_part and " " not in cat_part else None
    date = date_part if _is_iso_date(date_part) else None
    return cat, date

