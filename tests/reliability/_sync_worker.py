"""A writer for the state stress test: ``python _sync_worker.py HOME DEVICE SEED COUNT IDS DONE_DIR PEERS``.

Opens a Store on HOME as DEVICE (the compaction limits made tiny, so files are
compacted, and inode numbers reused, all the time) and makes COUNT random
changes to the comma-separated IDS, printing ``ack KEY FIELD VALUE STAMP`` after
each one returned. Then it waits until PEERS writers have finished (a file each
in DONE_DIR), compares its own view with a fresh store's and prints ``stale
FIELD KEYS`` for every difference and ``notice TEXT`` for every notice it got.
Lines go out with one ``os.write`` each.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path


def main() -> None:
    home, device, seed, count, ids, done, peers = sys.argv[1:8]
    import tui.core.store.state as state_module
    import tui.core.store.statewriter as writer_module
    from tui.core.store import Store

    writer_module.COMPACT_HARD_LINES = 30
    state_module.COMPACT_MIN_LINES = 5
    rng = random.Random(int(seed))
    keys = ids.split(",")
    store = Store(home, device=device)
    for _ in range(int(count)):
        key, field, value = rng.choice(keys), "starred" if rng.random() < 0.7 else "read", rng.random() < 0.5
        (change,) = store.change_state([(key, field, value)])
        os.write(1, f"ack {key} {field} {value} {change[3]}\n".encode())
    Path(done, f"{device}.{seed}").touch()
    deadline = time.monotonic() + 60
    while len(os.listdir(done)) < int(peers) and time.monotonic() < deadline:
        time.sleep(0.02)
    fresh = Store(home, device="zz-fresh")
    for field in ("starred", "read"):
        mine, theirs = store.state_values(field), fresh.state_values(field)
        stale = sorted(k for k in set(mine) | set(theirs) if mine.get(k, False) != theirs.get(k, False))
        if stale:
            os.write(1, f"stale {field} {','.join(stale)}\n".encode())
    for notice in list(store.messages) + list(fresh.messages):
        os.write(1, f"notice {notice}\n".encode())


if __name__ == "__main__":
    main()
