"""A document's key terms, for `beslut similar`: the terms that best tell its
text from the others in the index."""

import math
from collections import Counter
from collections.abc import Callable

from .analysis import terms

# How many of a document's terms describe it, and the least number of documents a
# term must be in to be worth asking for (one: only this document).
KEY_TERMS = 30
MIN_KEY_TERM_DOCS = 2


def key_terms(text: str, doc_frequency: Callable[[str], int], doc_count: int) -> dict[str, float]:
    """{term: weight} of the text's best terms by tf-idf (whoosh's idf, from the
    index's doc_frequency of a term of the main text field and its doc_count),
    the tf dampened (1 + log tf) so a word said twenty times does not drown the rest."""
    counts = Counter(term for term in terms(text) if len(term) > 2 and not term.isdigit())
    weights = {}
    for term, count in counts.items():
        frequency = doc_frequency(term)
        if frequency >= MIN_KEY_TERM_DOCS:
            weights[term] = (1 + math.log(count)) * (math.log(doc_count / (frequency + 1)) + 1)
    best = sorted(weights.items(), key=lambda item: -item[1])[:KEY_TERMS]
    return dict(best)
