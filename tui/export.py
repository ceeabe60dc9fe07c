"""Writing an export to a file without ever destroying what the user had.

Shared by the command line (``export -o`` / ``--append``) and the reader:
:func:`write_export` replaces a file only when nothing in it would be lost
(or when forced), :func:`append_export` adds only the papers a ``.bib`` lacks.
Both write atomically and keep the file's mode and owner
(:func:`tui.core.atomic.replace_user_file`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .core.atomic import replace_user_file
from .core.cite import BIB_FORMATS, FORMATS, KeyTemplateError, check_key_template, render_citations
from .core.cite.bibfile import overwrite_losses, plan_append
from .core.models import Paper, PaperState
from .core.records import jsonl


class ExportRefused(Exception):
    """The export would lose something, or can't be done: nothing was written."""


@dataclass(frozen=True)
class ExportResult:
    """What an export to a file did, in words for a message."""

    written: int  # papers written (0: the file was left untouched)
    already: int = 0  # papers the file already had (append)

    def describe(self, path: Path, format_key: str, appended: bool) -> str:
        label = "jsonl" if format_key == "jsonl" else format_key
        if not appended:
            return f"wrote {_count(self.written, 'paper')} as {label} to {path}"
        if not self.written:
            return f"nothing added: {path} already has all {_count(self.already, 'paper')}; file untouched"
        also = f" ({self.already:,} already there)" if self.already else ""
        return f"added {_count(self.written, 'paper')} as {label} to {path}{also}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def render(format_key: str, papers: Sequence[Paper], states: Mapping[str, PaperState], key_template: str) -> str:
    """The export's text (``jsonl`` or a format of :data:`tui.core.cite.FORMATS`)."""
    if format_key == "jsonl":
        return jsonl(papers, dict(states))
    return render_citations(format_key, papers, key_template)


def _read_existing(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ExportRefused(f"{path} is a folder") from None
    return data.decode("utf-8", errors="replace")


def write_export(path: Path, text: str, format_key: str, papers: int, *, force: bool = False) -> ExportResult:
    """Write ``text`` to ``path``, refusing to replace a file holding things this
    export would not write again, unless ``force``."""
    existing = _read_existing(path)
    if existing is not None and not force:
        lost = overwrite_losses(existing, text, bib=format_key in BIB_FORMATS)
        if lost:
            shown = ", ".join(lost[:3]) + (f" and {len(lost) - 3:,} more" if len(lost) > 3 else "")
            raise ExportRefused(
                f"{path} holds {_count(len(lost), 'entry' if format_key in BIB_FORMATS else 'line')} "
                f"this export would not write ({shown}); left untouched. "
                + ("Use --append to add to it, or " if format_key in BIB_FORMATS else "Use ")
                + "--force to replace it"
            )
    replace_user_file(path, text.encode("utf-8"))
    return ExportResult(written=papers)


def append_export(path: Path, papers: Sequence[Paper], format_key: str, key_template: str) -> ExportResult:
    """Add to the ``.bib`` at ``path`` the papers it lacks (same arXiv id or DOI);
    a missing file is created.  The file's bytes are kept as they were."""
    if format_key not in BIB_FORMATS:
        raise ExportRefused(f"--append works with bibtex or biblatex, not {format_key}")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raw = b""
    except IsADirectoryError:
        raise ExportRefused(f"{path} is a folder") from None
    renderer = FORMATS[format_key][1]
    plan = plan_append(raw.decode("utf-8", errors="replace"), papers, renderer, key_template)
    if not plan.added:
        return ExportResult(written=0, already=len(plan.present))
    # Append to the original bytes (not the decoded text) so nothing else changes.
    decoded = raw.decode("utf-8", errors="replace")
    addition = plan.text[len(decoded):]
    replace_user_file(path, raw + addition.encode("utf-8"))
    return ExportResult(written=len(plan.added), already=len(plan.present))


def key_template_from(args: argparse.Namespace) -> str:
    """``--key-template`` if given, else the config file's, else the default."""
    from .config import load_config

    if getattr(args, "key_template", None):
        try:
            return check_key_template(args.key_template)
        except KeyTemplateError as error:
            raise ExportRefused(str(error)) from None
    config = load_config()
    for problem in config.problems:
        print(f"arxiv-reader: config: {problem}", file=sys.stderr)
    return config.citations.key_template


def run_export(args: argparse.Namespace, papers: Sequence[Paper], states: Mapping[str, PaperState]) -> int:
    """The ``export`` subcommand once the papers are chosen (see ``tui.cli``)."""
    from .cli import CommandError

    try:
        key_template = key_template_from(args)
        if args.append:
            path = Path(args.append)
            result = append_export(path, papers, args.format, key_template)
        else:
            text = render(args.format, papers, states, key_template)
            if args.output == "-":
                sys.stdout.write(text)
                return 0
            path = Path(args.output)
            result = write_export(path, text, args.format, len(papers), force=args.force)
    except ExportRefused as error:
        raise CommandError(str(error)) from None
    except BrokenPipeError:
        raise  # standard output closed early: the CLI's wrapper ends quietly
    except OSError as error:
        raise CommandError(f"can't write {error.filename or ''}: {error.strerror or error}; nothing written") from None
    print(result.describe(path, args.format, appended=bool(args.append)), file=sys.stderr)
    return 0
