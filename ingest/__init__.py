"""Stage 1: a file becomes a clean, tagged Document.

    from ingest import ingest_file
    doc = ingest_file(Path("protokoll.pdf"))

The readers (pdfplumber, ftfy) load on first use, so that importing the
Document type, as the later stages do, stays cheap.
"""

from importlib import import_module

from .document import PIPELINE_VERSION, UNKNOWN_TYPE, Document, Page

_LAZY = {
    "extract": "pipeline", "ingest_file": "pipeline", "process": "pipeline",
    "SourceFile": "source", "read_source": "source", "walk": "walk",
}


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Document", "Page", "PIPELINE_VERSION", "UNKNOWN_TYPE", *_LAZY]
