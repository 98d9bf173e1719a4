"""The document workers of a batch ingest: processes that each take a whole file
(read and hash it, extract, OCR, clean, repair, tag) and send back the finished
Document. They never write: the main process is the one writer, storing each
document and keeping the index in step (beslut/batch.py).

Sharing the cores. There are as many workers as --jobs, and as many CPU slots
(ingest.ocr_runner.CpuSlots, a semaphore shared by the workers). A worker holds
a slot while it works on a document; when the document has pages to OCR it
lends its slot and reads the pages with threads of its own, each page holding a
slot while Tesseract (single-threaded: OMP_THREAD_LIMIT=1) reads it. So a batch
of many documents keeps every core on a document of its own, and a lone long
scan still has all its pages read --jobs at a time, and the work under way
never outnumbers the cores.

Starting workers. They are forked from a fork server (multiprocessing's
"forkserver" method): a process started afresh, which imports the pipeline and
loads its lexicons once (warm_up, through beslut.worker_preload) before it forks
the workers, so they start at once, share those pages, and hold no descriptor
of the main process's (the store, the index, the writer lock). Each worker
ends when the main process does (ingest.ocr_runner.die_with_parent: a thread
waits on the main process), and the fork server when its last worker has, so
a `kill -9` of `beslut ingest` leaves no process behind (a Tesseract child
finishes its page first). Ctrl-C goes to the main process only; it stops the
workers itself.
"""

import multiprocessing
import os
import signal
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

from ingest.ocr_runner import CpuSlots, OcrRunner, die_with_parent
from ingest.options import OcrOptions

from .prepare import Prepared, prepare


@dataclass(frozen=True)
class WorkerConfig:
    store_path: str  # read-only look-ups: are these bytes stored already?
    ocr: OcrOptions | None  # None: no page is OCR'd
    debug: bool
    main_pid: int  # the ingest process: workers end when it does
    lent_words: tuple[str, ...] = ()  # the archive's words for repair (beslut.archive_lexicon)


# ---- in the worker process -------------------------------------------------------------

_config: WorkerConfig | None = None
_slots: CpuSlots | None = None
_runner: OcrRunner | None = None
_events = None  # multiprocessing queue of progress events, or None
_db: sqlite3.Connection | None = None
_lexicon = None  # the archive's repair lexicon; None: the default one
_current = threading.local()


def _init_worker(config: WorkerConfig, semaphore, events) -> None:
    global _config, _slots, _runner, _events, _lexicon
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    die_with_parent(config.main_pid)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    _config, _events = config, events
    _slots = CpuSlots(semaphore)
    if config.ocr is not None:
        _runner = OcrRunner(config.ocr, on_page=_page_done, slots=_slots)
    if config.lent_words:
        from .archive_lexicon import archive_lexicon

        _lexicon = archive_lexicon(config.lent_words)


def warm_up() -> None:
    """Load what reading a document needs (the lexicons, the repair and tagging
    tables) by ingesting a small damaged text, so that workers forked afterwards
    start warm and share those pages."""
    import tempfile

    sample = ("TJÄNSTEUTLÅTANDE\nKommunstyrelsens förvaltning\nDnr KS 2024/117\n\n"
              "Forslag till beslut\nKommunstyrelsen foreslar att fullmaktige beslutar att "
              "godkanna avtalet med Sodertérns hogskola om 6versyn av forskolorna.\n")
    try:
        with tempfile.TemporaryDirectory(prefix="beslut-warm-") as folder:
            path = os.path.join(folder, "warm.txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write(sample)
            prepare(path, known=lambda _: False, ocr=None)
    except Exception:
        pass  # only a head start; the first document pays instead


def _known(sha256: str) -> bool:
    """Whether the store holds these bytes as a good document already (then the
    file need not be processed). A guess the writer checks again."""
    global _db
    try:
        if _db is None:
            _db = sqlite3.connect(f"file:{_config.store_path}?mode=ro", uri=True, timeout=10,
                                  isolation_level=None)
        row = _db.execute("SELECT status FROM documents WHERE id = ?", (sha256,)).fetchone()
        return bool(row) and row[0] == "ok"
    except sqlite3.Error:
        return False


def _send(event: tuple) -> None:
    if _events is not None:
        try:
            _events.put_nowait(event)
        except Exception:
            pass  # progress is a courtesy


def _page_done(done: int, total: int) -> None:
    _send(("page", getattr(_current, "path", ""), done, total))


def work(path: str) -> Prepared:
    """One file, whole, in a worker."""
    _current.path = path
    _send(("start", path))
    with _slots.held():
        return prepare(path, known=_known, ocr=_runner, debug=_config.debug, lexicon=_lexicon)


# ---- in the main process ---------------------------------------------------------------

class DocumentPool:
    """jobs worker processes and their CPU slots; submit(path) -> Future[Prepared].

    If a worker dies (a crash in a PDF library, the OOM killer), every future in
    flight fails with BrokenProcessPool; restart() makes a fresh pool."""

    def __init__(self, jobs: int, config: WorkerConfig,
                 on_event: Callable[[tuple], None] | None = None):
        self.jobs = jobs
        self.config = config
        self.on_event = on_event
        self._ctx = multiprocessing.get_context("forkserver")
        # Only this module, not __main__ (a script, pytest): the workers need no more.
        self._ctx.set_forkserver_preload(["beslut.worker_preload"])
        self._events = self._ctx.Queue() if on_event else None
        self._executor: ProcessPoolExecutor | None = None
        self._start()

    def _start(self) -> None:
        semaphore = self._ctx.BoundedSemaphore(self.jobs)
        self._executor = ProcessPoolExecutor(max_workers=self.jobs, mp_context=self._ctx,
                                             initializer=_init_worker,
                                             initargs=(self.config, semaphore, self._events))

    def submit(self, path: str) -> Future:
        return self._executor.submit(work, path)

    def wait(self, futures, timeout: float) -> set[Future]:
        """The futures done within timeout; progress events are passed on meanwhile."""
        done, _ = wait(futures, timeout=timeout, return_when=FIRST_COMPLETED)
        self.drain_events()
        return done

    def drain_events(self) -> None:
        if self._events is None:
            return
        while True:
            try:
                event = self._events.get_nowait()
            except Exception:  # queue.Empty, or a queue torn down
                return
            self.on_event(event)

    def restart(self) -> None:
        self.kill()
        if self._events is not None:  # a killed worker may have held the queue's lock
            self._events.cancel_join_thread()
            self._events = self._ctx.Queue()
        self._start()

    def close(self) -> None:
        """Wait for the workers to finish and go (all work collected first)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        self._close_events()

    def kill(self) -> None:
        """Stop at once: cancel what waits, terminate the workers (their Tesseract
        children end with their page)."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            try:
                process.kill()
            except (OSError, ValueError, AttributeError):
                pass
        for process in processes:
            try:
                process.join(timeout=5)
            except (OSError, ValueError, AttributeError, AssertionError):
                pass

    def _close_events(self) -> None:
        if self._events is not None:
            self.drain_events()
            self._events.close()
            self._events.join_thread()
            self._events = None
