"""Stage 4: queries and their presentation."""

from .query import run_query
from .results import SearchHit, SearchResults

__all__ = ["SearchHit", "SearchResults", "run_query"]
