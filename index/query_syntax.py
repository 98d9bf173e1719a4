"""beslut's query syntax, parsed once for every engine: whoosh's query parser
over the whoosh schema (index.whoosh_schema) gives a tree of whoosh queries
whose words are already analysed as each field analyses them (stems, folded
stems, keyword values). The whoosh engine runs that tree; another engine
translates it (index.tantivy_query). Filters (SearchFilters) become the same
kind of tree."""

import re
from datetime import datetime
from functools import lru_cache

from whoosh import query as whoosh_query
from whoosh.qparser import AndGroup, FuzzyTermPlugin, MultifieldParser, OrGroup

from beslut.errors import QueryError

from .engine import SearchFilters

TEXT_FIELDS = ("title", "text", "text_folded")  # what a word without a field: is looked for in
PLAIN_WORDS = re.compile(r"^[\w\s.,'-]+$")
OPERATORS = re.compile(r"\b(AND|OR|NOT|ANDNOT|ANDMAYBE)\b")
PHRASE_BOOST = 2.0
ANY_WORD_BONUS = 0.9  # whoosh's OrGroup factor: how much each further matched word adds


@lru_cache(maxsize=1)
def schema():
    from .whoosh_schema import make_schema

    return make_schema()


def parse(query: str, any_word: bool = False):
    """The query as a normalized whoosh query; QueryError, in words, if it
    cannot be understood. Words are all required, or (any_word, plain words
    only) each counts, and a document with more of them scores higher."""
    group = OrGroup.factory(ANY_WORD_BONUS) if any_word and plain(query) else AndGroup
    parser = MultifieldParser(list(TEXT_FIELDS), schema(), group=group)
    parser.add_plugin(FuzzyTermPlugin())  # avtal~, sodertorn~2
    try:
        # Not normalized yet: normalizing drops the empty queries that carry a
        # field's complaint (date:2020-13-45) and would search without it.
        parsed = parser.parse(with_proximity(query), normalize=False)
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


def filter_query(filters: SearchFilters):
    """The filters as a whoosh query (None: no restriction): type, board,
    municipality and dnr as their fields analyse them, dates as a range."""
    parts = []
    for name in ("type", "board", "municipality", "dnr"):
        value = getattr(filters, name)
        if value is not None:
            terms = list(schema()[name].process_text(value, mode="query"))
            parts.append(whoosh_query.Term(name, terms[0]) if terms else whoosh_query.NullQuery)
    if filters.date_from or filters.date_to:
        start, end = (datetime.fromisoformat(d) if d else None
                      for d in (filters.date_from, filters.date_to))
        parts.append(whoosh_query.DateRange("date", start, end))  # dates are indexed at midnight
    return whoosh_query.And(parts) if parts else None


def plain(query: str) -> bool:
    """Only words: no operators, phrases, fields or fuzzy terms."""
    return bool(PLAIN_WORDS.match(query)) and not OPERATORS.search(query)


def with_proximity(query: str) -> str:
    """Plain words also count as a phrase: documents where they stand together
    rank above documents where they are scattered. The hits stay the same."""
    words = query.split()
    if len(words) < 2 or not plain(query):
        return query
    return f'({query}) OR "{" ".join(words)}"^{PHRASE_BOOST}'
