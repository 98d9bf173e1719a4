"""The Swedish words beslut knows, and how common each is.

Three sources, each for what it does best:
- wordfreq's Swedish list: 340,000 word forms with their frequencies;
- hunspell's Swedish dictionary (Debian's hunspell-sv): compounds and
  inflections no list can hold ("samhällsförändringar", "partnerskapsavtalet");
- the gazetteer of municipalities, regions and public bodies ("Tyresö", "Södertörns");
plus words a caller adds, such as the vocabulary of clean documents in the corpus.
"""

import math
from collections.abc import Iterable
from functools import lru_cache

HUNSPELL_DICTIONARY = "/usr/share/hunspell/sv_SE"
# A word only hunspell or the gazetteer knows counts as rare, but real.
KNOWN_WORD_ZIPF = 1.5


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    import wordfreq  # about 0.2 s, on first use only

    return wordfreq.get_frequency_dict("sv", wordlist="large")


@lru_cache(maxsize=1)
def swedish_words() -> frozenset[str]:
    return frozenset(_frequencies())


@lru_cache(maxsize=1)
def _hunspell():
    import hunspell

    return hunspell.HunSpell(HUNSPELL_DICTIONARY + ".dic", HUNSPELL_DICTIONARY + ".aff")


@lru_cache(maxsize=1)
def _gazetteer_words() -> frozenset[str]:
    try:
        from .gazetteer import gazetteer_words
    except ImportError:
        return frozenset()
    return gazetteer_words()


def is_swedish_word(word: str) -> bool:
    return word.lower() in swedish_words()


class Lexicon:
    def __init__(self, extra_words: Iterable[str] = ()):
        self.frequencies = _frequencies()
        self.gazetteer = _gazetteer_words()
        self.extra = frozenset(w.lower() for w in extra_words)
        self.spell = _hunspell().spell
        self._known: dict[str, bool] = {}

    def knows(self, word: str) -> bool:
        """Is this a Swedish word form (in any case)?"""
        known = self._known.get(word)
        if known is None:
            lower = word.lower()
            known = (lower in self.frequencies or lower in self.gazetteer or lower in self.extra
                     or self._hunspell_knows(word))
            self._known[word] = known
        return known

    def zipf(self, word: str) -> float:
        """How common the word is on wordfreq's Zipf scale (7 is "är"; 0 unknown)."""
        frequency = self.frequencies.get(word.lower())
        if frequency:
            return math.log10(frequency) + 9
        return KNOWN_WORD_ZIPF if self.knows(word) else 0.0

    def _hunspell_knows(self, word: str) -> bool:
        try:
            return bool(self.spell(word) or (word.islower() and self.spell(word.capitalize())))
        except UnicodeEncodeError:  # a character outside the dictionary's encoding
            return False


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon()
