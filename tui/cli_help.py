"""What each subcommand says in ``--help``: one line, a description, examples.

Kept apart from the parser so the wording reads as one document.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommandHelp:
    """The help of one subcommand."""

    summary: str  # one line, for the top-level list
    description: str
    examples: tuple[str, ...]

    @property
    def epilog(self) -> str:
        return "examples:\n" + "\n".join(f"  {example}" for example in self.examples)


COMMAND_HELP: dict[str, CommandHelp] = {
    "import": CommandHelp(
        "parse digest files or folders into the library",
        "Parse digest Markdown files (or every digest under a folder, recursively) into the library. "
        "Unchanged files are skipped; each problem is printed as file:line and the rest still loads. "
        "With --watch it then keeps running (for a server): each new or changed day file is imported "
        "once it has stopped changing and looks finished, and one line says what arrived; with no PATH "
        "it watches the config file's [library] folders.",
        ("arxiv-reader import ~/digests", "arxiv-reader import ~/digests/cs.CV/2026/07/20260701.md",
         "arxiv-reader import --watch ~/digests"),
    ),
    "problems": CommandHelp(
        "list every problem in the digests again (nothing imported)",
        "Read the digests again (every digest file of the library, or the PATHs given) and print each "
        "problem as file:line, as import said it when it read them: an import (or the reader, whose notice "
        "names the first problem) says each problem once, and an unchanged file is not read again. "
        "Nothing is imported or written. Exits with 1 when there is a problem, 0 when there is none.",
        ("arxiv-reader problems", "arxiv-reader problems ~/digests/cs.CV/2026/07"),
    ),
    "remove": CommandHelp(
        "take digest files or folders back out of the library",
        "Take the digests that are these files, or lie under these folders, back out of the library "
        "(as they were imported: the files need not exist any more). The files are not touched, and "
        "read and starred marks, tags and notes are kept: a paper imported again finds them. Taking out "
        "the whole library (of more than one digest), or more than 31 digests, is asked first (--yes: don't ask); "
        "without a terminal to ask on it is refused unless --yes is given.",
        ("arxiv-reader remove ~/digests/cs.CV/2026/07", "arxiv-reader remove ~/digests/cs.CL/2026/07/20260701.md",
         "arxiv-reader remove --yes ~/digests        # everything, without asking"),
    ),
    "list": CommandHelp(
        "print the papers of the library (or those a query selects)",
        "Print the library as a table (flags: * starred, N unread; id; digest date; primary category; "
        "title) or as JSON lines. A query that matches nothing exits with 1; one left with nothing to "
        "search for once its incomplete parts are ignored (a lone '\"', '-' or 'au:'), or with an @NAME "
        "that is no saved search, lists nothing and exits with 2.",
        (
            "arxiv-reader list --query 'cat:cs.CV is:unread' --limit 20",
            "arxiv-reader list --format jsonl --query 'au:hinton' | jq .title",
            "arxiv-reader list -q -video | head -5        # a query may start with -",
        ),
    ),
    "star": CommandHelp(
        "star papers by arXiv id or URL",
        "Star papers. Ids may be 2201.12944, 2201.12944v5, arXiv:2201.12944 or an abs/pdf URL. "
        "Ids not in the library are named and the command exits with 1; the others are still starred.",
        ("arxiv-reader star 2201.12944 https://arxiv.org/abs/2202.07456",),
    ),
    "unstar": CommandHelp(
        "unstar papers by arXiv id or URL",
        "Unstar papers (ids as for star). Unknown ids are named, exit status 1.",
        ("arxiv-reader unstar 2201.12944",),
    ),
    "read": CommandHelp(
        "mark papers read by arXiv id or URL",
        "Mark papers read (ids as for star). Unknown ids are named, exit status 1.",
        ("arxiv-reader read 2201.12944 2201.12961",),
    ),
    "unread": CommandHelp(
        "mark papers unread by arXiv id or URL",
        "Mark papers unread (ids as for star). Unknown ids are named, exit status 1.",
        ("arxiv-reader unread arXiv:2201.12944",),
    ),
    "stats": CommandHelp(
        "count papers, digests, dates, categories, read and starred",
        "Print counts: papers, digest files, the date range, read, unread and starred, papers per "
        "digest category, the top primary categories, and the devices whose state files were read "
        "(with each one's latest change).",
        ("arxiv-reader stats",),
    ),
    "export": CommandHelp(
        "write citations of the papers a query selects",
        "Write citations (BibTeX by default) of the papers a query selects, to standard output, "
        "a new file (-o) or an existing .bib (--append). It never destroys a file: a query with an "
        "ignored part is refused (exit 2) unless --lenient, one left with nothing to search for or with "
        "an @NAME that is no saved search even with it; no matching paper writes nothing (exit 1); "
        "-o refuses to replace a file holding anything this export would not write again unless --force "
        "(a FIFO, a terminal or /dev/stdout is written straight to); "
        "--append adds only papers the file does not already have (same arXiv id or DOI), with keys "
        "unique in the file, and leaves every other byte as it was. Keys follow the template in the "
        "config file ([citations] key_template; 'arxiv-reader config' shows where it is and what it "
        "says) or --key-template.",
        (
            "arxiv-reader export -q is:starred -o refs.bib",
            "arxiv-reader export -q is:starred --append paper/refs.bib",
            "arxiv-reader export -q 'ti:diffusion -video' -f markdown",
            "arxiv-reader export -q 'id:2201.12944' --key-template '{Auth}{year}{Shorttitle}'",
        ),
    ),
    "config": CommandHelp(
        "show where the config file is and the settings in effect",
        "Print the config file's path (the platform's config folder, or $ARXIV_READER_CONFIG), whether "
        "it exists, and every setting in effect as TOML you can copy into it. Problems with the file are "
        "named on standard error by file and line; the defaults stand in for what is wrong.",
        ("arxiv-reader config", "arxiv-reader config --path", "$EDITOR \"$(arxiv-reader config --path)\""),
    ),
    "serve": CommandHelp(
        "run the reader in a web browser (textual-serve)",
        "Serve the reader as a web page: each browser tab that opens it is a reader of its own on the same "
        "data folder. It listens on 127.0.0.1 (this machine only) unless --host says otherwise; from "
        "another machine, prefer an SSH tunnel. In the browser, copies go to the page's clipboard, a .bib "
        "file the reader adds to is also downloaded, and links open in a new tab.",
        ("arxiv-reader serve", "arxiv-reader serve --port 9000",
         "ssh -L 8537:127.0.0.1:8537 lab-server arxiv-reader serve"),
    ),
    # -- the reading list ----------------------------------------------------------------
    "tag": CommandHelp(
        "add a tag to papers or take it off (tag add|remove NAME ID...)",
        "Add a tag to papers, or take it off. A tag is one word (letters, digits and _ . + / & -, "
        "not starting with -), case-insensitive; the query language finds tagged papers with tag:NAME. "
        "Ids are as for star; "
        "ids not in the library are named and the command exits with 1, the others are still tagged. "
        "Every paper is tagged in one write, at once on disk.",
        (
            "arxiv-reader tag add to-read 2201.12944 2201.12961",
            "arxiv-reader tag remove to-read 2201.12944",
            "arxiv-reader list -q 'tag:to-read is:unread'",
        ),
    ),
    "tags": CommandHelp(
        "list the tags, each with how many papers carry it",
        "List every tag some paper carries, with how many papers of the library carry it and how many "
        "of those are unread (and how many tagged papers are no longer in the library, if any).",
        ("arxiv-reader tags", "arxiv-reader tags --format jsonl | jq .tag"),
    ),
    "note": CommandHelp(
        "print, set or edit the note of a paper",
        "Print the note of a paper; with --set TEXT replace it ('' removes it); with --edit open it in "
        "$VISUAL or $EDITOR (a Markdown file) and save what you leave there. Notes are found with "
        "has:note and note:WORD, and exports include them with --notes.",
        (
            "arxiv-reader note 2201.12944",
            "arxiv-reader note 2201.12944 --set 'Compare with the ResNet baseline.'",
            "EDITOR=nano arxiv-reader note 2201.12944 --edit",
        ),
    ),
    "search": CommandHelp(
        "save, list or remove named searches (@NAME in any query)",
        "Saved searches: a query kept under a name. @NAME in any query stands for it (saved searches may "
        "use one another; a query whose @NAME is unknown or refers back to itself matches nothing, and "
        "list and export refuse it). 'search list' shows each with how many "
        "papers it finds and how many of them are unread. The saved search named 'mute' hides its "
        "matches everywhere (the reader, list, export, alerts) unless a query says is:muted. "
        "Everything after NAME is the query, so it may start with -.",
        (
            "arxiv-reader search save mine au:wang cat:cs.CV",
            "arxiv-reader search save mute 'cat:hep-th OR au:\"Some Body\"'",
            "arxiv-reader search list",
            "arxiv-reader export -q @mine -o mine.bib",
            "arxiv-reader search remove mine",
        ),
    ),
    "alerts": CommandHelp(
        "print, per saved search, the papers imported since the last alerts run",
        "For every saved search (but 'mute'), print the papers that arrived in the library since the last "
        "'alerts' run on this device (the first run: what the latest import brought), muted papers left "
        "out, then record the run (not with --dry-run). Made for cron after the day's import: it needs no "
        "terminal, prints nothing when nothing is new, and exits with 0 when it printed papers, 1 when "
        "nothing was new (said on standard error unless --quiet) or it failed.",
        (
            "arxiv-reader alerts",
            "arxiv-reader alerts --format markdown --limit 20",
            "arxiv-reader alerts --dry-run --format jsonl | jq .title",
            "0 7 * * *  arxiv-reader import ~/digests >/dev/null && arxiv-reader alerts --quiet  # crontab",
        ),
    ),
}

#: The help of the reading list's second-level commands (``tag add``, ``search save``...).
ACTION_HELP: dict[str, CommandHelp] = {
    "tag add": CommandHelp(
        "add tag NAME to papers",
        "Add tag NAME to every paper ID names (ids as for star; unknown ones are named, exit status 1).",
        ("arxiv-reader tag add to-read 2201.12944 arXiv:2201.12961",),
    ),
    "tag remove": CommandHelp(
        "take tag NAME off papers",
        "Take tag NAME off every paper ID names (unknown ids are named, exit status 1).",
        ("arxiv-reader tag remove to-read 2201.12944",),
    ),
    "search save": CommandHelp(
        "save QUERY under NAME",
        "Save QUERY (everything after NAME, so it may start with -) under NAME; parts of it that could not "
        "be understood, unknown @names and cycles are said, but it is saved as typed. A NAME that already "
        "holds another query is not replaced (exit status 1, the old query said) unless --force is given, "
        "before NAME or as the last word.",
        ("arxiv-reader search save mine au:wang cat:cs.CV", "arxiv-reader search save no-video -video",
         "arxiv-reader search save --force mine au:wang"),
    ),
    "search list": CommandHelp(
        "list the saved searches with their counts",
        "List every saved search: its name, how many papers it finds, how many of them are unread, and "
        "its query (muted papers are not counted; for 'mute', the papers it hides).",
        ("arxiv-reader search list", "arxiv-reader search list --format jsonl"),
    ),
    "search remove": CommandHelp(
        "forget a saved search",
        "Forget the saved search NAME (exit status 1 when there is none).",
        ("arxiv-reader search remove mine",),
    ),
}

#: The top-level help's list of subcommands, one line each.
SUBCOMMAND_LIST = "subcommands (arxiv-reader SUBCOMMAND --help for details):\n" + "\n".join(
    f"  {name:<8} {help_.summary}" for name, help_ in COMMAND_HELP.items()
)
