"""How the LaTeX converter turns macros with arguments into text: accents, styles,
fractions, scripts, links, references, and the macros it does not know."""

from __future__ import annotations

import unicodedata

from . import latex_tables as T
from .latex_pieces import Piece, plain_text, wrap_emphasis
from .latex_reader import LatexReader

__all__ = ["SPECIAL_MACROS", "MacroHandlers"]

#: Macros handled by :meth:`MacroHandlers.special`.
SPECIAL_MACROS = {
    "|", "unicode", "url", "href", "textsuperscript", "textsubscript", "textcolor", "color",
    "cite", "citep", "citet", "citealp", "ref", "eqref", "autoref", "cref", "Cref", "footnote",
}
#: References show their key in brackets: "\\cite{bisenet}" -> "[bisenet]".
REFERENCES = {"cite", "citep", "citet", "citealp", "ref", "eqref", "autoref", "cref", "Cref"}


class MacroHandlers(LatexReader):
    """The converter's handlers for macros that take arguments (the converter subclasses this)."""

    def sub(self, source: str, math: bool) -> tuple[list[Piece], bool]:
        """Convert an argument's source on its own: ``(pieces, ok)`` (the converter provides it)."""
        raise NotImplementedError

    def unknown(self, name: str, start: int, math: bool) -> list[Piece]:
        """A macro we don't know (an author's own ``\\DWT``) keeps its backslash,
        so the reader sees it is a command.  In text it is kept as written; in
        a formula its arguments are converted, in their braces."""
        arguments = self.braced_arguments()
        if not math:
            self.ok = False
            return [("t", self.s[start:self.pos])]
        pieces: list[Piece] = [("t", "\\" + name)]
        for argument in arguments:
            inner, ok = self.sub(argument, math)
            self.ok &= ok
            pieces += [("t", "{"), *inner, ("t", "}")]
        return pieces

    def math_accent(self, name: str, start: int, math: bool) -> list[Piece]:
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

    def special(self, name: str, start: int, math: bool) -> list[Piece]:
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
        if name in REFERENCES:
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
            return text if plain_text(text).strip() == url else [*text, ("t", f" ({url})")]
        return self.script("^" if name == "textsuperscript" else "_", source=arguments[0])

    def accent(self, name: str, start: int) -> list[Piece]:
        """A text accent on one letter (``\\'e`` -> é); anything else stays as written."""
        argument = self.read_argument()
        if argument is None or len(argument) != 1 or not argument.isalpha():
            if argument is not None:
                self.pos = start + 1 + len(name)
            self.ok = False
            return [("t", "\\" + name)]
        return [("t", unicodedata.normalize("NFC", argument + T.ACCENTS[name]))]

    def styled(self, name: str, start: int, math: bool) -> list[Piece]:
        """Bold, italic and the math alphabets (``\\mathbb{R}`` -> ℝ)."""
        if name in ("bf", "it", "em"):
            # Old-style switches (\bf x) affect the rest of the group.
            rest, ok = self.sub(self.s[self.pos:], math)
            self.pos = len(self.s)
            self.ok &= ok
            return wrap_emphasis(rest, T.STYLED[name])
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
        return wrap_emphasis(pieces, style)

    def fraction_or_root(self, name: str, start: int, math: bool) -> list[Piece]:
        """``\\frac{a}{b}`` -> a/b and ``\\sqrt{x}`` -> √x, bracketing operands that need it."""
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

        def operand(pieces: list[Piece]) -> list[Piece]:
            text = plain_text(pieces)
            if len(text) <= 1 or text.isalnum():
                return pieces
            return [("t", "("), *pieces, ("t", ")")]

        if name == "sqrt":
            return [("t", "√"), *operand(arguments[0])]
        return [*operand(arguments[0]), ("t", "/"), *operand(arguments[1])]

    def script(self, mark: str, source: str | None = None) -> list[Piece]:
        """A superscript (^) or subscript (_): Unicode where every character has
        one (x², xᵗʰ, x₀), else the mark and the converted argument (AP_BEV, x^(4 × 3))."""
        argument = self.read_argument() if source is None else source
        if argument is None:
            self.ok = False
            return [("t", mark)]
        pieces, ok = self.sub(argument, True)
        self.ok &= ok
        text = plain_text(pieces)
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
