"""OCR many page images, spread over worker processes.

Each worker renders (or loads) one page and runs Tesseract on it, so the main
process never holds page images: memory stays flat however long the document.
At most two pages per worker are in flight at once. The workers end when the
parent does, even if it is killed (die_with_parent).

Inside a batch ingest's document worker (beslut/workers.py) the pages of a
document are read by threads of that worker instead, each holding one of the
CPU slots the document workers share (CpuSlots): the worker lends its own slot
while its pages are read, so a lone long scan still gets every core, and the
documents and pages at work never outnumber the cores.
"""

import ctypes
import os
import select
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass

from beslut.errors import BeslutError

from .ocr import OcrResult, OcrUnavailable, check_tesseract, ocr_image
from .options import OcrOptions
from .render import load_image_page, render_pdf_page

IN_FLIGHT_PER_WORKER = 2
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class PageImage:
    """Where one page image comes from: a PDF page to render, or an image file's page."""
    path: str
    kind: str  # "pdf" | "image"
    number: int  # 1-based


# pdfium is not thread-safe: page threads render one at a time (Tesseract, the
# long part, runs outside the lock).
_RENDER_LOCK = threading.Lock()


def read_page(page: PageImage, lang: str, dpi: int) -> OcrResult | BeslutError:
    """Render or load the page and OCR it. Errors come back as values, so that
    one unreadable page does not lose the others."""
    try:
        if page.kind == "pdf":
            with _RENDER_LOCK:
                image = render_pdf_page(page.path, page.number, dpi)
        else:
            image = load_image_page(page.path, page.number)
        return ocr_image(image, lang)
    except BeslutError as err:
        return err


class CpuSlots:
    """A budget of CPU-heavy work shared by processes: a semaphore with one slot
    per core given to --jobs. A document worker holds a slot while it works on
    a document and lends it while Tesseract reads the document's pages, each page
    holding a slot of its own."""

    def __init__(self, semaphore):
        self.semaphore = semaphore  # multiprocessing.(Bounded)Semaphore, or threading's

    @contextmanager
    def held(self):
        self.semaphore.acquire()
        try:
            yield
        finally:
            self.semaphore.release()

    @contextmanager
    def lent(self):
        self.semaphore.release()
        try:
            yield
        finally:
            self.semaphore.acquire()


def _init_page_worker(parent_pid: int) -> None:
    # Ctrl-C goes to the whole process group; the main process handles it
    # and shuts the workers down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent_pid)


def die_with_parent(main_pid: int) -> None:
    """End this worker process when the main process dies, even by kill -9,
    rather than leave it waiting for work for ever. The kernel is asked to kill
    it with its parent (Linux: prctl PR_SET_PDEATHSIG), and a thread waits for
    the main process itself to end (the parent may be a fork server, which
    outlives the main process as long as its children live)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    threading.Thread(target=_exit_when_gone, args=(main_pid,), daemon=True,
                     name="watch-main").start()


def _exit_when_gone(pid: int) -> None:
    try:
        fd = os.pidfd_open(pid)  # readable once the process has ended
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])
    else:
        while _alive(pid):
            time.sleep(0.2)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class OcrRunner:
    """Reads pages with options.jobs processes; with slots (inside a document
    worker of a batch ingest), with up to options.jobs threads of this process,
    each page holding a CPU slot, the caller's slot lent meanwhile."""

    def __init__(self, options: OcrOptions, on_page: Callable[[int, int], None] | None = None,
                 slots: CpuSlots | None = None):
        self.options = options
        self.on_page = on_page  # called with (pages done, pages asked) after each page
        self.slots = slots
        self._pool: ProcessPoolExecutor | None = None
        self._threads: ThreadPoolExecutor | None = None
        self._checked: OcrUnavailable | bool = False

    def ensure_available(self) -> None:
        """Raise OcrUnavailable (naming the Debian packages) if OCR cannot run."""
        if self._checked is False:
            try:
                check_tesseract(self.options.lang)
                self._checked = True
            except OcrUnavailable as err:
                self._checked = err
        if isinstance(self._checked, OcrUnavailable):
            raise self._checked

    def read(self, pages: list[PageImage]) -> list[OcrResult | BeslutError]:
        """OCR results in the order of ``pages``."""
        if not pages:
            return []
        self.ensure_available()
        lang, dpi = self.options.lang, self.options.dpi
        if self.slots is not None:
            with self.slots.lent():
                return self._read_in_threads(pages, lang, dpi)
        if self.options.jobs == 1 or len(pages) == 1:
            results = []
            for page in pages:
                results.append(read_page(page, lang, dpi))
                self._progress(len(results), len(pages))
            return results
        return self._read_in_pool(pages, lang, dpi)

    def _read_in_pool(self, pages, lang, dpi) -> list[OcrResult | BeslutError]:
        pool = self._get_pool()
        results: list = [None] * len(pages)
        running: dict[Future, int] = {}
        next_page, done = 0, 0
        limit = IN_FLIGHT_PER_WORKER * self.options.jobs
        try:
            while done < len(pages):
                while next_page < len(pages) and len(running) < limit:
                    running[pool.submit(read_page, pages[next_page], lang, dpi)] = next_page
                    next_page += 1
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    results[running.pop(future)] = future.result()
                    done += 1
                    self._progress(done, len(pages))
        except BaseException:
            for future in running:
                future.cancel()
            raise
        return results

    def _read_in_threads(self, pages, lang, dpi) -> list[OcrResult | BeslutError]:
        def read(page):
            with self.slots.held():
                return read_page(page, lang, dpi)

        if len(pages) == 1 or self.options.jobs == 1:
            results = []
            for page in pages:
                results.append(read(page))
                self._progress(len(results), len(pages))
            return results
        if self._threads is None:
            self._threads = ThreadPoolExecutor(max_workers=self.options.jobs,
                                               thread_name_prefix="ocr-page")
        results: list = [None] * len(pages)
        running: dict[Future, int] = {}
        next_page, done = 0, 0
        limit = self.options.jobs  # pages (and their images) in this process at once
        try:
            while done < len(pages):
                while next_page < len(pages) and len(running) < limit:
                    running[self._threads.submit(read, pages[next_page])] = next_page
                    next_page += 1
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    results[running.pop(future)] = future.result()
                    done += 1
                    self._progress(done, len(pages))
        except BaseException:
            for future in running:
                future.cancel()
            wait(running)  # a page thread still holds a slot and a file: let it finish
            raise
        return results

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.options.jobs,
                                             initializer=_init_page_worker, initargs=(os.getpid(),))
        return self._pool

    def _progress(self, done: int, total: int) -> None:
        if self.on_page:
            self.on_page(done, total)

    def close(self) -> None:
        if self._threads is not None:
            self._threads.shutdown(wait=True, cancel_futures=True)
            self._threads = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def default_jobs() -> int:
    """The cores this process may run on (fewer than the machine's under taskset or a cpuset)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1
