"""One file in, one clean, tagged document out: read -> extract -> clean -> tag."""

from pathlib import Path

from .clean import clean
from .detect import detect_kind
from .document import Document
from .pdf import extract_pdf_pages
from .source import SourceFile, read_source
from .tag import tag
from .text import extract_text_pages


def ingest_file(path: Path) -> Document:
    """Run the whole ingest stage on one file. Raises InputError for a bad file."""
    return process(read_source(path))


def process(source: SourceFile) -> Document:
    return tag(clean(extract(source)))


def extract(source: SourceFile) -> Document:
    kind, warnings = detect_kind(source)
    encoding = None
    if kind == "pdf":
        pages = extract_pdf_pages(source)
        empty = [p.number for p in pages if not p.text.strip()]
        if empty:
            warnings.append(f"no text layer on {len(empty)} of {len(pages)} pages")
    else:
        pages, encoding = extract_text_pages(source)
    return Document(
        id=source.sha256, path=str(source.path), size=source.size, mtime_ns=source.mtime_ns,
        kind=kind, pages=tuple(pages), encoding=encoding, warnings=tuple(warnings),
    )
