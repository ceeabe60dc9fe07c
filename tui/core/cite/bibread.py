"""Read a ``.bib`` file the way BibTeX itself reads it.

A reader that disagrees with BibTeX about where an entry ends can delete or
duplicate the user's entries when an export rewrites or extends their file, so
this one follows BibTeX 0.99's grammar (``bibtex.web``) rather than a parser
library's more forgiving or stricter reading:

* Text outside ``@...`` commands is ignored (it is the user's all the same, so
  it is kept as :attr:`BibScan.loose`).
* ``@comment`` is only the word: BibTeX carries on from just after it, so the
  braces that follow need not balance (``@comment{ a { here }`` hides nothing).
* Braces are counted one by one; a backslash escapes nothing
  (``file = {C:\\papers\\}`` is a complete value, as BibTeX and pybtex read it).
* A ``"..."`` value ends at the first ``"`` outside braces.
* A command with a syntax error is skipped up to the next ``@``, where reading
  starts again; one left open at the end of the file swallowed everything after
  its start (:attr:`BibScan.unclosed`).

Headless and pure: text in, a :class:`BibScan` out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Characters that end a BibTeX identifier (entry type, field name, macro).
_NOT_IN_IDENTIFIER = frozenset(' \t\n\r\f\v"#%\'(),={}')
_WHITESPACE = " \t\n\r\f\v"


@dataclass(slots=True)
class BibBlock:
    """One ``@...`` command of a file (an entry, ``@string`` or ``@preamble``)."""

    kind: str  # lower case: "article", "string", "preamble", "comment"...
    key: str  # as written ("" for @string, @preamble and @comment)
    start: int  # index of the "@"
    end: int  # index just past the closing delimiter
    #: field name (lower case) -> value; a value is a tuple of parts, each
    #: ``("s", text)`` for a braced or quoted string or a number, or
    #: ``("m", name)`` for a macro (``month = jan``).
    fields: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    #: field names as written, in order (repeats included).
    field_order: list[str] = field(default_factory=list)

    def text(self, name: str) -> str:
        """A field's value as text: its strings and macro names joined."""
        return "".join(part for _, part in self.fields.get(name, ()))


@dataclass(slots=True)
class BibProblem:
    """A command BibTeX would skip (and so would this reader)."""

    start: int  # index where the broken command starts
    line: int  # 1-based line of ``start``
    message: str


@dataclass(slots=True)
class BibScan:
    """Everything in a ``.bib`` file's text, as BibTeX sees it."""

    entries: list[BibBlock] = field(default_factory=list)
    #: ``@string`` and ``@preamble`` commands.
    others: list[BibBlock] = field(default_factory=list)
    #: ``@comment`` commands (just the word: what follows is loose text).
    comments: list[BibBlock] = field(default_factory=list)
    #: ``(start, text)`` of each non-blank stretch outside commands.
    loose: list[tuple[int, str]] = field(default_factory=list)
    problems: list[BibProblem] = field(default_factory=list)
    #: Whether a command was still open at the end of the file (text added
    #: after it would be read as part of it).
    unclosed: bool = False

    @property
    def keys(self) -> set[str]:
        return {entry.key for entry in self.entries}


class _Skip(Exception):
    """A syntax error: BibTeX skips what remains of the command."""

    def __init__(self, message: str, at_end: bool = False) -> None:
        super().__init__(message)
        self.at_end = at_end


class _Reader:
    def __init__(self, text: str) -> None:
        self.s = text
        self.n = len(text)
        self.pos = 0
        #: The entry being read once its key is known (kept despite a later error).
        self.partial: BibBlock | None = None

    def eat_white(self) -> None:
        while self.pos < self.n and self.s[self.pos] in _WHITESPACE:
            self.pos += 1

    def char(self) -> str:
        if self.pos >= self.n:
            raise _Skip("the file ends inside this command", at_end=True)
        return self.s[self.pos]

    def identifier(self, what: str) -> str:
        start = self.pos
        while self.pos < self.n and self.s[self.pos] not in _NOT_IN_IDENTIFIER:
            self.pos += 1
        name = self.s[start : self.pos]
        if not name or name[0].isdigit():
            self.char()  # at the end of the file: say so
            raise _Skip(f"expected {what}, found {self.s[start]!r}")
        return name

    def expect(self, char: str, what: str) -> None:
        self.eat_white()
        if self.char() != char:
            raise _Skip(f"expected {what}, found {self.s[self.pos]!r}")
        self.pos += 1

    def braced(self) -> str:
        """The text of a ``{...}`` whose opening brace is at ``pos`` (every brace counts)."""
        depth = 0
        start = self.pos + 1
        index = self.pos
        s = self.s
        while index < self.n:
            char = s[index]
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    self.pos = index + 1
                    return s[start:index]
            index += 1
        self.pos = self.n
        raise _Skip("a brace is never closed", at_end=True)

    def quoted(self) -> str:
        """The text of a ``"..."`` whose opening quote is at ``pos``."""
        depth = 0
        start = self.pos + 1
        index = start
        s = self.s
        while index < self.n:
            char = s[index]
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0:
                    raise _Skip("a '}' without its '{' inside a quoted value")
                depth -= 1
            elif char == '"' and depth == 0:
                self.pos = index + 1
                return s[start:index]
            index += 1
        self.pos = self.n
        raise _Skip("a quoted value is never closed", at_end=True)

    def value(self) -> tuple[tuple[str, str], ...]:
        """A field value: parts joined by ``#``."""
        parts: list[tuple[str, str]] = []
        while True:
            self.eat_white()
            char = self.char()
            if char == "{":
                parts.append(("s", self.braced()))
            elif char == '"':
                parts.append(("s", self.quoted()))
            elif char.isdigit():
                start = self.pos
                while self.pos < self.n and self.s[self.pos].isdigit():
                    self.pos += 1
                parts.append(("s", self.s[start : self.pos]))
            else:
                parts.append(("m", self.identifier("a field value").lower()))
            self.eat_white()
            if self.pos < self.n and self.s[self.pos] == "#":
                self.pos += 1
                continue
            return tuple(parts)

    def command(self, at: int) -> BibBlock | None:
        """Read the command whose ``@`` is at ``at`` (``pos`` just after it)."""
        self.eat_white()
        kind = self.identifier("an entry type").lower()
        if kind == "comment":
            return BibBlock(kind=kind, key="", start=at, end=self.pos)
        self.eat_white()
        opener = self.char()
        if opener not in "{(":
            raise _Skip(f"expected '{{' or '(' after @{kind}, found {opener!r}")
        closer = "}" if opener == "{" else ")"
        self.pos += 1
        self.eat_white()
        block = BibBlock(kind=kind, key="", start=at, end=at)
        self.partial = None
        if kind == "preamble":
            block.fields["preamble"] = self.value()
            self.expect(closer, f"{closer!r} closing @preamble")
        elif kind == "string":
            name = self.identifier("a @string name").lower()
            self.expect("=", "'='")
            block.fields[name] = self.value()
            block.field_order.append(name)
            self.expect(closer, f"{closer!r} closing @string")
        else:
            block.key = self._key(closer)
            if not block.key:
                raise _Skip(f"@{kind} without a key")
            # BibTeX keeps an entry once its key is read, with the fields read
            # before any error: so does this reader.
            self.partial = block
            self._fields(block, closer)
        block.end = self.pos
        return block

    def _key(self, closer: str) -> str:
        start = self.pos
        stops = _WHITESPACE + "," + ("}" if closer == "}" else "")
        while self.pos < self.n and self.s[self.pos] not in stops:
            self.pos += 1
        self.char()
        return self.s[start : self.pos]

    def _fields(self, block: BibBlock, closer: str) -> None:
        while True:
            self.eat_white()
            char = self.char()
            if char == closer:
                self.pos += 1
                return
            if char != ",":
                raise _Skip(f"expected ',' or {closer!r} in @{block.kind}{{{block.key}}}, found {char!r}")
            self.pos += 1
            self.eat_white()
            if self.char() == closer:
                self.pos += 1
                return
            name = self.identifier("a field name").lower()
            self.expect("=", f"'=' after {name}")
            value = self.value()
            block.field_order.append(name)
            block.fields.setdefault(name, value)  # BibTeX keeps the first of repeated fields


def scan_bib(text: str) -> BibScan:
    """Read ``text`` as BibTeX does (see the module docstring); never raises."""
    scan = BibScan()
    reader = _Reader(text)
    loose_from = 0
    while True:
        at = text.find("@", reader.pos)
        if at < 0:
            _add_loose(scan, text, loose_from, len(text))
            return scan
        _add_loose(scan, text, loose_from, at)
        reader.pos = at + 1
        try:
            block = reader.command(at)
        except _Skip as problem:
            scan.problems.append(BibProblem(at, line_of(text, at), str(problem)))
            if reader.partial is not None:
                reader.partial.end = reader.pos
                scan.entries.append(reader.partial)
                reader.partial = None
            if problem.at_end:
                scan.unclosed = True
                return scan
            # Skip to the next "@"; what was read stays loose text of the file.
            loose_from = at
            reader.pos = max(reader.pos, at + 1)
            continue
        assert block is not None
        if block.kind == "comment":
            scan.comments.append(block)
        elif block.kind in ("string", "preamble"):
            scan.others.append(block)
        else:
            scan.entries.append(block)
        loose_from = reader.pos


def _add_loose(scan: BibScan, text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    if chunk.strip():
        scan.loose.append((start, chunk.strip()))


def line_of(text: str, index: int) -> int:
    """The 1-based line number of ``index`` in ``text``."""
    return text.count("\n", 0, index) + 1
