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


@dataclass(frozen=True)
class IndexResults:
    query: str  # the query as the engine understood it
    total: int
    hits: tuple[IndexHit, ...] = field(default=())


class SearchIndex(Protocol):
    def apply(self, upserts: Iterable[StoredDocument], deletes: Iterable[str]) -> None:
        """Add or replace these documents and delete these ids, in one commit."""

    def search(self, query: str, *, limit: int = 10,
               text_of: Callable[[str], str | None] | None = None) -> IndexResults:
        """Ranked hits for a query; with text_of, each hit gets a snippet."""

    def rebuild(self, docs: Iterable[StoredDocument],
                progress: Callable[[int], None] | None = None) -> int:
        """Replace the whole index by one built from docs; returns how many."""

    def ids(self) -> set[str]: ...

    def doc_count(self) -> int: ...

    def size_bytes(self) -> int: ...
