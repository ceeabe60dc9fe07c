"""The output of the LaTeX reader: pieces of text and Markdown, and small helpers on them.

A :data:`Piece` is ``("t", text)`` (literal text, to escape) or ``("m", text)``
(Markdown, kept as is)."""

from __future__ import annotations

__all__ = ["Piece", "looks_like_math", "plain_text", "wrap_emphasis"]

#: ("t", text) is literal text to escape, ("m", text) Markdown to keep.
Piece = tuple[str, str]


def looks_like_math(text: str, opening: int, closing: int) -> bool:
    """Tell ``$x$`` from prices (``$5 and $10``): a formula has no space just
    inside its delimiters.  (A digit after the closing ``$`` is fine:
    ``0.90$\\pm$0.14``.)"""
    inside = text[opening + 1:closing]
    return not inside[0].isspace() and not inside[-1].isspace()


def plain_text(pieces: list[Piece]) -> str:
    """The literal text of ``pieces``, without their Markdown."""
    return "".join(text for kind, text in pieces if kind == "t")


def wrap_emphasis(pieces: list[Piece], style: str) -> list[Piece]:
    """Wrap pieces in Markdown emphasis, keeping surrounding spaces outside."""
    if style not in ("bold", "italic") or not plain_text(pieces).strip():
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
