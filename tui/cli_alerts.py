"""``arxiv-reader alerts``: per saved search, the papers that arrived since the last run.

Made for cron after the day's import: no terminal needed, nothing printed when
nothing is new (with ``--quiet``, not even on standard error, so cron mails
nothing), exit status 0 when papers were printed and 1 otherwise. The run is
recorded (see :mod:`tui.core.readinglist.alerts`) only once everything was
written, so output cut short (a full disk, a closed pipe) reports the same
papers again next time.
"""

from __future__ import annotations

import argparse
import sys

import orjson

from .cli_output import write_data, write_text
from .core.cite.text import _markdown_text
from .core.latex import title_text
from .core.readinglist import Alert, ReadingList, Snapshot, alert_window, compute_alerts
from .core.records import paper_record
from .core.safetext import escape_controls, inert_json

#: Authors shown per paper in text and Markdown (then "et al.").
_AUTHORS = 5


def _when(stamp: str) -> str:
    return f"{stamp[:10]} {stamp[11:19]} UTC"


def _heading(alerts: list[Alert], since: str | None) -> str:
    """How many distinct papers the alerts hold, and since when."""
    total = len({paper.id for alert in alerts for paper in alert.papers})
    searches = f"{len(alerts)} saved search{'es' * (len(alerts) != 1)}"
    papers = f"{total:,} new paper{'s' * (total != 1)} for {searches}"
    return f"{papers} imported after {_when(since)}" if since else f"{papers} (every import so far: a first run)"


def _authors(names: list[str]) -> str:
    shown = ", ".join(names[:_AUTHORS])
    return shown + (" et al." if len(names) > _AUTHORS else "")


def _text(alerts: list[Alert], since: str | None, limit: int | None) -> str:
    lines = [_heading(alerts, since)]
    for alert in alerts:
        muted = f"; {alert.hidden:,} muted" if alert.hidden else ""
        count = len(alert.papers)
        lines += ["", f"== @{alert.name}: {count:,} new{muted} ({alert.query}) =="]
        for paper in alert.papers[:limit]:
            lines.append(f"{paper.id}  [{paper.primary_category}]  {title_text(paper.title)}")
            lines.append(f"    {_authors(paper.authors)}")
            lines.append(f"    {paper.abs_url}")
        if limit is not None and count > limit:
            lines.append(f"... and {count - limit:,} more")
    return "".join(escape_controls(line) + "\n" for line in lines)


def _markdown(alerts: list[Alert], since: str | None, limit: int | None) -> str:
    def md(text: str) -> str:
        return _markdown_text(escape_controls(text))

    lines = ["# " + _heading(alerts, since)]
    for alert in alerts:
        muted = f" ({alert.hidden:,} muted)" if alert.hidden else ""
        lines += ["", f"## @{md(alert.name)}: {len(alert.papers):,} new{muted}", "",
                  f"Query: `{escape_controls(alert.query).replace('`', chr(39))}`", ""]
        for paper in alert.papers[:limit]:
            lines.append(f"- [{md(title_text(paper.title))}]({paper.abs_url}): {md(_authors(paper.authors))} "
                         f"({md(paper.primary_category)}, arXiv:{paper.id})")
        if limit is not None and len(alert.papers) > limit:
            lines.append(f"- ... and {len(alert.papers) - limit:,} more")
    return "".join(line + "\n" for line in lines)


def _jsonl(alerts: list[Alert], reading: Snapshot, states, limit: int | None) -> str:
    """One line per saved search and paper: ``search`` and ``query``, then the paper's record."""
    lines = []
    for alert in alerts:
        for paper in alert.papers[:limit]:
            record = paper_record(
                paper, states.get(paper.id), reading.tags_of(paper.id), reading.notes.get(paper.id, "")
            )
            lines.append(orjson.dumps({"search": alert.name, "query": alert.query, **record}).decode("utf-8"))
    return inert_json("".join(line + "\n" for line in lines))


def cmd_alerts(args: argparse.Namespace) -> int:
    """Print the new papers of every saved search; record the run unless ``--dry-run``."""
    from .cli import CommandError, new_ids_for, open_store

    if args.limit is not None and args.limit < 1:
        raise CommandError("--limit must be at least 1", status=2)
    store = open_store(args.home)
    reading = ReadingList(store)
    snapshot = reading.snapshot()
    if not [name for name in snapshot.searches if name != "mute"]:
        raise CommandError("no saved search to alert on: save one first (arxiv-reader search save NAME QUERY)")
    window = alert_window(store.import_times(), reading.alerts_mark())
    if window.empty:
        return _nothing(args, window.since)
    # Papers of the imports in (since, upto]: one imported meanwhile is left for the next run.
    arrived = store.imported_between(window.since, window.upto)
    states = store.states()
    texts = " ".join(snapshot.searches.values())
    alerts = compute_alerts(
        store.load_papers(), arrived, snapshot, states, new_ids=frozenset(new_ids_for(store, texts))
    )
    for alert in alerts:
        for warning in alert.warnings:
            print(f"arxiv-reader: @{escape_controls(alert.name)}: {escape_controls(warning)}", file=sys.stderr)
    alerts = [alert for alert in alerts if alert.papers]
    if alerts:
        if args.format == "jsonl":
            write_data(_jsonl(alerts, snapshot, states, args.limit))
        elif args.format == "markdown":
            write_data(_markdown(alerts, window.since, args.limit))
        else:
            write_text(_text(alerts, window.since, args.limit))
        sys.stdout.flush()  # everything out before the run counts as seen
    if args.dry_run:
        print("arxiv-reader: dry run: this run was not recorded", file=sys.stderr)
    elif window.upto is not None:
        reading.set_alerts_mark(window.upto)
    return 0 if alerts else _nothing(args, window.since)


def _nothing(args: argparse.Namespace, since: str | None) -> int:
    if not args.quiet:
        what = f"since {_when(since)}" if since else "(the library records no import yet)"
        print(f"arxiv-reader: nothing new for any saved search {what}", file=sys.stderr)
    return 1
