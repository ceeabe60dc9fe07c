"""Writing an export to a file without ever destroying what the user had.

Shared by the command line (``export -o`` / ``--append``) and the reader's copy
menu: :func:`write_export` replaces a file only when nothing in it would be
lost (or when forced), :func:`append_export` adds only the papers a ``.bib``
lacks.  How files are read, locked and written is :mod:`tui.core.userfile`.

What ``-o`` does with each kind of target:

* a regular file (or none yet): read, compared, replaced atomically;
* ``-`` or ``/dev/stdout``: standard output;
* a FIFO, a character device (``/dev/null``, a terminal) or ``/dev/fd/N``
  (``-o >(wc -c)``): written straight to, never read or replaced;
* anything else (a folder, a block device, a socket): refused.

``--append`` needs a regular file named ``.bib`` (or ``.bibtex``) holding
BibTeX, or no file yet; ``--force`` lets it write to any other regular file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .core.cite import (
    BIB_FORMATS,
    CITED_FORMATS,
    FORMATS,
    KeyTemplateError,
    check_key_template,
    citation_gaps,
    render_citations,
)
from .core.cite.bibfile import overwrite_losses, plan_append
from .core.cite.bibread import line_of
from .core.models import Paper, PaperState
from .core.records import jsonl
from .cli_output import stdout_is_terminal
from .core.safetext import escape_controls, inert_text
from .core.userfile import (
    UserFileError,
    append_to_file,
    check_writable,
    describe_kind,
    kind_of,
    locked,
    read_file,
    replace_file,
    write_stream,
)

if TYPE_CHECKING:
    from .core.readinglist import Snapshot

#: File name endings --append takes without --force.
BIB_SUFFIXES = (".bib", ".bibtex")


class ExportRefused(Exception):
    """The export would lose something, or can't be done: nothing was written.

    ``forceable``: ``--force`` would let it through (the command line says so)."""

    def __init__(self, message: str, forceable: bool = False) -> None:
        super().__init__(message)
        self.forceable = forceable


@dataclass(frozen=True)
class ExportResult:
    """What an export to a file did, in words for a message."""

    written: int  # papers written (0: the file was left untouched)
    already: int = 0  # papers the file already had (append)
    unchanged: bool = False  # -o: the file already held exactly this export
    gaps: tuple[str, ...] = ()  # appended citations lacking a title or authors (see citation_gaps)

    def describe(self, path: Path | str, format_key: str, appended: bool) -> str:
        if not appended:
            if self.unchanged:
                what = f"{count(self.written, 'paper')} as {format_key}"
                return f"{path} already holds this export ({what}); file untouched"
            return f"wrote {count(self.written, 'paper')} as {format_key} to {path}"
        if not self.written:
            return f"nothing added: {path} already has all {count(self.already, 'paper')}; file untouched"
        also = f" ({self.already:,} already there)" if self.already else ""
        return f"added {count(self.written, 'paper')} as {format_key} to {path}{also}"


def count(n: int, noun: str) -> str:
    """``1 paper``, ``2 papers``, ``3 entries``."""
    if n == 1:
        return f"1 {noun}"
    plural = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
    return f"{n:,} {plural}"


def render(
    format_key: str,
    papers: Sequence[Paper],
    states: Mapping[str, PaperState],
    key_template: str,
    universe: Sequence[Paper] | None = None,
    reading: Snapshot | None = None,
    notes: bool = False,
) -> str:
    """The export's text (``jsonl`` or a format of :data:`tui.core.cite.FORMATS`);
    keys are the same in every export from the library ``universe``. ``jsonl``
    records carry the tags and notes of ``reading``; with ``notes`` the other
    formats carry the notes too (see :func:`~tui.core.cite.render_citations`)."""
    if format_key == "jsonl":
        return jsonl(papers, dict(states), reading.tags if reading else None, reading.notes if reading else None)
    chosen = reading.notes if notes and reading is not None else None
    return render_citations(format_key, papers, key_template, universe=universe, notes=chosen)


def _target(path_text: str | Path) -> Path:
    if not str(path_text).strip():
        raise ExportRefused("the file name is empty; nothing written")
    return Path(path_text).expanduser()


def write_export(
    path_text: str | Path, text: str, format_key: str, papers: int, *, force: bool = False
) -> ExportResult:
    """Write ``text`` to the file ``path_text`` (see the module docstring),
    refusing to replace a file holding anything this export would not write
    again, unless ``force``."""
    path = _target(path_text)
    kind = kind_of(path)
    try:
        if kind == "stream":
            write_stream(path, text.encode("utf-8"), path)
            return ExportResult(written=papers)
        if kind not in ("missing", "regular"):
            raise ExportRefused(f"{path} is {kind}; nothing written")
        with locked(path):
            existing = read_file(path)
            check_writable(existing, path)
            if existing.exists and not force:
                _refuse_losses(path, existing.text, text, format_key)
            data = (b"\xef\xbb\xbf" if existing.bom else b"") + existing.encode(text)
            if existing.exists and data == existing.data:
                return ExportResult(written=papers, unchanged=True)  # nothing to do: mtime kept
            replace_file(existing, data, path)
    except UserFileError as error:
        raise ExportRefused(str(error)) from None
    return ExportResult(written=papers)


def _refuse_losses(path: Path, existing: str, text: str, format_key: str) -> None:
    bib = format_key in BIB_FORMATS
    lost = overwrite_losses(existing, text, bib=bib)
    if not lost:
        return
    shown = "; ".join(lost[:3]) + (f"; and {len(lost) - 3:,} more" if len(lost) > 3 else "")
    what = count(len(lost), "thing") if bib else count(len(lost), "line")
    raise ExportRefused(
        f"{path} holds {what} this export would not write again ({shown}); left untouched. "
        + ("Use --append to add to it, or " if bib else "Use ")
        + "--force to replace it"
    )


def append_export(
    path_text: str | Path,
    papers: Sequence[Paper],
    format_key: str,
    key_template: str,
    *,
    force: bool = False,
    universe: Sequence[Paper] | None = None,
    notes: Mapping[str, str] | None = None,
) -> ExportResult:
    """Add to the ``.bib`` at ``path_text`` the papers it lacks (same arXiv id or
    DOI); a missing file is created.  Every byte already in the file stays.

    Refused without ``force``: a name not ending in ``.bib``/``.bibtex``, a
    file holding no BibTeX, a file whose last entry is never closed (what is
    added would be read as part of it)."""
    if format_key not in BIB_FORMATS:
        raise ExportRefused(f"--append works with bibtex or biblatex, not {format_key}")
    path = _target(path_text)
    kind = kind_of(path)
    if kind not in ("missing", "regular"):
        what = describe_kind(path) if kind == "stream" else kind
        raise ExportRefused(f"{path} is {what}, not a regular .bib file; nothing written")
    if not force and path.suffix.lower() not in BIB_SUFFIXES:
        raise ExportRefused(
            f"{path} does not look like a BibTeX file (its name does not end in .bib); nothing written",
            forceable=True,
        )
    try:
        with locked(path):
            existing = read_file(path)
            check_writable(existing, path)
            entries = FORMATS[format_key][1] if not notes else partial(render_citations, format_key, notes=notes)
            plan = plan_append(existing.text, papers, entries, key_template, universe)
            if not force:
                _refuse_odd_bib(path, existing.text, plan.scan)
            if not plan.added:
                return ExportResult(written=0, already=len(plan.present))
            if existing.exists and not existing.utf8 and not plan.addition.isascii():
                raise ExportRefused(_not_ascii_message(path, plan.addition, format_key, bool(notes),
                                                       lambda: plan_append(existing.text, papers,
                                                                           FORMATS[format_key][1], key_template,
                                                                           universe).addition))
            append_to_file(existing, existing.encode(plan.addition), path)
    except UserFileError as error:
        raise ExportRefused(str(error)) from None
    return ExportResult(written=len(plan.added), already=len(plan.present), gaps=tuple(citation_gaps(plan.added)))


def _not_ascii_message(path: Path, addition: str, format_key: str, notes: bool, without_notes) -> str:
    """Why entries cannot go into a file that is not UTF-8, naming the characters and where they
    come from, with the fixes that would work (``without_notes()``: the addition with no notes)."""
    odd = sorted({c for c in addition if not c.isascii()})
    shown = " ".join(odd[:8]) + (" ..." if len(odd) > 8 else "")
    fixes = ["convert the file to UTF-8"]
    if notes and without_notes().isascii():
        where = "your notes"
        fixes.append("leave out --notes")
    else:
        where = "the papers' fields"
        if format_key != "bibtex":
            fixes.append("use -f bibtex, which spells what LaTeX can in ASCII")
    return (f"{path} is not UTF-8 and {where} have characters with no ASCII spelling ({shown}); nothing "
            f"written. To add them: " + ", or ".join(fixes))


def _refuse_odd_bib(path: Path, text: str, scan) -> None:
    if scan.unclosed:
        problem = scan.problems[-1]
        raise ExportRefused(
            f"{path}:{problem.line}: an entry is never closed ({problem.message}), so entries added "
            "after it would be read as part of it; nothing written. Close it first",
            forceable=True,
        )
    if text.strip() and not (scan.entries or scan.others or scan.comments):
        first = scan.loose[0][0] if scan.loose else 0
        raise ExportRefused(
            f"{path} holds no BibTeX entries (line {line_of(text, first)} starts with text); nothing written",
            forceable=True,
        )


def key_template_from(args: argparse.Namespace) -> str:
    """``--key-template`` if given, else the config file's, else the default."""
    from .config import load_config

    if getattr(args, "key_template", None) is not None:
        try:
            return check_key_template(args.key_template)
        except KeyTemplateError as error:
            raise ExportRefused(str(error)) from None
    config = load_config()
    for problem in config.problems:
        print(f"arxiv-reader: config: {problem}", file=sys.stderr)
    return config.citations.key_template


def run_export(
    args: argparse.Namespace,
    papers: Sequence[Paper],
    states: Mapping[str, PaperState],
    universe: Sequence[Paper] | None = None,
    reading: Snapshot | None = None,
) -> int:
    """The ``export`` subcommand once the papers are chosen from the library
    ``universe`` (see ``tui.cli``); ``reading``: the tags and notes (``--notes``)."""
    from .cli import CommandError, write_data

    gaps = citation_gaps(papers) if args.format in CITED_FORMATS and args.append is None else []
    try:
        key_template = key_template_from(args)
        if args.append is not None:
            notes = reading.notes if reading is not None and getattr(args, "notes", False) else None
            result = append_export(
                args.append, papers, args.format, key_template, force=args.force, universe=universe, notes=notes
            )
            target = args.append
        else:
            text = render(args.format, papers, states, key_template, universe, reading, getattr(args, "notes", False))
            if args.output == "-" or args.output == "/dev/stdout":  # on a terminal: inert
                write_data(inert_text(text) if stdout_is_terminal() else text)
                _warn(gaps)
                return 0
            result = write_export(args.output, text, args.format, len(papers), force=args.force)
            target = args.output
    except ExportRefused as error:
        hint = " (--force appends anyway)" if error.forceable else ""
        raise CommandError(f"{error}{hint}") from None
    described = result.describe(Path(target).expanduser(), args.format, appended=args.append is not None)
    print(escape_controls(described), file=sys.stderr)
    _warn(gaps or list(result.gaps))
    return 0


def _warn(warnings: Sequence[str]) -> None:
    for warning in warnings:
        print(f"arxiv-reader: warning: {escape_controls(warning)}", file=sys.stderr)
