"""Stage 1: a file becomes a clean, tagged Document.

    from ingest import ingest_file
    doc = ingest_file(Path("protokoll.pdf"))
"""

from .document import PIPELINE_VERSION, UNKNOWN_TYPE, Document, Page
from .pipeline import extract, ingest_file, process
from .source import SourceFile, read_source
from .walk import walk

__all__ = ["Document", "Page", "PIPELINE_VERSION", "UNKNOWN_TYPE", "SourceFile",
           "extract", "ingest_file", "process", "read_source", "walk"]
