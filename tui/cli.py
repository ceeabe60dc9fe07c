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
from typing import TYPE_CHECKING

from .cli_ask import removal_refused
from .cli_serve import cmd_serve
from .cli_watch import cmd_watch
from .cli_args import KNOWN_OPTIONS, SUBCOMMANDS, build_command_parser, build_reader_parser
from .cli_args import protect_query_values, restore_query
from .cli_output import StdoutClosed, guard_missing_streams, silence_stdout, tolerate_unencodable_output
from .cli_output import write_data, write_text
from .core.latex import title_text
from .core.models import Paper, PaperState, split_arxiv_id
from .core.safetext import escape_controls
from .core.records import jsonl

if TYPE_CHECKING:
    from .core.readinglist import Snapshot

__all__ = ["KNOWN_OPTIONS", "SUBCOMMANDS", "CommandError", "build_command_parser", "main", "write_data"]


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


# -- helpers ---------------------------------------------------------------------


def _notice(message: str) -> None:
    print(f"arxiv-reader: {escape_controls(message)}", file=sys.stderr)


def open_store(home: Path | None, read_only: bool = False):
    """Open the store at ``home`` (or the default); every notice it raises, now or
    later in the command, is printed to stderr as it comes. ``read_only`` (a
    command that only reads): no data folder is said, and none is made."""
    from .core.store import Store, default_home

    home = home or default_home()
    if read_only and _missing(home):
        raise CommandError(f"no library at {home}: import digests first (arxiv-reader import PATH)")
    store = Store(home)
    if store.unusable:  # (a file in its place...): this alone is the message
        raise CommandError(store.unusable)
    for message in store.messages:
        _notice(message)
    store.messages.subscribe(_notice)
    return store


def _missing(home: Path) -> bool:
    """Whether ``home`` is simply not there yet (not: a file stands in its way)."""
    if home.exists():
        return False
    parent = next((folder for folder in home.parents if folder.exists()), None)
    return parent is not None and parent.is_dir()


def filter_with_query(
    papers: Sequence[Paper],
    states: dict[str, PaperState],
    text: str,
    *,
    strict: bool = False,
    new_ids: Collection[str] = frozenset(),
    reading: Snapshot | None = None,
) -> list[Paper]:
    """Papers matching the query ``text``; warnings about ignored parts go to stderr.

    With ``strict`` a query that had to ignore anything is refused (exit status 2).
    ``new_ids``: the papers ``is:new`` finds (see :func:`new_ids_for`). ``reading``:
    the reading list (``@name``, tags, notes; the muted papers are left out and
    counted on stderr unless the query says ``is:muted``)."""
    if not text.strip() and not (reading and reading.mute_query):
        return list(papers)
    from .core.query import QueryEngine
    from .core.readinglist import Selector, Snapshot

    engine = QueryEngine(papers)
    engine.new_ids = frozenset(new_ids)
    selection = Selector(engine, reading or Snapshot(), states).select(text)
    found, warnings = [papers[i] for i in selection.indices], selection.warnings
    if warnings and strict:
        raise CommandError(
            f"query {text!r}: " + "; ".join(warnings) + ". Nothing written "
            "(fix the query or the saved search named, or add --lenient to export what the rest of it selects)",
            status=2,
        )
    for warning in warnings:
        print(f"arxiv-reader: query: {warning}", file=sys.stderr)
    if selection.hidden:
        _notice(f"{selection.hidden:,} muted paper(s) left out (the saved search 'mute'; is:muted finds them)")
    return found


def new_ids_for(store, text: str, saved: Collection[str] = ()) -> set[str]:
    """What ``is:new`` means for a query, by the reader's rule: the papers first imported
    after what the ended reader sessions loaded (every paper before any session ended;
    see :mod:`tui.core.store.readers`). Looked up only when the query or a saved search
    it may use (``saved``: their texts) asks."""
    from .core.query import parse_query

    if not any(parse_query(query).uses_new for query in (text, *saved)):
        return set()
    return store.new_paper_ids(store.new_baseline())


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


def refuse_unknown_ids(unknown: Sequence[str], applied: Sequence[str]) -> None:
    """Name the ids that are not in the library (exit 1), saying "nothing changed"
    when none was applied; nothing when every id was known."""
    if unknown:
        what = "not an arXiv id in the library: " + ", ".join(unknown)
        raise CommandError(what + ("" if applied else "; nothing changed"))


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(papers: Sequence[Paper], states: dict[str, PaperState]) -> str:
    """A fixed-width table: flags, id, digest date, primary category, title
    (its LaTeX rendered, as in the reader's list)."""
    lines = []
    for paper in papers:
        state = states.get(paper.id)
        flags = ("*" if state and state.starred else " ") + (" " if state and state.read else "N")
        title = escape_controls(title_text(paper.title))  # LaTeX rendered, as in the reader
        lines.append(  # (every field came from a file: escaped)
            f"{flags} {escape_controls(paper.versioned_id):<22} {escape_controls(paper.first_digest_date):<10} "
            f"{escape_controls(paper.primary_category):<10} {_truncate(title, 90)}"
        )
    return "".join(line + "\n" for line in lines)


# -- subcommands -----------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    if args.watch:
        return cmd_watch(args)
    if not args.paths:
        raise CommandError("import: give a PATH (arxiv-reader import --help)", status=2)
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        raise CommandError("no such file or folder: " + ", ".join(missing))
    store = open_store(args.home)
    store.check_state()  # import never reads the state, but is never silent about it either
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
    """Take digests back out of the library; the files and the reading marks stay.

    A large removal is asked first (see :func:`.cli_ask.removal_refused`;
    ``--yes`` answers for scripts).
    """
    store = open_store(args.home)
    plan = store.remove_paths(args.paths, dry_run=True)
    for path in plan.unmatched:
        _notice(f"no digest of the library is {path} or under it")
    if not plan.removed:
        raise CommandError("nothing removed")
    refused = None if args.yes else removal_refused(len(plan.removed), plan.library_digests, plan.whole_library)
    if refused:
        raise CommandError(refused)
    report = store.remove_paths(args.paths)
    if not report.removed:
        raise CommandError("nothing removed")
    write_text(
        f"removed {len(report.removed):,} digest(s): {report.papers_removed:,} papers left the library, "
        f"{report.papers_kept:,} stay through other digests; read and starred marks, tags and notes are kept\n"
    )
    if report.whole_library:
        write_text("the library is empty now: the reader shows its sample until you import digests again\n")
    return 0


def reading_snapshot(store) -> Snapshot:
    """The reading list as it is now: tags, notes, saved searches (see :mod:`tui.cli_reading`)."""
    from .core.readinglist import ReadingList

    return ReadingList(store).snapshot()


def cmd_list(args: argparse.Namespace) -> int:
    from .core.store import default_home

    if not args.query.strip() and _missing(args.home or default_home()):
        _notice(f"no library at {args.home or default_home()}: import digests first (arxiv-reader import PATH)")
        return 0  # nothing was asked to match (as for an empty library)
    store = open_store(args.home, read_only=True)
    papers = store.load_papers()
    states = store.states()
    if not papers and not args.query.strip():
        _notice("the library is empty: import digests first (arxiv-reader import PATH)")
        return 0  # nothing was asked to match
    reading = reading_snapshot(store)
    new_ids = new_ids_for(store, args.query, reading.searches.values())
    papers = filter_with_query(papers, states, args.query, new_ids=new_ids, reading=reading)
    if not papers:
        raise CommandError(f"no paper matches the query {args.query!r}")
    if args.limit is not None:
        papers = papers[: max(args.limit, 0)]
    if args.format == "jsonl":
        write_data(jsonl(papers, states, reading.tags, reading.notes))
    else:
        write_text(format_table(papers, states))
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
        print(f"{done[args.command]}: {escape_controls(', '.join(ids))}")
    refuse_unknown_ids(unknown, ids)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    store = open_store(args.home, read_only=True)
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
        *_device_lines(store),
    ]
    write_text("".join(escape_controls(line) + "\n" for line in out))  # categories, dates, devices: from files
    return 0


def _device_lines(store) -> list[str]:
    """The devices whose state files were read, and when each last changed anything."""
    devices = store.state_devices()
    lines = ["devices (state files read; latest change, UTC):"]
    for name, stamp in sorted(devices.items(), key=lambda item: item[1], reverse=True):
        when = f"{stamp[:10]} {stamp[11:19]}" if stamp else "no change yet"
        lines.append(f"  {name:<16} {when}" + ("  (this device)" if name == store.device_name else ""))
    return lines if devices else ["devices:    none has saved a change yet"]


def cmd_export(args: argparse.Namespace) -> int:
    from .export import run_export

    store = open_store(args.home, read_only=True)
    states = store.states()
    library = store.load_papers()
    reading = reading_snapshot(store)
    new_ids = new_ids_for(store, args.query, reading.searches.values())
    papers = filter_with_query(library, states, args.query, strict=not args.lenient, new_ids=new_ids, reading=reading)
    if not papers:
        raise CommandError(f"no paper matches the query {args.query!r}; nothing written")
    return run_export(args, papers, states, universe=library, reading=reading)


def cmd_config(args: argparse.Namespace) -> int:
    from .config import config_path, describe, load_config

    path = config_path()
    if args.path:
        write_text(f"{path}\n")
        return 0
    config = load_config()
    for problem in config.problems:
        print(f"arxiv-reader: config: {problem}", file=sys.stderr)
    write_text(describe(config, path))
    return 0


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
    "config": cmd_config,
    "serve": cmd_serve,
}


def run_reader(args: argparse.Namespace) -> int:
    """Open the terminal UI on the library, importing ``args.paths`` first."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()) and not os.environ.get("TEXTUAL_DRIVER"):
        # (TEXTUAL_DRIVER: another driver talks to the user, e.g. the browser's in 'serve')
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
    from .config import load_config_for_reader

    config, paths = load_config_for_reader(paths)

    if not paths and store.digest_count() == 0:
        # The sample opens in a throw-away data folder: nothing of it enters the
        # user's library, and it is gone as soon as they import real digests.
        from .core.store import Store

        with tempfile.TemporaryDirectory(prefix="arxiv-reader-sample-") as sample_home:
            sample = Store(Path(sample_home))
            app = ArxivReaderApp(sample, paths=[sample_digest_dir()], mark_read_delay=args.mark_read_delay, sample=True,
                                 config=config)
            app.run()
        return 0
    ArxivReaderApp(store, paths=paths, mark_read_delay=args.mark_read_delay, config=config, watch=True).run()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``arxiv-reader`` console script and ``python -m tui``.

    Every command runs inside one wrapper, so none prints a traceback for its
    surroundings: output to a pipe closed early (``| head -1``) ends quietly
    with status 141; a closed standard output (``>&-``) is an error message;
    people's text that standard output can't encode shows ``?`` (data is
    always UTF-8: :func:`write_data`).
    """
    closed_stdout = guard_missing_streams()
    tolerate_unencodable_output()
    try:
        status = _dispatch(list(sys.argv[1:] if argv is None else argv))
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return status
    except BrokenPipeError:
        silence_stdout()
        return EXIT_CLOSED_PIPE
    except CommandError as error:
        _notice(str(error))
        return error.status
    except StdoutClosed:
        print("arxiv-reader: standard output is closed; nothing could be printed", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        from .core.store import StoreError

        if not isinstance(error, (StoreError, OSError)):
            raise
        # A full disk, a read-only remount, a data folder that is a file...: one line, exit 1.
        _notice(_describe_failure(error))
        return 1
    finally:
        if closed_stdout:
            sys.stdout = None  # type: ignore[assignment]


def _describe_failure(error: Exception) -> str:
    """What failed and where, in one line (an OSError names its file)."""
    if isinstance(error, OSError) and error.filename is not None:
        where = os.fsdecode(error.filename)
        if error.filename2 is not None:
            where += " -> " + os.fsdecode(error.filename2)
        return f"{error.strerror or error}: {where}"
    return str(error)


def _dispatch(argv: list[str]) -> int:
    argv, queries = protect_query_values(argv)
    # Subcommands may follow global options such as --home DIR.
    first = next((i for i, arg in enumerate(argv) if not arg.startswith("-")), None)
    if first is not None and first > 0 and argv[first - 1] == "--home":
        first = next((i for i, arg in enumerate(argv[first + 1 :], first + 1) if not arg.startswith("-")), None)
    if first is not None and argv[first] in SUBCOMMANDS:
        args = build_command_parser().parse_args(argv)
        restore_query(args, queries)  # bytes that were not UTF-8 read as Latin-1, with a note
        command = COMMANDS.get(args.command)
        if command is None:  # the reading list's (tag, tags, note, search, alerts)
            from .cli_reading import COMMANDS as READING_COMMANDS

            command = READING_COMMANDS[args.command]
        return command(args)
    return run_reader(build_reader_parser().parse_args(argv))

