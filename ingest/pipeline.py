"""One file in, one clean, tagged document out: read -> extract -> clean -> repair
-> tag, and the words a clean document lends the archive's lexicon."""

from pathlib import Path

from beslut.errors import InputError

from .clean import clean
from .detect import detect_kind
from .document import Document
from .ocr_runner import OcrRunner
from .page_sources import image_pages, pdf_pages
from .pdf import extract_pdf_pages
from .lexicon import Lexicon
from .repair import repair
from .source import SourceFile, read_source
from .tagging import tag
from .text import extract_text_pages
from .vocabulary import lend_vocabulary


def ingest_file(path: Path, ocr: OcrRunner | None = None, lexicon: Lexicon | None = None) -> Document:
    """Run the whole ingest stage on one file. Raises InputError for a bad file.
    Without an OcrRunner no page is OCR'd (as with --ocr never); without a lexicon,
    repair uses the default one (no words lent by the archive)."""
    return process(read_source(path), ocr, lexicon)


def process(source: SourceFile, ocr: OcrRunner | None = None,
            lexicon: Lexicon | None = None) -> Document:
    return lend_vocabulary(tag(repair(clean(extract(source, ocr)), lexicon)))


def extract(source: SourceFile, ocr: OcrRunner | None = None) -> Document:
    kind, warnings = detect_kind(source)
    encoding = None
    try:
        if kind == "pdf":
            pages, more = pdf_pages(source, extract_pdf_pages(source), ocr)
        elif kind == "image":
            pages, more = image_pages(source, ocr)
        else:
            (pages, encoding), more = extract_text_pages(source), []
    except InputError as err:
        if err.doc_id is None:  # raised below the point where the file was identified
            raise InputError(source.path, err.reason, doc_id=source.sha256, size=source.size) from None
        raise
    warnings += more
    empty = [p.number for p in pages if not p.text.strip()]
    if empty and kind != "text":
        warnings.append(f"no text on {len(empty)} of {len(pages)} pages ({_numbers(empty)})")
    return Document(
        id=source.sha256, path=str(source.path), size=source.size, mtime_ns=source.mtime_ns,
        kind=kind, pages=tuple(pages), encoding=encoding, warnings=tuple(warnings),
    )


def _numbers(numbers: list[int], most: int = 8) -> str:
    shown = ", ".join(map(str, numbers[:most]))
    return shown + (f" and {len(numbers) - most} more" if len(numbers) > most else "")
