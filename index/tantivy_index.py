"""The tantivy engine behind the SearchIndex interface, with the same query
syntax, analysis, filters, sorting, facets, copies, snippets, suggestions and
similar documents as the whoosh engine (index.whoosh_index): queries are parsed
by index.query_syntax and translated (tantivy_query), documents analysed by
index.analysis and laid out as tantivy_fields describes, a whole index built by
tantivy_rebuild. Snippets, suggestions, facet merging and key terms are the
engine-neutral modules both engines use.

tantivy counts documents, beslut counts texts: copies of one text (a shared
content_key) are one hit, counted once in the total and in the facets, the one
with the lowest id giving its values (tantivy's order of documents changes
with merges; whoosh takes the first in its order). The content keys that more
than one document holds are found once per state of the index; a query then
looks at its matches among those documents only.
"""

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from whoosh import query as wq

from beslut.errors import SearchIndexError
from corpus import StoredDocument

from . import query_syntax, tantivy_rebuild
from .engine import ENGINE_FILE, FACET_FIELDS, FORMAT_FILE, IndexHit, IndexResults, SearchFilters
from .facets import facet_counts
from .fields import index_fields
from .key_terms import key_terms
from .rebuilding import build_beside, default_procs
from .tantivy_fields import DAY_FIELD, FACET_VALUE_FIELDS, document_values, make_schema, register_tokenizers
from .tantivy_query import Translator, within

ENGINE = "tantivy"
# Bump when tantivy_fields' schema or layout, or the analysis, changes: an index of
# another format is rebuilt from the store.
INDEX_FORMAT = "tantivy-1"
WRITER_TIMEOUT_S = 60
APPLY_HEAP = 50_000_000
# Facet values asked for at most, per facet field and per query (a year, a board, a
# municipality: far fewer); and content keys held more than once, asked for in one
# aggregation before every document's key is read instead.
MAX_BUCKETS = 10_000
SHARED_KEYS_FILE = "beslut-shared-content-keys.json"


@dataclass
class _Hit:
    id: str
    key: str  # content_key
    score: float
    address: object
    day: int | None = None


class TantivyIndex:
    engine = ENGINE

    def __init__(self, directory: Path, rebuild_procs: int | None = None,
                 rebuild_parallel_from: int = tantivy_rebuild.PARALLEL_FROM,
                 rebuild_batch: int = tantivy_rebuild.BATCH, shared_keys_limit: int = MAX_BUCKETS):
        import tantivy

        self.t = tantivy
        self.directory = Path(directory)
        self.rebuild_procs = rebuild_procs or default_procs()
        self.rebuild_parallel_from = rebuild_parallel_from
        self.rebuild_batch = rebuild_batch
        self.shared_keys_limit = shared_keys_limit
        self._ix = None
        self._seen_state = None  # the folder and its meta.json when the searcher was taken
        self._kept = None  # (searcher, {content key: documents} of the keys held more than once)

    # ---- opening

    def _index(self):
        folder = _folder(self.directory)
        if self._ix is not None and folder == self._seen_state[0]:
            return self._ix
        self.close()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if (self.directory / "meta.json").exists():
                ix = self.t.Index.open(str(self.directory))
            else:
                ix = _create(self.t, self.directory)
            register_tokenizers(ix)
        except Exception as err:
            raise SearchIndexError(f"cannot open the search index {self.directory}: {err}; "
                                   f"'beslut reindex' rebuilds it from the store") from None
        self._ix, self._seen_state = ix, (_folder(self.directory), None)
        return ix

    def _searcher(self):
        """A searcher of the index as it is on disk, and the content keys it
        holds more than once; kept until a commit or a rebuild changes the index."""
        ix = self._index()
        state = (self._seen_state[0], _version(self.directory / "meta.json"))
        if self._kept is None or state != self._seen_state:
            try:
                ix.reload()
                searcher = ix.searcher()
            except Exception as err:
                raise SearchIndexError(f"cannot read the search index {self.directory}: {err}; "
                                       f"'beslut reindex' rebuilds it from the store") from None
            self._seen_state = state
            self._kept = (searcher, self._shared_keys(searcher))
        return self._kept

    def _shared_keys(self, searcher) -> dict[str, int]:
        """{content key: documents} of the keys more than one document holds.
        Counting them reads every document's key (60 ms at 100,000 documents):
        the answer is kept in the index's folder for the state it was counted in."""
        if not searcher.num_docs:
            return {}
        state = list(self._seen_state[1] or ())
        kept = self.directory / SHARED_KEYS_FILE
        try:
            counted = json.loads(kept.read_text())
            if counted["state"] == state:
                return counted["keys"]
        except (OSError, ValueError, KeyError, TypeError):
            pass
        found = searcher.aggregate(self.t.Query.all_query(), {"keys": {"terms": {
            "field": "content_key", "size": self.shared_keys_limit, "min_doc_count": 2}}})
        keys = {bucket["key"]: bucket["doc_count"] for bucket in found["keys"]["buckets"]}
        if len(keys) >= self.shared_keys_limit:  # more than an aggregation returns: count them all, once
            every = Counter(doc["content_key"][0] for doc in self._every_document(searcher))
            keys = {key: n for key, n in every.items() if n > 1}
        try:
            fresh = kept.with_suffix(f".{os.getpid()}")
            fresh.write_text(json.dumps({"state": state, "keys": keys}))
            fresh.replace(kept)
        except OSError:
            pass  # a folder it cannot write to: counted again next time
        return keys

    @property
    def _schema(self):
        """The schema of the index as it is on disk: queries and documents name its fields."""
        return self._index().schema

    def _writer(self, ix, heap: int = APPLY_HEAP):
        deadline = time.monotonic() + WRITER_TIMEOUT_S
        while True:
            try:
                return ix.writer(heap_size=heap, num_threads=1)
            except ValueError as err:
                if "LockBusy" not in str(err):
                    raise SearchIndexError(f"cannot write the search index {self.directory}: {err}") from None
                if time.monotonic() > deadline:
                    raise SearchIndexError(f"the search index is locked by another beslut process "
                                           f"(waited {WRITER_TIMEOUT_S} s); try again when it has finished") from None
                time.sleep(0.1)

    def outdated(self) -> bool:
        try:
            return (self.directory / FORMAT_FILE).read_text().strip() != INDEX_FORMAT
        except OSError:
            return (self.directory / "meta.json").exists()

    # ---- writing

    def apply(self, upserts: Iterable[StoredDocument], deletes: Iterable[str]) -> None:
        ix = self._index()
        writer = self._writer(ix)
        try:
            for doc_id in deletes:
                writer.delete_documents_by_term("id", doc_id)
            for doc in upserts:
                values = document_values(index_fields(doc))
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(self.t.Document.from_dict(values, self._schema))
            writer.commit()
        except BaseException:
            writer.rollback()
            writer.wait_merging_threads()
            raise
        writer.wait_merging_threads()

    def rebuild(self, docs: Iterable[StoredDocument],
                progress: Callable[[int], None] | None = None) -> int:
        """Build a new index beside the old one, then swap it in: a crash midway
        leaves the old index in place."""

        def build(fresh: Path) -> int:
            ix = _create(self.t, fresh)
            register_tokenizers(ix)
            return tantivy_rebuild.build(ix, ix.schema, docs, self.rebuild_procs, progress,
                                         parallel_from=self.rebuild_parallel_from, batch=self.rebuild_batch)

        return build_beside(self.directory, build, self.close)

    # ---- searching

    def search(self, query: str | None, *, limit: int = 10,
               text_of: Callable[[str], str | None] | None = None,
               filters: SearchFilters | None = None, sort: str = "relevance",
               facets: bool = False, match: str = "all") -> IndexResults:
        t = self.t
        searcher, shared = self._searcher()
        translate = Translator(t, self._schema, searcher, proximity_only=query is not None and query_syntax.plain(query))
        restriction = query_syntax.filter_query(filters) if filters else None
        if query is None:
            everything = translate(restriction) if restriction is not None else t.Query.all_query()
            q, parsed = t.Query.const_score_query(everything, 1.0), "*"
        else:
            parsed_query = query_syntax.parse(query, any_word=match == "any")
            q, parsed = translate(parsed_query), str(parsed_query)
            if restriction is not None:
                q = t.Query.boolean_query([(t.Occur.Must, q),
                                           (t.Occur.Must, t.Query.const_score_query(translate(restriction), 0.0))])
        top, total, counts = self._collect(searcher, shared, q, limit, sort, facets)
        found = IndexResults(query=parsed, total=total, hits=self._hits(searcher, shared, top, text_of, translate),
                             facets=counts)
        if query is not None and not total and searcher.num_docs:
            found = self._with_suggestions(found, searcher, shared, query, restriction, text_of)
        return found

    def similar(self, doc_id: str, *, limit: int = 10,
                text_of: Callable[[str], str | None]) -> IndexResults:
        text = text_of(doc_id)
        searcher, shared = self._searcher()
        itself = searcher.search(self.t.Query.term_query(self._schema, "id", doc_id), 1).hits
        if not itself or not text:
            return IndexResults(query="", total=0)
        key = searcher.doc(itself[0][1])["content_key"][0]
        weights = key_terms(text, lambda term: searcher.doc_freq("text", term), searcher.num_docs)
        like = wq.Or([wq.Term("text", term, boost=weight) for term, weight in weights.items()])
        translate = Translator(self.t, self._schema, searcher)
        q = translate(wq.AndNot(like, wq.Term("content_key", key)))
        top, total, _ = self._collect(searcher, shared, q, limit)
        return IndexResults(query=str(like), total=total, hits=self._hits(searcher, shared, top, text_of, translate))

    def _collect(self, searcher, shared: dict, q, limit: int, sort: str = "relevance",
                 facets: bool = False) -> tuple[list[_Hit], int, dict | None]:
        """The best hits, copies of one text folded into the first of them (ties
        by id, so that every build of an index gives the same); how many texts
        match; with facets, how many per value of each facet field."""
        fetch = 2 * limit + 10  # room for copies; more if they fill it
        while True:
            ranked, count, settled = (self._by_date(searcher, q, fetch) if sort == "date"
                                      else self._by_score(searcher, q, fetch))
            top, seen = [], set()
            for hit in ranked:
                if hit.key not in seen:
                    seen.add(hit.key)
                    top.append(hit)
                    if len(top) == limit:
                        break
            if not ranked or (len(top) == limit and settled(top[-1])) or len(ranked) == count:
                break
            fetch *= 4
        extra = self._later_copies(searcher, shared, q, count)
        counts = self._facets(searcher, q, extra) if facets else None
        return top, count - len(extra), counts

    def _by_score(self, searcher, q, fetch: int):
        result = searcher.search(q, fetch, count=True)
        ranked = sorted((self._hit(searcher, score, address) for score, address in result.hits),
                        key=lambda hit: (-hit.score, hit.id))
        lowest = ranked[-1].score if ranked else 0.0
        # Nothing not fetched can rank above a hit that scores more than the last fetched.
        return ranked, result.count, lambda hit: hit.score > lowest

    def _by_date(self, searcher, q, fetch: int):
        """Newest first, undated last, then by score: tantivy orders by the day,
        then the scores of those days are asked for."""
        t = self.t
        result = searcher.search(q, fetch, count=True, order_by_field=DAY_FIELD, order=t.Order.Desc)
        count = result.count
        if not count:
            return [], 0, lambda hit: True
        if len(result.hits) == count:  # every hit: a search by score has them all, with scores
            every = searcher.search(q, count, count=False).hits
            return self._date_order(searcher, every), count, lambda hit: True
        last_day = result.hits[-1][0]
        newer = [address for day, address in result.hits if day != last_day]
        scored = []
        if newer:
            ids = [searcher.doc(address)["id"][0] for address in newer]
            scored = searcher.search(self._within(q, t.Query.term_set_query(self._schema, "id", ids)),
                                     len(ids), count=False).hits
        if last_day is None:
            that_day = t.Query.boolean_query([(t.Occur.Must, q), (t.Occur.MustNot, t.Query.exists_query(DAY_FIELD))])
        else:
            that_day = self._within(q, t.Query.range_query(self._schema, DAY_FIELD, t.FieldType.Integer,
                                                           last_day, last_day))
        on_last_day = searcher.search(that_day, fetch, count=True)
        ranked = self._date_order(searcher, scored + on_last_day.hits)
        every_of_last_day = len(on_last_day.hits) == on_last_day.count
        lowest = on_last_day.hits[-1][0] if on_last_day.hits else 0.0

        def settled(hit):
            if hit.day != last_day:
                return True
            return every_of_last_day or hit.score > lowest
        return ranked, count, settled

    def _date_order(self, searcher, scored) -> list[_Hit]:
        addresses = [address for _, address in scored]
        days = searcher.fast_field_values(DAY_FIELD, addresses) if addresses else []
        hits = [self._hit(searcher, score, address, day) for (score, address), day in zip(scored, days)]
        return sorted(hits, key=lambda hit: (-(hit.day or 0), -hit.score, hit.id))

    def _hit(self, searcher, score, address, day=None) -> _Hit:
        doc = searcher.doc(address)
        return _Hit(doc["id"][0], doc["content_key"][0], float(score), address, day)

    def _within(self, q, restriction):
        t = self.t
        return t.Query.boolean_query([(t.Occur.Must, q),
                                      (t.Occur.Must, t.Query.const_score_query(restriction, 0.0))])

    def _later_copies(self, searcher, shared: dict, q, count: int) -> list:
        """The stored fields of the matches that are a copy of a match with a lower id."""
        if not count or not shared:
            return []
        copies_q = self._within(q, self.t.Query.term_set_query(self._schema, "content_key", list(shared)))
        hits = searcher.search(copies_q, sum(shared.values()), count=False).hits
        seen, later = set(), []
        for doc in sorted((searcher.doc(address) for _, address in hits), key=lambda doc: doc["id"][0]):
            key = doc["content_key"][0]
            if key in seen:
                later.append(doc)
            seen.add(key)
        return later

    def _facets(self, searcher, q, later_copies: list) -> dict[str, dict[str, int]]:
        asked = {name: {"terms": {"field": FACET_VALUE_FIELDS[name], "size": MAX_BUCKETS}} for name in FACET_FIELDS}
        found = searcher.aggregate(q, asked)
        tallies = {name: {bucket["key"]: bucket["doc_count"] for bucket in found[name]["buckets"]}
                   for name in FACET_FIELDS}
        for doc in later_copies:  # a text counts once, with the values of its first copy
            for name in FACET_FIELDS:
                value = doc.get_first(FACET_VALUE_FIELDS[name])
                if value is not None:
                    tallies[name][value] -= 1
        return {name: facet_counts(name, {v: n for v, n in tally.items() if n > 0})
                for name, tally in tallies.items()}

    def _hits(self, searcher, shared: dict, top: list[_Hit], text_of, translate) -> tuple[IndexHit, ...]:
        from .snippets import snippet

        marks = translate.marks
        stem_test = marks.stem_test()
        hits = []
        for hit in top:
            copies = ()
            if hit.key in shared:
                same = searcher.search(self.t.Query.term_query(self._schema, "content_key", hit.key),
                                       shared[hit.key], count=False).hits
                copies = tuple(sorted(doc_id for doc_id in (searcher.doc(a)["id"][0] for _, a in same)
                                      if doc_id != hit.id))
            text = text_of(hit.id) if text_of else None
            hits.append(IndexHit(id=hit.id, score=hit.score, copies=copies,
                                 snippet=snippet(text, marks.terms, marks.folded_terms, stem_test)
                                 if text else None))
        return tuple(hits)

    def _with_suggestions(self, found: IndexResults, searcher, shared, query: str, restriction,
                          text_of) -> IndexResults:
        """Close words for the query's unknown words, and the corrected query if it finds something."""
        from .suggest import did_you_mean

        def finds(candidate: str) -> bool:
            translate = Translator(self.t, self._schema, searcher, proximity_only=query_syntax.plain(candidate))
            q = translate(query_syntax.parse(candidate))
            if restriction is not None:
                q = self._within(q, translate(restriction))
            return bool(searcher.search(q, 1, count=False).hits)

        suggestions, corrected = did_you_mean(_Terms(self.t, self._schema, searcher), query, text_of, finds)
        return IndexResults(query=found.query, total=0, suggestions=suggestions, did_you_mean=corrected)

    # ---- the rest of the interface

    def stamp(self, doc: StoredDocument) -> str:
        return index_fields(doc)["stamp"]

    def stamps(self) -> dict[str, str | None]:
        return {doc["id"][0]: doc.get_first("stamp") for doc in self._every_document()}

    def ids(self) -> set[str]:
        return {doc["id"][0] for doc in self._every_document()}

    def _every_document(self, searcher=None):
        searcher = searcher or self._searcher()[0]
        if not searcher.num_docs:
            return []
        return [searcher.doc(address) for _, address in
                searcher.search(self.t.Query.all_query(), searcher.num_docs, count=False).hits]

    def doc_count(self) -> int:
        return self._searcher()[0].num_docs

    def size_bytes(self) -> int:
        if not self.directory.exists():
            return 0
        return sum(p.stat().st_size for p in self.directory.iterdir() if p.is_file())

    def close(self) -> None:
        self._kept = self._ix = self._seen_state = None


class _Terms:
    """The index's terms, for suggest.TermSource."""

    def __init__(self, tantivy, schema, searcher):
        self.t, self.schema, self.searcher = tantivy, schema, searcher

    def doc_frequency(self, field: str, term: str) -> int:
        return self.searcher.doc_freq(field, term)

    def terms_within(self, field: str, text: str, maxdist: int, prefix: int):
        return [term for term, _ in self.searcher.terms_with_prefix(field, text[:prefix])
                if within(term, text, maxdist)]

    def ids_holding(self, field: str, term: str):
        hits = self.searcher.search(self.t.Query.term_query(self.schema, field, term), 10, count=False).hits
        for address in sorted((address for _, address in hits), key=lambda a: (a.segment_ord, a.doc)):
            yield self.searcher.doc(address)["id"][0]


def _create(tantivy, directory: Path):
    ix = tantivy.Index(make_schema(), path=str(directory), reuse=False)
    (directory / FORMAT_FILE).write_text(INDEX_FORMAT + "\n")
    (directory / ENGINE_FILE).write_text(ENGINE + "\n")
    return ix


def _folder(path: Path):
    """Which folder is at path (a rebuild swaps in another)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _version(path: Path):
    """Which version of a file is at path (a commit rewrites meta.json)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size
