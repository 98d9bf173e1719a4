"""index.analysis's Swedish analysis as whoosh analyzers, for the whoosh schema.

The text fields' analysis is one tokenizer, not a chain of whoosh filters:
indexing passes every word of an archive through it twice (text and
text_folded), and a chain costs a generator step per filter per word. It does
in one pass what the chain RegexTokenizer(TOKEN_PATTERN) | compound parts noted
| LowercaseFilter | StopFilter(minsize=1) | compound parts added | Snowball stem
[| fold] did, giving the same tokens (texts, positions, characters), and
remembers each word's terms: an archive repeats its words. When indexing, the
text fields (SwedishText) skip the tokens altogether and take each term's
positions from it directly. tests/test_index_analysis.py holds that chain and
compares all three.
"""

from whoosh.analysis import Filter, IDTokenizer, LowercaseFilter, Token, Tokenizer
from whoosh.fields import TEXT

# The words' terms are remembered outside the tokenizer (analysis.remembered_terms),
# which whoosh pickles with the schema.
from .analysis import TOKEN_PATTERN, fold, remember, remembered_terms


class SwedishTokenizer(Tokenizer):
    """Words, lower-cased, stop words out, stemmed (folded: then without
    diacritics). When indexing, a compound is followed by its parts' stems at
    its own position and characters (index.compounds, from the word as written:
    a capital can mark a name), so that a phrase across it still matches; a
    word in a query is matched as typed. Positions count the words left after
    the stop words (the first keeps its own), as whoosh's StopFilter numbers them."""

    def __init__(self, folded: bool = False):
        self.folded = folded

    def __eq__(self, other):
        return other and self.__class__ is other.__class__ and self.folded == other.folded

    def __hash__(self):
        return hash((self.__class__, self.folded))

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        indexing = mode == "index"
        remembered = remembered_terms(folded=self.folded, indexing=indexing)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if tokenize:
            words = ((m.group(), m.start(), m.end()) for m in TOKEN_PATTERN.finditer(value))
        else:
            words = ((value, 0, len(value)),)
        kept_pos = None
        for raw_pos, (word, start, end) in enumerate(words):
            try:
                terms = remembered[word]
            except KeyError:
                terms = remember(remembered, word, folded=self.folded, indexing=indexing)
            if terms is None:  # a stop word
                if removestops:
                    continue
                lower = word.lower()
                token.text = fold(lower) if self.folded else lower
                token.stopped = True
                pos = start_pos + raw_pos
            else:
                token.stopped = False
                kept_pos = start_pos + raw_pos if kept_pos is None else kept_pos + 1
                pos = kept_pos
            token.boost = 1.0
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            if terms is None:
                yield token
                continue
            for term in terms:
                token.text = term
                yield token

    def term_positions(self, value: str) -> dict[str, list[int]]:
        """Each term of a text when indexing, with its positions: what the
        tokens give (positions=True, mode="index"), without making them."""
        remembered = remembered_terms(folded=self.folded, indexing=True)
        positions: dict[str, list[int]] = {}
        kept_pos = None
        for raw_pos, word in enumerate(TOKEN_PATTERN.findall(value)):
            try:
                terms = remembered[word]
            except KeyError:
                terms = remember(remembered, word, folded=self.folded, indexing=True)
            if terms is None:
                continue
            kept_pos = raw_pos if kept_pos is None else kept_pos + 1
            for term in terms:
                try:
                    positions[term].append(kept_pos)
                except KeyError:
                    positions[term] = [kept_pos]
        return positions


class SwedishText(TEXT):
    """A TEXT field (positions, for phrases) analysed by a SwedishTokenizer,
    whose postings are made from the tokenizer's term_positions: the same
    terms, frequencies, weights and encoded positions as TEXT.index gives."""

    def index(self, value, **kwargs):
        if kwargs or not isinstance(value, str) or not isinstance(self.analyzer, SwedishTokenizer):
            yield from super().index(value, **kwargs)
            return
        boost, encode = self.format.field_boost, self.format.encode
        for term, positions in self.analyzer.term_positions(value).items():
            if len(positions) == 1:  # most terms of a document: their few encodings are remembered
                try:
                    encoded = _one_position[positions[0]]
                except KeyError:
                    encoded = _one_position[positions[0]] = encode(positions)
            else:
                encoded = encode(positions)
            # TEXT sums a boost of 1.0 per token, then applies the field's boost.
            yield term.encode("utf-8"), len(positions), float(len(positions)) * boost, encoded


# {position: whoosh's Positions encoding of [position]}
_one_position: dict[int, bytes] = {}


class FoldFilter(Filter):
    """Terms without diacritics, from index.analysis."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


class CollapseSpaceFilter(Filter):
    """One space between words, none at the ends: "SN  2021/123 " is "SN 2021/123"."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = " ".join(token.text.split())
            yield token


def swedish_analyzer():
    """index.analysis.index_terms when indexing, terms for a query."""
    return SwedishTokenizer()


def folded_analyzer():
    """index.analysis.folded_terms, with compound parts when indexing."""
    return SwedishTokenizer(folded=True)


def keyword_analyzer():
    """A whole value as one term, regardless of case: board:socialnämnden."""
    return IDTokenizer() | CollapseSpaceFilter() | LowercaseFilter()


def type_analyzer():
    """Types also without å/ä/ö: type:okand, type:tjänsteutlåtande."""
    return keyword_analyzer() | FoldFilter()
