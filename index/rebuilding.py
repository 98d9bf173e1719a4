"""What every engine's rebuild shares: building the new index beside the old
one and swapping it in, and, for worker processes, how many, handing them work
without waiting forever on one that has died, and the error that says one did."""

import os
import queue
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from beslut.errors import SearchIndexError

WORKER_POLL_S = 1.0


def build_beside(directory: Path, build: Callable[[Path], int], let_go: Callable[[], None]) -> int:
    """Build a new index in a folder beside the old one (build(folder) returns
    how many documents), then swap it in: a crash midway leaves the old index
    in place. let_go() closes what is open of the old one first."""
    fresh = directory.with_name(directory.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    try:
        count = build(fresh)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    let_go()
    old = directory.with_name(directory.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if directory.exists():
        directory.rename(old)
    fresh.rename(directory)
    shutil.rmtree(old, ignore_errors=True)
    return count


def default_procs() -> int:
    """One worker per core, two at most: each writes a segment, and every
    search, fuzzy terms most, pays for each segment."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(2, cores)


def put(inbox, item, worker) -> None:
    while True:
        try:
            inbox.put(item, timeout=WORKER_POLL_S)
            return
        except queue.Full:
            if not worker.is_alive():
                raise failed(worker) from None


def get(outbox, worker):
    while True:
        try:
            return outbox.get(timeout=WORKER_POLL_S)
        except queue.Empty:
            if not worker.is_alive():
                raise failed(worker) from None


def failed(worker) -> SearchIndexError:
    return SearchIndexError(f"rebuilding the search index failed: a worker process ended with exit code "
                            f"{worker.exitcode}; the old index is still in place")


def chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest
