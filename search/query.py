"""Run a query: the index ranks, the store supplies each hit's text and details."""

import unicodedata
from dataclasses import replace

from beslut.errors import QueryError
from corpus import Corpus
from index import SORT_ORDERS, IndexHit, SearchFilters, SearchIndex

from .results import Copy, SearchHit, SearchResults


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
    store = StoreReader(corpus)
    found = index.search(query or None, limit=limit, text_of=store.text_of, filters=filters, sort=sort,
                         facets=facets)
    match = "all"
    if not found.total and len(query.split()) > 1:
        # No document has every word: show those with some of them, most first,
        # beside any suggestions for the words no document has.
        some = index.search(query, limit=limit, text_of=store.text_of, filters=filters, sort=sort,
                            facets=facets, match="any")
        if some.total:
            match = "any"
            found = replace(some, suggestions=found.suggestions, did_you_mean=found.did_you_mean)
    return SearchResults(query=query, parsed=found.query, total=found.total,
                         hits=store.hits(found.hits), filters=filters, sort=sort,
                         facets=found.facets, suggestions=found.suggestions,
                         did_you_mean=found.did_you_mean, match=match)


class StoreReader:
    """The store's side of a search: texts for snippets, details for hits, each
    document read once."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.docs = {}

    def get(self, doc_id: str):
        if doc_id not in self.docs:
            self.docs[doc_id] = self.corpus.get(doc_id)
        return self.docs[doc_id]

    def text_of(self, doc_id: str) -> str | None:
        doc = self.get(doc_id)
        return doc.text if doc else None

    def hits(self, found: tuple[IndexHit, ...]) -> tuple[SearchHit, ...]:
        hits = []
        for hit in found:
            doc = self.get(hit.id)
            if doc is None:  # indexed but no longer stored: skip until the index catches up
                continue
            copies = tuple(Copy(copy.id, copy.paths) for copy in map(self.get, hit.copies) if copy)
            hits.append(SearchHit(rank=len(hits) + 1, id=doc.id, score=hit.score, title=doc.title,
                                  date=doc.date, doc_type=doc.doc_type, path=doc.path,
                                  paths=doc.paths, snippet=hit.snippet, board=doc.meta("board"),
                                  municipality=doc.meta("municipality"), dnr=doc.meta("dnr"),
                                  copies=copies))
        return tuple(hits)
