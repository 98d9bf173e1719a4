"""What every index engine offers the rest of beslut, and what it gives back."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from corpus import StoredDocument


@dataclass(frozen=True)
class Snippet:
    """A passage of a document, as segments of text; matched words have matched=True."""
    segments: tuple[tuple[str, bool], ...]

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.segments)


@dataclass(frozen=True)
class IndexHit:
    id: str
    score: float
    snippet: Snippet | None = None
    # Other documents with the same text (another copy: a .txt and its PDF), folded
    # into this hit; see analysis.content_key.
    copies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """A word of a query that no document holds, and indexed words close to it."""
    word: str
    alternatives: tuple[str, ...]


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions on the hits, on top of the query. Values are as stored
    (type "avtal", board "Socialnämnden", dates "YYYY-MM-DD"); the engine matches
    type, board, municipality and dnr whole and regardless of case. A date bound
    leaves out documents without a date."""
    type: str | None = None
    board: str | None = None
    municipality: str | None = None
    dnr: str | None = None
    date_from: str | None = None  # inclusive
    date_to: str | None = None  # inclusive

    def as_dict(self) -> dict[str, str]:
        return {name: value for name, value in vars(self).items() if value is not None}


# Files in an index's folder: which engine built it (index.open_index), and the
# format it is in (an engine rebuilds an index of another format from the store).
ENGINE_FILE = "beslut-index-engine"
FORMAT_FILE = "beslut-index-format"

SORT_ORDERS = ("relevance", "date")  # date: newest first, undated last, then by relevance
FACET_FIELDS = ("type", "board", "municipality", "year")


@dataclass(frozen=True)
class IndexResults:
    query: str  # the query as the engine understood it
    total: int
    hits: tuple[IndexHit, ...] = field(default=())
    # With facets: {facet: {value: hits}} over all hits, for FACET_FIELDS.
    facets: dict[str, dict[str, int]] | None = None
    # When nothing matched: close words for the words no document holds, and the
    # query with the closest of each, if that finds something.
    suggestions: tuple[Suggestion, ...] = ()
    did_you_mean: str | None = None


class SearchIndex(Protocol):
    engine: str  # "whoosh", "tantivy"

    def apply(self, upserts: Iterable[StoredDocument], deletes: Iterable[str]) -> None:
        """Add or replace these documents and delete these ids, in one commit."""

    def search(self, query: str | None, *, limit: int = 10,
               text_of: Callable[[str], str | None] | None = None,
               filters: SearchFilters | None = None, sort: str = "relevance",
               facets: bool = False, match: str = "all") -> IndexResults:
        """Ranked hits for a query (None: every document), within filters, in a
        SORT_ORDERS order; copies of one text are one hit. With text_of, each hit
        gets a snippet and a query that finds nothing gets suggestions; with
        facets, counts of the hits per value of FACET_FIELDS. match "any": the
        words of a query of plain words are alternatives, documents with more of
        them first (for a query whose words do not all meet in one document)."""

    def similar(self, doc_id: str, *, limit: int = 10,
                text_of: Callable[[str], str | None]) -> IndexResults:
        """The documents most like this one (by its key terms), not counting
        itself and its copies; empty if the index does not hold it."""

    def rebuild(self, docs: Iterable[StoredDocument],
                progress: Callable[[int], None] | None = None) -> int:
        """Replace the whole index by one built from docs; returns how many."""

    def outdated(self) -> bool:
        """True if the index on disk was built by an earlier version of beslut
        (other fields or analysis) and must be rebuilt from the store."""

    def ids(self) -> set[str]: ...

    def stamp(self, doc: StoredDocument) -> str:
        """What the index would hold as this document's stamp: a hash of its
        indexed values (`archive verify` finds stale entries by it)."""

    def stamps(self) -> dict[str, str | None]:
        """{id: stamp} of every entry (None: an entry without one)."""

    def doc_count(self) -> int: ...

    def size_bytes(self) -> int: ...
