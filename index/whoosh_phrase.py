"""Phrases ("a b", and the words of a plain query scored as one) matched the
way whoosh matches them, with less work per document.

whoosh matches a phrase with its span machinery: for each document holding
all the words it makes a Span object per position of each word and walks them
pairwise. A phrase of adjacent words (slop 1, whoosh's default and the only
one beslut's queries make) needs only the first word's positions that the
others follow one by one; Phrase and PhraseMatcher find exactly those and give
the same spans, documents and scores (a phrase scores as its words together:
whoosh's SpanNear2 matcher scores by its intersection of the words).
"""

import copy

from whoosh import matching
from whoosh.query import Phrase as WhooshPhrase, SpanNear2, Term
from whoosh.query.compound import BinaryQuery, CompoundQuery
from whoosh.query.wrappers import Not, WrappingQuery
from whoosh.query.spans import Span


def with_fast_phrases(q):
    """The query with each phrase of adjacent words a Phrase of this module;
    the rest as it was (whoosh's Query.apply would drop an Or's scale)."""
    if type(q) is WhooshPhrase and q.slop == 1:
        return Phrase(q.fieldname, q.words, slop=q.slop, boost=q.boost, char_ranges=q.char_ranges)
    if isinstance(q, BinaryQuery):
        a, b = with_fast_phrases(q.a), with_fast_phrases(q.b)
        return q if a is q.a and b is q.b else _copy(q, a=a, b=b, subqueries=(a, b))
    if isinstance(q, CompoundQuery):
        subqueries = [with_fast_phrases(sub) for sub in q.subqueries]
        same = all(new is old for new, old in zip(subqueries, q.subqueries))
        return q if same else _copy(q, subqueries=subqueries)
    if isinstance(q, Not):
        inner = with_fast_phrases(q.query)
        return q if inner is q.query else _copy(q, query=inner)
    if isinstance(q, WrappingQuery):
        child = with_fast_phrases(q.child)
        return q if child is q.child else _copy(q, child=child)
    return q


def _copy(q, **attributes):
    q = copy.copy(q)
    for name, value in attributes.items():
        setattr(q, name, value)
    return q


class Phrase(WhooshPhrase):
    def matcher(self, searcher, context=None):
        # whoosh's Phrase.matcher, with PhraseMatcher for its SpanNear2 matcher.
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            return super().matcher(searcher, context)  # whoosh's complaint
        reader = searcher.reader()
        terms = []
        for word in self.words:
            try:
                word = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (fieldname, word) not in reader:
                return matching.NullMatcher()
            terms.append(Term(fieldname, word))
        m = PhraseMatcher([t.matcher(searcher, context) for t in terms])
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


class PhraseMatcher(SpanNear2.SpanNear2Matcher):
    """SpanNear2's matcher for slop 1, ordered, mindist 1: the words at
    consecutive positions."""

    def __init__(self, ms):
        super().__init__(ms, slop=1, ordered=True, mindist=1)

    def copy(self):
        return self.__class__([m.copy() for m in self.ms])

    def _get_spans(self):
        ms = self.ms
        starts = ms[0].value_as("positions")
        for offset, m in enumerate(ms[1:], 1):
            following = set(m.value_as("positions"))
            starts = [p for p in starts if p + offset in following]
            if not starts:
                return []
        last = len(ms) - 1
        return [Span(p, p + last) for p in starts]
