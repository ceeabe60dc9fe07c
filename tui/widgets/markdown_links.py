"""Links of a Markdown document laid out for a narrow view.

With hyperlinks off, rich draws a link as ``text (address)``, the address in
parentheses as one word; a word wider than the line is cut wherever the line
ends, which left a lone ``)`` (or ``v1)``) at the start of a line when the detail
panel is about as wide as an arXiv address (the reader at 120 columns with its
sidebar). When a link's ``(address)`` does not fit a line, the links of that
paragraph are drawn instead as their text and their address after a space (all
of them, so that they read alike), an address broken after a ``/`` when it is
still too wide: every address that fits a line stays on one.
"""

from __future__ import annotations

from collections.abc import Iterator

from markdown_it.token import Token

__all__ = ["fit_links"]


def fit_links(tokens: list[Token], width: int) -> list[Token] | None:
    """``tokens`` with the links of every paragraph holding one too wide for ``width``
    cells drawn as text (see the module docstring); None when every link fits as it is
    (the common case)."""
    changed = False
    out: list[Token] = []
    for token in tokens:
        if token.children and any(_too_wide(child, width) for child in token.children):
            token = token.copy(children=list(_unwrapped(token.children, width)))
            changed = True
        out.append(token)
    return out if changed else None


def _href(token: Token) -> str:
    return str(token.attrs.get("href", ""))


def _too_wide(token: Token, width: int) -> bool:
    return token.type == "link_open" and len(_href(token)) + 2 > width


def _unwrapped(children: list[Token], width: int) -> Iterator[Token]:
    opened: list[str] = []  # the address of each link open here
    for child in children:
        if child.type == "link_open":
            opened.append(_href(child))
            continue
        if child.type == "link_close" and opened:
            yield Token("text", "", 0, content=" ")
            for number, piece in enumerate(_pieces(opened.pop(), width)):
                if number:
                    yield Token("softbreak", "br", 0)
                yield Token("text", "", 0, content=piece)
            continue
        yield child


def _pieces(address: str, width: int) -> Iterator[str]:
    """``address`` in pieces of at most ``width`` characters, each cut after a ``/`` when one is there."""
    while len(address) > width > 0:
        cut = address.rfind("/", 0, width) + 1 or width
        yield address[:cut]
        address = address[cut:]
    yield address
