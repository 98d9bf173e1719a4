"""Documents like a given one: the index ranks them by the document's key terms."""

from dataclasses import dataclass

from beslut.errors import NotFound, QueryError
from corpus import Corpus
from index import SearchIndex

from .query import StoreReader
from .results import SearchHit


@dataclass(frozen=True)
class SimilarResults:
    id: str  # the document they are like
    title: str | None
    total: int
    hits: tuple[SearchHit, ...]


def find_similar(corpus: Corpus, index: SearchIndex, doc_id: str, *, limit: int = 10) -> SimilarResults:
    """The documents most like doc_id (a full id), itself and its copies left out."""
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    store = StoreReader(corpus)
    doc = store.get(doc_id)
    if doc is None or doc.status != "ok":
        raise NotFound(f"no stored document {doc_id[:12]} to compare with")
    wanted = limit + min(limit, len(store.links))
    found = index.similar(doc_id, limit=wanted, text_of=store.text_of)
    # Its near duplicates (linked by `archive dedupe --apply`) are itself, not documents like it.
    primary = store.links.get(doc_id, (doc_id,))[0]
    itself = {primary} | {copy for copy, (of, _) in store.links.items() if of == primary}
    others = tuple(hit for hit in found.hits if hit.id not in itself)
    hits, folded = store.hits(others, limit)
    return SimilarResults(id=doc.id, title=doc.title,
                          total=found.total - folded - (len(found.hits) - len(others)), hits=hits)
