"""The reader behind :mod:`tui.core.latex`: one LaTeX fragment to pieces of
text (``("t", ...)``, to escape) and Markdown (``("m", ...)``, kept as is).

Text mode finds its own formulas (``$...$``, ``$$...$$``, ``\\(...\\)``,
``\\[...\\]`` and math environments such as ``equation*``), so a formula inside
``\\emph{...}`` or ``\\textbf{...}`` is read like any other.  Braces are paired
once per fragment (unmatched ones cost no rescans)."""

from __future__ import annotations

import re
import unicodedata

from . import latex_tables as T
from .mathspans import find_closing

#: Macros handled by :meth:`_Converter.special`.
_SPECIAL_MACROS = {
    "|", "unicode", "url", "href", "textsuperscript", "textsubscript", "textcolor", "color",
    "cite", "citep", "citet", "citealp", "ref", "eqref", "autoref", "cref", "Cref", "footnote",
}
#: References show their key in brackets: "\\cite{bisenet}" -> "[bisenet]".
_REFERENCES = {"cite", "citep", "citet", "citealp", "ref", "eqref", "autoref", "cref", "Cref"}
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

# Output pieces: ("t", text) is literal text to escape, ("m", text) Markdown to keep.
Piece = tuple[str, str]
_Piece = Piece


class _Converter:
    """Recursive-descent reader of one LaTeX fragment (math or text mode)."""

    def __init__(self, source: str) -> None:
        self.s = source
        self.pos = 0
        #: False as soon as something could not be converted.
        self.ok = True
        self._pairs: dict[int, int] | None = None
        #: Closing delimiters known to be absent from here on (no rescans).
        self._missing: set[str] = set()

    # -- reading --------------------------------------------------------------

    def peek(self) -> str:
        return self.s[self.pos] if self.pos < len(self.s) else ""

    def read_macro_name(self) -> str:
        """Read the name after a backslash (letters, or one other character)."""
        start = self.pos
        while self.pos < len(self.s) and self.s[self.pos].isascii() and self.s[self.pos].isalpha():
            self.pos += 1
        if self.pos == start and self.pos < len(self.s):
            self.pos += 1
        return self.s[start:self.pos]

    def skip_spaces(self) -> None:
        while self.peek() == " ":
            self.pos += 1

    def group_end(self, start: int) -> int | None:
        """Index of the brace closing the one at ``start``, or None if unbalanced."""
        if self._pairs is None:
            self._pairs = _pair_braces(self.s)
        return self._pairs.get(start)

    def read_argument(self) -> str | None:
        """The raw source of the next argument: a braced group, a macro or a char."""
        saved = self.pos
        self.skip_spaces()
        char = self.peek()
        if not char or char == "}":
            self.pos = saved
            return None
        if char == "{":
            end = self.group_end(self.pos)
            if end is None:
                self.pos = saved
                return None
            source = self.s[self.pos + 1:end]
            self.pos = end + 1
            return source
        if char == "\\":
            start = self.pos
            self.pos += 1
            name = self.read_macro_name()
            # A macro with arguments takes them along (``_\text{b}``).
            for _ in range(T.ARGUMENT_COUNT.get(name, 0)):
                probe = self.pos
                while probe < len(self.s) and self.s[probe] == " ":
                    probe += 1
                end = self.group_end(probe) if self.s[probe:probe + 1] == "{" else None
                if end is None:
                    break
                self.pos = end + 1
            return self.s[start:self.pos]
        self.pos += 1
        return char

    # -- converting -----------------------------------------------------------

    def convert(self, math: bool) -> list[_Piece]:
        """Convert from the current position to the end of the source."""
        pieces: list[_Piece] = []
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

    def inline_math(self) -> list[_Piece]:
        """A ``$...$`` or ``$$...$$`` at ``pos`` (a ``$`` that opens nothing is text)."""
        delimiter = "$$" if self.s.startswith("$$", self.pos) else "$"
        start = self.pos + len(delimiter)
        close = find_closing(self.s, start, delimiter)
        if close is not None and delimiter == "$" and not _looks_like_math(self.s, self.pos, close):
            close = None
        if close is None:
            self.pos += len(delimiter)
            return [("t", delimiter)]
        self.pos = close + len(delimiter)
        return self.formula(self.s[start:close], delimiter, delimiter)

    def formula(self, source: str, opening: str, closing: str) -> list[_Piece]:
        """A formula's source converted; one that can't be keeps its delimiters."""
        inner = _Converter(source)
        pieces = inner.convert(True)
        if not inner.ok:
            return [("t", opening), *pieces, ("t", closing)]
        return pieces

    def delimited_math(self, opening: str) -> list[_Piece]:
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

    def environment(self, start: int, math: bool) -> list[_Piece]:
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

    def braced_argument_text(self) -> str | None:
        """The source of one braced argument at ``pos`` (after spaces), or None."""
        probe = self.pos
        while probe < len(self.s) and self.s[probe] == " ":
            probe += 1
        if self.s[probe:probe + 1] != "{":
            return None
        end = self.group_end(probe)
        if end is None:
            return None
        self.pos = end + 1
        return self.s[probe + 1:end]

    def sub(self, source: str, math: bool) -> tuple[list[_Piece], bool]:
        """Convert an argument's source on its own."""
        inner = _Converter(source)
        pieces = inner.convert(math)
        return pieces, inner.ok

    def brace_group(self, math: bool) -> list[_Piece]:
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

    def macro(self, math: bool) -> list[_Piece]:
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
        if name in _SPECIAL_MACROS:
            return self.special(name, start, math)
        if math and name in T.SHORTHANDS:
            return [("t", T.SHORTHANDS[name])]
        return self.unknown(name, start, math)

    def braced_arguments(self) -> list[str]:
        """The sources of the braced arguments that follow (possibly none)."""
        arguments = []
        while True:
            probe = self.pos
            while probe < len(self.s) and self.s[probe] == " ":
                probe += 1
            if probe < len(self.s) and self.s[probe] == "{":
                end = self.group_end(probe)
                if end is not None:
                    arguments.append(self.s[probe + 1:end])
                    self.pos = end + 1
                    continue
            return arguments

    def unknown(self, name: str, start: int, math: bool) -> list[_Piece]:
        """A macro we don't know (an author's own ``\\DWT``) keeps its backslash,
        so the reader sees it is a command.  In text it is kept as written; in
        a formula its arguments are converted, in their braces."""
        arguments = self.braced_arguments()
        if not math:
            self.ok = False
            return [("t", self.s[start:self.pos])]
        pieces: list[_Piece] = [("t", "\\" + name)]
        for argument in arguments:
            inner, ok = self.sub(argument, math)
            self.ok &= ok
            pieces += [("t", "{"), *inner, ("t", "}")]
        return pieces

    def math_accent(self, name: str, start: int, math: bool) -> list[_Piece]:
        """``\\hat{x}`` -> x̂: the accent's combining mark on every letter."""
        argument = self.read_argument()
        if argument is None:
            self.ok = False
            return [("t", self.s[start:self.pos])]
        pieces, ok = self.sub(argument, math)
        self.ok &= ok
        mark = T.MATH_ACCENTS[name]
        return [(kind, "".join(c + mark if c.strip() else c for c in text) if kind == "t" else text)
                for kind, text in pieces]

    def special(self, name: str, start: int, math: bool) -> list[_Piece]:
        """Macros that take their arguments apart: links, \\unicode, text scripts."""
        if name == "|":
            return [("t", "‖")]
        arguments = self.braced_arguments()
        needed = {"href": 2, "color": 1, "textcolor": 1}.get(name, 1)
        if len(arguments) < needed:
            self.ok = False
            return [("t", self.s[start:self.pos])]
        if name == "unicode":
            code = arguments[0].strip().lower()
            try:
                value = int(code[1:], 16) if code.startswith("x") else int(code)
                return [("t", chr(value))]
            except (ValueError, OverflowError):
                self.ok = False
                return [("t", self.s[start:self.pos])]
        if name == "url":
            return [("t", arguments[0])]
        if name in _REFERENCES:
            return [("t", "[" + arguments[-1].strip() + "]")]
        if name in ("textcolor", "color", "footnote"):
            # \\textcolor{red}{text} shows the text; \\color{red} alone shows nothing.
            if name != "footnote" and len(arguments) < 2:
                return []
            text, ok = self.sub(arguments[-1], math)
            self.ok &= ok
            return [("t", " (") , *text, ("t", ")")] if name == "footnote" else text
        if name == "href":
            url = arguments[0].strip()
            text, ok = self.sub(arguments[1], False)
            self.ok &= ok
            return text if _plain(text).strip() == url else [*text, ("t", f" ({url})")]
        return self.script("^" if name == "textsuperscript" else "_", source=arguments[0])

    def accent(self, name: str, start: int) -> list[_Piece]:
        argument = self.read_argument()
        if argument is None or len(argument) != 1 or not argument.isalpha():
            if argument is not None:
                self.pos = start + 1 + len(name)
            self.ok = False
            return [("t", "\\" + name)]
        return [("t", unicodedata.normalize("NFC", argument + T.ACCENTS[name]))]

    def styled(self, name: str, start: int, math: bool) -> list[_Piece]:
        if name in ("bf", "it", "em"):
            # Old-style switches (\bf x) affect the rest of the group.
            rest, ok = self.sub(self.s[self.pos:], math)
            self.pos = len(self.s)
            self.ok &= ok
            return _wrap(rest, T.STYLED[name])
        argument = self.read_argument()
        if argument is None:
            self.ok = False
            return [("t", self.s[start:self.pos])]
        arg_math = math and name not in T.TEXT_ARG
        pieces, ok = self.sub(argument, arg_math)
        self.ok &= ok
        style = T.STYLED[name]
        if style in T.ALPHABETS:
            table = T.ALPHABETS[style]
            return [(kind, "".join(table.get(c, c) for c in text) if kind == "t" else text)
                    for kind, text in pieces]
        return _wrap(pieces, style)

    def fraction_or_root(self, name: str, start: int, math: bool) -> list[_Piece]:
        count = 1 if name == "sqrt" else 2
        arguments = []
        for _ in range(count):
            argument = self.read_argument()
            if argument is None:
                self.ok = False
                return [("t", self.s[start:self.pos])]
            pieces, ok = self.sub(argument, math)
            self.ok &= ok
            arguments.append(pieces)

        def operand(pieces: list[_Piece]) -> list[_Piece]:
            text = _plain(pieces)
            if len(text) <= 1 or text.isalnum():
                return pieces
            return [("t", "("), *pieces, ("t", ")")]

        if name == "sqrt":
            return [("t", "√"), *operand(arguments[0])]
        return [*operand(arguments[0]), ("t", "/"), *operand(arguments[1])]

    def script(self, mark: str, source: str | None = None) -> list[_Piece]:
        """A superscript (^) or subscript (_): Unicode where every character has
        one (x², xᵗʰ, x₀), else the mark and the converted argument (AP_BEV, x^(4 × 3))."""
        argument = self.read_argument() if source is None else source
        if argument is None:
            self.ok = False
            return [("t", mark)]
        pieces, ok = self.sub(argument, True)
        self.ok &= ok
        text = _plain(pieces)
        if mark == "^":
            table = {**T.SUPERSCRIPT, **T.SUPERSCRIPT_LETTERS}
        else:
            table = {**T.SUBSCRIPT, **T.SUBSCRIPT_LETTERS}
        if ok and all(kind == "t" for kind, _ in pieces):
            if mark == "^" and text in T.SUPERSCRIPT_AS_IS:
                return [("t", T.SUPERSCRIPT_AS_IS[text])]
            if text and all(c in table for c in text):
                return [("t", "".join(table[c] for c in text))]
        if text.isalnum() or len(text) <= 1:
            return [("t", mark), *pieces]
        return [("t", mark + "("), *pieces, ("t", ")")]


def _pair_braces(text: str) -> dict[int, int]:
    """Opening brace index -> its closing brace index, in one pass (escaped
    braces skipped); unmatched braces are absent."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            stack.append(index)
        elif char == "}" and stack:
            pairs[stack.pop()] = index
        index += 1
    return pairs


def _looks_like_math(text: str, opening: int, closing: int) -> bool:
    """Tell ``$x$`` from prices (``$5 and $10``): a formula has no space just
    inside its delimiters.  (A digit after the closing ``$`` is fine:
    ``0.90$\\pm$0.14``.)"""
    inside = text[opening + 1:closing]
    return not inside[0].isspace() and not inside[-1].isspace()


def _plain(pieces: list[_Piece]) -> str:
    return "".join(text for kind, text in pieces if kind == "t")


def _wrap(pieces: list[_Piece], style: str) -> list[_Piece]:
    """Wrap pieces in Markdown emphasis, keeping surrounding spaces outside."""
    if style not in ("bold", "italic") or not _plain(pieces).strip():
        return pieces
    marker = "**" if style == "bold" else "*"
    # Emphasis markers must touch non-space text on their inner side.
    pieces = list(pieces)
    lead = trail = ""
    if pieces and pieces[0][0] == "t":
        stripped = pieces[0][1].lstrip()
        lead = pieces[0][1][: len(pieces[0][1]) - len(stripped)]
        pieces[0] = ("t", stripped)
    if pieces and pieces[-1][0] == "t":
        stripped = pieces[-1][1].rstrip()
        trail = pieces[-1][1][len(stripped):]
        pieces[-1] = ("t", stripped)
    return [("t", lead), ("m", marker), *pieces, ("m", marker), ("t", trail)]
