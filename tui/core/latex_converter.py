"""The reader behind :mod:`tui.core.latex`: one LaTeX fragment to pieces of
text (``("t", ...)``, to escape) and Markdown (``("m", ...)``, kept as is).

Text mode finds its own formulas (``$...$``, ``$$...$$``, ``\\(...\\)``,
``\\[...\\]`` and math environments such as ``equation*``), so a formula inside
``\\emph{...}`` or ``\\textbf{...}`` is read like any other.  Braces are paired
once per fragment (unmatched ones cost no rescans).

The converter is built in layers: :mod:`.latex_reader` reads (positions,
arguments, braces), :mod:`.latex_macros` converts macros that take arguments,
and this module walks the source and dispatches; :mod:`.latex_pieces` holds
the output type and helpers on it."""

from __future__ import annotations

import re

from . import latex_tables as T
from .latex_macros import SPECIAL_MACROS, MacroHandlers
from .latex_pieces import Piece, looks_like_math, plain_text
from .mathspans import find_closing

__all__ = ["LatexConverter", "Piece", "looks_like_math", "plain_text"]

#: Environments whose body is a formula.
_MATH_ENVIRONMENTS = {
    "equation", "equation*", "align", "align*", "aligned", "gather", "gather*", "multline", "multline*",
    "eqnarray", "eqnarray*", "displaymath", "math", "split", "flalign", "flalign*",
}
#: Operator names, which LaTeX sets apart from what precedes them ("N \\log N").
_OPERATORS = {name for name, value in T.SYMBOLS.items() if name == value and name.isalpha() and len(name) > 1}
#: Text-mode ligatures: --- and -- are dashes, `` and '' quotes.
_LIGATURES = re.compile(r"---|--|``|''")
_LIGATURE_TEXT = {"---": "—", "--": "–", "``": "“", "''": "”"}


class LatexConverter(MacroHandlers):
    """Recursive-descent reader of one LaTeX fragment (math or text mode)."""

    def convert(self, math: bool) -> list[Piece]:
        """Convert from the current position to the end of the source."""
        pieces: list[Piece] = []
        while self.pos < len(self.s):
            char = self.s[self.pos]
            if char == "\\":
                self.pos += 1
                pieces.extend(self.macro(math))
            elif char == "{":
                pieces.extend(self.brace_group(math))
            elif math and char in "^_":
                self.pos += 1
                pieces.extend(self.script(char))
            elif math and char == "~":
                self.pos += 1
                pieces.append(("t", " "))
            elif math and char == "&":
                self.pos += 1  # an alignment point
                pieces.append(("t", " "))
            elif not math and char == "$":
                pieces.extend(self.inline_math())
            else:
                # Plain run of characters up to the next special one.
                end = self.pos + 1
                stops = "\\{^_~&" if math else "\\{$"
                while end < len(self.s) and self.s[end] not in stops:
                    end += 1
                run = self.s[self.pos:end]
                if not math:
                    run = _LIGATURES.sub(lambda m: _LIGATURE_TEXT[m.group(0)], run)
                pieces.append(("t", run))
                self.pos = end
        return pieces

    def inline_math(self) -> list[Piece]:
        """A ``$...$`` or ``$$...$$`` at ``pos`` (a ``$`` that opens nothing is text)."""
        delimiter = "$$" if self.s.startswith("$$", self.pos) else "$"
        start = self.pos + len(delimiter)
        close = find_closing(self.s, start, delimiter)
        if close is not None and delimiter == "$" and not looks_like_math(self.s, self.pos, close):
            close = None
        if close is None:
            self.pos += len(delimiter)
            return [("t", delimiter)]
        self.pos = close + len(delimiter)
        return self.formula(self.s[start:close], delimiter, delimiter)

    def formula(self, source: str, opening: str, closing: str) -> list[Piece]:
        """A formula's source converted; one that can't be keeps its delimiters."""
        inner = LatexConverter(source)
        pieces = inner.convert(True)
        if not inner.ok:
            return [("t", opening), *pieces, ("t", closing)]
        return pieces

    def delimited_math(self, opening: str) -> list[Piece]:
        """``\\(...\\)`` or ``\\[...\\]`` whose opening ends at ``pos``."""
        closing = "\\)" if opening == "\\(" else "\\]"
        end = -1 if closing in self._missing else self.s.find(closing, self.pos)
        if end < 0:
            self._missing.add(closing)
            self.ok = False
            return [("t", opening)]
        source = self.s[self.pos:end]
        self.pos = end + 2
        return self.formula(source, opening, closing)

    def environment(self, start: int, math: bool) -> list[Piece]:
        """``\\begin{name}``: a math environment's body is a formula; in a formula
        the environment itself prints nothing; anything else stays as written."""
        name = (self.braced_argument_text() or "").strip()
        if math:
            if name in ("array", "tabular"):
                self.braced_argument_text()  # the column specification
            return []
        end_tag = "\\end{" + name + "}"
        known = name in _MATH_ENVIRONMENTS and end_tag not in self._missing
        end = self.s.find(end_tag, self.pos) if known else -1
        if end < 0:
            self._missing.add(end_tag)
            self.ok = False
            return [("t", self.s[start:self.pos])]
        source = self.s[self.pos:end]
        self.pos = end + len(end_tag)
        return [("t", " "), *self.formula(source, self.s[start:start + 8 + len(name)], end_tag), ("t", " ")]

    def sub(self, source: str, math: bool) -> tuple[list[Piece], bool]:
        """Convert an argument's source on its own."""
        inner = LatexConverter(source)
        pieces = inner.convert(math)
        return pieces, inner.ok

    def brace_group(self, math: bool) -> list[Piece]:
        """A ``{...}`` group: converted inside; its braces print in text, not in math."""
        end = self.group_end(self.pos)
        if end is None:
            # An unbalanced brace is kept as written.
            self.pos += 1
            self.ok = False
            return [("t", "{")]
        pieces, ok = self.sub(self.s[self.pos + 1:end], math)
        self.pos = end + 1
        self.ok &= ok
        if math:
            return pieces  # grouping braces print nothing in math
        return [("t", "{"), *pieces, ("t", "}")]

    def macro(self, math: bool) -> list[Piece]:
        """The macro whose backslash was just read, dispatched on its name."""
        start = self.pos - 1
        name = self.read_macro_name()
        if not name:
            self.ok = False
            return [("t", "\\")]
        if name == "\\":
            return [("t", " ")]  # a forced line break reads as a space
        if not math and name in ("(", "["):
            return self.delimited_math("\\" + name)
        if name == "begin":
            return self.environment(start, math)
        if name == "end" and math:
            self.braced_argument_text()
            return []
        if name in T.ESCAPED_CHARS:
            return [("t", name)]
        if name in T.SPACE_CHARS:
            return [("t", T.SPACE_CHARS[name])]
        if name in T.ACCENTS and (len(name) == 1):
            return self.accent(name, start)
        if name in T.STYLED:
            return self.styled(name, start, math)
        if name in ("sqrt", "frac", "dfrac", "tfrac"):
            return self.fraction_or_root(name, start, math)
        if name in T.SPACE_MACROS:
            return [("t", " ")]
        if name in T.INVISIBLE:
            return []
        if math and name in _OPERATORS:
            # "N\\log N" reads "N log N"; "(\\log x)" stays "(log x)".
            return [("t", (" " if self.s[:start].rstrip()[-1:].isalnum() else "") + name)]
        if name in T.SYMBOLS:
            return [("t", T.SYMBOLS[name])]
        if name in T.MATH_ACCENTS:
            return self.math_accent(name, start, math)
        if name in SPECIAL_MACROS:
            return self.special(name, start, math)
        if math and name in T.SHORTHANDS:
            return [("t", T.SHORTHANDS[name])]
        return self.unknown(name, start, math)
