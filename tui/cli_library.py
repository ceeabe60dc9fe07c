"""The subcommands on the library: import, remove, list, star/unstar/read/unread, stats, export, config.

``list``, ``stats`` and ``export`` answer from the search index (:mod:`tui.cli_index`);
queries the reading list takes part in, from the loaded library.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from .cli_ask import removal_refused
from .cli_common import (
    CommandError, _missing, _notice, filter_with_query, new_ids_for, open_store, reading_snapshot,
    refuse_empty_query, refuse_unknown_ids, refuse_unusable_saved_search, resolve_ids,
)
from .cli_output import write_data, write_text
from .cli_watch import cmd_watch
from .core.records import jsonl
from .core.safetext import escape_controls

if TYPE_CHECKING:
    from .core.models import PaperState
    from .core.readinglist import Snapshot


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


def cmd_list(args: argparse.Namespace) -> int:
    from .cli_index import query_docs, table_lines, uses_reading_list
    from .core.store import default_home

    refuse_empty_query(args.query, "nothing listed")
    if not args.query.strip() and _missing(args.home or default_home()):
        _notice(f"no library at {args.home or default_home()}: import digests first (arxiv-reader import PATH)")
        return 0  # nothing was asked to match (as for an empty library)
    store = open_store(args.home, read_only=True)
    states = store.states()
    if not len(store.open_index()) and not args.query.strip():  # (answers from the index: nothing loaded)
        _notice("the library is empty: import digests first (arxiv-reader import PATH)")
        return 0  # nothing was asked to match
    reading = reading_snapshot(store)
    refuse_unusable_saved_search(args.query, reading, "nothing listed")
    if uses_reading_list(args.query, reading):  # tags, notes, @name, muting: the loaded library answers
        return _list_loaded(args, store, states, reading)

    def answer(index) -> str | None:
        docs = query_docs(store, index, args.query)
        if args.limit is not None:
            docs = docs[: max(args.limit, 0)]
        if not docs:
            return None
        if args.format == "jsonl":  # (whole before printed: damage found on the way is repaired first)
            return jsonl([index.paper(d) for d in docs], states, reading.tags, reading.notes)
        return table_lines(index.rows(docs), states)

    out = store.answer(answer)  # asked again of a rebuilt index if this one is found damaged
    if out is None:
        raise CommandError(f"no paper matches the query {args.query!r}")
    (write_data if args.format == "jsonl" else write_text)(out)
    return 0


def _list_loaded(args: argparse.Namespace, store, states: dict[str, PaperState], reading: Snapshot) -> int:
    """``list`` over the loaded library (a query that needs the reading list)."""
    from .cli_index import paper_rows, table_lines

    papers = store.load_papers()
    new_ids = new_ids_for(store, args.query, reading.searches.values())
    papers = filter_with_query(papers, states, args.query, new_ids=new_ids, reading=reading)
    if not papers:
        raise CommandError(f"no paper matches the query {args.query!r}")
    if args.limit is not None:
        papers = papers[: max(args.limit, 0)]
    if args.format == "jsonl":
        write_data(jsonl(papers, states, reading.tags, reading.notes))
    else:
        write_text(table_lines(paper_rows(papers), states))
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
    from .cli_index import stats_lines

    store = open_store(args.home, read_only=True)
    out = [*store.answer(lambda index: stats_lines(store, index)), *_device_lines(store)]
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
    from .cli_index import QueryRefused, query_docs, uses_reading_list
    from .core.index.universe import IndexUniverse
    from .export import run_export

    refuse_empty_query(args.query, "nothing written")  # (even --lenient: the rest selects nothing)
    store = open_store(args.home, read_only=True)
    reading = reading_snapshot(store)  # (reads the state: a damaged file is said)
    refuse_unusable_saved_search(args.query, reading, "nothing written")  # (even --lenient: nothing is left)
    if uses_reading_list(args.query, reading):  # tags, notes, @name, muting: the loaded library answers
        states = store.states()
        library = store.load_papers()
        new_ids = new_ids_for(store, args.query, reading.searches.values())
        papers = filter_with_query(library, states, args.query, strict=not args.lenient, new_ids=new_ids,
                                   reading=reading)
        if not papers:
            raise CommandError(f"no paper matches the query {args.query!r}; nothing written")
        return run_export(args, papers, states, universe=library, reading=reading)

    def answer(index) -> int:
        try:
            docs = query_docs(store, index, args.query, strict=not args.lenient)
        except QueryRefused as refused:
            raise CommandError(
                f"query {args.query!r}: {refused}. Nothing written "
                "(fix the query, or add --lenient to export what the rest of it selects)",
                status=2,
            ) from None
        if not docs:
            raise CommandError(f"no paper matches the query {args.query!r}; nothing written")
        papers = [index.paper(d) for d in docs]
        states = store.states() if args.format == "jsonl" else {}  # only JSON lines carry the flags
        return run_export(args, papers, states, universe=IndexUniverse(index, store.load_papers),
                          reading=reading)

    return store.answer(answer)  # asked again of a rebuilt index if this one is found damaged


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
