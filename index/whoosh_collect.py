"""One pass of whoosh over a query's matches: the ranking, the count of texts
(copies of one text once), the facet tallies, and which terms the hits that may
be shown matched (for their snippets).

whoosh's own way, search(terms=True) and then docs_for_query() to count, passes
twice: phrases are matched and fuzzy terms expanded twice, and recording
matched terms loops over the query's term matchers for every match. Counting
needs every match anyway, so nothing is lost by ranking them all in the same
pass.
"""

from array import array
from collections import Counter
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from whoosh import collectors, columns, matching, query, sorting


@dataclass
class Collected:
    results: object  # whoosh Results, best first
    total: int  # texts matched, copies of one text once
    tallies: dict[str, Counter]  # {facet field: {value: texts}}, if asked for
    matched_terms: dict[int, list]  # {docnum: [(field, term bytes)]}, if asked for


def collect_all(searcher, q, restriction, limit: int, sort: str, facet_fields=(),
                matched_terms: bool = False) -> Collected:
    """The first `limit` matches of q within restriction (a query or None), by
    score or (sort "date") newest first."""
    tally = _Tally(_ranking(searcher, limit, sort), facet_fields, matched_terms)
    collector = tally if restriction is None else collectors.FilterCollector(tally, restriction)
    # Matchers as whoosh builds them when it records matched terms (needs_current):
    # the same matchers, and so the same scores, with terms or without.
    searcher.search_with_collector(q, collector, searcher.context(needs_current=True))
    return Collected(collector.results(), len(tally.seen), tally.tallies, tally.matched)


def every_document(restriction):
    """The query for every document within restriction (a query or None)."""
    return query.Every() if restriction is None else _EveryWithin(restriction)


class _EveryWithin(query.Every):
    """Every document within a restriction, scored as whoosh's Every() scores
    them (its boost, 1.0): read from the restriction's postings, rather than
    every document of the index passed through a filter one by one."""

    def __init__(self, restriction):
        super().__init__()
        self.restriction = restriction

    def matcher(self, searcher, context=None):
        return matching.ListMatcher(array("I", self.restriction.docs(searcher)), all_weights=self.boost)


def _ranking(searcher, limit: int, sort: str):
    """The collector whoosh's Searcher.search would choose, less its pruning."""
    if sort == "date":
        return collectors.SortingCollector([sorting.FieldFacet("sort_date", reverse=True), sorting.ScoreFacet()],
                                           limit=limit)
    if limit >= searcher.doc_count():
        return collectors.UnlimitedCollector()
    return _TopOfEveryMatch(limit, usequality=False)


class _TopOfEveryMatch(collectors.TopCollector):
    """whoosh's TopCollector, ranking every match as its UnlimitedCollector does.
    Once it holds `limit` hits, TopCollector prunes the query's matchers to what
    can still beat the lowest of them (matcher.replace): the rest must be
    counted, though, and pruning also changes a query of alternatives' bonus for
    each word matched (whoosh's CoordMatcher, match="any") by how far the search
    has come."""

    def _collect(self, global_docnum, score):
        key = super()._collect(global_docnum, score)
        self.minscore = 0  # what matches() prunes to
        return key


class _Tally(collectors.WrappingCollector):
    """Counts the texts among the matches (copies once: by content_key) and
    their values of each facet field, records the matched terms of each match
    that enters the ranking's top (as whoosh's TermsCollector does for every
    match), and passes each match on to the ranking."""

    def __init__(self, ranking, facet_fields, matched_terms: bool):
        super().__init__(ranking)
        self.seen = set()
        self.tallies = {name: Counter() for name in facet_fields}
        self.with_terms = matched_terms
        self.matched = {}

    def set_subsearcher(self, subsearcher, offset):
        super().set_subsearcher(subsearcher, offset)
        reader = subsearcher.reader()
        if reader.doc_count_all():  # an empty index has no columns, and no matches
            self.keys = _column(reader, "content_key")
            self.columns = {name: _column(reader, name) for name in self.tallies}
        self.leaves = list(self.child.matcher.term_matchers()) if self.with_terms else []

    def collect(self, sub_docnum):
        key = self.keys[sub_docnum]
        if key not in self.seen:
            self.seen.add(key)
            for name, column in self.columns.items():
                self.tallies[name][column[sub_docnum]] += 1
        if not self.leaves:
            return self.child.collect(sub_docnum)
        items = self.child.items
        size, lowest = len(items), items[0] if items else None
        sort_key = self.child.collect(sub_docnum)
        # Taken in: the list grew, or a full heap of the best lost its lowest.
        if len(items) != size or items[0] is not lowest:
            self.matched[self.offset + sub_docnum] = [leaf.term() for leaf in self.leaves
                                                      if leaf.is_active() and leaf.id() == sub_docnum]
        return sort_key


# {segment reader: {field: _Column}}: a reader kept between searches keeps its columns.
_columns: WeakKeyDictionary = WeakKeyDictionary()


def _column(reader, name: str) -> "_Column":
    of_reader = _columns.setdefault(reader, {})
    if name not in of_reader:
        of_reader[name] = _Column(reader.column_reader(name), reader.doc_count_all())
    return of_reader[name]


class _Column:
    """A segment's column, read value by value until that has read a quarter
    of its documents' values (one search of a common word, or a few), then
    loaded whole: reading one value costs about what loading does per value."""

    LOAD_AFTER = 0.25

    def __init__(self, reader, doc_count: int):
        self.reader = reader
        self.reads_left = int(doc_count * self.LOAD_AFTER)
        self.values = None

    def __getitem__(self, docnum):
        if self.values is not None:
            return self.values[docnum]
        self.reads_left -= 1
        if self.reads_left < 0:
            self.values = _load(self.reader)
        return self.reader[docnum]


def _load(reader) -> list:
    """Every value of a column reader, as the reader gives them."""
    translate = None
    if isinstance(reader, columns.TranslatingColumnReader):
        reader, translate = reader.raw_column(), reader._translate
    if isinstance(reader, columns.VarBytesColumn.Reader):  # the ID fields' columns: one read, then slices
        data = reader._dbfile.get(reader._basepos, sum(reader._lengths))
        values = [data[offset:offset + length] for offset, length in zip(reader._offsets, reader._lengths)]
    else:
        values = list(reader)
    if translate is None:
        return values
    translated = {}  # facet values repeat
    return [translated[v] if v in translated else translated.setdefault(v, translate(v)) for v in values]
