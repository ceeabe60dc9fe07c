"""Child processes for the reliability tests, and the bookkeeping they share.

Run as a script (``python _workers.py MODE ...``) by the tests:

``loop HOME SEED``
    Open a Store and apply the change sequence :func:`operations` (SEED)
    forever, printing ``ack <n>`` after change number n has returned.
``forkserver HOME``
    Import the store once, then for every ``run SEED [HUP]`` line on stdin fork
    a child that prints ``pid <pid>`` and runs ``loop``; after the child dies
    print ``exit <pid> <signal>``.  Forking skips the interpreter start-up, so a
    test can kill hundreds of writers in a few seconds.
``writer HOME SEED ID...``
    Wait for ``go`` on stdin, toggle the star of the given ids many times, and
    print the final state it left as JSON.

Every line is written with one ``os.write`` so lines of a child and of the fork
server never interleave and nothing sits in a Python buffer when a signal hits.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
from collections.abc import Iterator

#: The ids the writers play with (new-style and old-style).
IDS = [f"2301.{n:05d}" for n in range(40)] + [f"hep-th/99010{n:02d}" for n in range(10)]

#: One change: (flag, id, value) with flag "starred" or "read".
Change = tuple[str, str, bool]


def operations(seed: int) -> Iterator[Change]:
    """The endless, reproducible change sequence of a writer started with ``seed``."""
    rng = random.Random(seed)
    while True:
        flag = "starred" if rng.random() < 0.7 else "read"
        yield flag, rng.choice(IDS), rng.random() < 0.6


def apply(state: dict[str, dict[str, bool]], change: Change) -> None:
    """Apply one change to a plain ``{id: {"starred": b, "read": b}}`` state."""
    flag, key, value = change
    state.setdefault(key, {"starred": False, "read": False})[flag] = value


def snapshot(states) -> dict[str, dict[str, bool]]:
    """``Store.states()`` as plain flags (ids with neither flag are left out)."""
    result: dict[str, dict[str, bool]] = {}
    for key, st in states.items():
        if st.starred or st.read:
            result[key] = {"starred": bool(st.starred), "read": bool(st.read)}
    return result


def normalise(state: dict[str, dict[str, bool]]) -> dict[str, dict[str, bool]]:
    return {k: dict(v) for k, v in state.items() if v["starred"] or v["read"]}


def _say(text: str) -> None:
    os.write(1, (text + "\n").encode())


def run_loop(home: str, seed: int, limit: int = 20_000) -> None:
    from tui.core.store import Store

    store = Store(home)
    _say("ready")
    for number, (flag, key, value) in enumerate(operations(seed)):
        if number >= limit:
            break
        if flag == "starred":
            store.set_starred([key], value)
        else:
            store.set_read([key], value)
        _say(f"ack {number}")


def run_forkserver(home: str) -> None:
    import tui.core.store  # noqa: F401  (imported once, inherited by every child)
    import filelock  # noqa: F401  (the store imports it at its first write: warm in the children too)

    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] != "run":
            continue
        seed = int(parts[1])
        pid = os.fork()
        if pid == 0:
            try:
                signal.signal(signal.SIGHUP, signal.SIG_DFL)
                _say(f"pid {os.getpid()}")
                run_loop(home, seed)
            finally:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
        _say(f"exit {pid} {sig}")


def run_writer(home: str, seed: int, ids: list[str], toggles: int) -> None:
    from tui.core.store import Store

    store = Store(home)
    rng = random.Random(seed)
    final = {key: False for key in ids}
    _say("ready")
    sys.stdin.readline()  # "go": both writers start together
    for _ in range(toggles):
        key = rng.choice(ids)
        final[key] = not final[key]
        store.set_starred([key], final[key])
    _say(json.dumps(final))


def main(argv: list[str]) -> None:
    mode, home = argv[0], argv[1]
    if mode == "loop":
        # The tests send SIGHUP for its default action (an SSH link dropping); a test run
        # started under nohup would otherwise pass SIG_IGN down and the worker never ends.
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        run_loop(home, int(argv[2]))
    elif mode == "forkserver":
        run_forkserver(home)
    elif mode == "writer":
        run_writer(home, int(argv[2]), argv[4:], int(argv[3]))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
