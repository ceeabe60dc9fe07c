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
    "remove": CommandHelp(
        "take digest files or folders back out of the library",
        "Take the digests that are these files, or lie under these folders, back out of the library "
        "(as they were imported: the files need not exist any more). The files are not touched, and "
        "read and starred marks are kept: a paper imported again finds them. Taking out the whole "
        "library (of more than one digest), or more than 31 digests, is asked first (--yes: don't ask).",
        ("arxiv-reader remove ~/digests/cs.CV/2026/07", "arxiv-reader remove ~/digests/cs.CL/2026/07/20260701.md",
         "arxiv-reader remove --yes ~/digests        # everything, without asking"),
    ),
    "list": CommandHelp(
        "print the papers of the library (or those a query selects)",
        "Print the library as a table (flags: * starred, N unread; id; digest date; primary category; "
        "title) or as JSON lines.",
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
        "Print counts: papers, digest files, the date range, papers per digest category, the top "
        "primary categories, read, unread and starred.",
        ("arxiv-reader stats",),
    ),
    "export": CommandHelp(
        "write citations of the papers a query selects",
        "Write citations (BibTeX by default) of the papers a query selects, to standard output, "
        "a new file (-o) or an existing .bib (--append). It never destroys a file: a query with an "
        "ignored part is refused (exit 2) unless --lenient; no matching paper writes nothing (exit 1); "
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
}

#: The top-level help's list of subcommands, one line each.
SUBCOMMAND_LIST = "subcommands (arxiv-reader SUBCOMMAND --help for details):\n" + "\n".join(
    f"  {name:<8} {help_.summary}" for name, help_ in COMMAND_HELP.items()
)
