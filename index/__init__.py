"""Stage 3: the full-text index, derived from the corpus and rebuildable from it.

Callers use the SearchIndex interface from ``open_index``; the engine (whoosh
today) stays inside this package.
"""

from pathlib import Path

from .engine import (FACET_FIELDS, SORT_ORDERS, IndexHit, IndexResults, SearchFilters, SearchIndex,
                     Snippet, Suggestion)

INDEX_DIR = "index"


def open_index(home: Path) -> SearchIndex:
    from .whoosh_index import WhooshIndex

    return WhooshIndex(Path(home) / INDEX_DIR)


__all__ = ["FACET_FIELDS", "SORT_ORDERS", "IndexHit", "IndexResults", "SearchFilters", "SearchIndex",
           "Snippet", "Suggestion", "open_index"]
