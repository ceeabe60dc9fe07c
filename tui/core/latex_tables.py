"""The tables behind :mod:`tui.core.latex`: LaTeX macros to Unicode.

Pure data (no logic beyond building letter maps), kept apart so the converter
reads as a converter.
"""

from __future__ import annotations

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ",
    "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ",
    "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ",
    "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}

SYMBOLS = {
    **GREEK,
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
    "backslash": "\\", "lbrace": "{", "rbrace": "}", "lbrack": "[", "rbrack": "]", "colon": ":",
    "vdots": "⋮", "ddots": "⋱", "cdotp": "·", "Box": "□", "square": "□", "triangle": "△",
    "diamond": "⋄", "models": "⊨", "vdash": "⊢", "prec": "≺", "succ": "≻", "preceq": "⪯",
    "succeq": "⪰", "triangleq": "≜", "coloneqq": "≔", "doteq": "≐", "lesssim": "≲", "gtrsim": "≳",
    "degree": "°", "checkmark": "✓", "textdegree": "°",
    "sharp": "♯", "flat": "♭", "S": "§", "P": "¶", "copyright": "©",
    "textregistered": "®", "texttrademark": "™", "dag": "†",
    "textasciitilde": "~", "textbackslash": "\\", "textbar": "|",
    "textless": "<", "textgreater": ">", "textendash": "–", "textemdash": "—",
    # Abbreviation macros authors define for running text.
    "eg": "e.g.", "ie": "i.e.", "etal": "et al.", "vs": "vs.", "etc": "etc.", "wrt": "w.r.t.",
    "cf": "cf.", "aka": "a.k.a.",
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
INVISIBLE = {
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl",
    "Bigr", "biggl", "biggr", "displaystyle", "textstyle", "scriptstyle",
    "limits", "nolimits", "quad", "qquad", "middle",
}
SPACE_MACROS = {"quad", "qquad"}

#: Macros with one argument, and the style they give it.
STYLED = {
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
TEXT_ARG = {
    "text", "textrm", "textbf", "textit", "emph", "textsf", "texttt", "textnormal",
    "mbox", "hbox", "textup", "textsc", "textmd", "textsl", "operatorname",
}


def letter_map(upper_start: int, lower_start: int | None, exceptions: dict[str, str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for offset in range(26):
        table[chr(ord("A") + offset)] = chr(upper_start + offset)
        if lower_start is not None:
            table[chr(ord("a") + offset)] = chr(lower_start + offset)
    table.update(exceptions)
    return table


# Some Mathematical Alphanumeric letters live in the Letterlike Symbols block.
SCRIPT = letter_map(0x1D49C, 0x1D4B6, {
    "B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ",
    "e": "ℯ", "g": "ℊ", "o": "ℴ",
})
DOUBLE = letter_map(0x1D538, 0x1D552, {
    "C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ",
    **{str(d): chr(0x1D7D8 + d) for d in range(10)},
})
FRAKTUR = letter_map(0x1D504, 0x1D51E, {
    "C": "ℭ", "H": "ℌ", "I": "ℑ", "R": "ℜ", "Z": "ℨ",
})
ALPHABETS = {"script": SCRIPT, "double": DOUBLE, "fraktur": FRAKTUR}

SUPERSCRIPT = dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ"))
SUBSCRIPT = dict(zip("0123456789+-=()aeoxhklmnpstijruv", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ"))
#: Superscripts that read fine as they are (x^\prime, 90^\circ, x^*).
SUPERSCRIPT_AS_IS = {
    "′": "′", "″": "″", "∘": "°", "°": "°", "∗": "*", "*": "*", "†": "†", "‡": "‡",
    "⋆": "⋆", "§": "§", "⊤": "ᵀ", "♯": "♯", "♭": "♭", "'": "′",
}

#: How many braced arguments a known macro takes (when used as an argument itself).
ARGUMENT_COUNT = {
    **{name: 1 for name in STYLED if name not in ("bf", "it", "em")},
    "sqrt": 1, "frac": 2, "dfrac": 2, "tfrac": 2,
}

#: Combining marks for the text accents \" \' \` \^ \~ \= \. \c \v \u \H \r \k.
ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306",
    "H": "\u030b", "r": "\u030a", "k": "\u0328",
}

#: Escaped characters: ``\%`` prints ``%``.
ESCAPED_CHARS = set("%&#_${}")
#: Spacing commands \, \; \: \  print a space; \! a negative space prints nothing.
SPACE_CHARS = {",": " ", ";": " ", ":": " ", " ": " ", "!": "", "/": ""}


#: Superscript letters (Unicode modifier letters; q, C, F, Q, S... have none).
SUPERSCRIPT_LETTERS = dict(zip(
    "abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWαβγδεθφχ",
    "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵅᵝᵞᵟᵋᶿᵠᵡ",
))
SUBSCRIPT_LETTERS = dict(zip("βγρφχ", "ᵦᵧᵨᵩᵪ"))

#: Math accents: the combining mark each puts on every letter of its argument.
MATH_ACCENTS = {
    "hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303", "widetilde": "\u0303",
    "bar": "\u0304", "overline": "\u0305", "vec": "\u20d7", "overrightarrow": "\u20d7",
    "dot": "\u0307", "ddot": "\u0308", "check": "\u030c", "breve": "\u0306",
    "acute": "\u0301", "grave": "\u0300", "mathring": "\u030a", "underline": "\u0332",
}

#: Blackboard-bold shorthands many authors define (\R for \mathbb{R}).
SHORTHANDS = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "E": "𝔼"}
