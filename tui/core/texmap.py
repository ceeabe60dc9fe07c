"""Unicode -> LaTeX tables for BibTeX output (accents, special letters, Greek).

Pure data plus two tiny lookups; the escaping logic itself lives in
:mod:`tui.core.cite`.  Accented Latin letters are handled generically: the
character is decomposed (NFD) and each combining mark becomes an accent
command, so ``ü`` -> ``{\\"u}`` and ``ș`` -> ``{\\c s}`` without listing every
letter.  Letters that do not decompose (``ø``, ``ł``, ``ß``...) are listed in
:data:`LETTERS`.  Characters with no LaTeX form (CJK, Cyrillic...) are left as
UTF-8 by the caller.
"""

from __future__ import annotations

import unicodedata

#: Combining mark -> LaTeX accent command (without the backslash).
ACCENTS: dict[str, str] = {
    "\u0300": "`",  # grave
    "\u0301": "'",  # acute
    "\u0302": "^",  # circumflex
    "\u0303": "~",  # tilde
    "\u0304": "=",  # macron
    "\u0306": "u",  # breve
    "\u0307": ".",  # dot above
    "\u0308": '"',  # diaeresis
    "\u030a": "r",  # ring above
    "\u030b": "H",  # double acute
    "\u030c": "v",  # caron
    "\u0323": "d",  # dot below
    "\u0327": "c",  # cedilla
    "\u0328": "k",  # ogonek
    "\u0331": "b",  # macron below
}

#: Letters that are not a base letter plus accents: LaTeX text commands.
LETTERS: dict[str, str] = {
    "ø": r"{\o}",
    "Ø": r"{\O}",
    "ł": r"{\l}",
    "Ł": r"{\L}",
    "ß": r"{\ss}",
    "æ": r"{\ae}",
    "Æ": r"{\AE}",
    "œ": r"{\oe}",
    "Œ": r"{\OE}",
    "ı": r"{\i}",
    "ȷ": r"{\j}",
    "å": r"{\aa}",
    "Å": r"{\AA}",
}

#: Text-mode punctuation and symbols with a plain LaTeX spelling.
TEXT_SYMBOLS: dict[str, str] = {
    "\u00a0": "~",
    "\u2013": "--",
    "\u2014": "---",
    "\u2018": "`",
    "\u2019": "'",
    "\u201c": "``",
    "\u201d": "''",
    "\u2026": r"\ldots{}",
    "\u00a7": r"\S{}",
    "\u00b6": r"\P{}",
    "\u00a9": r"\copyright{}",
    "\u00bf": r"?`",
    "\u00a1": r"!`",
}

#: Symbols that need math mode: the command to use inside ``$...$``.
MATH_SYMBOLS: dict[str, str] = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta",
    "ε": r"\epsilon", "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta",
    "ι": r"\iota", "κ": r"\kappa", "λ": r"\lambda", "μ": r"\mu",
    "ν": r"\nu", "ξ": r"\xi", "π": r"\pi", "ρ": r"\rho",
    "σ": r"\sigma", "ς": r"\varsigma", "τ": r"\tau", "υ": r"\upsilon",
    "φ": r"\phi", "χ": r"\chi", "ψ": r"\psi", "ω": r"\omega",
    "ϵ": r"\epsilon", "ϕ": r"\phi", "ϑ": r"\vartheta",
    "Γ": r"\Gamma", "Δ": r"\Delta", "Θ": r"\Theta", "Λ": r"\Lambda",
    "Ξ": r"\Xi", "Π": r"\Pi", "Σ": r"\Sigma", "Υ": r"\Upsilon",
    "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega",
    "°": r"^\circ", "×": r"\times", "÷": r"\div", "±": r"\pm",
    "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≈": r"\approx",
    "∞": r"\infty", "→": r"\rightarrow", "←": r"\leftarrow",
    "↔": r"\leftrightarrow", "⇒": r"\Rightarrow", "∈": r"\in",
    "∑": r"\sum", "∏": r"\prod", "∂": r"\partial", "∇": r"\nabla",
    "√": r"\surd", "·": r"\cdot", "∼": r"\sim", "ℓ": r"\ell",
    "²": r"^2", "³": r"^3", "¹": r"^1",
}


def latin_to_latex(char: str) -> str | None:
    """The LaTeX spelling of one accented or special Latin letter, else ``None``.

    ``é`` -> ``{\\'e}``, ``ǘ`` -> ``{\\'{\\"u}}``, ``ț`` -> ``{\\c t}``.
    """
    if char in LETTERS:
        return LETTERS[char]
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if not marks or not base.isascii() or not base.isalpha():
        return None
    if any(mark not in ACCENTS for mark in marks):
        return None
    out = base
    for mark in marks:
        cmd = ACCENTS[mark]
        # Symbol accents (\' \" ...) take the letter directly; letter accents
        # (\c \v ...) need a space so the command name ends.
        sep = "" if not cmd.isalpha() else " "
        if len(out) == 1:
            out = f"\\{cmd}{sep}{out}"
        else:
            out = f"\\{cmd}{{{out}}}"
    return "{" + out + "}"
