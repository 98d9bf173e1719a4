"""The whoosh engine behind the SearchIndex interface. Nothing whoosh-specific
leaves this module."""

import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import highlight, index as whoosh_index
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser

from beslut.errors import QueryError, SearchIndexError
from corpus import StoredDocument

from .analysis import FOLDED_STOP_WORDS, STOP_WORDS, TOKEN_PATTERN, fold, stem
from .engine import IndexHit, IndexResults, Snippet

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
        type=ID(stored=True),
        date=ID(stored=True, sortable=True),
    )


def _fields(doc: StoredDocument) -> dict:
    return {
        "id": doc.id,
        "title": doc.title or "",
        "text": doc.text,
        "text_folded": doc.text,
        "type": doc.doc_type or "okänd",
        "date": doc.date or "",
    }


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
                    self._ix = whoosh_index.create_in(self.directory, make_schema())
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
        ix = whoosh_index.create_in(fresh, make_schema())
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

    def search(self, query: str, *, limit: int = 10,
               text_of: Callable[[str], str | None] | None = None) -> IndexResults:
        ix = self.ix
        parser = MultifieldParser(["title", "text", "text_folded"], ix.schema)
        try:
            parsed = parser.parse(_with_proximity(query))
        except Exception as err:
            raise QueryError(f"cannot understand the query {query!r}: {err}") from None
        with ix.searcher() as searcher:
            results = searcher.search(parsed, limit=limit, terms=True)
            results.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=70, charlimit=None)
            results.formatter = _SegmentFormatter()
            hits = []
            for hit in results:
                snippet = None
                text = text_of(hit["id"]) if text_of else None
                if text:
                    snippet = _snippet(hit, text)
                hits.append(IndexHit(id=hit["id"], score=float(hit.score), snippet=snippet))
            return IndexResults(query=str(parsed), total=len(results), hits=tuple(hits))

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
