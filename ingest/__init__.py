"""Stage 1: a file becomes a clean, tagged Document.

    from ingest.pipeline import ingest_file
    doc = ingest_file(Path("protokoll.pdf"))

This package file stays light (the readers, pdfplumber and ftfy, load with
``ingest.pipeline``), so that later stages can import the Document type cheaply.
"""

from .document import PIPELINE_VERSION, UNKNOWN_TYPE, Document, Page

__all__ = ["Document", "Page", "PIPELINE_VERSION", "UNKNOWN_TYPE"]
