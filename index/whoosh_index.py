"""The whoosh engine behind the SearchIndex interface. Nothing whoosh-specific
leaves this module and its helpers: whoosh_analysis (the Swedish analysis as
whoosh analyzers), whoosh_rebuild (building a whole index), whoosh_collect (one
pass over a query's matches), whoosh_phrase (phrase matching), whoosh_snippets
and whoosh_suggest."""

import hashlib
import math
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

from whoosh import index as whoosh_index, query as whoosh_query
from whoosh.fields import DATETIME, ID, Schema
from whoosh.qparser import AndGroup, FuzzyTermPlugin, MultifieldParser, OrGroup

from beslut.errors import QueryError, SearchIndexError
from corpus import StoredDocument
from ingest.document import UNKNOWN_TYPE

from . import whoosh_collect, whoosh_rebuild
from .analysis import content_key, terms
from .engine import FACET_FIELDS, IndexHit, IndexResults, SearchFilters
from .whoosh_analysis import SwedishText, folded_analyzer, keyword_analyzer, swedish_analyzer, type_analyzer
from .whoosh_phrase import with_fast_phrases

# Bump when make_schema() or the analysis changes: an index of another format is
# rebuilt from the store (beslut/indexing.py). Indexes before format 2 have no file.
# 4: the stamp field (archive verify); 5: compound parts, content_key; 6: segments
# as separate files, not one compound file (a search opened the whole compound file
# and read far more of it: at 10,000 documents p50 204 -> 48 ms, RSS 490 -> 70 MB).
INDEX_FORMAT = "6"
FORMAT_FILE = "beslut-index-format"

WRITER_TIMEOUT_S = 60
COMPOUND_SEGMENTS = whoosh_rebuild.COMPOUND_SEGMENTS
FOLDED_WEIGHT = 0.3
# similar(): how many of a document's terms describe it, and the least number of
# documents a term must be in to be worth asking for (one: only this document).
KEY_TERMS = 30
MIN_KEY_TERM_DOCS = 2


def make_schema() -> Schema:
    analyzer = swedish_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=SwedishText(analyzer=analyzer, stored=True, field_boost=2.0),
        text=SwedishText(analyzer=analyzer),
        # Matches words typed without å/ä/ö ("sodertorn"), weighted below exact matches
        # so that "far" and "får" stay apart where it matters.
        text_folded=SwedishText(analyzer=folded_analyzer(), field_boost=FOLDED_WEIGHT),
        # Sortable fields keep their values as stored, in a column: the facets' names.
        type=ID(analyzer=type_analyzer(), sortable=True),
        board=ID(analyzer=keyword_analyzer(), sortable=True),
        municipality=ID(analyzer=keyword_analyzer(), sortable=True),
        dnr=ID(analyzer=keyword_analyzer()),
        date=DATETIME(),  # date:2020, date:[2020-01-01 TO 2020-06-30]
        year=ID(sortable=True),
        # "YYYY-MM-DD", or "" without a date: newest first puts the undated last
        # (a DATETIME column would give them the largest value, and put them first).
        sort_date=ID(sortable=True),
        # Copies of one text share it (analysis.content_key) and are one hit.
        content_key=ID(stored=True, sortable=True),
        # A hash of every value above as indexed: `archive verify` tells a stale
        # entry (the store's document has changed since) by it.
        stamp=ID(stored=True),
    )


def _fields(doc: StoredDocument) -> dict:
    fields = {
        "id": doc.id,
        "title": doc.title or "",
        "text": doc.text,
        "text_folded": doc.text,
        "type": doc.doc_type or UNKNOWN_TYPE,
        "sort_date": "",
        "content_key": content_key(doc.text) or doc.id,
    }
    for name in ("board", "municipality", "dnr"):
        if doc.meta(name):
            fields[name] = doc.meta(name)
    day = _day(doc.date)
    if day:
        fields.update(date=datetime(day.year, day.month, day.day), year=str(day.year),
                      sort_date=day.isoformat())
    fields["stamp"] = _stamp(fields)
    return fields


def _stamp(fields: dict) -> str:
    digest = hashlib.sha256()
    for name in sorted(fields):
        digest.update(f"{name}\x1f{fields[name]}\x1e".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def _day(value: str | None) -> date | None:
    """A stored ISO date; anything else is left out of the index rather than fail it."""
    try:
        return date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


class WhooshIndex:
    def __init__(self, directory: Path, rebuild_procs: int | None = None,
                 rebuild_parallel_from: int = whoosh_rebuild.PARALLEL_FROM,
                 rebuild_batch: int = whoosh_rebuild.BATCH):
        self.directory = Path(directory)
        self.rebuild_procs = rebuild_procs or whoosh_rebuild.default_procs()
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
                writer.update_document(**_fields(doc))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def rebuild(self, docs: Iterable[StoredDocument],
                progress: Callable[[int], None] | None = None) -> int:
        """Build a new index beside the old one, then swap it in: a crash midway
        leaves the old index in place."""
        fresh = self.directory.with_name(self.directory.name + ".new")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        _create(fresh).close()
        try:
            count = whoosh_rebuild.build(fresh, docs, _fields, self.rebuild_procs, progress,
                                         parallel_from=self.rebuild_parallel_from,
                                         batch=self.rebuild_batch)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        self.close()
        old = self.directory.with_name(self.directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.directory.exists():
            self.directory.rename(old)
        fresh.rename(self.directory)
        shutil.rmtree(old, ignore_errors=True)
        return count

    def search(self, query: str | None, *, limit: int = 10,
               text_of: Callable[[str], str | None] | None = None,
               filters: SearchFilters | None = None, sort: str = "relevance",
               facets: bool = False, match: str = "all") -> IndexResults:
        searcher = self._searcher()
        restriction = _filter_query(filters, searcher.schema) if filters else None
        if query is None:
            parsed, restriction = whoosh_collect.every_document(restriction), None
        else:
            parsed = _parse(query, searcher.schema, any_word=match == "any")
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
        weights = _key_terms(searcher, text)
        like = whoosh_query.Or([whoosh_query.Term("text", term, boost=weight)
                                for term, weight in weights.items()])
        itself = whoosh_query.Term("content_key", searcher.stored_fields(docnum)["content_key"])
        others = whoosh_query.AndNot(like, itself)
        top, total, _, matched = _search(searcher, others, None, limit, matched_terms=True)
        return IndexResults(query=str(like), total=total, hits=_hits(searcher, top, matched, text_of))

    def stamp(self, doc: StoredDocument) -> str:
        return _fields(doc)["stamp"]

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
            counts = ({name: _facet_counts(name, tally) for name, tally in first.tallies.items()}
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
    from .whoosh_snippets import snippet

    matched = {"title": set(), "text": set(), "text_folded": set()}
    for field, term in matched_terms:
        if field in matched:  # not the date, whose terms are not words
            matched[field].add(term.decode("utf-8") if isinstance(term, bytes) else term)
    return snippet(text, matched["text"] | matched["title"], matched["text_folded"])


def _with_suggestions(found: IndexResults, searcher, query: str, restriction, text_of) -> IndexResults:
    """Close words for the query's unknown words, and the corrected query if it finds something."""
    from .whoosh_suggest import corrected, suggest

    suggestions = suggest(searcher, query, text_of)
    did_you_mean = None
    if suggestions:
        candidate = corrected(query, suggestions)
        try:
            finds = _search(searcher, _parse(candidate, searcher.schema), restriction, 1)[0]
        except QueryError:
            finds = []
        if finds:
            did_you_mean = candidate
    return IndexResults(query=found.query, total=0, suggestions=suggestions, did_you_mean=did_you_mean)


def _key_terms(searcher, text: str) -> dict[str, float]:
    """The terms that best tell this text from others: tf-idf, the tf dampened
    (1 + log tf) so a word said twenty times does not drown the rest."""
    counts = Counter(term for term in terms(text) if len(term) > 2 and not term.isdigit())
    weights = {}
    for term, count in counts.items():
        if searcher.doc_frequency("text", term) >= MIN_KEY_TERM_DOCS:
            weights[term] = (1 + math.log(count)) * searcher.idf("text", term)
    best = sorted(weights.items(), key=lambda item: -item[1])[:KEY_TERMS]
    return dict(best)


def _parse(query: str, schema, any_word: bool = False):
    # Words are all required, or (any_word, plain words only) each counts, and
    # a document with more of them scores higher.
    group = OrGroup.factory(ANY_WORD_BONUS) if any_word and _plain(query) else AndGroup
    parser = MultifieldParser(["title", "text", "text_folded"], schema, group=group)
    parser.add_plugin(FuzzyTermPlugin())  # avtal~, sodertorn~2
    try:
        # Not normalized yet: normalizing drops the empty queries that carry a
        # field's complaint (date:2020-13-45) and would search without it.
        parsed = parser.parse(_with_proximity(query), normalize=False)
    except Exception as err:
        hint = " (write dates as YYYY-MM-DD, YYYY-MM or YYYY)" if "date:" in query.lower() else ""
        raise QueryError(f"cannot understand the query {query!r}: {err}{hint}") from None
    for part in _parts(parsed):
        if getattr(part, "error", None):  # only the date field parses its own values
            raise QueryError(f"cannot understand the query {query!r}: {part.error} "
                             f"(write dates as YYYY-MM-DD, YYYY-MM or YYYY)")
    return with_fast_phrases(parsed.normalize())


def _parts(q):
    yield q
    for child in q.children():
        yield from _parts(child)


def _filter_query(filters: SearchFilters, schema):
    parts = []
    for name in ("type", "board", "municipality", "dnr"):
        value = getattr(filters, name)
        if value is not None:
            terms = list(schema[name].process_text(value, mode="query"))
            parts.append(whoosh_query.Term(name, terms[0]) if terms else whoosh_query.NullQuery)
    if filters.date_from or filters.date_to:
        start, end = (datetime.fromisoformat(d) if d else None
                      for d in (filters.date_from, filters.date_to))
        parts.append(whoosh_query.DateRange("date", start, end))  # dates are indexed at midnight
    return whoosh_query.And(parts) if parts else None


def _score(score) -> float:
    # Sorted by date, whoosh gives the sort key as the score: (date order, -score).
    return -float(score[-1]) if isinstance(score, tuple) else float(score)


def _facet_counts(name: str, groups: dict) -> dict[str, int]:
    """Hits per value, values that differ only in case counted together under the
    commonest spelling; years newest first, the rest by count."""
    merged: dict[str, list] = {}
    for value, count in groups.items():
        if value:
            entry = merged.setdefault(value.lower(), [value, 0, 0])
            if count > entry[2]:
                entry[0], entry[2] = value, count
            entry[1] += count
    rows = [(value, count) for value, count, _ in merged.values()]
    if name == "year":
        rows.sort(key=lambda row: row[0], reverse=True)
    else:
        rows.sort(key=lambda row: (-row[1], row[0].lower()))
    return dict(rows)


PLAIN_WORDS = re.compile(r"^[\w\s.,'-]+$")
OPERATORS = re.compile(r"\b(AND|OR|NOT|ANDNOT|ANDMAYBE)\b")
PHRASE_BOOST = 2.0


ANY_WORD_BONUS = 0.9  # whoosh's OrGroup factor: how much each further matched word adds


def _plain(query: str) -> bool:
    """Only words: no operators, phrases, fields or fuzzy terms."""
    return bool(PLAIN_WORDS.match(query)) and not OPERATORS.search(query)


def _with_proximity(query: str) -> str:
    """Plain words also count as a phrase: documents where they stand together
    rank above documents where they are scattered. The hits stay the same."""
    words = query.split()
    if len(words) < 2 or not _plain(query):
        return query
    return f'({query}) OR "{" ".join(words)}"^{PHRASE_BOOST}'
