"""Snippets: a hit's best passages, with the words that matched marked; for
every engine (whoosh's highlighting, used as a library, cuts the passages).

The text is read again with a light analysis (words, lower case, Swedish stems,
no compound lexicon: a search stays fast). A word counts as matched if its stem,
or its stem without diacritics, is a term the hit matched, or if it is a
compound holding such a term: "samverkansavtal" for avtal, "förskolelokaler"
for förskol; or, given a test of stems (an engine that does not say which
terms a fuzzy term or a prefix expanded to), if its stem passes it. Passages
are scored by whoosh's fragment scorer (matches, more for different words) and
the best two shown in the order they come.
"""

import re
from collections.abc import Callable
from functools import lru_cache

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


def snippet(text: str, terms: set[str], folded_terms: set[str],
            stem_test: Callable[[str], bool] | None = None) -> Snippet:
    """The best passages of text for a hit that matched these terms (stems as
    in the index) and folded terms (stems without diacritics), and the words
    whose stem passes stem_test (a hashable callable: it is remembered with
    the terms)."""
    tokens = _marked_tokens(text, _matcher(frozenset(terms), frozenset(folded_terms), stem_test))
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


@lru_cache(maxsize=4)
def _matcher(terms: frozenset[str], folded_terms: frozenset[str],
             stem_test: Callable[[str], bool] | None = None) -> "_Matcher":
    """The hits of a query mostly match the same terms: one matcher judges the
    words of all their texts."""
    return _Matcher(terms, folded_terms, stem_test)


class _Matcher:
    """Is a word (lower case) a match? Each different word judged once."""

    MAX_REMEMBERED = 200_000

    def __init__(self, terms: frozenset[str], folded_terms: frozenset[str],
                 stem_test: Callable[[str], bool] | None = None):
        self.terms = terms
        self.stem_test = stem_test
        self.folded_terms = folded_terms
        self.part_terms = [t for t in terms if len(t) >= MIN_PART_LETTERS]
        self.folded_part_terms = [t for t in folded_terms if len(t) >= MIN_PART_LETTERS]
        # A word can match only if its folded form holds a term, folded: a Snowball
        # stem is the word less an ending, fold() works letter by letter, and the
        # parts are found in the word. Most words do not, and need no stemming.
        needles = sorted({fold(t) for t in terms} | folded_terms, key=len, reverse=True)
        self.candidate = re.compile("|".join(map(re.escape, needles))).search if needles else None
        self.seen: dict[str, tuple[str, bool]] = {}

    def judge(self, word: str) -> tuple[str, bool]:
        """(the word's term, matched), remembered; the term of a word that does
        not match is the word (the fragment scorer counts only matched terms)"""
        if len(self.seen) >= self.MAX_REMEMBERED:
            self.seen.clear()
        if self.stem_test is not None:
            term = stem(word)
            if self.stem_test(term):
                judgement = self.seen[word] = (term, True)
                return judgement
        if self.candidate is None or not self.candidate(fold(word)):
            judgement = self.seen[word] = (word, False)
            return judgement
        term = stem(word)
        judgement = self.seen[word] = (term, term in self.terms or fold(term) in self.folded_terms
                                       or _holds(word, self.part_terms)
                                       or _holds(fold(word), self.folded_part_terms))
        return judgement


def _marked_tokens(text: str, matcher: _Matcher):
    """The text's words as whoosh tokens (one object, reused, as whoosh's own
    tokenizers do) for its fragmenter: characters, term, matched; only the
    runs of words around the matches (_runs_near_matches)."""
    seen, judge = matcher.seen, matcher.judge
    words = []  # (start, end, term, matched)
    for match in TOKEN_PATTERN.finditer(text):
        word = match.group().lower()
        try:
            judgement = seen[word]
        except KeyError:
            judgement = judge(word)
        words.append((*match.span(), *judgement))
    token = Token(positions=False, chars=True, removestops=False, mode="index")
    for first, last in _runs_near_matches(words):
        for i in range(first, last):
            token.startchar, token.endchar, token.text, token.matched = words[i]  # the scorer counts terms
            yield token


def _runs_near_matches(words: list[tuple]) -> list[tuple[int, int]]:
    """[first, last) runs of words holding every word ContextFragmenter(maxchars=
    PASSAGE_CHARS, surround=CONTEXT_CHARS) needs to make the fragments it makes
    from all of them. Before a match it keeps the words that start at most
    CONTEXT_CHARS before the end of the word before it (older ones it has
    dropped by then); after a match a fragment ends once the countdown of
    2 * CONTEXT_CHARS at most has run down by the lengths of the words after
    it, and one more word may then give an empty fragment. Between runs it
    holds no fragment, and what it remembers of those words it drops."""
    runs = []
    count = len(words)
    for i, (start, end, _, matched) in enumerate(words):
        if not matched:
            continue
        first = max(i - 1, 0)
        if i:
            reach = words[i - 1][1] - CONTEXT_CHARS
            while first > 0 and words[first - 1][0] >= reach:
                first -= 1
            first = max(first - 1, 0)  # one more, for good measure
        last, length = i + 1, 0
        while last < count and length < 2 * CONTEXT_CHARS:
            length += words[last][1] - words[last][0]
            last += 1
        last = min(last + 2, count)
        if runs and first <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(runs[-1][1], last))
        else:
            runs.append((first, last))
    return runs


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
