"""The reading list on the command line: ``tag``, ``tags``, ``note``, ``search``, ``alerts``.

Each works on the same store as the reader (every change saved at once,
merged with other devices' state) and follows the other subcommands' rules:
ids as for ``star`` (the known ones applied, the others named, exit status 1),
text from files escaped before it reaches the terminal, data as UTF-8.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson
from rich.cells import cell_len

from .cli import CommandError, new_ids_for, open_store, reading_snapshot, refuse_unknown_ids, resolve_ids
from .cli_alerts import cmd_alerts
from .cli_output import stdout_is_terminal, write_data, write_text
from .core.models import bare_id, split_arxiv_id
from .core.query import QueryEngine
from .core.query.nodes import NOTHING
from .core.readinglist import BadName, ReadingList, Selector, mute_query, search_name, tag_name
from .core.readinglist.names import MUTE, check_note
from .core.safetext import escape_controls, inert_json, inert_text
from .core.statemap import flagged_keys
from .external_editor import EditorError, configured_editor, edit_text, keep_recovery

__all__ = ["COMMANDS", "reading_snapshot"]


def _bad_name(error: BadName) -> CommandError:
    return CommandError(str(error), status=2)


def _papers(count: int) -> str:
    """``count`` papers, right-aligned, the words lined up whatever the number."""
    return f"{count:>7,} paper" + ("s" if count != 1 else " ")


def _ids_text(ids: list[str]) -> str:
    return escape_controls(", ".join(ids))


# -- tags ----------------------------------------------------------------------------------


def cmd_tag(args: argparse.Namespace) -> int:
    """``tag add|remove NAME ID...``: one write for every paper."""
    try:
        name = tag_name(args.name)
    except BadName as error:
        raise _bad_name(error) from None
    store = open_store(args.home)
    reading = ReadingList(store)
    known = store.known_ids()
    carrying = reading.tags().get(name, frozenset())
    if args.action == "remove":
        known |= carrying  # a paper whose digests were removed can still lose its tag
    ids, unknown = resolve_ids(args.ids, known)
    had = [i for i in ids if bare_id(i) in carrying]
    lacking = [i for i in ids if i not in had]
    shown = escape_controls(name)
    # Only the papers it changes are written; the others are said for what they are.
    if args.action == "add":
        change, done = lacking, f"tagged {shown}"
        unchanged, said = had, f"already tagged {shown} (nothing to add)"
    else:
        change, done = had, f"took the tag {shown} off"
        unchanged, said = lacking, f"not tagged {shown} (nothing to take off)"
    if change:
        reading.change_tags(change, **{args.action: [name]})
        print(f"{done}: {_ids_text(change)}")
    if unchanged:
        print(f"{said}: {_ids_text(unchanged)}")
    refuse_unknown_ids(unknown, ids)
    return 0


def cmd_tags(args: argparse.Namespace) -> int:
    """``tags``: every tag with its papers and unread papers, the muted ones left out and
    counted apart (as the sidebar and ``list -q tag:NAME`` count them)."""
    store = open_store(args.home)
    reading = ReadingList(store)
    snapshot = reading.snapshot()
    tags = snapshot.tags
    if not tags:
        print("arxiv-reader: no paper is tagged yet (arxiv-reader tag add NAME ID...)", file=sys.stderr)
        return 0
    known = store.known_ids()
    states = store.states()
    read = set(flagged_keys(states, "read"))
    muted = _muted_ids(store, snapshot, states)
    rows = []
    for name, ids in tags.items():
        present = ids & known
        shown = present - muted
        rows.append({"tag": name, "papers": len(shown), "unread": len(shown - read),
                     "muted": len(present) - len(shown), "elsewhere": len(ids - known)})
    if args.format == "jsonl":
        write_data("".join(inert_json(orjson.dumps(row).decode()) + "\n" for row in rows))
        return 0
    shown = {row["tag"]: escape_controls(row["tag"]) for row in rows}
    width = max(cell_len(name) for name in shown.values())  # cells: a CJK character takes two
    lines = []
    for row in rows:
        name = shown[row["tag"]]
        line = f"{name}{' ' * (width - cell_len(name))}  {_papers(row['papers'])}  {row['unread']:>7,} unread"
        more = []
        if row["muted"]:
            more.append(f"{row['muted']:,} muted")
        if row["elsewhere"]:
            more.append(f"{row['elsewhere']:,} not in the library")
        if more:
            line += f"  (and {', '.join(more)})"
        lines.append(line)
    write_text("".join(line + "\n" for line in lines))
    hidden = len(frozenset().union(*tags.values()) & muted & known)  # (a paper in two tags once)
    if hidden:
        print(f"arxiv-reader: {hidden:,} muted paper(s) left out of the counts "
              "(the saved search 'mute'; tag:NAME is:muted finds them)", file=sys.stderr)
    return 0


def _muted_ids(store, snapshot, states) -> frozenset[str]:
    """The ids the saved search ``mute`` hides (none without one: the papers are then not loaded)."""
    if not snapshot.mute_query:
        return frozenset()
    engine = QueryEngine(store.load_papers())
    engine.new_ids = frozenset(new_ids_for(store, snapshot.mute_query))
    return Selector(engine, snapshot, states).muting.ids


# -- notes ---------------------------------------------------------------------------------


def cmd_note(args: argparse.Namespace) -> int:
    """``note ID`` prints the note; ``--set TEXT`` replaces it; ``--edit`` opens it in the editor."""
    found = split_arxiv_id(args.id)
    if found is None:
        raise CommandError(f"not an arXiv id: {escape_controls(args.id)}")
    key = found[0]
    store = open_store(args.home)
    reading = ReadingList(store)
    current = reading.note(key)
    known = bool(current) or key in store.known_ids()
    if args.set is None and not args.edit:
        if not current:
            raise CommandError(f"{key} has no note" + ("" if known else " (and is not in the library)"))
        if stdout_is_terminal():  # shown: nothing in it may drive the terminal
            write_text(inert_text(current) + "\n")
        else:  # into a file or a pipe: the note as stored (as export does)
            write_data(current + "\n")
        return 0
    if not known:
        raise CommandError(f"not an arXiv id in the library: {escape_controls(args.id)}; nothing changed")
    text = args.set if args.set is not None else _edit(key, current, store.home)
    if text is None:
        print(f"the note of {key} is unchanged")
        return 0
    if args.edit:
        _check_edited(reading, store.home, key, current, text)
    try:
        if check_note(text) == current:  # nothing to do: said so, and nothing written
            print(f"the note of {key} is unchanged" if current else f"{key} has no note; nothing removed")
            return 0
        saved = reading.set_note(key, text)
    except ValueError as error:
        raise CommandError(f"{error}; nothing changed") from None
    print(f"saved the note of {key} ({_plural(len(saved), 'character')})" if saved else f"removed the note of {key}")
    return 0


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _check_edited(reading: ReadingList, home: Path, key: str, began_with: str, text: str) -> None:
    """Refuse an edited note that is too long, or whose note changed elsewhere while it was
    edited; the edited text is then kept in a recovery file whose path the message gives."""
    problem = ""
    try:
        check_note(text)
    except ValueError as error:
        problem = str(error)
    else:
        now = reading.note(key)
        if now != began_with and now.rstrip() != text.rstrip():
            problem = "the note was changed elsewhere (another reader or note command) while you edited it"
    if problem:
        kept = keep_recovery(text, home / "recovered", f"note-{key}")
        raise CommandError(f"{problem}; nothing changed. Your text is kept in {kept}")


def _edit(key: str, current: str, home: Path) -> str | None:
    """The note as left in ``$VISUAL`` / ``$EDITOR`` (``None``: left unchanged)."""
    editor = configured_editor()
    if not editor:
        raise CommandError("no editor to open: set $EDITOR (or $VISUAL), or use --set TEXT; nothing changed")
    try:
        return edit_text(current, editor, f"note-{key}")
    except EditorError as error:
        kept = ""
        if error.text is not None and error.text.rstrip() != current.rstrip():  # the user's words: not lost
            kept = f". What the editor left is kept in {keep_recovery(error.text, home / 'recovered', f'note-{key}')}"
        raise CommandError(f"{escape_controls(str(error))}; the note is left as it was{kept}",
                           status=130 if error.interrupted else 1) from None


# -- saved searches ------------------------------------------------------------------------


def cmd_search(args: argparse.Namespace) -> int:
    """``search save|list|remove``."""
    if args.action == "save":
        return _save(args)
    store = open_store(args.home)
    reading = ReadingList(store)
    if args.action == "remove":
        try:
            users = reading.searches_using(args.name)
            if users and not args.force:
                raise CommandError(
                    f"not removed: @{escape_controls(args.name.casefold())} is used by "
                    + ", ".join(f"@{name}" for name in users)
                    + ", which would then match nothing; change them first, or add --force")
            removed = reading.remove_search(args.name)
        except BadName as error:
            raise _bad_name(error) from None
        if not removed:
            raise CommandError(f"there is no saved search named {escape_controls(args.name)}")
        print(f"removed the saved search @{escape_controls(args.name.casefold())}")
        if users:
            print("these saved searches use it and now match nothing: " + ", ".join(f"@{name}" for name in users),
                  file=sys.stderr)
        return 0
    return _list(store, reading, args.format)


def _save(args: argparse.Namespace) -> int:
    words = list(args.query)  # bytes that were not UTF-8 already read as Latin-1 (cli_args.restore_query)
    force = args.force
    if words and words[-1] == "--force":  # the query is every word after NAME: --force may end it
        words.pop()
        force = True
    text = " ".join(" ".join(words).split())
    store = open_store(args.home)
    reading = ReadingList(store)
    try:
        name = search_name(args.name)
    except BadName as error:
        raise _bad_name(error) from None
    before = reading.searches().get(name)
    if text and before == text:
        print(f"@{escape_controls(name)} already holds this query; nothing changed")
        return 0
    if text and before is not None and not force:
        raise CommandError(f"not saved: @{escape_controls(name)} already holds: {escape_controls(before)}; "
                           "to replace it, add --force")
    try:
        name = reading.save_search(name, text)
    except ValueError as error:
        raise CommandError(f"{error}: arxiv-reader search save NAME QUERY", status=2) from None
    snapshot = reading.snapshot()
    selector = Selector(QueryEngine([]), snapshot, {})
    for warning in selector.parse(snapshot.searches[name], inside=name).warnings:
        print(f"arxiv-reader: query: {escape_controls(warning)}", file=sys.stderr)
    shown = escape_controls(snapshot.searches[name])
    if before is None:
        print(f"saved @{escape_controls(name)}: {shown}")
    else:
        print(f"replaced @{escape_controls(name)} (was: {escape_controls(before)}): {shown}")
    if name == MUTE:
        muting = mute_query(snapshot)
        if muting is None or muting.root is NOTHING:  # a cycle or an unknown @name: it matches nothing
            print("it hides nothing: the query matches nothing (see above); to fix it: "
                  "arxiv-reader search save --force mute QUERY")
        else:
            print("its matches are now hidden everywhere, unless a query says is:muted")
    return 0


def _list(store, reading: ReadingList, fmt: str) -> int:
    snapshot = reading.snapshot()
    if not snapshot.searches:
        print("arxiv-reader: no saved search yet (arxiv-reader search save NAME QUERY)", file=sys.stderr)
        return 0
    papers = store.load_papers()
    states = store.states()
    engine = QueryEngine(papers)
    engine.new_ids = frozenset(new_ids_for(store, " ".join(snapshot.searches.values())))
    selector = Selector(engine, snapshot, states)
    rows = []
    for name, text in snapshot.searches.items():
        query = selector.parse(text, inside=name)
        found = selector.select(query, mute=name != MUTE).indices
        unread = sum(1 for i in found if not ((state := states.get(papers[i].id)) and state.read))
        rows.append({"name": name, "query": text, "papers": len(found), "unread": unread,
                     "warnings": list(query.warnings)})
    if fmt == "jsonl":
        write_data("".join(inert_json(orjson.dumps(row).decode()) + "\n" for row in rows))
        return 0
    width = max(len(row["name"]) for row in rows) + 1
    lines = []
    for row in rows:
        line = (f"{'@' + escape_controls(row['name']):<{width}}  {_papers(row['papers'])}  {row['unread']:>7,} unread"
                f"  {escape_controls(row['query'])}")
        if row["name"] == MUTE:
            line += "   (hidden everywhere unless a query says is:muted)"
        lines.append(line)
        lines += [f"{'':<{width}}  ! {escape_controls(warning)}" for warning in row["warnings"]]
    write_text("".join(line + "\n" for line in lines))
    return 0


COMMANDS = {"tag": cmd_tag, "tags": cmd_tags, "note": cmd_note, "search": cmd_search, "alerts": cmd_alerts}
