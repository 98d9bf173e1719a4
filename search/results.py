"""A search's answer: ranked hits joined with what the store knows of each document."""

from dataclasses import dataclass, field

from index import SearchFilters, Snippet


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


@dataclass(frozen=True)
class SearchResults:
    query: str  # "" when only filters were given
    parsed: str
    total: int
    hits: tuple[SearchHit, ...]
    filters: SearchFilters = field(default_factory=SearchFilters)
    sort: str = "relevance"
    facets: dict[str, dict[str, int]] | None = None  # only when asked for
