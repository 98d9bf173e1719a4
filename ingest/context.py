"""Which word fits here: a bigram model of the archive's Swedish.

Repair meets words that are valid as they stand but were probably something
else: "far" (får), "ar" (är or år), "satt" (sätt), "inga" (ingå). Whether the
change is right depends on the neighbours: "nämnden far" is "nämnden får",
"tre ar" is "tre år", "att starka" is "att stärka". ``ContextModel`` says how
likely a word is between its neighbours, from counts of words and word pairs in
clean Swedish in the archive's genres, smoothed towards wordfreq's general
frequencies so that every word has a probability:

    P(w)         = (n(w) + MU * wordfreq(w)) / (N + MU)
    P(w | left)  = (n(left, w) + T(left) * B) / (n(left) + T(left))
    score(w)     = log P(w | left) + log P(right | w)

where T(left) is the number of different words seen after ``left`` (Witten-Bell
smoothing: a word seen before many different words leaves much room for one
not yet seen after it; a word always followed by the same one leaves little),
and B backs off to the word's ending: Swedish grammar lives in its endings, so
"strategin bör" is learned from "-in bör" too, and "bör ersättas" from "bör -as"
(a modal before a passive infinitive), where "bor" is followed by "i", "på" and
"kvar". An ending is a word's last two letters (``suffix_class``).

Words are lower-cased, every number is NUMBER_TOKEN, and a sentence or line
break between two words is a BOUNDARY. The counts, ingest/data/context.json.gz,
are made by ``bench/repair_data.py --learn`` from bench/context_texts/ and the
training split of the paired data; ``learn`` here does the counting.
"""

import copy
import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .lexicon import KNOWN_WORD_ZIPF, Lexicon, default_lexicon

DATA_PATH = Path(__file__).with_name("data") / "context.json.gz"
BOUNDARY = "<s>"
NUMBER_TOKEN = "<num>"
MU = 5_000  # how many genre words wordfreq's general Swedish counts as
UNSEEN = 10 ** (KNOWN_WORD_ZIPF - 9)  # wordfreq's share for a word only hunspell knows
MAX_REMEMBERED = 100_000  # words whose terms are kept (per side)

_WORD_OR_BREAK = re.compile(r"[^\W_]+|[.!?;]|\n[ \t]*\n")


@lru_cache(maxsize=1 << 16)  # repair asks for every token, and most tokens recur
def context_word(token: str) -> str:
    """A token as the model sees it: lower case, and any number as NUMBER_TOKEN."""
    if token[:1].isdigit() or token.replace(".", "").replace(",", "").isdigit():
        return NUMBER_TOKEN
    return token.lower()


def context_words(text: str) -> list[str]:
    """The text as the model's words, with BOUNDARY at sentence ends and blank
    lines, and a run of numbers ("2021-04-14") as one NUMBER_TOKEN."""
    words = []
    for match in _WORD_OR_BREAK.finditer(text):
        token = match.group()
        if token[0].isalnum():
            word = context_word(token)
            if not (word == NUMBER_TOKEN and words and words[-1] == NUMBER_TOKEN):
                words.append(word)  # "2021-04-14" is one number
        elif words and words[-1] != BOUNDARY:
            words.append(BOUNDARY)
    return words


def learn(texts: Iterable[str]) -> dict:
    """Word and word-pair counts of clean texts, ready for ``ContextModel`` and for JSON."""
    unigrams, bigrams = Counter(), Counter()
    for text in texts:
        words = [BOUNDARY] + context_words(text) + [BOUNDARY]
        unigrams.update(words)
        bigrams.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    followers = Counter(pair.split(" ", 1)[0] for pair in bigrams)
    return {"version": 2, "tokens": sum(unigrams.values()),
            "unigrams": dict(sorted(unigrams.items())), "followers": dict(sorted(followers.items())),
            "bigrams": dict(sorted(bigrams.items()))}


def suffix_class(word: str) -> str:
    """The word's ending, standing in for its word class: "-as" for "ersättas"."""
    return word if word in (BOUNDARY, NUMBER_TOKEN) else "-" + word[-2:]


class ContextModel:
    def __init__(self, counts: dict, lexicon: Lexicon):
        self.unigrams: dict[str, int] = counts["unigrams"]
        self.bigrams: dict[str, int] = counts["bigrams"]
        self.followers: dict[str, int] = counts["followers"]
        self.total = counts["tokens"]
        self.lexicon = lexicon
        self._log_unigram: dict[str, float] = {}
        # What the formulas take from a word on its own, worked out once per word:
        # as the left neighbour, as the right one.
        self._as_left: dict[str, tuple] = {}
        self._as_right: dict[str, tuple] = {}
        self._count_classes()

    def with_lexicon(self, lexicon: Lexicon) -> "ContextModel":
        """The same counts read with another lexicon (one with an archive's words):
        the tables are shared, the per-word answers, which ask the lexicon, are not."""
        model = copy.copy(self)
        model.lexicon = lexicon
        model._log_unigram, model._as_left, model._as_right = {}, {}, {}
        return model

    def _count_classes(self) -> None:
        """Pair counts with one side replaced by its ending, from the word pairs."""
        self.class_counts = Counter()  # ending -> words
        for word, n in self.unigrams.items():
            self.class_counts[suffix_class(word)] += n
        # Built as plain dicts, a good deal quicker to add to than a Counter, and
        # made Counters at the end; each word's ending is worked out once.
        endings = {word: suffix_class(word) for word in self.unigrams}
        class_then_word: dict[str, int] = {}  # "ending word" -> pairs
        word_then_class: dict[str, int] = {}  # "word ending" -> pairs
        after_class: dict[str, set] = {}
        classes_after: dict[str, set] = {}
        for pair, n in self.bigrams.items():
            first, second = pair.split(" ", 1)
            first_class = endings.get(first) or suffix_class(first)
            second_class = endings.get(second) or suffix_class(second)
            key = f"{first_class} {second}"
            class_then_word[key] = class_then_word.get(key, 0) + n
            key = f"{first} {second_class}"
            word_then_class[key] = word_then_class.get(key, 0) + n
            followers = after_class.get(first_class)
            if followers is None:
                after_class[first_class] = {second}
            else:
                followers.add(second)
            classes = classes_after.get(first)
            if classes is None:
                classes_after[first] = {second_class}
            else:
                classes.add(second_class)
        self.class_then_word = Counter(class_then_word)
        self.word_then_class = Counter(word_then_class)
        self.class_followers = {k: len(v) for k, v in after_class.items()}
        self.class_variety = {k: len(v) for k, v in classes_after.items()}
        self.class_total = sum(self.class_counts.values())

    @classmethod
    def load(cls, lexicon: Lexicon, path: Path | str = DATA_PATH) -> "ContextModel":
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls(json.load(handle), lexicon)

    def log_unigram(self, word: str) -> float:
        found = self._log_unigram.get(word)
        if found is None:
            found = math.log(self._unigram(word))
            self._log_unigram[word] = found
        return found

    def _unigram(self, word: str) -> float:
        general = self.lexicon.frequencies.get(word)
        if general is None:
            general = UNSEEN if word in (BOUNDARY, NUMBER_TOKEN) or self.lexicon.knows(word) else 1e-9
        return (self.unigrams.get(word, 0) + MU * general) / (self.total + MU)

    def _class_probability(self, ending: str) -> float:
        return (self.class_counts.get(ending, 0) + 1) / (self.class_total + len(self.class_counts))

    def log_after(self, left: str, word: str) -> float:
        """log P(word | left): from the pair, backed off to the pair of left's
        ending and the word, then to the word alone."""
        unigram = self._unigram_probability(word)
        left_class, class_followers, class_count, followers, count = self._left_terms(left)
        backoff = unigram
        if class_followers:
            backoff = ((self.class_then_word.get(f"{left_class} {word}", 0) + class_followers * unigram)
                       / (class_count + class_followers))
        if not followers:
            return math.log(backoff)
        pair = self.bigrams.get(f"{left} {word}", 0)
        return math.log((pair + followers * backoff) / (count + followers))

    def _unigram_probability(self, word: str) -> float:
        """exp(log_unigram(word)), as log_after and log_before use it."""
        found = self._as_right.get(word)
        return found[0] if found is not None else math.exp(self.log_unigram(word))

    def _left_terms(self, left: str) -> tuple:
        """(left's ending, how many different words follow that ending, how many
        words have it, how many different words follow left, how often left comes)."""
        found = self._as_left.get(left)
        if found is None:
            if len(self._as_left) >= MAX_REMEMBERED:
                self._as_left.clear()
            left_class = suffix_class(left)
            class_followers = self.class_followers.get(left_class)
            followers = self.followers.get(left)
            found = (left_class, class_followers, self.class_counts[left_class] if class_followers else 0,
                     followers, self.unigrams[left] if followers else 0)
            self._as_left[left] = found
        return found

    def _right_terms(self, right: str) -> tuple:
        """(right's probability, its ending, the probability of that ending)."""
        found = self._as_right.get(right)
        if found is None:
            if len(self._as_right) >= MAX_REMEMBERED:
                self._as_right.clear()
            right_class = suffix_class(right)
            found = (math.exp(self.log_unigram(right)), right_class, self._class_probability(right_class))
            self._as_right[right] = found
        return found

    def log_before(self, word: str, right: str) -> float:
        """log P(right | word): from the pair, backed off to how often the word
        comes before right's ending, then to right alone."""
        followers = self.followers.get(word)
        if not followers:
            return self.log_unigram(right)
        unigram, right_class, class_probability = self._right_terms(right)
        variety = self.class_variety[word]
        given_class = ((self.word_then_class.get(f"{word} {right_class}", 0) + variety * class_probability)
                       / (self.unigrams[word] + variety))
        backoff = given_class * min(1.0, unigram / class_probability)
        pair = self.bigrams.get(f"{word} {right}", 0)
        return math.log((pair + followers * backoff) / (self.unigrams[word] + followers))

    def score(self, word: str, left: str | None, right: str | None) -> float:
        """How well ``word`` fits between ``left`` and ``right`` (None: unknown)."""
        word = context_word(word)
        score = self.log_after(left, word) if left is not None else self.log_unigram(word)
        if right is not None:
            score += self.log_before(word, right)
        return score


@lru_cache(maxsize=4)
def context_model(lexicon: Lexicon) -> ContextModel | None:
    """The committed model for this lexicon, or None when there is no data file.
    Loaded once, with the default lexicon; another lexicon shares its tables."""
    if not DATA_PATH.exists():
        return None
    default = default_lexicon()
    if lexicon is not default:
        base = context_model(default)
        return base.with_lexicon(lexicon) if base else None
    return ContextModel.load(lexicon)
