"""The whoosh engine behind the SearchIndex interface. Nothing whoosh-specific
leaves this module and its helpers: whoosh_schema and whoosh_analysis (the
fields, and the Swedish analysis as whoosh analyzers), whoosh_rebuild (building
a whole index), whoosh_collect (one pass over a query's matches) and
whoosh_phrase (phrase matching). What every engine shares: query_syntax,
fields, snippets, suggest, facets, key_terms."""

from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import index as whoosh_index, query as whoosh_query

from beslut.errors import SearchIndexError
from corpus import StoredDocument

from . import query_syntax, whoosh_collect, whoosh_rebuild
from .engine import ENGINE_FILE, FACET_FIELDS, FORMAT_FILE, IndexHit, IndexResults, SearchFilters
from .facets import facet_counts
from .fields import index_fields
from .key_terms import key_terms
from .rebuilding import build_beside, default_procs
from .whoosh_phrase import with_fast_phrases
from .whoosh_schema import make_schema

ENGINE = "whoosh"
# Bump when make_schema() or the analysis changes: an index of another format is
# rebuilt from the store (beslut/indexing.py). Indexes before format 2 have no file.
# 4: the stamp field (archive verify); 5: compound parts, content_key; 6: segments
# as separate files, not one compound file (a search opened the whole compound file
# and read far more of it: at 10,000 documents p50 204 -> 48 ms, RSS 490 -> 70 MB).
INDEX_FORMAT = "6"

WRITER_TIMEOUT_S = 60
COMPOUND_SEGMENTS = whoosh_rebuild.COMPOUND_SEGMENTS


class WhooshIndex:
    engine = ENGINE

    def __init__(self, directory: Path, rebuild_procs: int | None = None,
                 rebuild_parallel_from: int = whoosh_rebuild.PARALLEL_FROM,
                 rebuild_batch: int = whoosh_rebuild.BATCH):
        self.directory = Path(directory)
        self.rebuild_procs = rebuild_procs or default_procs()
        # From how many documents a rebuild uses worker processes, and how many each is sent at a time.
        self.rebuild_parallel_from = rebuild_parallel_from
        self.rebuild_batch = rebuild_batch
        self._ix = None
        self._kept = None  # the searcher kept between calls (_searcher)
        self._kept_folder = None

    @property
    def ix(self):
        if self._ix is None:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                if whoosh_index.exists_in(self.directory):
                    self._ix = whoosh_index.open_dir(self.directory)
                else:
                    self._ix = _create(self.directory)
            except Exception as err:
                raise SearchIndexError(f"cannot open the search index {self.directory}: {err}; "
                                       f"'beslut reindex' rebuilds it from the store") from None
        return self._ix

    def _searcher(self):
        """A searcher of the index as it is on disk, kept between calls: its
        segments' readers stay open, with what they have read (the offsets of
        stored fields and columns, loaded columns). A commit or a rebuild (which
        swaps the folder) since gives a new one."""
        if self._kept is not None:
            if _folder_identity(self.directory) == self._kept_folder and self._kept.up_to_date():
                return self._kept
            self.close()
        ix = self.ix
        self._kept, self._kept_folder = ix.searcher(), _folder_identity(self.directory)
        return self._kept

    def _writer(self, ix=None):
        try:
            return (ix or self.ix).writer(timeout=WRITER_TIMEOUT_S, compound=COMPOUND_SEGMENTS)
        except whoosh_index.LockError:
            raise SearchIndexError(f"the search index is locked by another beslut process "
                                   f"(waited {WRITER_TIMEOUT_S} s); try again when it has finished") from None

    def outdated(self) -> bool:
        marker = self.directory / FORMAT_FILE
        try:
            return marker.read_text().strip() != INDEX_FORMAT
        except OSError:
            pass
        try:  # no marker: an index from before format 2, if there is an index at all
            return whoosh_index.exists_in(self.directory)
        except Exception:
            return False  # damaged: opening it says so, and how to rebuild it

    def apply(self, upserts: Iterable[StoredDocument], deletes: Iterable[str]) -> None:
        writer = self._writer()
        try:
            for doc_id in deletes:
                writer.delete_by_term("id", doc_id)
            for doc in upserts:
                writer.update_document(**index_fields(doc))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def rebuild(self, docs: Iterable[StoredDocument],
                progress: Callable[[int], None] | None = None) -> int:
        """Build a new index beside the old one, then swap it in: a crash midway
        leaves the old index in place."""

        def build(fresh: Path) -> int:
            _create(fresh).close()
            return whoosh_rebuild.build(fresh, docs, index_fields, self.rebuild_procs, progress,
                                        parallel_from=self.rebuild_parallel_from, batch=self.rebuild_batch)

        return build_beside(self.directory, build, self.close)

    def search(self, query: str | None, *, limit: int = 10,
               text_of: Callable[[str], str | None] | None = None,
               filters: SearchFilters | None = None, sort: str = "relevance",
               facets: bool = False, match: str = "all") -> IndexResults:
        searcher = self._searcher()
        restriction = query_syntax.filter_query(filters) if filters else None
        if query is None:
            parsed, restriction = whoosh_collect.every_document(restriction), None
        else:
            parsed = _parse(query, any_word=match == "any")
        top, total, counts, matched = _search(searcher, parsed, restriction, limit, sort, facets,
                                              matched_terms=text_of is not None)
        found = IndexResults(query=str(parsed) if query is not None else "*",
                             total=total, hits=_hits(searcher, top, matched, text_of), facets=counts)
        if query is not None and not total and searcher.doc_count():
            found = _with_suggestions(found, searcher, query, restriction, text_of)
        return found

    def similar(self, doc_id: str, *, limit: int = 10,
                text_of: Callable[[str], str | None]) -> IndexResults:
        text = text_of(doc_id)
        searcher = self._searcher()
        docnum = searcher.document_number(id=doc_id)
        if docnum is None or not text:
            return IndexResults(query="", total=0)
        weights = key_terms(text, lambda term: searcher.doc_frequency("text", term), searcher.doc_count_all())
        like = whoosh_query.Or([whoosh_query.Term("text", term, boost=weight)
                                for term, weight in weights.items()])
        itself = whoosh_query.Term("content_key", searcher.stored_fields(docnum)["content_key"])
        others = whoosh_query.AndNot(like, itself)
        top, total, _, matched = _search(searcher, others, None, limit, matched_terms=True)
        return IndexResults(query=str(like), total=total, hits=_hits(searcher, top, matched, text_of))

    def stamp(self, doc: StoredDocument) -> str:
        return index_fields(doc)["stamp"]

    def stamps(self) -> dict[str, str | None]:
        return {fields["id"]: fields.get("stamp") for fields in self._searcher().all_stored_fields()}

    def ids(self) -> set[str]:
        return {fields["id"] for fields in self._searcher().all_stored_fields()}

    def doc_count(self) -> int:
        return self._searcher().doc_count()

    def size_bytes(self) -> int:
        if not self.directory.exists():
            return 0
        return sum(p.stat().st_size for p in self.directory.iterdir() if p.is_file())

    def close(self) -> None:
        if self._kept is not None:
            self._kept.close()
            self._kept = self._kept_folder = None
        if self._ix is not None:
            self._ix.close()
            self._ix = None


def _folder_identity(directory: Path) -> tuple[int, int] | None:
    try:
        status = directory.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _create(directory: Path):
    ix = whoosh_index.create_in(directory, make_schema())
    (directory / FORMAT_FILE).write_text(INDEX_FORMAT + "\n")
    (directory / ENGINE_FILE).write_text(ENGINE + "\n")
    return ix


def _search(searcher, q, restriction, limit: int, sort: str = "relevance", facets: bool = False,
            matched_terms: bool = False) -> tuple[list, int, dict | None, dict]:
    """The best hits, copies of one text folded into the first of them (whoosh's
    own collapsing miscounts, and skips collapsing under a filter); how many
    texts match (copies counted once); with facets, how many per value of each
    facet field; with matched_terms, {docnum: its matched (field, term)s} for
    the hits."""
    fetch = 2 * limit + 10  # room for copies; more if they fill it
    first = collected = whoosh_collect.collect_all(searcher, q, restriction, fetch, sort,
                                                   FACET_FIELDS if facets else (), matched_terms)
    while True:
        top, seen = [], set()
        for hit in collected.results:
            if hit["content_key"] not in seen:
                seen.add(hit["content_key"])
                top.append(hit)
                if len(top) == limit:
                    break
        if len(top) == limit or collected.results.scored_length() < fetch:
            counts = ({name: facet_counts(name, tally) for name, tally in first.tallies.items()}
                      if facets else None)
            return top, first.total, counts, collected.matched_terms
        fetch *= 4
        collected = whoosh_collect.collect_all(searcher, q, restriction, fetch, sort, (), matched_terms)


def _hits(searcher, top, matched_terms: dict, text_of) -> tuple[IndexHit, ...]:
    hits = []
    for hit in top:
        text = text_of(hit["id"]) if text_of else None
        copies = tuple(fields["id"] for fields in searcher.documents(content_key=hit["content_key"])
                       if fields["id"] != hit["id"])
        hits.append(IndexHit(id=hit["id"], score=_score(hit.score), copies=copies,
                             snippet=_snippet(matched_terms.get(hit.docnum, ()), text) if text else None))
    return tuple(hits)


def _snippet(matched_terms, text: str):
    from .snippets import snippet

    matched = {"title": set(), "text": set(), "text_folded": set()}
    for field, term in matched_terms:
        if field in matched:  # not the date, whose terms are not words
            matched[field].add(term.decode("utf-8") if isinstance(term, bytes) else term)
    return snippet(text, matched["text"] | matched["title"], matched["text_folded"])


def _with_suggestions(found: IndexResults, searcher, query: str, restriction, text_of) -> IndexResults:
    """Close words for the query's unknown words, and the corrected query if it finds something."""
    from .suggest import did_you_mean

    suggestions, corrected = did_you_mean(
        _Terms(searcher), query, text_of,
        lambda candidate: bool(_search(searcher, _parse(candidate), restriction, 1)[0]))
    return IndexResults(query=found.query, total=0, suggestions=suggestions, did_you_mean=corrected)


class _Terms:
    """The index's terms, for suggest.TermSource."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()

    def doc_frequency(self, field: str, term: str) -> int:
        return self.reader.doc_frequency(field, term)

    def terms_within(self, field: str, text: str, maxdist: int, prefix: int):
        return self.reader.terms_within(field, text, maxdist, prefix=prefix)

    def ids_holding(self, field: str, term: str):
        for docnum in self.reader.postings(field, term).all_ids():
            yield self.searcher.stored_fields(docnum)["id"]


def _parse(query: str, any_word: bool = False):
    return with_fast_phrases(query_syntax.parse(query, any_word))


def _score(score) -> float:
    # Sorted by date, whoosh gives the sort key as the score: (date order, -score).
    return -float(score[-1]) if isinstance(score, tuple) else float(score)
