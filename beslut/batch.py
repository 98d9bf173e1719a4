"""The ingest job: walk the given paths, skip what is unchanged, run the ingest
stage on the rest, store each document, and keep the index in step.

One writer. Whatever reads the files (this process, or the document workers of
beslut/workers.py with --jobs 2 and more), only this process writes: each
document in a store transaction of its own (SQLite, WAL) that also queues it in
the index outbox, and the index takes the outbox in batches (every
SYNC_EVERY_DOCS documents or SYNC_EVERY_SECONDS seconds), each one commit that a
search sees at once. So a run killed at any moment (even by kill -9) leaves a
store where every document is whole and every change not yet in the index is
in the outbox: the next run syncs the outbox first and reads again the files it
had not stored. The work list is streamed (a folder is walked as it goes) and
only a bounded number of files are in flight, so memory does not grow with the
batch.
"""

import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from beslut.errors import InputError
from corpus import Corpus
from index import SearchIndex
from ingest.ocr_runner import OcrRunner
from ingest.source import stat_source

from .archive_lexicon import archive_lexicon
from .indexing import sync_index
from .prepare import Prepared, failed, internal_error, prepare

# Index commits are the expensive part of storing; group them. (The environment
# variable is for tests that want many commits from a small batch.)
SYNC_EVERY_DOCS = int(os.environ.get("BESLUT_SYNC_EVERY_DOCS") or 100)
SYNC_EVERY_SECONDS = 10.0
# A batch with at most this many files to read (per job) is read in this process:
# starting the workers would cost more than it saves.
POOL_AFTER_FILES_PER_JOB = 2
# Files handed to the workers and not yet stored, per job: enough to keep them
# busy while the writer commits a batch to the index.
IN_FLIGHT_PER_JOB = 8
WAIT_SLICE_S = 0.2

OUTCOMES = ("new", "updated", "unchanged", "moved", "duplicate", "failed")
CHANGED = ("new", "updated", "moved")
CRASHED = ("the process reading this file crashed (a fault in a PDF or image library, "
           "or out of memory); skipped")


@dataclass
class IngestReport:
    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    @property
    def files(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        core = ["new", "updated", "unchanged", "failed"]
        extra = [o for o in ("moved", "duplicate") if self.counts[o]]
        parts = [f"{self.counts[o]} {o if o != 'duplicate' else 'duplicates'}"
                 for o in core[:3] + extra + core[3:]]
        return f"{self.files} files: " + ", ".join(parts)

    def as_dict(self) -> dict:
        return {"files": self.files, **{o: self.counts[o] for o in OUTCOMES},
                "failures": [{"path": p, "reason": r} for p, r in self.failures]}


Item = Path | InputError


class IngestJob:
    """jobs=1 reads every file in this process (pages over the OcrRunner's
    processes); jobs > 1 reads files jobs at a time in document workers
    (beslut/workers.py) once a batch has more than a few files to read.

    on_item(item, outcome) is called after each file is done; before_item(item)
    when this process starts on a file; on_page(done, total, item) after each
    OCR'd page, when known."""

    def __init__(self, corpus: Corpus, index: SearchIndex, *, ocr: OcrRunner | None = None,
                 debug: bool = False, jobs: int = 1, retry_failed: bool = True):
        self.corpus = corpus
        self.index = index
        self.ocr = ocr  # None: no page is OCR'd
        self.debug = debug
        self.jobs = max(1, jobs)
        # False (--watch): a file that failed is not read again until it changes.
        self.retry_failed = retry_failed
        self.report = IngestReport()
        self._unsynced = 0
        self._last_sync = time.monotonic()
        self._on_item = self._before_item = self._on_page = None
        self._lent_words: tuple[str, ...] = ()
        self._lexicon = None

    def run(self, items: Iterable[Item], on_item: Callable[..., None] | None = None,
            before_item: Callable[[Item], None] | None = None,
            on_page: Callable[..., None] | None = None) -> IngestReport:
        """items: what ingest.walk.walk yields, taken as they come. Interrupting
        leaves store and index consistent: what was stored is indexed, the rest
        is done by the next run."""
        self._on_item, self._before_item, self._on_page = on_item, before_item, on_page
        self._lent_words = tuple(self.corpus.lent_words())
        self._lexicon = None  # made when a file is read here
        sync_index(self.corpus, self.index)  # finish what a crashed run left
        self.index.doc_count()  # makes the index now if there is none, before searches look for it
        try:
            to_read = self._skim(items)
            if self.jobs == 1:
                self._run_here(to_read)
            else:
                head, small = self._head(to_read, POOL_AFTER_FILES_PER_JOB * self.jobs)
                if small:
                    self._run_here(head)
                else:
                    self._run_pooled(head, to_read)
        finally:
            sync_index(self.corpus, self.index)
            self._unsynced = 0
            self._last_sync = time.monotonic()
        return self.report

    # ---- the work list -------------------------------------------------------------

    def _skim(self, items: Iterable[Item]) -> Iterator[str]:
        """The files that need reading, as absolute paths; what needs no reading
        (a walk error, an unreadable path, an unchanged file) is settled here."""
        for item in items:
            if isinstance(item, InputError):
                self._done(item, self._fail(item))
                continue
            path = os.path.abspath(item)
            try:
                st = stat_source(Path(path))
            except InputError as err:
                self._done(item, self._commit(failed(path, err)))
                continue
            state = self.corpus.path_state(path)
            if state and (state.size, state.mtime_ns) == (st.st_size, st.st_mtime_ns) and (
                    (state.status == "ok" and state.doc_id) or
                    (state.status == "failed" and not self.retry_failed)):
                self._done(item, "unchanged")
                continue
            yield path

    @staticmethod
    def _head(paths: Iterator[str], most: int) -> tuple[list[str], bool]:
        """Up to most + 1 paths from the stream; True if the stream ended within most."""
        head = []
        for path in paths:
            head.append(path)
            if len(head) > most:
                return head, False
        return head, True

    # ---- reading here --------------------------------------------------------------

    def _run_here(self, paths: Iterable[str]) -> None:
        for path in paths:
            if self._before_item:
                self._before_item(Path(path))
            prepared = prepare(path, known=self._known, ocr=self.ocr, debug=self.debug,
                               lexicon=self._archive_lexicon())
            self._done(Path(path), self._commit(prepared))

    def _known(self, sha256: str) -> bool:
        return self.corpus.status_of(sha256) == "ok"

    def _archive_lexicon(self):
        if self._lexicon is None:
            self._lexicon = archive_lexicon(self._lent_words)
        return self._lexicon

    # ---- reading in document workers -------------------------------------------------

    def _run_pooled(self, head: list[str], rest: Iterator[str]) -> None:
        """Hand files to the workers, at most IN_FLIGHT_PER_JOB per job at a time,
        and store each as it comes back. If a worker dies, every file in flight
        fails with the pool: they are read again in a fresh pool one at a time,
        and one that kills its worker alone is recorded as failed."""
        from .workers import DocumentPool, WorkerConfig

        config = WorkerConfig(store_path=str(self.corpus.path),
                              ocr=self.ocr.options if self.ocr is not None else None,
                              debug=self.debug, main_pid=os.getpid(), lent_words=self._lent_words)
        wants_events = self._on_page or self._before_item
        pool = DocumentPool(self.jobs, config, on_event=self._event if wants_events else None)
        queue = _chain(head, rest)
        backlog: deque[str] = deque()  # not yet read when the pool broke
        suspects: deque[str] = deque()  # in flight when it broke: each read alone
        in_flight: dict = {}  # future -> path
        limit = IN_FLIGHT_PER_JOB * self.jobs
        try:
            while True:
                broken = self._fill(pool, in_flight, queue, backlog, suspects, limit)
                if not in_flight and not broken:
                    break
                lost = []  # paths whose future failed with the pool
                for future in pool.wait(in_flight, WAIT_SLICE_S) if in_flight else ():
                    path = in_flight.pop(future)
                    try:
                        prepared = future.result()
                    except BrokenProcessPool:
                        broken = True
                        lost.append(path)
                        continue
                    except Exception as err:  # the worker raised (only with --debug) or could not reply
                        if self.debug:
                            raise
                        prepared = failed(path, internal_error(path, err))
                    self._done(Path(path), self._commit(prepared))
                self._maybe_sync()  # what is stored reaches searches while a long file is read
                if broken:
                    for future, path in list(in_flight.items()):  # they fail with the pool,
                        del in_flight[future]  # unless done just before it broke
                        if future.done() and not future.cancelled() and future.exception() is None:
                            self._done(Path(path), self._commit(future.result()))
                        else:
                            lost.append(path)
                    if len(lost) == 1:  # it broke the pool on its own
                        self._done(Path(lost[0]), self._commit(failed(lost[0], InputError(lost[0], CRASHED))))
                    else:
                        suspects.extend(lost)
                    pool.restart()
            pool.close()
        except BaseException:
            pool.kill()
            raise

    @staticmethod
    def _fill(pool, in_flight: dict, queue: Iterator[str], backlog: deque, suspects: deque,
              limit: int) -> bool:
        """Submit work until limit files are in flight (a suspect only alone).
        Returns True if the pool turned out broken."""
        while True:
            if suspects:
                if in_flight:
                    return False
                source = suspects
            elif len(in_flight) >= limit:
                return False
            elif backlog:
                source = backlog
            else:
                source = None
            path = source.popleft() if source is not None else next(queue, None)
            if path is None:
                return False
            try:
                in_flight[pool.submit(path)] = path
            except BrokenProcessPool:  # a worker died since the last look
                (source if source is not None else backlog).appendleft(path)
                return True

    def _event(self, event: tuple) -> None:
        """Progress from a worker: ("start", path) or ("page", path, done, total)."""
        if event[0] == "start" and self._before_item:
            self._before_item(Path(event[1]))
        elif event[0] == "page" and self._on_page:
            _, path, done, total = event
            self._on_page(done, total, Path(path))

    # ---- the writer ------------------------------------------------------------------

    def _commit(self, prepared: Prepared) -> str:
        path = prepared.path
        if prepared.outcome == "failed":
            return self._fail(prepared.error, mtime_ns=prepared.mtime_ns)
        try:
            state = self.corpus.path_state(path)
            if self.corpus.status_of(prepared.sha256) == "ok":
                return self._known_content(prepared, state)
            if prepared.outcome == "known":  # dropped since the worker looked: read it here
                return self._commit(prepare(path, known=lambda _: False, ocr=self.ocr, debug=self.debug,
                                            lexicon=self._archive_lexicon()))
            self.corpus.save(prepared.doc)
            return "updated" if state and state.doc_id else "new"
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as err:
            if self.debug:
                raise
            return self._fail(internal_error(path, err, "storing"))

    def _known_content(self, prepared: Prepared, state) -> str:
        """Bytes already stored: the same file touched, a copy, or a move."""
        path, doc_id = prepared.path, prepared.sha256
        previous_paths = self.corpus.paths_of(doc_id)
        self.corpus.add_path(doc_id, path, prepared.size, prepared.mtime_ns)
        if state and state.doc_id == doc_id:
            return "unchanged"
        if state:  # the path held other bytes before (e.g. a corrupt copy, now restored)
            return "updated"
        gone = [p for p in previous_paths if p != path and not os.path.lexists(p)]
        for old in gone:
            self.corpus.forget_path(old)
        return "moved" if gone else "duplicate"

    def _fail(self, err: InputError, mtime_ns: int | None = None) -> str:
        path = os.path.abspath(err.path)
        self.corpus.record_failure(path, err.reason, doc_id=err.doc_id, size=err.size,
                                   mtime_ns=mtime_ns)
        self.report.failures.append((path, err.reason))
        return "failed"

    def _done(self, item: Item, outcome: str) -> None:
        self.report.counts[outcome] += 1
        if outcome in CHANGED:
            self._unsynced += 1
        self._maybe_sync()
        if self._on_item:
            self._on_item(item, outcome)

    def _maybe_sync(self) -> None:
        due = (self._unsynced >= SYNC_EVERY_DOCS
               or (self._unsynced and time.monotonic() - self._last_sync > SYNC_EVERY_SECONDS))
        if due:
            sync_index(self.corpus, self.index)
            self._unsynced = 0
            self._last_sync = time.monotonic()


def _chain(head: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from head
    yield from rest
