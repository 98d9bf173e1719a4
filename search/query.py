"""Run a query: the index ranks, the store supplies each hit's text and details."""

import unicodedata

from beslut.errors import QueryError
from corpus import Corpus
from index import SORT_ORDERS, SearchFilters, SearchIndex

from .results import SearchHit, SearchResults


def run_query(corpus: Corpus, index: SearchIndex, query: str, *, limit: int = 10,
              filters: SearchFilters | None = None, sort: str | None = None,
              facets: bool = False) -> SearchResults:
    """An empty query with filters lists every document within them. sort is
    "relevance" or "date" (newest first); by default relevance, or date when
    there are no words to rank by."""
    query = unicodedata.normalize("NFC", query).strip()  # stored text is NFC; some keyboards type NFD
    filters = filters or SearchFilters()
    if not query and not filters.as_dict():
        raise QueryError("empty query: give one or more words to search for, or a filter such as --type")
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    sort = sort or ("relevance" if query else "date")
    if sort not in SORT_ORDERS:
        raise QueryError(f"unknown sort order {sort!r}; use one of: {', '.join(SORT_ORDERS)}")
    docs = {}

    def text_of(doc_id: str) -> str | None:
        doc = docs.setdefault(doc_id, corpus.get(doc_id))
        return doc.text if doc else None

    found = index.search(query or None, limit=limit, text_of=text_of, filters=filters, sort=sort,
                         facets=facets)
    hits = []
    for rank, hit in enumerate(found.hits, start=1):
        doc = docs.get(hit.id) or corpus.get(hit.id)
        if doc is None:  # indexed but no longer stored: skip until the index catches up
            continue
        hits.append(SearchHit(rank=rank, id=doc.id, score=hit.score, title=doc.title, date=doc.date,
                              doc_type=doc.doc_type, path=doc.path, paths=doc.paths,
                              snippet=hit.snippet, board=doc.meta("board"),
                              municipality=doc.meta("municipality"), dnr=doc.meta("dnr")))
    return SearchResults(query=query, parsed=found.query, total=found.total, hits=tuple(hits),
                         filters=filters, sort=sort, facets=found.facets)
