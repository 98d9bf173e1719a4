"""Snippets: a hit's best passages, with the words that matched marked.

The text is read again with a light analysis (words, lower case, Swedish stems,
no compound lexicon: a search stays fast). A word counts as matched if its stem,
or its stem without diacritics, is a term the hit matched, or if it is a
compound holding such a term: "samverkansavtal" for avtal, "förskolelokaler"
for förskol. Passages are scored by whoosh's fragment scorer (matches, more for
different words) and the best two shown in the order they come.
"""

import re

from whoosh import highlight
from whoosh.analysis import Token

from .analysis import TOKEN_PATTERN, fold, stem
from .engine import Snippet

PASSAGES = 2
PASSAGE_CHARS = 240
CONTEXT_CHARS = 70
LEAD_CHARS = 200  # shown when only the title matched
# A term found inside a longer word marks it only if the term is this long and
# the word has letters to spare: "avtal" in "samverkansavtal", not "tid" in "stiden".
MIN_PART_LETTERS = 4
MIN_EXTRA_LETTERS = 3
WHITESPACE = re.compile(r"\s+")


def snippet(text: str, terms: set[str], folded_terms: set[str]) -> Snippet:
    """The best passages of text for a hit that matched these terms (stems as
    in the index) and folded terms (stems without diacritics)."""
    tokens = _marked_tokens(text, _Matcher(terms, folded_terms))
    fragmenter = highlight.ContextFragmenter(maxchars=PASSAGE_CHARS, surround=CONTEXT_CHARS,
                                             charlimit=None)
    best = highlight.top_fragments(fragmenter.fragment_tokens(text, tokens), PASSAGES,
                                   highlight.BasicFragmentScorer(), highlight.FIRST)
    fragments = _SegmentFormatter().format(best)
    if not fragments:  # matched in the title only: show the opening
        return Snippet(((WHITESPACE.sub(" ", text[:LEAD_CHARS]).strip() + " …", False),))
    segments = []
    for start, end, parts in fragments:
        if segments:
            segments.append((" … ", False))
        elif start > 0:
            segments.append(("… ", False))
        segments.extend((WHITESPACE.sub(" ", part), matched) for part, matched in parts if part)
    if max(end for _, end, _ in fragments) < len(text):
        segments.append((" …", False))
    return Snippet(tuple(segments))


class _Matcher:
    """Is a word (lower case) a match? Each different word judged once."""

    def __init__(self, terms: set[str], folded_terms: set[str]):
        self.terms = terms
        self.folded_terms = folded_terms
        self.part_terms = [t for t in terms if len(t) >= MIN_PART_LETTERS]
        self.folded_part_terms = [t for t in folded_terms if len(t) >= MIN_PART_LETTERS]
        self.seen: dict[str, tuple[str, bool]] = {}

    def __call__(self, word: str) -> tuple[str, bool]:
        """(the word's term, matched)"""
        if word not in self.seen:
            term = stem(word)
            self.seen[word] = (term, term in self.terms or fold(term) in self.folded_terms
                               or _holds(word, self.part_terms)
                               or _holds(fold(word), self.folded_part_terms))
        return self.seen[word]


def _marked_tokens(text: str, matcher: _Matcher):
    """The text's words as whoosh tokens (one object, reused, as whoosh's own
    tokenizers do) for its fragmenter: characters, term, matched."""
    token = Token(positions=False, chars=True, removestops=False, mode="index")
    for match in TOKEN_PATTERN.finditer(text):
        token.text, token.matched = matcher(match.group().lower())  # the scorer counts terms
        token.startchar, token.endchar = match.start(), match.end()
        yield token


def _holds(word: str, part_terms: list[str]) -> bool:
    return any(len(word) >= len(t) + MIN_EXTRA_LETTERS and t in word for t in part_terms)


class _SegmentFormatter(highlight.Formatter):
    """Gives each fragment as (start, end, [(text, matched), ...]), not a string."""

    def format_fragment(self, fragment, replace=False):
        segments, position, text = [], fragment.startchar, fragment.text
        for token in sorted(fragment.matches, key=lambda t: (t.startchar, t.startchar - t.endchar)):
            if token.startchar is None or token.startchar < position:
                continue
            segments.append((text[position:token.startchar], False))
            segments.append((text[token.startchar:token.endchar], True))
            position = token.endchar
        segments.append((text[position:fragment.endchar], False))
        return fragment.startchar, fragment.endchar, segments

    def format(self, fragments, replace=False):
        return [self.format_fragment(f) for f in fragments]
