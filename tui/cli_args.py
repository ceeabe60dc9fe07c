"""The command line's arguments: the parsers, and the query values taken out
before argparse sees them (a query may start with ``-`` or be ``--``)."""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

from .cli_help import ACTION_HELP, COMMAND_HELP, SUBCOMMAND_LIST, CommandHelp

SUBCOMMANDS = (
    "import", "problems", "remove", "list", "star", "unstar", "read", "unread", "stats", "export", "config",
    "serve", "tag", "tags", "note", "search", "alerts",
)
EXPORT_FORMATS = ("bibtex", "biblatex", "text", "markdown", "jsonl", "id", "url")


def seconds(value: str) -> float:
    """An argparse type: a finite number of seconds, 0 or more (not nan, inf or -1)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds, 0 or more, not {value!r}")
    return number


def port(value: str) -> int:
    """An argparse type: a TCP port from 1 to 65535."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, not {value}")
    return number


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
            "A keyboard-driven terminal reader for daily arXiv digests. With no PATH, the config file's "
            "[library] folders are imported and watched; with neither and an empty library, the bundled "
            "sample digests are opened."
        ),
        epilog=SUBCOMMAND_LIST
        + "\n\nexamples:\n  arxiv-reader ~/digests/cs.CV/2026/07\n  arxiv-reader export -q is:starred -o refs.bib",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH",
        help="digest files or folders to import, open and watch for new or changed day files"
    )
    parser.add_argument(
        "--mark-read-delay",
        type=seconds,
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
    p_import.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                          help="digest files or folders (with --watch and none: the config's [library] folders)")
    p_import.add_argument(
        "--watch", action="store_true",
        help="then keep watching PATH: import each new or changed day file once it is finished (Ctrl-C stops)",
    )
    p_import.add_argument(
        "--settle", type=seconds, default=1.0, metavar="SECONDS",
        help="with --watch: how long a changed file must stay unchanged before it is read (default 1)",
    )

    add("problems").add_argument("paths", nargs="*", type=Path, metavar="PATH",
                                 help="digest files or folders (default: every digest of the library)")

    p_remove = add("remove")
    p_remove.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="digest files or folders")
    p_remove.add_argument("--yes", "-y", action="store_true",
                          help="do not ask before taking out the whole library (or more than a month of digests)")

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
        "--force",
        action="store_true",
        help="let -o replace a file holding anything this export would not write again; let --append "
        "add to a file that does not look like a .bib",
    )
    p_export.add_argument(
        "--lenient", action="store_true", help="export even when part of the query had to be ignored"
    )
    p_export.add_argument(
        "--key-template", metavar="T",
        help="citation keys, e.g. '{auth}{year}{shorttitle}' (default: the config file; see 'arxiv-reader config')",
    )
    p_export.add_argument(
        "--notes", action="store_true",
        help="include your notes: annote in BibTeX and BibLaTeX, a Note: line in text and Markdown",
    )

    add("config").add_argument("--path", action="store_true", help="print only the config file's path")

    p_serve = add("serve")
    p_serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this "
                         "machine only; any other is reachable by others, and a warning says so)")
    p_serve.add_argument("--port", type=port, default=8537, help="port to listen on (default: 8537)")
    p_serve.add_argument("--public-url", metavar="URL", help="the address browsers use to reach the server, "
                         "when not http://HOST:PORT (behind a proxy, or listening on 0.0.0.0)")
    p_serve.add_argument("--mark-read-delay", type=seconds, default=1.5, metavar="SECONDS",
                         help="as for the reader (default 1.5)")
    _add_reading_list(add, common)
    return parser


class _NameParser(argparse.ArgumentParser):
    """``tag add|remove NAME ID...``, ``search save|remove NAME``: a NAME written ``-name`` (the
    reader's way of taking a tag off) is said for what it is, however many ids follow, not as
    argparse's "the following arguments are required" or "unrecognized arguments"."""

    _given: list[str] = []

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        self._given = list(sys.argv[1:] if args is None else args)
        namespace, extras = super().parse_known_args(args, namespace)
        if any(arg.startswith("-") for arg in extras):
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras

    def error(self, message: str):  # type: ignore[override]
        given = self._given[: self._given.index("--")] if "--" in self._given else self._given
        known = self._option_string_actions
        takes_name = any(action.dest == "name" for action in self._actions)
        dashed = [arg for arg in given if arg.startswith("-") and arg.split("=", 1)[0] not in known]
        if takes_name and dashed and not dashed[0][1:2].isdigit() and not self._after_name(dashed[0]):
            name = dashed[0].lstrip("-")
            if self.prog.split()[-2:-1] == ["tag"]:
                super().error(
                    f"a tag name cannot start with '-' ({dashed[0]!r}); to take the tag {name!r} off: "
                    f"arxiv-reader tag remove {name} ID..."
                )
            super().error(f"a saved search's name cannot start with '-' ({dashed[0]!r})")
        super().error(message)

    def _after_name(self, arg: str) -> bool:
        """Whether ``arg`` came after the name (a query word of ``search save``, such as ``-video``)."""
        takes_value = {option for option, action in self._option_string_actions.items() if action.nargs != 0}
        previous = ""
        for word in self._given:
            if word == arg:
                return False
            if not word.startswith("-") and previous not in takes_value:  # the name (not --home's DIR)
                return True
            previous = word
        return False


def _add_reading_list(add, common: argparse.ArgumentParser) -> None:
    """The reading list's subcommands: tag, tags, note, search, alerts."""

    def actions(parser: argparse.ArgumentParser, command: str):
        parser_class = _NameParser
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION", parser_class=parser_class)

        def action(name: str) -> argparse.ArgumentParser:
            help_: CommandHelp = ACTION_HELP[f"{command} {name}"]
            return sub.add_parser(
                name, parents=[common], help=help_.summary, description=help_.description,
                epilog=help_.epilog, formatter_class=argparse.RawDescriptionHelpFormatter,
            )

        return action

    ids_help = "arXiv ids, arXiv:ids or abs/pdf URLs"
    tag = actions(add("tag"), "tag")
    for name in ("add", "remove"):
        p_tag = tag(name)
        p_tag.add_argument("name", metavar="NAME", help="the tag")
        p_tag.add_argument("ids", nargs="+", metavar="ID", help=ids_help)

    add("tags").add_argument("--format", choices=("table", "jsonl"), default="table", help="output (default: table)")

    p_note = add("note")
    p_note.add_argument("id", metavar="ID", help="an arXiv id, arXiv:id or abs/pdf URL")
    how = p_note.add_mutually_exclusive_group()
    how.add_argument("--set", metavar="TEXT", help="replace the note with TEXT ('' removes it)")
    how.add_argument("--edit", action="store_true", help="edit the note in $VISUAL or $EDITOR")

    search = actions(add("search"), "search")
    p_save = search("save")
    p_save.add_argument("name", metavar="NAME", help="the name (@NAME in queries)")
    p_save.add_argument("query", nargs=argparse.REMAINDER, metavar="QUERY", help="the query: every word after NAME")
    p_save.add_argument("--force", action="store_true",
                        help="replace the saved search NAME when it holds another query (before NAME, or last)")
    search("list").add_argument(
        "--format", choices=("table", "jsonl"), default="table", help="output (default: table)"
    )
    p_unsave = search("remove")
    p_unsave.add_argument("name", metavar="NAME", help="the saved search to forget")
    p_unsave.add_argument("--force", action="store_true",
                          help="remove it even when other saved searches use it (they then match nothing)")

    p_alerts = add("alerts")
    p_alerts.add_argument(
        "--format", "-f", choices=("text", "jsonl", "markdown"), default="text", help="output (default: text)"
    )
    p_alerts.add_argument("--dry-run", action="store_true", help="print the alerts but do not record the run")
    p_alerts.add_argument("--limit", type=int, default=None, metavar="N", help="at most N papers per saved search")
    p_alerts.add_argument("--quiet", action="store_true", help="say nothing when nothing is new (for cron)")


#: The query options, whose value may start with "-" (a query such as "-video").
_QUERY_OPTIONS = ("--query", "-q")
#: Every option of the subcommands: after -q, one of these is the next option,
#: not the query (``-q --limit 2`` is a missing query, not the query "--limit").
KNOWN_OPTIONS = frozenset({
    "-h", "--help", "--home", "--query", "-q", "--format", "-f", "--limit", "-o", "--output",
    "--append", "--force", "--lenient", "--key-template", "--path", "--yes", "-y", "--watch", "--settle",
    "--host", "--port", "--public-url", "--mark-read-delay", "--notes", "--set", "--edit", "--dry-run", "--quiet",
})
#: Stands for a query value while argparse reads the command line (argparse
#: would drop a query of "--" and misread one starting with "-").
_QUERY_MARK = "\x00query:"


def protect_query_values(argv: list[str]) -> tuple[list[str], list[str]]:
    """Take the query values out of ``argv`` (``--query -video``, ``-q --``,
    ``-qfoo``, ``--query=foo``), leaving ``--query=MARK<n>`` in their place.

    Returns the new argv and the values (invalid UTF-8 read as Latin-1)."""
    out: list[str] = []
    queries: list[str] = []

    def keep(value: str) -> None:
        out.append(f"--query={_QUERY_MARK}{len(queries)}")
        queries.append(readable_text(value, "the query"))

    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            out += argv[index:]
            break
        following = argv[index + 1] if index + 1 < len(argv) else None
        if arg == "search" and following == "save":  # its query is every word after NAME, as typed
            out += argv[index:]
            break
        if arg in _QUERY_OPTIONS:
            if following is None or following.split("=", 1)[0] in KNOWN_OPTIONS:
                out.append(arg)  # argparse says the value is missing
                index += 1
            else:
                keep(following)
                index += 2
            continue
        if arg.startswith("--query="):
            keep(arg[len("--query=") :])
        elif arg.startswith("-q") and len(arg) > 2:
            keep(arg[2:])
        else:
            out.append(arg)
        index += 1
    return out, queries


def _readable_argument(value: str) -> str:
    """A command-line value with bytes that were not UTF-8 (kept by Python as
    lone surrogates) read as Latin-1, the usual other terminal encoding."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        raw = os.fsencode(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def readable_text(value: str, what: str) -> str:
    """``value`` read by :func:`_readable_argument`, saying on standard error when its bytes
    were not UTF-8 (``what`` names it: "the query")."""
    readable = _readable_argument(value)
    if readable != value:
        shown = readable if len(readable) <= 60 else readable[:59] + "…"
        print(f"arxiv-reader: {what} is not UTF-8; read as Latin-1: {shown!r}", file=sys.stderr)
    return readable


#: The subcommands' options and arguments that are text (not file names, which may be any
#: bytes, nor ids, which are named as given when unknown), by their ``dest``, with what they are.
_TEXT_ARGUMENTS = {
    "name": "the name", "set": "the note", "key_template": "the key template",
    "host": "the host", "public_url": "the public URL",
}


def restore_query(args: argparse.Namespace, queries: list[str]) -> None:
    """Put back the query value :func:`protect_query_values` took out, and read every other
    text argument whose bytes are not UTF-8 as Latin-1, with a note (as the query): such a
    value cannot be stored or printed as it is."""
    query = getattr(args, "query", None)
    if isinstance(query, str) and query.startswith(_QUERY_MARK):
        args.query = queries[int(query[len(_QUERY_MARK) :])]
    elif isinstance(query, list):  # search save NAME QUERY...: every word after the name
        args.query = [readable_text(word, "the query") for word in query]
    for dest, what in _TEXT_ARGUMENTS.items():
        value = getattr(args, dest, None)
        if isinstance(value, str):
            if dest == "name":
                what = "the tag name" if args.command == "tag" else "the saved search's name"
            setattr(args, dest, readable_text(value, what))
