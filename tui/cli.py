"""The command line: parse arguments, run a subcommand or open the reader.

Every subcommand works on the same store as the reader, so scripts and tests can
drive the library (``import``, ``list``, ``star`` ...) without a terminal UI. The
parsers are in :mod:`.cli_args`, the library's subcommands in :mod:`.cli_library`,
the reading list's in :mod:`.cli_reading`, what they share in :mod:`.cli_common`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .cli_args import KNOWN_OPTIONS, SUBCOMMANDS, build_command_parser, build_reader_parser
from .cli_args import protect_query_values, restore_query
from .cli_common import (
    CommandError, _notice, filter_with_query, new_ids_for, open_store, reading_snapshot, refuse_unknown_ids,
    resolve_ids,
)
from .cli_library import cmd_config, cmd_export, cmd_import, cmd_list, cmd_remove, cmd_state, cmd_stats
from .cli_output import StdoutClosed, guard_missing_streams, silence_stdout, tolerate_unencodable_output
from .cli_output import write_data
from .cli_problems import cmd_problems
from .cli_serve import cmd_serve

# The subcommands' shared helpers are named here too: other modules (and scripts) import them from tui.cli.
__all__ = [
    "KNOWN_OPTIONS", "SUBCOMMANDS", "CommandError", "build_command_parser", "filter_with_query", "main",
    "new_ids_for", "open_store", "reading_snapshot", "refuse_unknown_ids", "resolve_ids", "write_data",
]


#: Exit status when standard output is a pipe closed early (128 + SIGPIPE, as for `seq | head`).
EXIT_CLOSED_PIPE = 141


def sample_digest_dir() -> Path:
    """The few real digest days shipped inside the package."""
    return Path(__file__).resolve().parent / "sample"


COMMANDS = {
    "import": cmd_import,
    "problems": cmd_problems,
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
        import tempfile  # (imported here only: with shutil, 10-16 ms of every command's start)

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
        from .core.index import IndexUnavailable
        from .core.store import StoreError

        if not isinstance(error, (StoreError, OSError, IndexUnavailable)):  # (the index: see Store.answer)
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

