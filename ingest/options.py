"""How ingest reads pages: when to OCR, in which language, with how many processes."""

import os
from dataclasses import dataclass

OCR_MODES = ("auto", "always", "never")


@dataclass(frozen=True)
class OcrOptions:
    mode: str = "auto"  # auto: only pages that need it; always: every page; never: no OCR
    lang: str = "swe"  # Tesseract language code(s): "swe", "swe+eng"
    jobs: int = os.cpu_count() or 1  # OCR processes
    dpi: int = 300  # resolution PDF pages are rendered at for OCR

    def __post_init__(self):
        if self.mode not in OCR_MODES:
            raise ValueError(f"OCR mode must be one of {', '.join(OCR_MODES)}, not {self.mode!r}")
        if self.jobs < 1:
            raise ValueError("jobs must be at least 1")
