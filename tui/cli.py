"""The command line: parse arguments, run a subcommand or open the reader.

Every subcommand works on the same store as the reader, so scripts and tests can
drive the library (``import``, ``list``, ``star`` ...) without a terminal UI.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path

from .cli_help import COMMAND_HELP, SUBCOMMAND_LIST
from .core.models import Paper, PaperState, split_arxiv_id
from .core.safetext import escape_controls
from .core.records import jsonl

SUBCOMMANDS = ("import", "remove", "list", "star", "unstar", "read", "unread", "stats", "export")
EXPORT_FORMATS = ("bibtex", "biblatex", "text", "markdown", "jsonl", "id", "url")


class CommandError(Exception):
    """A user-facing error: printed as ``arxiv-reader: message`` with exit status
    ``status`` (1 unless said otherwise)."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


#: Exit status when standard output is a pipe closed early (128 + SIGPIPE, as for `seq | head`).
EXIT_CLOSED_PIPE = 141


def sample_digest_dir() -> Path:
    """The few real digest days shipped inside the package."""
    return Path(__file__).resolve().parent / "sample"


# -- argument parsing ------------------------------------------------------------


def _common_options(default: object = None) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--home",
        type=Path,
        metavar="DIR",
        default=default,
        help="data directory (default: $ARXIV_READER_HOME or the user data dir)",
    )
    return common


def build_reader_parser() -> argparse.ArgumentParser:
    """The parser for ``arxiv-reader [PATH...]`` (opening the reader)."""
    parser = argparse.ArgumentParser(
        prog="arxiv-reader",
        parents=[_common_options()],
        description=(
            "A keyboard-driven terminal reader for daily arXiv digests. With no PATH and an empty "
            "library, the bundled sample digests are opened."
        ),
        epilog=SUBCOMMAND_LIST + "\n\nexamples:\n  arxiv-reader ~/digests/cs.CV/2026/07\n  arxiv-reader export -q is:starred -o refs.bib",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="digest files or folders to import and open")
    parser.add_argument(
        "--mark-read-delay",
        type=float,
        default=1.5,
        metavar="SECONDS",
        help="mark a paper read after it stays highlighted this long (0 turns it off; default 1.5)",
    )
    return parser


def build_command_parser() -> argparse.ArgumentParser:
    """The parser for the scriptable subcommands."""
    # Subparsers must not reset a --home given before the subcommand: SUPPRESS their default.
    common = _common_options(default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="arxiv-reader",
        parents=[_common_options()],
        epilog=SUBCOMMAND_LIST,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")

    def add(name: str) -> argparse.ArgumentParser:
        help_ = COMMAND_HELP[name]
        return sub.add_parser(
            name,
            parents=[common],
            help=help_.summary,
            description=help_.description,
            epilog=help_.epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    query_help = "filter with the query language (may start with -: --query -video)"
    p_import = add("import")
    p_import.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="digest files or folders")

    add("remove").add_argument("paths", nargs="+", type=Path, metavar="PATH", help="digest files or folders")

    p_list = add("list")
    p_list.add_argument("--format", choices=("table", "jsonl"), default="table", help="output (default: table)")
    p_list.add_argument("--limit", type=int, default=None, metavar="N", help="print at most N papers")
    p_list.add_argument("--query", "-q", default="", metavar="Q", help=query_help)

    for name in ("star", "unstar", "read", "unread"):
        add(name).add_argument("ids", nargs="+", metavar="ID", help="arXiv ids, arXiv:ids or abs/pdf URLs")

    add("stats")

    p_export = add("export")
    p_export.add_argument("--query", "-q", default="", metavar="Q", help=query_help + "; default: every paper")
    p_export.add_argument("--format", "-f", choices=EXPORT_FORMATS, default="bibtex", help="default: bibtex")
    target = p_export.add_mutually_exclusive_group()
    target.add_argument("-o", "--output", default="-", metavar="FILE", help="file to write (default: standard output)")
    target.add_argument(
        "--append", metavar="FILE", help="add the papers not already in this .bib file (created if missing)"
    )
    p_export.add_argument(
        "--force", action="store_true", help="let -o replace a file holding entries this export would not write"
    )
    p_export.add_argument(
        "--lenient", action="store_true", help="export even when part of the query had to be ignored"
    )
    p_export.add_argument(
        "--key-template", metavar="T", help="citation keys, e.g. '{auth}{year}{shorttitle}' (default: config file)"
    )
    return parser


# -- helpers ---------------------------------------------------------------------


def _notice(message: str) -> None:
    print(f"arxiv-reader: {escape_controls(message)}", file=sys.stderr)


def open_store(home: Path | None):
    """Open the store at ``home`` (or the default); every notice it raises, now or
    later in the command, is printed to stderr as it comes."""
    from .core.store import Store, default_home

    store = Store(home or default_home())
    for message in store.messages:
        _notice(message)
    store.messages.subscribe(_notice)
    return store


def filter_with_query(
    papers: Sequence[Paper],
    states: dict[str, PaperState],
    text: str,
    *,
    strict: bool = False,
    new_ids: Collection[str] = frozenset(),
) -> list[Paper]:
    """Papers matching the query ``text``; warnings about ignored parts go to stderr.

    With ``strict`` a query that had to ignore anything is refused (exit status 2).
    ``new_ids``: the papers ``is:new`` finds (see :func:`new_ids_for`)."""
    if not text.strip():
        return list(papers)
    from .core.query import filter_papers

    found, warnings = filter_papers(papers, text, states, frozenset(new_ids))
    if warnings and strict:
        raise CommandError(
            f"query {text!r}: " + "; ".join(warnings) + ". Nothing written "
            "(fix the query, or add --lenient to export what the rest of it selects)",
            status=2,
        )
    for warning in warnings:
        print(f"arxiv-reader: query: {warning}", file=sys.stderr)
    return found


def new_ids_for(store, text: str) -> set[str]:
    """What ``is:new`` means for a query: the papers first imported after the last
    reader session ended (every paper before any session). Looked up only when asked."""
    if "is:new" not in text.lower():
        return set()
    return store.new_paper_ids(store.last_session_end())


def resolve_ids(raw_ids: Sequence[str], known: set[str]) -> tuple[list[str], list[str]]:
    """Turn user-typed ids, ``arXiv:`` ids and abs/pdf URLs into library ids.

    Returns the library ids (without duplicates) and the raw ids that aren't
    one or aren't in the library.
    """
    resolved: list[str] = []
    unknown: list[str] = []
    for raw in raw_ids:
        found = split_arxiv_id(raw)
        if found is None or found[0] not in known:
            unknown.append(raw)
        else:
            resolved.append(found[0])
    return list(dict.fromkeys(resolved)), unknown


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(papers: Sequence[Paper], states: dict[str, PaperState]) -> str:
    """A fixed-width table: flags, id, digest date, primary category, title."""
    lines = []
    for paper in papers:
        state = states.get(paper.id)
        flags = ("*" if state and state.starred else " ") + (" " if state and state.read else "N")
        title = " ".join(paper.title.split())
        lines.append(
            f"{flags} {paper.versioned_id:<22} {paper.first_digest_date:<10} "
            f"{paper.primary_category:<10} {_truncate(title, 90)}"
        )
    return "".join(line + "\n" for line in lines)


# -- subcommands -----------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        raise CommandError("no such file or folder: " + ", ".join(missing))
    store = open_store(args.home)
    report = store.import_paths(args.paths)
    for problem in report.problems:
        print(f"problem: {escape_controls(str(problem))}", file=sys.stderr)
    print(
        f"files read: {report.files_read}, unchanged: {report.files_unchanged}; "
        f"papers new: {report.papers_new}, updated: {report.papers_updated}, "
        f"unchanged: {report.papers_unchanged}; problems: {len(report.problems)}"
    )
    if report.files_read + report.files_unchanged == 0:
        raise CommandError("no digest could be read from " + ", ".join(map(os.fspath, args.paths)))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """Take digests back out of the library; the files and the reading marks stay."""
    store = open_store(args.home)
    report = store.remove_paths(args.paths)
    for path in report.unmatched:
        print(f"arxiv-reader: no digest of the library is {path} or under it", file=sys.stderr)
    if not report.removed:
        raise CommandError("nothing removed")
    print(
        f"removed {len(report.removed):,} digest(s): {report.papers_removed:,} papers left the library, "
        f"{report.papers_kept:,} stay through other digests; read and starred marks are kept"
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_store(args.home)
    papers = store.load_papers()
    states = store.states()
    papers = filter_with_query(papers, states, args.query, new_ids=new_ids_for(store, args.query))
    if args.limit is not None:
        papers = papers[: max(args.limit, 0)]
    sys.stdout.write(jsonl(papers, states) if args.format == "jsonl" else format_table(papers, states))
    return 0


def cmd_state(args: argparse.Namespace) -> int:
    """star/unstar/read/unread: apply the known ids, name the unknown ones (exit 1)."""
    store = open_store(args.home)
    ids, unknown = resolve_ids(args.ids, store.known_ids())  # the index suffices: no paper is loaded
    done = {"star": "starred", "unstar": "unstarred", "read": "marked read", "unread": "marked unread"}
    if ids:
        if args.command in ("star", "unstar"):
            store.set_starred(ids, args.command == "star")
        else:
            store.set_read(ids, args.command == "read")
        print(f"{done[args.command]}: {', '.join(ids)}")
    if unknown:
        what = "not an arXiv id in the library: " + ", ".join(unknown)
        raise CommandError(what + ("" if ids else "; nothing changed"))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    store = open_store(args.home)
    papers = store.load_papers()
    states = store.states()
    dates = [ref.date for paper in papers for ref in paper.digests]
    per_category = Counter(ref.category for paper in papers for ref in paper.digests)
    primary = Counter(paper.primary_category for paper in papers)
    ids = {paper.id for paper in papers}
    read = sum(1 for key, state in states.items() if state.read and key in ids)
    starred = sum(1 for key, state in states.items() if state.starred and key in ids)
    out = [
        f"papers:     {len(papers):,}",
        f"digests:    {store.digest_count():,}",
        f"dates:      {min(dates)} .. {max(dates)}" if dates else "dates:      none",
        f"read:       {read:,}",
        f"unread:     {len(papers) - read:,}",
        f"starred:    {starred:,}",
        "per digest category (papers listed):",
        *(f"  {category:<16} {count:>8,}" for category, count in sorted(per_category.items())),
        "top primary categories:",
        *(f"  {category:<16} {count:>8,}" for category, count in primary.most_common(10)),
    ]
    print("\n".join(out))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import run_export

    store = open_store(args.home)
    states = store.states()
    papers = filter_with_query(
        store.load_papers(), states, args.query, strict=not args.lenient, new_ids=new_ids_for(store, args.query)
    )
    if not papers:
        raise CommandError(f"no paper matches the query {args.query!r}; nothing written")
    return run_export(args, papers, states)


COMMANDS = {
    "import": cmd_import,
    "remove": cmd_remove,
    "list": cmd_list,
    "star": cmd_state,
    "unstar": cmd_state,
    "read": cmd_state,
    "unread": cmd_state,
    "stats": cmd_stats,
    "export": cmd_export,
}


def run_reader(args: argparse.Namespace) -> int:
    """Open the terminal UI on the library, importing ``args.paths`` first."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Without a terminal the app would spin writing escape codes into a file or pipe.
        raise CommandError(
            "the reader needs a terminal (standard input and output are not one); "
            "in scripts and pipes use a subcommand: " + ", ".join(SUBCOMMANDS)
        )
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        raise CommandError("no such file or folder: " + ", ".join(missing))
    store = open_store(args.home)
    paths = list(args.paths)
    from .app import ArxivReaderApp

    if not paths and store.digest_count() == 0:
        # The sample opens in a throw-away data folder: nothing of it enters the
        # user's library, and it is gone as soon as they import real digests.
        from .core.store import Store

        with tempfile.TemporaryDirectory(prefix="arxiv-reader-sample-") as sample_home:
            sample = Store(Path(sample_home))
            app = ArxivReaderApp(sample, paths=[sample_digest_dir()], mark_read_delay=args.mark_read_delay, sample=True)
            app.run()
        return 0
    ArxivReaderApp(store, paths=paths, mark_read_delay=args.mark_read_delay).run()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``arxiv-reader`` console script and ``python -m tui``.

    Every command runs inside one wrapper: output to a pipe closed early
    (``| head -1``) ends quietly, and characters standard output can't encode
    are replaced instead of raising, so no command ever prints a traceback for them.
    """
    _tolerate_unencodable_output()
    try:
        status = _dispatch(list(sys.argv[1:] if argv is None else argv))
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return status
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_CLOSED_PIPE
    except CommandError as error:
        _notice(str(error))
        return error.status
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        from .core.store import StoreError

        if not isinstance(error, (StoreError, OSError)):
            raise
        # A full disk, a read-only remount, a data folder that is a file...: one line, exit 1.
        _notice(_describe_failure(error))
        return 1


def _describe_failure(error: Exception) -> str:
    """What failed and where, in one line (an OSError names its file)."""
    if isinstance(error, OSError) and error.filename is not None:
        where = os.fsdecode(error.filename)
        if error.filename2 is not None:
            where += " -> " + os.fsdecode(error.filename2)
        return f"{error.strerror or error}: {where}"
    return str(error)


def _dispatch(argv: list[str]) -> int:
    argv = _attach_dash_values(argv)
    # Subcommands may follow global options such as --home DIR.
    first = next((i for i, arg in enumerate(argv) if not arg.startswith("-")), None)
    if first is not None and first > 0 and argv[first - 1] == "--home":
        first = next((i for i, arg in enumerate(argv[first + 1 :], first + 1) if not arg.startswith("-")), None)
    if first is not None and argv[first] in SUBCOMMANDS:
        args = build_command_parser().parse_args(argv)
        if isinstance(getattr(args, "query", None), str):
            args.query = _valid_text(args.query)
        return COMMANDS[args.command](args)
    return run_reader(build_reader_parser().parse_args(argv))


def _valid_text(text: str) -> str:
    """An argument as text: bytes that were not UTF-8 (kept by Python as lone
    surrogates, which nothing can encode) become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


#: Options whose value may start with "-" (a query such as "-video").
_DASH_VALUE_OPTIONS = ("--query", "-q")


def _attach_dash_values(argv: list[str]) -> list[str]:
    """``--query -video`` -> ``--query=-video`` (``-q -video`` -> ``-q-video``), which
    argparse would otherwise read as an unknown option."""
    out: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            out += argv[index:]
            break
        following = argv[index + 1] if index + 1 < len(argv) else None
        if arg in _DASH_VALUE_OPTIONS and following is not None and following.startswith("-") and following != "-":
            out.append(f"{arg}={following}" if arg.startswith("--") else arg + following)
            index += 2
            continue
        out.append(arg)
        index += 1
    return out


def _tolerate_unencodable_output() -> None:
    """On a terminal or pipe that isn't UTF-8, print "?" for what it can't show."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding != "utf8" and reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # pragma: no cover - a stream already closed
                pass


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush can't fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
