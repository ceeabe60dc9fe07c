"""Parsing many digest files into shards, on worker processes when it pays.

Workers start from a fork server (never a fork of a process that may run UI
threads), and each watches the process that started the import: killed
(``kill -9``, a dropped SSH session), it leaves no worker behind; a worker
whose importer is gone exits within a second.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool

from .shards import FileResult, parse_to_shard

#: Imports with at least this many bytes to parse use worker processes (below
#: it, starting them costs more than it saves).
PARALLEL_MIN_BYTES = 32_000_000
#: Imports of at least this many files write their shards without an fsync each and
#: flush them all at once before the library index refers to them
#: (:func:`~tui.core.atomic.flush_file_system`): two fsyncs per file cost a third of
#: an import's time, and one flush of a few files costs more than their own fsyncs.
FLUSH_ONCE_FILES = 64
#: Files per task sent to a worker: many, so workers seldom wait for the importing process to
#: hand them more (each hand-over needs its busy main thread to let the pool's thread run),
#: but not so many that the last tasks leave a worker idle for long.
TASK_FILES = (4, 64)
#: How often a worker looks whether the importing process is still there (seconds).
WATCH_SECONDS = 0.5


def _exit_with(importer: int) -> None:
    """In a worker: exit as soon as the process ``importer`` is gone."""
    while True:
        time.sleep(WATCH_SECONDS)
        try:
            os.kill(importer, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # (it exists: another user's pid would be a reused one)
            pass


def _start_worker(importer: int) -> None:
    threading.Thread(target=_exit_with, args=(importer,), name="watch importer", daemon=True).start()


@contextlib.contextmanager
def worker_pool(workers: int | None = None) -> Iterator[concurrent.futures.Executor | None]:
    """Worker processes as above (one per core, at most 8), or None on a single core.

    Shut down (waiting for their tasks) when the block ends.
    """
    workers = workers or min(os.cpu_count() or 1, 8)
    if workers < 2:
        yield None
        return
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    with concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context(method), initializer=_start_worker, initargs=(os.getpid(),)
    ) as pool:
        yield pool


def wants_workers(todo: list[str], todo_bytes: int) -> bool:
    """Whether parsing ``todo`` (``todo_bytes`` in all) pays for worker processes."""
    return todo_bytes >= PARALLEL_MIN_BYTES and len(todo) >= 2 and min(os.cpu_count() or 1, 8) >= 2


def task_files(files: int, workers: int) -> int:
    """Files per worker task for ``files`` files on ``workers`` workers: about 8 tasks per
    worker, within :data:`TASK_FILES`."""
    low, high = TASK_FILES
    return max(low, min(high, files // (max(workers, 1) * 8)))


def parse_files(
    todo: list[str], todo_bytes: int, library: str, keep: list[bool], durable: bool = True,
    pool: concurrent.futures.Executor | None = None,
) -> Iterable[FileResult]:
    """:func:`parse_to_shard` of every path of ``todo``, in order (``keep``: see its
    ``keep_papers``; ``durable``: whether each shard is fsynced; ``pool``: workers
    to use, else started here when it pays)."""
    if pool is None and not wants_workers(todo, todo_bytes):
        for path, keep_papers in zip(todo, keep):
            yield parse_to_shard(path, library, keep_papers, durable)
        return
    done = 0
    try:
        with contextlib.nullcontext(pool) if pool is not None else worker_pool() as workers:
            assert workers is not None
            for result in workers.map(parse_to_shard, todo, [library] * len(todo), keep, [durable] * len(todo),
                                      chunksize=task_files(len(todo), min(os.cpu_count() or 1, 8))):
                done += 1
                yield result
    except (BrokenProcessPool, OSError, RuntimeError):
        # Workers could not start (e.g. the main script can't be re-imported
        # by them): finish in this process; rewriting a shard is harmless.
        for path, keep_papers in zip(todo[done:], keep[done:]):
            yield parse_to_shard(path, library, keep_papers, durable)
