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
    # Near duplicates linked by `archive dedupe --apply` fold into their primary: ask for
    # enough hits that the page is still full when some fold.
    wanted = limit + min(limit, len(store.links))
    found = index.search(query or None, limit=wanted, text_of=store.text_of, filters=filters, sort=sort,
                         facets=facets)
    match = "all"
    if not found.total and len(query.split()) > 1:
        # No document has every word: show those with some of them, most first,
        # beside any suggestions for the words no document has.
        some = index.search(query, limit=wanted, text_of=store.text_of, filters=filters, sort=sort,
                            facets=facets, match="any")
        if some.total:
            match = "any"
            found = replace(some, suggestions=found.suggestions, did_you_mean=found.did_you_mean)
    hits, folded = store.hits(found.hits, limit)
    return SearchResults(query=query, parsed=found.query, total=found.total - folded,
                         hits=hits, filters=filters, sort=sort,
                         facets=found.facets, suggestions=found.suggestions,
                         did_you_mean=found.did_you_mean, match=match)


class StoreReader:
    """The store's side of a search: texts for snippets, details for hits, each
    document read once."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.docs = {}
        self.links = corpus.duplicate_links()  # {copy: (primary, similarity)}

    def get(self, doc_id: str):
        if doc_id not in self.docs:
            self.docs[doc_id] = self.corpus.get(doc_id)
        return self.docs[doc_id]

    def text_of(self, doc_id: str) -> str | None:
        doc = self.get(doc_id)
        return doc.text if doc else None

    def hits(self, found: tuple[IndexHit, ...], limit: int) -> tuple[tuple[SearchHit, ...], int]:
        """The hits to show, at most limit, and how many were folded. A hit already
        carries the documents of its very text (its copies); near duplicates linked by
        `archive dedupe --apply` fold too: found beside their primary, they are shown
        as its copies at the better rank, the primary first. A copy found without its
        primary stands as it is (it matched what its primary did not)."""
        found = [hit for hit in found if self.get(hit.id) is not None]  # else: not yet unindexed
        present = {doc_id for hit in found for doc_id in (hit.id, *hit.copies)}
        groups: dict[str, list[IndexHit]] = {}  # key -> its hits in rank order
        for hit in found:
            own = (hit.id, *hit.copies)
            primaries = {self._primary(doc_id) for doc_id in own} & present
            # Its own primary if it holds one, else the primary of a copy it holds.
            key = next((p for p in primaries if p in own), next(iter(primaries), hit.id))
            groups.setdefault(key, []).append(hit)
        hits = []
        for key, members in list(groups.items())[:limit]:
            ids = [doc_id for hit in members for doc_id in (hit.id, *hit.copies)]
            shown = self.get(key) if key in ids and self.get(key) else self.get(members[0].id)
            copies = tuple(Copy(copy.id, copy.paths, self.links.get(copy.id, (None, None))[1])
                           for copy in map(self.get, dict.fromkeys(ids)) if copy and copy.id != shown.id)
            hits.append(SearchHit(rank=len(hits) + 1, id=shown.id, score=members[0].score,
                                  title=shown.title, date=shown.date, doc_type=shown.doc_type,
                                  path=shown.path, paths=shown.paths, snippet=members[0].snippet,
                                  board=shown.meta("board"), municipality=shown.meta("municipality"),
                                  dnr=shown.meta("dnr"), copies=copies))
        return tuple(hits), len(found) - len(groups)

    def _primary(self, doc_id: str) -> str:
        return self.links.get(doc_id, (doc_id,))[0]
