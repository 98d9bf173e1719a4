"""'Did you mean': for a query that finds nothing, words the index holds that are
close to the words typed that it does not hold.

Each unknown word is looked up among the index's terms without diacritics
(text_folded) within an edit distance of 1 (short words) or 2 of its stem or of
itself, nearest first, then commonest; so "sodertrons" leads to the term
"sodertorn". A term is a stem, and a stem without diacritics is not what anyone
types, so each is shown as the commonest word that has it in a document holding
it ("södertörns"). In an archive of OCR'd text that word may itself be damaged
("nyckelfrdgor" for nyckelfrågor): it is what the document says, so it is what
finds the document.

Engines answer through a TermSource: this module asks only for term counts,
close terms and the documents that hold a term.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Protocol

from whoosh.support.levenshtein import damerau_levenshtein

from .analysis import FOLDED_STOP_WORDS, TOKEN_PATTERN, fold, stem
from .engine import Suggestion

MAX_ALTERNATIVES = 3
SHORT_WORD_LETTERS = 4  # up to this long: one edit away, else two
# Words typed after a field name (board:x, date:[...]) are values, not words to correct.
FIELD_VALUE = re.compile(r'\w+:(?:"[^"]*"|\[[^\]]*\]|\{[^}]*\}|\S+)')
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
# Documents read to find how a term is written, at most, per term.
DOCS_TO_READ = 3


class TermSource(Protocol):
    """What suggestions need of an index, for a field of its schema."""

    def doc_frequency(self, field: str, term: str) -> int: ...

    def terms_within(self, field: str, text: str, maxdist: int, prefix: int) -> Iterable[str]:
        """The field's terms within maxdist edits of text that begin with its first prefix letters."""

    def ids_holding(self, field: str, term: str) -> Iterable[str]:
        """The ids of the documents that hold the term, the first ones first (read lazily)."""


def suggest(terms: TermSource, query: str, text_of: Callable[[str], str | None] | None
            ) -> tuple[Suggestion, ...]:
    """Alternatives for each word of the query that no document holds."""
    found = []
    for word in _unknown_words(terms, query):
        alternatives = _alternatives(terms, word, text_of)
        if alternatives:
            found.append(Suggestion(word, tuple(alternatives)))
    return tuple(found)


def did_you_mean(terms: TermSource, query: str, text_of: Callable[[str], str | None] | None,
                 finds: Callable[[str], bool]) -> tuple[tuple[Suggestion, ...], str | None]:
    """For a query that finds nothing: suggest()'s alternatives, and the query
    with the first of each if finds(it) (False too for a query it cannot understand)."""
    from beslut.errors import QueryError

    suggestions = suggest(terms, query, text_of)
    if not suggestions:
        return suggestions, None
    candidate = corrected(query, suggestions)
    try:
        found = finds(candidate)
    except QueryError:
        found = False
    return suggestions, candidate if found else None


def corrected(query: str, suggestions: tuple[Suggestion, ...]) -> str:
    """The query with each unknown word replaced by its first alternative."""
    best = {s.word: s.alternatives[0] for s in suggestions}

    masked = _masked(query)
    out, position = [], 0
    for match in TOKEN_PATTERN.finditer(masked):
        out.append(query[position:match.start()])
        out.append(best.get(match.group(), match.group()))
        position = match.end()
    out.append(query[position:])
    return "".join(out)


def _unknown_words(terms: TermSource, query: str) -> list[str]:
    unknown = []
    masked = _masked(query)
    for match in TOKEN_PATTERN.finditer(masked):
        word = match.group()
        folded = fold(stem(word.lower()))
        if (word in OPERATORS or word.isdigit() or masked[match.end():match.end() + 1] == "~"
                or word.lower() in FOLDED_STOP_WORDS or word in unknown):
            continue
        if not terms.doc_frequency("text_folded", folded):
            unknown.append(word)
    return unknown


def _masked(query: str) -> str:
    """The query with field values blanked out, positions kept."""
    return FIELD_VALUE.sub(lambda m: " " * len(m.group()), query)


def _alternatives(terms: TermSource, word: str, text_of) -> list[str]:
    """Indexed words close to word, nearest first, then commonest. Both the
    word's stem and the word itself are compared: a typo can change the stem
    ("snorojnig" stems to "snorojn", three edits from "snorojning")."""
    distances = {}
    for typed in {fold(stem(word.lower())), fold(word.lower())}:
        max_edits = 1 if len(typed) <= SHORT_WORD_LETTERS else 2
        for term in terms.terms_within("text_folded", typed, max_edits, 1):
            distance = damerau_levenshtein(term, typed)
            distances[term] = min(distance, distances.get(term, distance))
    candidates = sorted((distance, -terms.doc_frequency("text_folded", term), term)
                        for term, distance in distances.items())
    alternatives = []
    for _, _, term in candidates:
        written = _as_written(terms, term, text_of)
        if written and written not in alternatives and written != word.lower():
            alternatives.append(written)
        if len(alternatives) == MAX_ALTERNATIVES:
            break
    return alternatives


def _as_written(terms: TermSource, folded_term: str, text_of) -> str | None:
    """The commonest word, lower-cased, whose folded stem is folded_term, in the
    first documents that hold it; None if it is only ever part of a compound."""
    if text_of is None:
        return None
    seen = Counter()
    for read, doc_id in enumerate(terms.ids_holding("text_folded", folded_term)):
        if read == DOCS_TO_READ:
            break
        text = text_of(doc_id) or ""
        for match in TOKEN_PATTERN.finditer(text):
            lower = match.group().lower()
            if fold(lower[:1]) == folded_term[:1] and fold(stem(lower)) == folded_term:
                seen[lower] += 1
        if seen:
            break
    return seen.most_common(1)[0][0] if seen else None
