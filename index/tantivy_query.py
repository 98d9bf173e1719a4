"""A query of beslut's syntax, as index.query_syntax parses it (a tree of
whoosh queries over analysed terms), as a tantivy query; and what a hit's
snippet should mark for it.

Scores follow whoosh's where tantivy lets them: a word is scored by BM25 in
each field, the title counts double and the field without diacritics 0.3
(whoosh weighs the field's term frequencies, tantivy the field's score);
keyword fields, dates, fuzzy terms, prefixes and wildcards score a constant,
as in whoosh. A phrase of adjacent words (whoosh's slop 1) is tantivy's slop 0.
Fuzzy terms are plain Levenshtein, whoosh's measure; a prefix length
(word~2/3) is not kept: tantivy's fuzzy query has none.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from whoosh import query as wq
from whoosh.query.qcore import _NullQuery
from whoosh.support.levenshtein import levenshtein

from beslut.errors import QueryError

from .analysis import fold
from .fields import KEYWORD_FIELDS
from .tantivy_fields import COMPOUND_FIELDS, DAY_FIELD, PART_OF, TEXT_FIELDS
from .whoosh_schema import FOLDED_WEIGHT, TITLE_WEIGHT

FIELD_WEIGHTS = {"title": TITLE_WEIGHT, "text": 1.0, "text_folded": FOLDED_WEIGHT}
RAW_FIELDS = KEYWORD_FIELDS + ("year", "id", "content_key", "stamp")
# tantivy compiles a regular expression to at most 1,000 states: a word's
# alternatives (the compounds holding it) go into a phrase this many letters at a time.
ALTERNATIVES_LETTERS = 600
MAX_COMPOUND_PHRASES = 64  # compounds holding a word of a phrase, each asked for as a phrase of its own
DAY_US = 86_400_000_000  # whoosh's dates: microseconds since datetime.min


@dataclass
class Marks:
    """What a hit's snippet marks for the query: stems of the main fields,
    folded stems, and tests of stems for fuzzy terms, prefixes and wildcards."""
    terms: set[str] = field(default_factory=set)
    folded_terms: set[str] = field(default_factory=set)
    tests: list[tuple[bool, str, object]] = field(default_factory=list)  # (folded, kind, argument)

    def stem_test(self):
        return StemTest(tuple(self.tests)) if self.tests else None


@dataclass(frozen=True)
class StemTest:
    """Does a word's stem match one of the query's fuzzy terms, prefixes or
    wildcards? Hashable: snippets remember their judgements per query."""
    tests: tuple

    def __call__(self, stem: str) -> bool:
        for folded, kind, argument in self.tests:
            word = fold(stem) if folded else stem
            if kind == "prefix" and word.startswith(argument):
                return True
            if kind == "pattern" and argument.fullmatch(word):
                return True
            if kind == "fuzzy" and within(word, *argument):
                return True
        return False


class Translator:
    """Turns whoosh query trees into tantivy queries for one searcher (a
    phrase asks it for the compounds holding a word), noting the marks."""

    def __init__(self, tantivy, schema, searcher, proximity_only: bool = False):
        self.t = tantivy
        self.schema = schema
        self.searcher = searcher
        # The phrases of a query of plain words only rank (query_syntax.with_proximity):
        # they are not asked for the compounds holding their words, which costs.
        self.proximity_only = proximity_only
        self.marks = Marks()

    def __call__(self, q, positive: bool = True):
        t = self.t
        if isinstance(q, _NullQuery):
            return t.Query.empty_query()
        if isinstance(q, wq.Not):
            return self._all_but(self(q.query, not positive))
        if isinstance(q, wq.AndNot):
            return self._boolean([(t.Occur.Must, self(q.a, positive)), (t.Occur.MustNot, self(q.b, not positive))],
                                 q.boost)
        if isinstance(q, wq.AndMaybe):
            return self._boolean([(t.Occur.Must, self(q.a, positive)), (t.Occur.Should, self(q.b, positive))],
                                 q.boost)
        if isinstance(q, wq.Require):
            return self._boolean([(t.Occur.Must, self(q.a, positive)),
                                  (t.Occur.Must, t.Query.const_score_query(self(q.b, positive), 0.0))], q.boost)
        if isinstance(q, (wq.And, wq.Or)):
            return self._compound(q, positive)
        if isinstance(q, wq.Every):
            return t.Query.const_score_query(t.Query.all_query(), q.boost)
        if isinstance(q, wq.NumericRange):
            return self._range(q)
        if isinstance(q, wq.Phrase):
            return self._phrase(q, positive)
        if isinstance(q, wq.TermRange):
            return self._term_range(q)
        if isinstance(q, (wq.FuzzyTerm, wq.Prefix, wq.Wildcard, wq.Term)):
            return self._term(q, positive)
        raise QueryError(f"cannot search for {q} with the tantivy engine")

    # ---- compound queries

    def _compound(self, q, positive: bool):
        t = self.t
        occur = t.Occur.Must if isinstance(q, wq.And) else t.Occur.Should
        clauses = []
        for sub in q.subqueries:
            if isinstance(sub, wq.Not) and occur == t.Occur.Must:
                clauses.append((t.Occur.MustNot, self(sub.query, not positive)))
            else:
                clauses.append((occur, self(sub, positive)))
        return self._boolean(clauses, q.boost)

    def _boolean(self, clauses, boost: float = 1.0):
        t = self.t
        if not clauses:
            return t.Query.empty_query()
        if len(clauses) == 1 and clauses[0][0] != t.Occur.MustNot:
            query = clauses[0][1]
        elif all(occur == t.Occur.MustNot for occur, _ in clauses):
            query = t.Query.boolean_query([(t.Occur.Must, t.Query.all_query()), *clauses])
        else:
            query = t.Query.boolean_query(clauses)
        return query if boost == 1.0 else t.Query.boost_query(query, boost)

    def _all_but(self, query):
        t = self.t
        return t.Query.boolean_query([(t.Occur.Must, t.Query.const_score_query(t.Query.all_query(), 0.0)),
                                      (t.Occur.MustNot, query)])

    # ---- terms

    def _term(self, q, positive: bool):
        t, name, text = self.t, q.fieldname, q.text
        if name in TEXT_FIELDS:
            folded = name == "text_folded"
            if isinstance(q, wq.FuzzyTerm):
                query = t.Query.fuzzy_term_query(self.schema, name, text, distance=int(q.maxdist),
                                                 transposition_cost_one=False)
                mark = (folded, "fuzzy", (text, int(q.maxdist)))
            elif isinstance(q, wq.Prefix):
                query = t.Query.regex_query(self.schema, name, _literal(text) + ".*")
                mark = (folded, "prefix", text)
            elif isinstance(q, wq.Wildcard):
                pattern = _wildcard(text)
                query = t.Query.regex_query(self.schema, name, pattern)
                mark = (folded, "pattern", re.compile(pattern))
            else:
                query = t.Query.term_query(self.schema, name, text)
                mark = None
            if positive:
                if mark:
                    self.marks.tests.append(mark)
                else:
                    (self.marks.folded_terms if folded else self.marks.terms).add(text)
            return t.Query.boost_query(query, FIELD_WEIGHTS[name] * q.boost)
        if name == "date":
            return t.Query.empty_query()  # a date typed as a word: whoosh matches nothing either
        if name not in RAW_FIELDS:
            return t.Query.empty_query()
        if isinstance(q, wq.FuzzyTerm):
            query = t.Query.fuzzy_term_query(self.schema, name, text, distance=int(q.maxdist),
                                             transposition_cost_one=False)
        elif isinstance(q, wq.Prefix):
            query = t.Query.regex_query(self.schema, name, _literal(text) + ".*")
        elif isinstance(q, wq.Wildcard):
            query = t.Query.regex_query(self.schema, name, _wildcard(text))
        else:
            query = t.Query.term_query(self.schema, name, text)
        return t.Query.const_score_query(query, q.boost)

    def _term_range(self, q):
        t = self.t
        if q.fieldname not in RAW_FIELDS + TEXT_FIELDS:
            return t.Query.empty_query()
        terms = [term for term, _ in self.searcher.terms_with_prefix(q.fieldname, "")
                 if (q.start is None or term > q.start or (term == q.start and not q.startexcl))
                 and (q.end is None or term < q.end or (term == q.end and not q.endexcl))]
        if not terms:
            return t.Query.empty_query()
        return t.Query.const_score_query(t.Query.term_set_query(self.schema, q.fieldname, terms), q.boost)

    def _range(self, q):
        """A date range (whoosh's microseconds since datetime.min, documents at midnight) in days."""
        t = self.t
        if q.fieldname != "date":
            return t.Query.empty_query()
        low = high = None
        if q.start is not None:
            days, rest = divmod(q.start, DAY_US)
            low = _yyyymmdd(days + 1 if rest == 0 and not q.startexcl else days + 2)
        if q.end is not None:
            days, rest = divmod(q.end, DAY_US)
            high = _yyyymmdd(days if rest == 0 and q.endexcl else days + 1)
        query = t.Query.range_query(self.schema, DAY_FIELD, t.FieldType.Integer, low, high)
        return t.Query.const_score_query(query, q.boost)

    # ---- phrases

    def _phrase(self, q, positive: bool):
        t, name, words = self.t, q.fieldname, list(q.words)
        if name not in TEXT_FIELDS:
            return t.Query.empty_query()
        if positive:
            (self.marks.folded_terms if name == "text_folded" else self.marks.terms).update(words)
        if not words:
            return t.Query.empty_query()
        if len(words) == 1:  # one word: wherever it stands, as part of a compound too
            query = t.Query.term_query(self.schema, name, words[0])
            return t.Query.boost_query(query, FIELD_WEIGHTS[name] * q.boost)
        slop = max(int(q.slop) - 1, 0)
        compound_field = COMPOUND_FIELDS[name]
        alternatives = [[] if self.proximity_only else self._compounds_holding(compound_field, word)
                        for word in words]
        phrases = [t.Query.phrase_query(self.schema, name, words, slop=slop)]
        # A word may stand as a part of a compound: the phrase with the compound in its
        # place, in a document that has that compound split ("part+compound"; a compound
        # is split in some of its forms only). One word at a time, the commonest
        # compounds each as a phrase of its own (scored like any phrase); the rest,
        # if any, in regular expressions that tantivy can compile (whose scores depend
        # on how the index is divided into segments).
        rest = []
        for i, (word, compounds) in enumerate(zip(words, alternatives)):
            for compound in compounds[:MAX_COMPOUND_PHRASES]:
                phrase = t.Query.phrase_query(self.schema, name, words[:i] + [compound] + words[i + 1:], slop=slop)
                phrases.append(self._holding(phrase, compound_field, [f"{word}{PART_OF}{compound}"]))
            rest.append(compounds[MAX_COMPOUND_PHRASES:])
        if any(rest):
            groups = [_groups(word, more) if more else [_literal(word)] for word, more in zip(words, rest)]
            pairs = [f"{word}{PART_OF}{compound}" for word, more in zip(words, rest) for compound in more]
            phrases += [self._holding(t.Query.regex_phrase_query(self.schema, name, list(combination), slop=slop),
                                      compound_field, pairs) for combination in _combinations(groups)]
        query = phrases[0] if len(phrases) == 1 else t.Query.disjunction_max_query(phrases)
        return t.Query.boost_query(query, FIELD_WEIGHTS[name] * q.boost)

    def _holding(self, query, compound_field: str, pairs: list[str]):
        t = self.t
        held = t.Query.term_set_query(self.schema, compound_field, pairs)
        return t.Query.boolean_query([(t.Occur.Must, query), (t.Occur.Must, t.Query.const_score_query(held, 0.0))])

    def _compounds_holding(self, compound_field: str, word: str) -> list[str]:
        """The compounds of the index holding word as a part, the commonest first."""
        prefix = word + PART_OF
        found = sorted(self.searcher.terms_with_prefix(compound_field, prefix), key=lambda pair: (-pair[1], pair[0]))
        return [pair[len(prefix):] for pair, _ in found]


def _groups(word: str, compounds: list[str]) -> list[str]:
    """Regular expressions matching word or one of the compounds, each small enough for tantivy."""
    groups, current, letters = [], [_literal(word)], len(word)
    for compound in compounds:
        if letters + len(compound) > ALTERNATIVES_LETTERS:
            groups.append("|".join(current))
            current, letters = [], 0
        current.append(_literal(compound))
        letters += len(compound) + 1
    groups.append("|".join(current))
    return groups


def _combinations(groups: list[list[str]]):
    combinations = [[]]
    for options in groups:
        combinations = [done + [option] for done in combinations for option in options]
    return combinations


_REGEX_SPECIAL = set("\\.+*?()|[]{}^$#&-~")


def _literal(term: str) -> str:
    return "".join("\\" + ch if ch in _REGEX_SPECIAL else ch for ch in term)


def _wildcard(pattern: str) -> str:
    return "".join(".*" if ch == "*" else "." if ch == "?" else _literal(ch) for ch in pattern)


def _yyyymmdd(ordinal: int) -> int:
    day = date.fromordinal(min(max(ordinal, 1), date.max.toordinal()))
    return day.year * 10000 + day.month * 100 + day.day


def within(word: str, target: str, maxdist: int) -> bool:
    """Is word at most maxdist insertions, deletions and substitutions from
    target (whoosh's measure for fuzzy terms)?"""
    return abs(len(word) - len(target)) <= maxdist and levenshtein(word, target, maxdist) <= maxdist
