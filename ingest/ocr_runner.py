"""OCR many page images, spread over worker processes.

Each worker renders (or loads) one page and runs Tesseract on it, so the main
process never holds page images: memory stays flat however long the document.
At most two pages per worker are in flight at once.
"""

import os
import signal
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass

from beslut.errors import BeslutError

from .ocr import OcrResult, OcrUnavailable, check_tesseract, ocr_image
from .options import OcrOptions
from .render import load_image_page, render_pdf_page

IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class PageImage:
    """Where one page image comes from: a PDF page to render, or an image file's page."""
    path: str
    kind: str  # "pdf" | "image"
    number: int  # 1-based


def read_page(page: PageImage, lang: str, dpi: int) -> OcrResult | BeslutError:
    """Render or load the page and OCR it. Errors come back as values, so that
    one unreadable page does not lose the others."""
    try:
        if page.kind == "pdf":
            image = render_pdf_page(page.path, page.number, dpi)
        else:
            image = load_image_page(page.path, page.number)
        return ocr_image(image, lang)
    except BeslutError as err:
        return err


def _ignore_interrupts() -> None:
    # Ctrl-C goes to the whole process group; the main process handles it
    # and shuts the workers down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class OcrRunner:
    def __init__(self, options: OcrOptions, on_page: Callable[[int, int], None] | None = None):
        self.options = options
        self.on_page = on_page  # called with (pages done, pages asked) after each page
        self._pool: ProcessPoolExecutor | None = None
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

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.options.jobs, initializer=_ignore_interrupts)
        return self._pool

    def _progress(self, done: int, total: int) -> None:
        if self.on_page:
            self.on_page(done, total)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def default_jobs() -> int:
    return os.cpu_count() or 1
