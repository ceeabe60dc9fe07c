"""Cut what is left of a journal reference into its comma, semicolon and sentence
separated parts, without cutting inside parentheses or an abbreviated name."""

from __future__ import annotations

import re

__all__ = ["SEP", "split_parts", "trim_part"]

#: Separates the pieces while parsing (a "|" in the reference is just text).
SEP = "\x1f"


def split_parts(text: str) -> list[str]:
    """Comma, semicolon and sentence separated parts, trimmed of punctuation.

    Nothing inside parentheses splits (``Journal of Foo (JFOO, Elsevier)``).  A
    period ends a part only after a word of 5+ letters that is not an
    abbreviation (``Proc.``, ``Robot. Autom. Lett.``: a run of words ending in
    periods is one name), a year or a closing parenthesis."""
    protected = re.sub(r"\([^()]*\)", lambda m: m.group(0).replace(",", "\x1d").replace(";", "\x1e"), text)
    protected = _split_sentences(protected)
    protected = re.sub(r"[,;]", SEP, protected)
    parts = []
    for part in protected.split(SEP):
        part = part.replace("\x1d", ",").replace("\x1e", ";")
        part = trim_part(re.sub(r"\s+", " ", part))
        if re.search(r"[\w&]", part):
            parts.append(part)  # bare punctuation ("-", "( )") is dropped
    return parts


def trim_part(part: str) -> str:
    """``part`` without surrounding spaces and punctuation, but with the period
    of an abbreviated name ("IEEE Robot. Autom. Lett.")."""
    trimmed = part.strip(" .:,;")
    if part.rstrip(" ,;:").endswith(".") and re.search(r"\b[A-Z][a-z]{0,8}\.\s.*\b[A-Z][a-z]{0,8}$", trimmed):
        trimmed += "."
    return trimmed


#: Abbreviations of 5+ letters that end with a period inside a venue's name.
_ABBREVIATIONS = frozenset(
    "trans proc symp intell comput syst technol appl mach annu assoc inform graph intl "
    "journ lett anal robot neurosci stati engin autom geosci process learn".split()
)
_SENTENCE_RE = re.compile(r"(\b[A-Za-z]{5,}|\)|\d{4})\.\s+(?=[A-Z(])")
_ABBREVIATED_BEFORE_RE = re.compile(r"\b[A-Z][A-Za-z]{0,8}\.\s+$")
_ABBREVIATED_AFTER_RE = re.compile(r"[A-Z][A-Za-z]{0,8}\.(?:\s|$)")


def _split_sentences(text: str) -> str:
    """``text`` with a separator after each period that ends a sentence (not an abbreviation)."""
    def end(match: re.Match[str]) -> str:
        word = match.group(1)
        if word.isalpha():
            if word.lower() in _ABBREVIATIONS:
                return match.group(0)
            if _ABBREVIATED_BEFORE_RE.search(text, 0, match.start(1)) or _ABBREVIATED_AFTER_RE.match(text, match.end()):
                return match.group(0)
        return word + SEP

    return _SENTENCE_RE.sub(end, text)
