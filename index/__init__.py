"""Stage 3: the full-text index, derived from the corpus and rebuildable from it.

Callers use the SearchIndex interface from ``open_index``; the engines (whoosh,
the default, and tantivy) stay inside this package. The engine is a property of
an index's folder: it records which engine built it (ENGINE_FILE), and
`beslut reindex --engine` builds it anew with another. A home without an
index gets $BESLUT_ENGINE's engine, else whoosh's.
"""

import os
from pathlib import Path

from .engine import (ENGINE_FILE, FACET_FIELDS, SORT_ORDERS, IndexHit, IndexResults, SearchFilters,
                     SearchIndex, Snippet, Suggestion)

INDEX_DIR = "index"
ENGINES = ("whoosh", "tantivy")
DEFAULT_ENGINE = "whoosh"
ENGINE_VAR = "BESLUT_ENGINE"


def open_index(home: Path, engine: str | None = None) -> SearchIndex:
    """The index of a data home, by the engine that built it (or the engine
    given, to build it anew with: its rebuild() replaces the index)."""
    directory = Path(home) / INDEX_DIR
    engine = engine or index_engine(home)
    if engine not in ENGINES:
        from beslut.errors import InvalidValue

        raise InvalidValue(f"unknown search engine {engine!r}; the engines are {', '.join(ENGINES)}")
    if engine == "tantivy":
        from .tantivy_index import TantivyIndex

        return TantivyIndex(directory)
    from .whoosh_index import WhooshIndex

    return WhooshIndex(directory)


def index_engine(home: Path) -> str:
    """The engine of the index in a home: the one recorded in its folder; whoosh
    for an index from before there was a choice; for a home without an index,
    $BESLUT_ENGINE's, else the default."""
    directory = Path(home) / INDEX_DIR
    try:
        return (directory / ENGINE_FILE).read_text().strip()
    except OSError:
        pass
    if any(directory.glob("*.toc")):  # whoosh's table of contents
        return "whoosh"
    return os.environ.get(ENGINE_VAR, "").strip().lower() or DEFAULT_ENGINE


__all__ = ["ENGINES", "FACET_FIELDS", "SORT_ORDERS", "IndexHit", "IndexResults", "SearchFilters", "SearchIndex",
           "Snippet", "Suggestion", "index_engine", "open_index"]
