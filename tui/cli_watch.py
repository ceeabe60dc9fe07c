"""``arxiv-reader import --watch PATH...``: import new and changed digests as they arrive.

Headless, for a server: catch up on what changed, then print one line per day
file imported (``37 new papers in cs.CV, 2026-11-28``) until Ctrl-C or SIGTERM,
which end it between two imports (never in the middle of one) with status 0.
"""

from __future__ import annotations

import signal
import sys
import threading
from datetime import datetime
from pathlib import Path

from .core.safetext import escape_controls


def _say(message: str, error: bool = False) -> None:
    stamp = datetime.now().strftime("%H:%M:%S")
    print(f"{stamp} {escape_controls(message)}", file=sys.stderr if error else sys.stdout, flush=True)


def cmd_watch(args) -> int:
    """``import --watch [PATH...]``: the PATHs, else the config's ``[library] folders``."""
    from .cli import CommandError, open_store

    paths = list(args.paths) or _configured_folders()
    if not paths:
        raise CommandError("import: no PATH given and no [library] folders configured "
                           "(arxiv-reader import --help)", status=2)
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise CommandError("no such file or folder: " + ", ".join(missing))
    store = open_store(args.home)
    store.check_state()
    return run_watch(store, paths, args.settle)


def _configured_folders() -> list[Path]:
    """The config's ``[library] folders`` that exist; the others (and config problems) said."""
    from .config import load_config

    config = load_config()
    folders, missing = config.usable_folders()
    for problem in (*config.problems, *missing):
        print(f"arxiv-reader: config: {escape_controls(problem)}", file=sys.stderr)
    return folders


def run_watch(store, paths: list[Path], settle: float) -> int:
    """Watch ``paths`` until interrupted (Ctrl-C, SIGTERM); returns the exit status."""
    from .core.watch import Arrival, DigestWatcher

    stop = threading.Event()
    watcher = DigestWatcher(store, paths, settle=settle, stop=stop)

    def request_stop(signum, frame) -> None:  # (a signal handler's signature)
        stop.set()

    previous = {signum: signal.signal(signum, request_stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        for event in watcher.events():
            if isinstance(event, Arrival):
                _say(event.message)
                for problem in event.problems:
                    print(f"problem: {problem}", file=sys.stderr, flush=True)
            elif event.started:
                _say(f"{event.message} (Ctrl-C stops)")
            else:
                _say(event.message, error=event.error)
        waiting = watcher.waiting
        _say("stopped watching" + (
            f"; not imported yet (still changing, unfinished, or the library busy): {', '.join(waiting)}"
            if waiting else ""))
        return 0
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
