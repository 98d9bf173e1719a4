"""The whoosh engine behind the SearchIndex interface. Nothing whoosh-specific
leaves this module."""

import re
import shutil
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

from whoosh import highlight, index as whoosh_index, query as whoosh_query, sorting
from whoosh.analysis import Filter, IDTokenizer, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.fields import DATETIME, ID, TEXT, Schema
from whoosh.qparser import MultifieldParser

from beslut.errors import QueryError, SearchIndexError
from corpus import StoredDocument
from ingest.document import UNKNOWN_TYPE

from .analysis import FOLDED_STOP_WORDS, STOP_WORDS, TOKEN_PATTERN, fold, stem
from .engine import FACET_FIELDS, IndexHit, IndexResults, SearchFilters, Snippet

# Bump when make_schema() or the analysis changes: an index of another format is
# rebuilt from the store (beslut/indexing.py). Indexes before format 2 have no file.
INDEX_FORMAT = "2"
FORMAT_FILE = "beslut-index-format"

WRITER_TIMEOUT_S = 60
FOLDED_WEIGHT = 0.3
SNIPPET_FRAGMENTS = 2


class SwedishStemFilter(Filter):
    """Snowball Swedish stems, from index.analysis."""

    def __call__(self, tokens):
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token


class FoldFilter(Filter):
    """Terms without diacritics, from index.analysis."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


class CollapseSpaceFilter(Filter):
    """One space between words, none at the ends: "SN  2021/123 " is "SN 2021/123"."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = " ".join(token.text.split())
            yield token


def keyword_analyzer():
    """A whole value as one term, regardless of case: board:socialnämnden."""
    return IDTokenizer() | CollapseSpaceFilter() | LowercaseFilter()


def type_analyzer():
    """Types also without å/ä/ö: type:okand, type:tjänsteutlåtande."""
    return keyword_analyzer() | FoldFilter()


def swedish_analyzer():
    return (RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter()
            | StopFilter(stoplist=STOP_WORDS, minsize=1) | SwedishStemFilter())


def folded_analyzer():
    return (RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter()
            | StopFilter(stoplist=FOLDED_STOP_WORDS, minsize=1) | SwedishStemFilter() | FoldFilter())


def make_schema() -> Schema:
    analyzer = swedish_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=2.0),
        text=TEXT(analyzer=analyzer),
        # Matches words typed without å/ä/ö ("sodertorn"), weighted below exact matches
        # so that "far" and "får" stay apart where it matters.
        text_folded=TEXT(analyzer=folded_analyzer(), field_boost=FOLDED_WEIGHT),
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
    )


def _fields(doc: StoredDocument) -> dict:
    fields = {
        "id": doc.id,
        "title": doc.title or "",
        "text": doc.text,
        "text_folded": doc.text,
        "type": doc.doc_type or UNKNOWN_TYPE,
        "sort_date": "",
    }
    for name in ("board", "municipality", "dnr"):
        if doc.meta(name):
            fields[name] = doc.meta(name)
    day = _day(doc.date)
    if day:
        fields.update(date=datetime(day.year, day.month, day.day), year=str(day.year),
                      sort_date=day.isoformat())
    return fields


def _day(value: str | None) -> date | None:
    """A stored ISO date; anything else is left out of the index rather than fail it."""
    try:
        return date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


class WhooshIndex:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._ix = None

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

    def _writer(self, ix=None):
        try:
            return (ix or self.ix).writer(timeout=WRITER_TIMEOUT_S)
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
        ix = _create(fresh)
        writer = ix.writer(limitmb=256)
        count = 0
        try:
            for doc in docs:
                writer.add_document(**_fields(doc))
                count += 1
                if progress:
                    progress(1)
        except BaseException:
            writer.cancel()
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        writer.commit(optimize=True)
        ix.close()
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
               facets: bool = False) -> IndexResults:
        ix = self.ix
        parsed = _parse(query, ix.schema) if query is not None else whoosh_query.Every()
        options = {"limit": limit, "terms": True}
        restriction = _filter_query(filters, ix.schema) if filters else None
        if restriction is not None:
            options["filter"] = restriction
        if sort == "date":
            options["sortedby"] = [sorting.FieldFacet("sort_date", reverse=True), sorting.ScoreFacet()]
        if facets:  # counted over every hit: whoosh then collects them all
            options["groupedby"] = {name: sorting.FieldFacet(name) for name in FACET_FIELDS}
            options["maptype"] = sorting.Count
        with ix.searcher() as searcher:
            results = searcher.search(parsed, **options)
            results.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=70, charlimit=None)
            results.formatter = _SegmentFormatter()
            hits = []
            for hit in results[:limit]:  # with facets whoosh keeps every hit, not only the top
                snippet = None
                text = text_of(hit["id"]) if text_of else None
                if text:
                    snippet = _snippet(hit, text)
                hits.append(IndexHit(id=hit["id"], score=_score(hit.score), snippet=snippet))
            counts = ({name: _facet_counts(name, results.groups(name)) for name in FACET_FIELDS}
                      if facets else None)
            return IndexResults(query=str(parsed) if query is not None else "*", total=len(results),
                                hits=tuple(hits), facets=counts)

    def ids(self) -> set[str]:
        with self.ix.searcher() as searcher:
            return {fields["id"] for fields in searcher.all_stored_fields()}

    def doc_count(self) -> int:
        with self.ix.searcher() as searcher:
            return searcher.doc_count()

    def size_bytes(self) -> int:
        if not self.directory.exists():
            return 0
        return sum(p.stat().st_size for p in self.directory.iterdir() if p.is_file())

    def close(self) -> None:
        if self._ix is not None:
            self._ix.close()
            self._ix = None


def _create(directory: Path):
    ix = whoosh_index.create_in(directory, make_schema())
    (directory / FORMAT_FILE).write_text(INDEX_FORMAT + "\n")
    return ix


def _parse(query: str, schema):
    parser = MultifieldParser(["title", "text", "text_folded"], schema)
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
    return parsed.normalize()


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


def _with_proximity(query: str) -> str:
    """Plain words also count as a phrase: documents where they stand together
    rank above documents where they are scattered. The hits stay the same."""
    words = query.split()
    if len(words) < 2 or not PLAIN_WORDS.match(query) or OPERATORS.search(query):
        return query
    return f'({query}) OR "{" ".join(words)}"^{PHRASE_BOOST}'


class _SegmentFormatter(highlight.Formatter):
    """Gives each fragment as a list of (text, matched) segments, not a string."""

    def format_fragment(self, fragment, replace=False):
        segments, position, text = [], fragment.startchar, fragment.text
        for token in sorted(fragment.matches, key=lambda t: (t.startchar, t.startchar - t.endchar)):
            if token.startchar is None or token.startchar < position:
                continue
            segments.append((text[position:token.startchar], False))
            segments.append((text[token.startchar:token.endchar], True))
            position = token.endchar
        segments.append((text[position:fragment.endchar], False))
        return fragment.startchar, fragment.endchar, segments

    def format(self, fragments, replace=False):
        return [self.format_fragment(f) for f in fragments]


WHITESPACE = re.compile(r"\s+")
LEAD_CHARS = 200


def _snippet(hit, text: str) -> Snippet:
    fragments = (hit.highlights("text", text=text, top=SNIPPET_FRAGMENTS)
                 or hit.highlights("text_folded", text=text, top=SNIPPET_FRAGMENTS))
    if not fragments:  # matched in the title only: show the opening
        return Snippet(((WHITESPACE.sub(" ", text[:LEAD_CHARS]).strip() + " …", False),))
    segments = []
    for start, end, parts in sorted(fragments, key=lambda f: f[0]):
        if segments:
            segments.append((" … ", False))
        elif start > 0:
            segments.append(("… ", False))
        segments.extend((WHITESPACE.sub(" ", part), matched) for part, matched in parts if part)
    if fragments and max(f[1] for f in fragments) < len(text):
        segments.append((" …", False))
    return Snippet(tuple(segments))
