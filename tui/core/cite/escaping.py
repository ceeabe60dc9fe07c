"""Make arbitrary text safe inside a brace-delimited BibTeX field value.

Rules (all tested):

* bare ``& % #`` -> ``\\& \\% \\#`` everywhere (also in math, where ``%`` would
  comment out the rest); outside math ``_`` -> ``\\_``, ``^`` -> ``\\^{}`` and
  ``| < >`` -> ``\\textbar{}`` ``\\textless{}`` ``\\textgreater{}``;
  a ``$`` without a partner -> ``\\$``; a brace without a partner ->
  ``\\textbraceleft{}`` / ``\\textbraceright{}`` (``\\lbrace{}`` /
  ``\\rbrace{}`` in math), so every entry parses.  LaTeX already there
  (``\\&``, commands, formulas) is kept.
* Non-ASCII, BibTeX only: outside math, pylatexenc's table
  (``ü`` -> ``{\\"u}``, ``–`` -> ``{\\textendash}``, ``Σ`` ->
  ``{\\ensuremath{\\Sigma}}``), then accents by decomposition for the stacked
  accents it lacks (``ǘ`` -> ``{\\'{\\"u}}``); inside math the hand-written
  :data:`~tui.core.texmap.MATH_SYMBOLS` (``μ`` -> ``\\mu``), because the
  library's text-mode commands (``\\texttimes``) are errors in math mode.
  Characters with no LaTeX spelling (CJK) stay UTF-8, and so does Cyrillic
  (the library's ``\\CYRI`` needs a font encoding few documents load).  BibLaTeX keeps
  UTF-8 throughout.
* MathJax's ``\\unicode{x2013}`` becomes its character (then spelled as
  above); a line break ``\\\\`` outside math reads as a space; an accent with
  nothing after it (a title ending in ``\\"``) is the mark alone.
* Control characters and bidirectional controls are dropped and whitespace
  collapsed everywhere.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from ..mathspans import math_spans
from ..texmap import MATH_SYMBOLS, latin_to_latex

if TYPE_CHECKING:
    from pylatexenc.latexencode import UnicodeToLatexEncoder

_WS_RE = re.compile(r"\s+")
_LINE_WS_RE = re.compile(r"[\t\n\r\v\f]")
#: Unicode category Cc (these two ranges), and the bidirectional controls that
#: would reorder the text around them (U+202A-U+202E, U+2066-U+2069, the marks
#: U+200E, U+200F, U+061C): a citation must read as its characters.
#: Invisible characters with no part in any script go too: the zero-width space,
#: the word joiner and the zero-width no-break space (U+200B, U+2060, U+FEFF).
_CTRL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b\u2060\ufeff]")
#: MathJax's \unicode{x2013}, which LaTeX does not know: the character itself.
_UNICODE_RE = re.compile(r"(\$?)\\unicode\s*\{\s*(x[0-9a-fA-F]{1,6}|[0-9]{1,7})\s*\}(\$?)")
#: Text accents that need a letter (or a group) after them.
_ACCENT_SYMBOLS = set("\"'`^~=.")
#: Text without any of these needs no escaping at all (the common case).
_NEEDS_ESCAPE_RE = re.compile(r"[\\$&%#_^{}|<>]|[^\x00-\x7f]")

_TEXT_ESCAPES = {
    "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "^": r"\^{}", "$": r"\$",
    # In LaTeX's default (OT1) encoding these print as a dash and inverted marks.
    "|": r"\textbar{}", "<": r"\textless{}", ">": r"\textgreater{}",
}
_MATH_ESCAPES = {"&": r"\&", "%": r"\%", "#": r"\#"}
_KEEP_AFTER_BACKSLASH = set("&%#_$\\ ,;:!'\"`^~.=-|/()[]@")


def clean_text(text: str | None) -> str:
    """Drop control characters and collapse whitespace (every format uses this)."""
    if not text:
        return ""
    text = _CTRL_RE.sub("", _LINE_WS_RE.sub(" ", text))
    return _WS_RE.sub(" ", text).strip()


def _unmatched_braces(text: str) -> set[int]:
    """Positions of braces with no partner.

    Escaped (``\\{``) and bare braces are paired separately, so the result
    balances whether a reader counts escaped braces (BibTeX does) or not.
    """
    bad: set[int] = set()
    stacks: dict[bool, list[int]] = {True: [], False: []}
    i = 0
    while i < len(text):
        ch = text[i]
        escaped = False
        if ch == "\\" and i + 1 < len(text):
            if text[i + 1] in "{}":
                escaped, i = True, i + 1
                ch = text[i]
            else:
                i += 2
                continue
        if ch == "{":
            stacks[escaped].append(i)
        elif ch == "}":
            if stacks[escaped]:
                stacks[escaped].pop()
            else:
                bad.add(i)
        i += 1
    bad.update(stacks[True])
    bad.update(stacks[False])
    return bad


def latex_escape(text: str | None, *, ascii_only: bool = True) -> str:
    """Make ``text`` safe inside a BibTeX brace-delimited field value.

    LaTeX already in the text (math, commands, escapes) is kept; see the module
    docstring for the rules.  With ``ascii_only`` (BibTeX) non-ASCII characters
    get LaTeX spellings where they have one; without it (BibLaTeX) they stay UTF-8.
    """
    text = clean_text(text)
    if not _NEEDS_ESCAPE_RE.search(text):
        return text
    if "\\unicode" in text:
        text = _UNICODE_RE.sub(_unicode_character, text)
    bad = _unmatched_braces(text)
    out: list[str] = []
    for is_math, start, end in math_spans(text):
        i = start
        while i < end:
            ch = text[i]
            nxt = text[i + 1] if i + 1 < end else ""
            if ch in "{}" or (ch == "\\" and nxt in ("{", "}") and nxt):
                pos = i + 1 if ch == "\\" else i
                brace = text[pos]
                if pos in bad:
                    if is_math:
                        out.append(r"\lbrace{}" if brace == "{" else r"\rbrace{}")
                    else:
                        out.append(r"\textbraceleft{}" if brace == "{" else r"\textbraceright{}")
                else:
                    out.append(text[i : pos + 1])
                i = pos + 1
                continue
            if ch == "\\":
                if nxt.isascii() and nxt.isalpha():
                    j = i + 1
                    while j < end and text[j].isascii() and text[j].isalpha():
                        j += 1
                    out.append(text[i:j])
                    i = j
                elif nxt == "\\" and not is_math:
                    out.append(" ")  # a line break in a title or a name reads as a space
                    i += 2
                elif nxt in _ACCENT_SYMBOLS and not is_math and not re.match(r"[A-Za-z{\\]", text[i + 2 : i + 3]):
                    # An accent with nothing to put it on (a title ending in \"): the mark
                    # alone ("^" and "~" as LaTeX's own \^{} and \~{}).
                    out.append(nxt if nxt not in "^~" else f"\\{nxt}{{}}")
                    i += 2
                elif nxt in _KEEP_AFTER_BACKSLASH and nxt:
                    out.append(text[i : i + 2])
                    i += 2
                else:  # lone backslash: end of text or before something odd
                    out.append(r"\backslash{}" if is_math else r"\textbackslash{}")
                    i += 1
                continue
            if is_math:
                if ch in _MATH_ESCAPES:
                    out.append(_MATH_ESCAPES[ch])
                elif ascii_only and ch in MATH_SYMBOLS:
                    cmd = MATH_SYMBOLS[ch]
                    # "\mu" before a letter needs a space to end the command.
                    if cmd[-1].isalpha() and nxt.isascii() and nxt.isalpha():
                        cmd += " "
                    out.append(cmd)
                else:
                    out.append(ch)
            elif ch in _TEXT_ESCAPES:
                out.append(_TEXT_ESCAPES[ch])
            elif ascii_only and not ch.isascii():
                out.append(non_ascii_to_latex(ch))
            else:
                out.append(ch)
            i += 1
    # Parsers such as bibtexparser read "\\}" as an escaped brace: a space
    # keeps a LaTeX line break off any brace that follows it (or the field's end).
    for n, piece in enumerate(out):
        if piece == "\\\\" and (n + 1 == len(out) or out[n + 1][:1] in ("{", "}")):
            out[n] = "\\\\ "
    result = _WS_RE.sub(" ", "".join(out)).strip()
    # A control space ("\\ ") at the very end loses its space to the strip: an odd
    # run of backslashes left there would escape the field's closing brace.
    if (len(result) - len(result.rstrip("\\"))) % 2:
        result = result[:-1].rstrip()
    return result


def _unicode_character(match: re.Match[str]) -> str:
    code = match.group(2)
    try:
        char = chr(int(code[1:], 16) if code[0] in "xX" else int(code))
    except (ValueError, OverflowError):
        return match.group(0)
    if match.group(1) and match.group(3):
        return char  # "$\unicode{x2013}$": a character in running text
    return match.group(1) + char + match.group(3)


@lru_cache(maxsize=4096)
def non_ascii_to_latex(ch: str) -> str:
    """The text-mode LaTeX spelling of one non-ASCII character, else the character."""
    if "\u0400" <= ch <= "\u04ff":
        return ch  # the library's \CYRI needs the T2A font encoding: UTF-8 is as good
    spelled = _library_encoder().unicode_to_latex(ch)
    if spelled != ch:
        return spelled
    return latin_to_latex(ch) or ch  # stacked accents the library lacks; else UTF-8


@lru_cache(maxsize=1)
def _library_encoder() -> UnicodeToLatexEncoder:
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    # The library logs every character it can't spell (CJK...): we keep those as UTF-8.
    logging.getLogger("pylatexenc.latexencode").setLevel(logging.ERROR)
    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy="keep",
    )
