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
_STRIP_DIACRITICS = str.maketrans("åäö", "aao")


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
        self._by_skeleton: dict[str, list[str]] | None = None

    def knows(self, word: str) -> bool:
        """Is this a Swedish word form, as written or in capitals?"""
        known = self._known.get(word)
        if known is None:
            lower = word.lower()
            known = (lower in self.frequencies or lower in self.gazetteer or lower in self.extra
                     or self._hunspell_knows(word))
            self._known[word] = known
        return known

    def lists(self, word: str) -> bool:
        """Is the word in a list (wordfreq, gazetteer, extra words), hunspell aside?"""
        lower = word.lower()
        return lower in self.frequencies or lower in self.gazetteer or lower in self.extra

    def knows_as_written(self, word: str) -> bool:
        """Is this a Swedish word form in this very case ("Örebro", "över";
        not "örebro")? Cheaper than ``knows`` for words no list has."""
        if self.lists(word):
            return True
        try:
            return bool(self.spell(word))
        except UnicodeEncodeError:
            return False

    def could_be_compound(self, word: str) -> bool:
        """Could hunspell know this word outside wordfreq's list? Only as a
        compound of listed parts, two or more, with or without a linking s
        ("partnerskaps|avtalet", "personuppgifts|biträdes|avtal", "i|anspråk|tagande"):
        a cheap test that spares hunspell most words it would refuse."""
        return self._compound(word.lower(), 1)

    def _compound(self, lower: str, depth: int) -> bool:
        """Is ``lower`` a listed word after listed parts (up to ``depth`` more)?"""
        frequencies = self.frequencies
        for split in range(1, len(lower) - 2):
            if lower[split:] in frequencies and self._parts(lower[:split], depth):
                return True
        return False

    def _parts(self, head: str, depth: int) -> bool:
        """Is the front of a compound listed parts, each perhaps with a linking s?"""
        frequencies = self.frequencies
        if head in frequencies or (head.endswith("s") and head[:-1] in frequencies):
            return True
        return depth > 0 and len(head) >= 4 and self._compound(
            head[:-1] if head.endswith("s") else head, depth - 1)

    def with_diacritics(self, word: str) -> tuple[str, ...]:
        """The listed words that are this lower-case word with å, ä or ö put
        back: "far" -> ("får", "fär", ...)."""
        if self._by_skeleton is None:
            self._by_skeleton = {}
            for known in self.frequencies:
                if "å" in known or "ä" in known or "ö" in known:
                    self._by_skeleton.setdefault(known.translate(_STRIP_DIACRITICS), []).append(known)
        return tuple(self._by_skeleton.get(word, ()))

    def lower_case_word(self, word: str) -> bool:
        """Is the word written in lower case, unlike a name ("över", not "örebro")?"""
        try:
            return bool(self.spell(word.lower()))
        except UnicodeEncodeError:
            return False

    def zipf(self, word: str) -> float:
        """How common the word is on wordfreq's Zipf scale (7 is "är"; 0 unknown)."""
        frequency = self.frequencies.get(word.lower())
        if frequency:
            return math.log10(frequency) + 9
        return KNOWN_WORD_ZIPF if self.knows(word) else 0.0

    def _hunspell_knows(self, word: str) -> bool:
        # Hunspell accepts a word in its own case and in capitals ("över", "Över",
        # "ÖVER"; "Örebro", "ÖREBRO"), not a name in lower case ("örebro").
        try:
            return bool(self.spell(word))
        except UnicodeEncodeError:  # a character outside the dictionary's encoding
            return False


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon()
