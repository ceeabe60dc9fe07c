"""Reading primitives over one LaTeX fragment: macro names, arguments, paired braces."""

from __future__ import annotations

from . import latex_tables as T

__all__ = ["LatexReader", "pair_braces"]


class LatexReader:
    """A position in one LaTeX source, and the ways to read on from it."""

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
        """The character at the current position ("" at the end)."""
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
        """Move past the spaces at the current position."""
        while self.peek() == " ":
            self.pos += 1

    def group_end(self, start: int) -> int | None:
        """Index of the brace closing the one at ``start``, or None if unbalanced."""
        if self._pairs is None:
            self._pairs = pair_braces(self.s)
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


def pair_braces(text: str) -> dict[int, int]:
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
