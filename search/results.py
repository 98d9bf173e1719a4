"""A search's answer: ranked hits joined with what the store knows of each document."""

from dataclasses import dataclass

from index import Snippet


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


@dataclass(frozen=True)
class SearchResults:
    query: str
    parsed: str
    total: int
    hits: tuple[SearchHit, ...]
