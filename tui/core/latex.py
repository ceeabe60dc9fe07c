"""Show the simple LaTeX of arXiv titles and abstracts readably, as Markdown.

:func:`latex_to_markdown` turns ``$\\alpha$`` into ``α``, ``\\mathbf{E}`` into
bold, ``_0`` into ``₀`` and so on, and escapes everything else so that ``*``,
``_``, ``[``, ``<``, ``|``, ``#`` and backticks from the data show literally.
What it does not understand is kept as written: content is never dropped, and
the ``$`` delimiters of a formula stay whenever something inside it could not
be converted.  Headless: no Textual import here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .mathspans import math_spans

__all__ = [
    "latex_to_markdown",
    "latex_to_markdown_highlighted",
    "escape_markdown",
    "escape_inline",
    "escape_highlighted",
]

# --------------------------------------------------------------------------- tables

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ",
    "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ",
    "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ",
    "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}

_SYMBOLS = {
    **_GREEK,
    "times": "×", "div": "÷", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "leqslant": "⩽", "geqslant": "⩾", "neq": "≠", "ne": "≠", "ll": "≪", "gg": "≫",
    "infty": "∞", "ell": "ℓ", "pm": "±", "mp": "∓", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "gets": "←", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "leftrightarrow": "↔", "Leftrightarrow": "⇔", "mapsto": "↦",
    "longrightarrow": "⟶", "implies": "⟹", "iff": "⟺", "uparrow": "↑",
    "downarrow": "↓", "sim": "∼", "simeq": "≃", "approx": "≈", "cong": "≅",
    "equiv": "≡", "propto": "∝", "cdot": "·", "cdots": "⋯", "ldots": "…",
    "dots": "…", "circ": "∘", "bullet": "•", "star": "⋆", "ast": "∗",
    "partial": "∂", "nabla": "∇", "forall": "∀", "exists": "∃", "neg": "¬",
    "in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "subseteq": "⊆",
    "supset": "⊃", "supseteq": "⊇", "cup": "∪", "cap": "∩", "emptyset": "∅",
    "varnothing": "∅", "setminus": "∖", "wedge": "∧", "land": "∧", "vee": "∨",
    "lor": "∨", "oplus": "⊕", "otimes": "⊗", "sum": "∑", "prod": "∏",
    "int": "∫", "oint": "∮", "prime": "′", "dagger": "†", "hbar": "ℏ",
    "Re": "ℜ", "Im": "ℑ", "aleph": "ℵ", "angle": "∠", "perp": "⊥",
    "parallel": "∥", "mid": "∣", "top": "⊤", "bot": "⊥", "langle": "⟨",
    "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "vert": "|", "Vert": "‖", "lvert": "|", "rvert": "|", "lVert": "‖", "rVert": "‖",
    "backslash": "\\", "degree": "°", "checkmark": "✓", "textdegree": "°",
    "sharp": "♯", "flat": "♭", "S": "§", "P": "¶", "copyright": "©",
    "textregistered": "®", "texttrademark": "™", "dag": "†",
    "textasciitilde": "~", "textbackslash": "\\", "textbar": "|",
    "textless": "<", "textgreater": ">", "textendash": "–", "textemdash": "—",
    "LaTeX": "LaTeX", "TeX": "TeX", "AA": "Å", "aa": "å", "AE": "Æ", "ae": "æ",
    "OE": "Œ", "oe": "œ", "O": "Ø", "o": "ø", "ss": "ß", "L": "Ł", "l": "ł",
    "i": "ı", "j": "ȷ",
    # Operator names print as words.
    **{name: name for name in (
        "log", "ln", "exp", "sin", "cos", "tan", "max", "min", "arg", "argmax",
        "argmin", "sup", "inf", "lim", "det", "dim", "ker", "deg", "gcd", "mod",
        "Pr", "sinh", "cosh", "tanh", "arcsin", "arccos", "arctan",
    )},
}

#: Sizing / spacing macros that print nothing themselves.
_INVISIBLE = {
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl",
    "Bigr", "biggl", "biggr", "displaystyle", "textstyle", "scriptstyle",
    "limits", "nolimits", "quad", "qquad", "middle",
}
_SPACE_MACROS = {"quad", "qquad"}

#: Macros with one argument, and the style they give it.
_STYLED = {
    "mathbf": "bold", "textbf": "bold", "boldsymbol": "bold", "bm": "bold",
    "pmb": "bold", "bf": "bold",
    "mathit": "italic", "textit": "italic", "emph": "italic", "textsl": "italic",
    "it": "italic", "em": "italic",
    "text": "plain", "textrm": "plain", "mathrm": "plain", "operatorname": "plain",
    "textsf": "plain", "mathsf": "plain", "texttt": "plain", "mathtt": "plain",
    "textnormal": "plain", "mbox": "plain", "hbox": "plain", "textup": "plain",
    "textsc": "plain", "textmd": "plain", "mathnormal": "plain",
    "mathcal": "script", "mathscr": "script", "mathbb": "double", "mathds": "double",
    "bbm": "double", "mathfrak": "fraktur",
}

#: Text-mode macros that change mode (their argument is text, not math).
_TEXT_ARG = {
    "text", "textrm", "textbf", "textit", "emph", "textsf", "texttt", "textnormal",
    "mbox", "hbox", "textup", "textsc", "textmd", "textsl", "operatorname",
}


def _letter_map(upper_start: int, lower_start: int | None, exceptions: dict[str, str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for offset in range(26):
        table[chr(ord("A") + offset)] = chr(upper_start + offset)
        if lower_start is not None:
            table[chr(ord("a") + offset)] = chr(lower_start + offset)
    table.update(exceptions)
    return table


# Some Mathematical Alphanumeric letters live in the Letterlike Symbols block.
_SCRIPT = _letter_map(0x1D49C, 0x1D4B6, {
    "B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ",
    "e": "ℯ", "g": "ℊ", "o": "ℴ",
})
_DOUBLE = _letter_map(0x1D538, 0x1D552, {
    "C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ",
    **{str(d): chr(0x1D7D8 + d) for d in range(10)},
})
_FRAKTUR = _letter_map(0x1D504, 0x1D51E, {
    "C": "ℭ", "H": "ℌ", "I": "ℑ", "R": "ℜ", "Z": "ℨ",
})
_ALPHABETS = {"script": _SCRIPT, "double": _DOUBLE, "fraktur": _FRAKTUR}

_SUPERSCRIPT = dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ"))
_SUBSCRIPT = dict(zip("0123456789+-=()aeoxhklmnpstijruv", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ"))
#: Superscripts that read fine as they are (x^\prime, 90^\circ, x^*).
_SUPERSCRIPT_AS_IS = {"′": "′", "″": "″", "∘": "°", "°": "°", "∗": "*", "*": "*", "†": "†"}

#: How many braced arguments a known macro takes (when used as an argument itself).
_ARGUMENT_COUNT = {
    **{name: 1 for name in _STYLED if name not in ("bf", "it", "em")},
    "sqrt": 1, "frac": 2, "dfrac": 2, "tfrac": 2,
}

#: Combining marks for the text accents \" \' \` \^ \~ \= \. \c \v \u \H \r \k.
_ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306",
    "H": "\u030b", "r": "\u030a", "k": "\u0328",
}

#: Escaped characters: ``\%`` prints ``%``.
_ESCAPED_CHARS = set("%&#_${}")
#: Spacing commands \, \; \: \  print a space; \! a negative space prints nothing.
_SPACE_CHARS = {",": " ", ";": " ", ":": " ", " ": " ", "!": "", "/": ""}

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&$])")
_BLOCK_START = re.compile(r"^(\s*)(?:([-+=])|(\d{1,9})([.)]))")
_ENTITY = re.compile(r"&(gt|lt|amp|quot|apos|nbsp|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
_ENTITY_CHARS = {"gt": ">", "lt": "<", "amp": "&", "quot": '"', "apos": "'", "nbsp": " "}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# --------------------------------------------------------------------------- helpers


def escape_markdown(text: str) -> str:
    """Escape ``text`` so Markdown shows every character of it literally."""
    return _escape_block_start(escape_inline(text))


def escape_inline(text: str) -> str:
    """Escape Markdown's inline syntax in ``text`` (for text placed mid-line)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _escape_block_start(markdown: str) -> str:
    """A paragraph starting with "- ", "+ ", "1. " would become a list: escape it."""
    match = _BLOCK_START.match(markdown)
    if match is None:
        return markdown
    indent, sign, number, closer = match.groups()
    marker = "\\" + sign if sign else number + "\\" + closer
    return indent + marker + markdown[match.end():]


def _decode_entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _ENTITY_CHARS:
        return _ENTITY_CHARS[name]
    try:
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        return chr(code) if 0 < code < 0x110000 else match.group(0)
    except ValueError:
        return match.group(0)


# Output pieces: ("t", text) is literal text to escape, ("m", text) Markdown to keep.
_Piece = tuple[str, str]


class _Converter:
    """Recursive-descent reader of one LaTeX fragment (math or text mode)."""

    def __init__(self, source: str) -> None:
        self.s = source
        self.pos = 0
        #: False as soon as something could not be converted.
        self.ok = True

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
        depth = 0
        index = start
        while index < len(self.s):
            char = self.s[index]
            if char == "\\":
                index += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return index
            index += 1
        return None

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
            for _ in range(_ARGUMENT_COUNT.get(name, 0)):
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
            else:
                # Plain run of characters up to the next special one.
                end = self.pos + 1
                stops = "\\{^_~" if math else "\\{"
                while end < len(self.s) and self.s[end] not in stops:
                    end += 1
                pieces.append(("t", self.s[self.pos:end]))
                self.pos = end
        return pieces

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
        if name in _ESCAPED_CHARS:
            return [("t", name)]
        if name in _SPACE_CHARS:
            return [("t", _SPACE_CHARS[name])]
        if name in _ACCENTS and (len(name) == 1):
            return self.accent(name, start)
        if name in _STYLED:
            return self.styled(name, start, math)
        if name in ("sqrt", "frac", "dfrac", "tfrac"):
            return self.fraction_or_root(name, start, math)
        if name in _SPACE_MACROS:
            return [("t", " ")]
        if name in _INVISIBLE:
            return []
        if name in _SYMBOLS:
            return [("t", _SYMBOLS[name])]
        # Unknown: keep the macro and any braced arguments exactly as written.
        self.ok = False
        while True:
            probe = self.pos
            while probe < len(self.s) and self.s[probe] == " ":
                probe += 1
            if probe < len(self.s) and self.s[probe] == "{":
                end = self.group_end(probe)
                if end is not None:
                    self.pos = end + 1
                    continue
            break
        return [("t", self.s[start:self.pos])]

    def accent(self, name: str, start: int) -> list[_Piece]:
        argument = self.read_argument()
        if argument is None or len(argument) != 1 or not argument.isalpha():
            if argument is not None:
                self.pos = start + 1 + len(name)
            self.ok = False
            return [("t", "\\" + name)]
        return [("t", unicodedata.normalize("NFC", argument + _ACCENTS[name]))]

    def styled(self, name: str, start: int, math: bool) -> list[_Piece]:
        if name in ("bf", "it", "em"):
            # Old-style switches (\bf x) affect the rest of the group.
            rest, ok = self.sub(self.s[self.pos:], math)
            self.pos = len(self.s)
            self.ok &= ok
            return _wrap(rest, _STYLED[name])
        argument = self.read_argument()
        if argument is None:
            self.ok = False
            return [("t", self.s[start:self.pos])]
        arg_math = math and name not in _TEXT_ARG
        pieces, ok = self.sub(argument, arg_math)
        self.ok &= ok
        style = _STYLED[name]
        if style in _ALPHABETS:
            table = _ALPHABETS[style]
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

    def script(self, mark: str) -> list[_Piece]:
        """A superscript (^) or subscript (_) in math mode."""
        argument = self.read_argument()
        if argument is None:
            self.ok = False
            return [("t", mark)]
        pieces, ok = self.sub(argument, True)
        text = _plain(pieces)
        table = _SUPERSCRIPT if mark == "^" else _SUBSCRIPT
        if ok and all(kind == "t" for kind, _ in pieces):
            if mark == "^" and text in _SUPERSCRIPT_AS_IS:
                return [("t", _SUPERSCRIPT_AS_IS[text])]
            if text and all(c in table for c in text):
                return [("t", "".join(table[c] for c in text))]
        # Not trivial: keep the mark (and braces when more than one character).
        self.ok = False
        if len(text) == 1:
            return [("t", mark), *pieces]
        return [("t", mark + "{"), *pieces, ("t", "}")]


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


def _render(pieces: list[_Piece]) -> str:
    return "".join(escape_inline(text) if kind == "t" else text for kind, text in pieces)


def _split_math(text: str) -> list[tuple[bool, str, str]]:
    """Split into (is_math, delimiter, content) segments; ``\\$`` is not a delimiter."""
    segments: list[tuple[bool, str, str]] = []
    for is_math, start, end in math_spans(text, accept=_looks_like_math):
        if not is_math:
            segments.append((False, "", text[start:end]))
            continue
        delimiter = "$$" if text.startswith("$$", start) else "$"
        segments.append((True, delimiter, text[start + len(delimiter):end - len(delimiter)]))
    return segments


def _looks_like_math(text: str, opening: int, closing: int) -> bool:
    """Tell ``$x$`` from prices (``$5 and $10``): no space inside the delimiters,
    no digit right after the closing one."""
    inside = text[opening + 1:closing]
    after = text[closing + 1:closing + 2]
    return not inside[0].isspace() and not inside[-1].isspace() and not after.isdigit()


# --------------------------------------------------------------------------- API


def latex_to_markdown(text: str) -> str:
    """Convert the simple LaTeX in ``text`` to readable, escaped Markdown.

    Formulas (``$...$``) lose their delimiters only when everything inside was
    converted; otherwise they keep them, with the known parts converted and the
    rest as written.  HTML entities (``&gt;``) are decoded, control characters
    dropped and line breaks joined, so the result is one Markdown paragraph.
    Never raises.
    """
    if not text:
        return ""
    try:
        text = _ENTITY.sub(_decode_entity, text)
        text = _CONTROL.sub("", text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))
        out: list[str] = []
        for is_math, delimiter, content in _split_math(text):
            converter = _Converter(content)
            pieces = converter.convert(is_math)
            if is_math and not converter.ok:
                pieces = [("t", delimiter), *pieces, ("t", delimiter)]
            out.append(_render(pieces))
        return _escape_block_start(re.sub(r" {2,}", " ", "".join(out)).strip())
    except Exception:  # pragma: no cover - last resort: bad input never raises
        return escape_markdown(text)


# --------------------------------------------------------------------------- highlighting

# Sentinels marking highlight boundaries while the text goes through the
# converter (private-use characters: never special to LaTeX nor Markdown).
_HL_OPEN = "\ue000"
_HL_CLOSE = "\ue001"
_HL_SENTINELS = re.compile("[\ue000\ue001]")
_MACRO_NAME = re.compile(r"\\(?:[A-Za-z]+|.)")


def _clean_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans clipped to ``text``, shrunk to start and end on a letter or digit
    (emphasis-like Markdown delimiters must touch a word on their inner side),
    sorted, with overlapping or touching spans joined."""
    cleaned: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        start, end = max(0, start), min(len(text), end)
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not text[end - 1].isalnum():
            end -= 1
        if start >= end:
            continue
        if cleaned and start <= cleaned[-1][1]:
            cleaned[-1] = (cleaned[-1][0], max(end, cleaned[-1][1]))
        else:
            cleaned.append((start, end))
    return cleaned


def escape_highlighted(text: str, spans: Iterable[tuple[int, int]], marker: str = "~~") -> str:
    """Escape plain ``text`` like :func:`escape_inline`, wrapping each span in ``marker``.

    The spans index the raw text; each piece is escaped on its own, so the
    markers stay the only Markdown syntax in the result.
    """
    out: list[str] = []
    position = 0
    for start, end in _clean_spans(text, spans):
        out += [escape_inline(text[position:start]), marker, escape_inline(text[start:end]), marker]
        position = end
    out.append(escape_inline(text[position:]))
    return "".join(out)


def _forbidden_positions(text: str) -> list[tuple[int, int]]:
    """Open intervals of ``text`` where a highlight boundary can't go: inside
    formulas (delimiters included), macro names and HTML entities."""
    zones: list[tuple[int, int]] = []
    position = 0
    for is_math, delimiter, content in _split_math(text):
        length = len(content) + 2 * len(delimiter)
        if is_math:
            zones.append((position - 1, position + length))
        position += length
    zones += [(m.start(), m.end()) for m in _MACRO_NAME.finditer(text)]
    zones += [(m.start(), m.end()) for m in _ENTITY.finditer(text)]
    return zones


def latex_to_markdown_highlighted(text: str, spans: Iterable[tuple[int, int]], marker: str = "~~") -> str:
    """:func:`latex_to_markdown` of ``text`` with the raw-text ``spans`` wrapped in ``marker``.

    Spans reaching into a formula, a macro name or an entity are dropped (the
    conversion rewrites those); if the conversion loses a boundary anyway, the
    text comes back without highlights rather than with a stray marker.
    """
    text = _HL_SENTINELS.sub("", text or "")
    spans = _clean_spans(text, spans)
    if not spans:
        return latex_to_markdown(text)
    zones = _forbidden_positions(text)
    marked: list[str] = []
    position = 0
    for start, end in spans:
        if any(low < start <= high or low < end <= high for low, high in zones):
            continue
        marked += [text[position:start], _HL_OPEN, text[start:end], _HL_CLOSE]
        position = end
    marked.append(text[position:])
    converted = latex_to_markdown("".join(marked))
    expected = _HL_OPEN
    for sentinel in _HL_SENTINELS.findall(converted):
        if sentinel != expected:
            return _HL_SENTINELS.sub("", converted)
        expected = _HL_CLOSE if expected == _HL_OPEN else _HL_OPEN
    if expected != _HL_OPEN:
        return _HL_SENTINELS.sub("", converted)
    return converted.replace(_HL_OPEN, marker).replace(_HL_CLOSE, marker)
