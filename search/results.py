"""A search's answer: ranked hits joined with what the store knows of each document."""

from dataclasses import dataclass, field

from index import SearchFilters, Snippet, Suggestion


@dataclass(frozen=True)
class Copy:
    """Another stored document with the same text as a hit (a .txt and its PDF), or a
    near duplicate linked to it by `archive dedupe --apply` (with its similarity)."""
    id: str
    paths: tuple[str, ...]
    similarity: float | None = None  # None: the same text


@dataclass(frozen=True)
class SearchHit:
    rank: int
    id: str
    score: float
    title: str | None
    date: str | None
    doc_type: str | None
    path: str | None
    paths: tuple[str, ...]
    snippet: Snippet | None
    board: str | None = None
    municipality: str | None = None
    dnr: str | None = None
    copies: tuple[Copy, ...] = ()


@dataclass(frozen=True)
class SearchResults:
    query: str  # "" when only filters were given
    parsed: str
    total: int
    hits: tuple[SearchHit, ...]
    filters: SearchFilters = field(default_factory=SearchFilters)
    sort: str = "relevance"
    facets: dict[str, dict[str, int]] | None = None  # only when asked for
    # When nothing matched: close words for the unknown words, and a query that finds something.
    suggestions: tuple[Suggestion, ...] = ()
    did_you_mean: str | None = None
    # "all": the hits have every word; "any": none had, these have some of them.
    match: str = "all"
