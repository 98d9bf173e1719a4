"""Run a query: the index ranks, the store supplies each hit's text and details."""

import unicodedata

from beslut.errors import QueryError
from corpus import Corpus
from index import SearchIndex

from .results import SearchHit, SearchResults


def run_query(corpus: Corpus, index: SearchIndex, query: str, *, limit: int = 10) -> SearchResults:
    query = unicodedata.normalize("NFC", query)  # stored text is NFC; some keyboards type NFD
    if not query.strip():
        raise QueryError("empty query: give one or more words to search for")
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    docs = {}

    def text_of(doc_id: str) -> str | None:
        doc = docs.setdefault(doc_id, corpus.get(doc_id))
        return doc.text if doc else None

    found = index.search(query, limit=limit, text_of=text_of)
    hits = []
    for rank, hit in enumerate(found.hits, start=1):
        doc = docs.get(hit.id) or corpus.get(hit.id)
        if doc is None:  # indexed but no longer stored: skip until the index catches up
            continue
        hits.append(SearchHit(rank=rank, id=doc.id, score=hit.score, title=doc.title, date=doc.date,
                              doc_type=doc.doc_type, path=doc.path, paths=doc.paths,
                              snippet=hit.snippet))
    return SearchResults(query=query, parsed=found.query, total=found.total, hits=tuple(hits))
