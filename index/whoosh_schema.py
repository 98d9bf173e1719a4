"""The whoosh schema: the fields of the whoosh index and how each is analysed.
It is also the query syntax's map of fields (index.query_syntax parses every
query with it, for either engine)."""

from whoosh.fields import DATETIME, ID, Schema

from .whoosh_analysis import SwedishText, folded_analyzer, keyword_analyzer, swedish_analyzer, type_analyzer

TITLE_WEIGHT = 2.0
FOLDED_WEIGHT = 0.3


def make_schema() -> Schema:
    analyzer = swedish_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=SwedishText(analyzer=analyzer, stored=True, field_boost=TITLE_WEIGHT),
        text=SwedishText(analyzer=analyzer),
        # Matches words typed without å/ä/ö ("sodertorn"), weighted below exact matches
        # so that "far" and "får" stay apart where it matters.
        text_folded=SwedishText(analyzer=folded_analyzer(), field_boost=FOLDED_WEIGHT),
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
        # Copies of one text share it (analysis.content_key) and are one hit.
        content_key=ID(stored=True, sortable=True),
        # A hash of every value above as indexed: `archive verify` tells a stale
        # entry (the store's document has changed since) by it.
        stamp=ID(stored=True),
    )
