"""The whoosh engine's Swedish tokenizer gives exactly the tokens of the chain of
whoosh filters it replaced (kept here as the reference): the same texts,
positions, characters and stop flags, indexing and querying, whatever the text;
and its text fields give exactly the postings a whoosh TEXT field with that
chain gives."""

from itertools import product
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter
from whoosh.fields import TEXT

from index.analysis import FOLDED_STOP_WORDS, MIN_COMPOUND_LETTERS, STOP_WORDS, TOKEN_PATTERN, fold, stem
from index.compounds import compound_parts
from index.whoosh_analysis import SwedishText, SwedishTokenizer, folded_analyzer, swedish_analyzer

REPO = Path(__file__).resolve().parents[1]


class NoteCompoundParts(Filter):
    def __call__(self, tokens):
        for token in tokens:
            token.parts = ()
            if token.mode == "index" and len(token.text) >= MIN_COMPOUND_LETTERS:
                token.parts = compound_parts(token.text)
            yield token


class AddCompoundParts(Filter):
    def __call__(self, tokens):
        for token in tokens:
            parts = getattr(token, "parts", ())
            yield token
            for part in parts:
                token.text = part
                yield token


class StemFilter(Filter):
    def __call__(self, tokens):
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token


class FoldFilter(Filter):
    def __call__(self, tokens):
        for token in tokens:
            token.text = fold(token.text)
            yield token


def reference(folded: bool):
    chain = (RegexTokenizer(TOKEN_PATTERN) | NoteCompoundParts() | LowercaseFilter()
             | StopFilter(stoplist=FOLDED_STOP_WORDS if folded else STOP_WORDS, minsize=1)
             | AddCompoundParts() | StemFilter())
    return chain | FoldFilter() if folded else chain


FLAGS = [dict(positions=p, chars=c, removestops=r, mode=m, tokenize=t)
         for p, c, r, m, t in product((True, False), (True, False), (True, False), ("index", "query"),
                                      (True, False))]


def tokens(analyzer, text: str, **flags) -> list[tuple]:
    return [(t.text, t.stopped, t.boost, getattr(t, "pos", None), getattr(t, "startchar", None),
             getattr(t, "endchar", None)) for t in analyzer(text, **flags)]


def assert_same(text: str, flags_list=FLAGS):
    for folded, flags in product((False, True), flags_list):
        ours = SwedishTokenizer(folded=folded)
        expected = tokens(reference(folded), text, **flags)
        assert tokens(ours, text, **flags) == expected, (folded, flags)
        assert tokens(ours, text, **flags) == expected, (folded, flags, "remembered")
    assert_same_postings(text)


def assert_same_postings(text: str):
    for folded, boost in product((False, True), (1.0, 2.0, 0.3)):
        expected = list(TEXT(analyzer=reference(folded), field_boost=boost).index(text))
        ours = SwedishText(analyzer=SwedishTokenizer(folded=folded), field_boost=boost)
        assert sorted(ours.index(text)) == sorted(expected), (folded, boost)


def archive_texts() -> list[Path]:
    return sorted((REPO / "sample" / "txt").glob("*.txt")) + sorted((REPO / "tests" / "corpus_texts").glob("*.txt"))


@pytest.mark.parametrize("path", archive_texts(), ids=lambda p: p.name)
def test_same_tokens_as_the_filter_chain_on_the_archive_texts(path):
    assert_same(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", [
    "", " ", "och", "Och i att", "i Partnerskapsavtalet och samverkansavtal, KI:s t.ex. Förskolelokalerna",
    "för på så över Lundström Flemingsberg 2021-06-16 § 12 SN 2021/123",
    "PARTNERSKAPSAVTALET Samverkansavtalet personuppgiftsbiträdesavtal",
    "İstanbul ß Øresund æble",
])
def test_same_tokens_on_edge_cases(text):
    assert_same(text)


WORDS = st.sampled_from(["och", "för", "på", "i", "Avtalet", "samverkansavtal", "Förskolelokaler",
                         "partnerskapsavtalet", "Lundström", "över", "KI:s", "t.ex", "2021", "får", "far",
                         "nyckelfrdgor", "Södertörns", "SAMVERKAN", "-", ",", "\n", "  "])


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, max_size=30), st.integers(0, 5), st.integers(0, 50))
def test_same_tokens_on_any_text(words, start_pos, start_char):
    text = " ".join(words)
    flags = [dict(f, start_pos=start_pos, start_char=start_char) for f in FLAGS]
    assert_same(text, flags)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_same_tokens_on_any_characters(text):
    assert_same(text, [f for f in FLAGS if f["positions"] and f["chars"]])


def test_the_schema_analyzers_are_the_tokenizer():
    assert swedish_analyzer() == SwedishTokenizer() and folded_analyzer() == SwedishTokenizer(folded=True)
    assert swedish_analyzer() != folded_analyzer()
