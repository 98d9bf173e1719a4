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
from functools import cached_property, lru_cache

HUNSPELL_DICTIONARY = "/usr/share/hunspell/sv_SE"
# A word only hunspell or the gazetteer knows counts as rare, but real.
KNOWN_WORD_ZIPF = 1.5
MAX_REMEMBERED = 200_000  # hunspell's verdicts kept, per lexicon


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


@lru_cache(maxsize=1)
def _by_skeleton() -> dict[str, tuple[str, ...]]:
    """wordfreq's words with å, ä or ö by their skeleton ("får" under "far"): one table
    for every Lexicon, whatever words a caller adds."""
    by_skeleton: dict[str, tuple[str, ...]] = {}
    for known in _frequencies():
        if "å" in known or "ä" in known or "ö" in known:
            # str.replace, three times over, is quicker than str.translate on non-ASCII text
            skeleton = known.replace("å", "a").replace("ä", "a").replace("ö", "o")
            by_skeleton[skeleton] = by_skeleton.get(skeleton, ()) + (known,)
    return by_skeleton


def is_swedish_word(word: str) -> bool:
    return word.lower() in swedish_words()


class Lexicon:
    def __init__(self, extra_words: Iterable[str] = ()):
        self.frequencies = _frequencies()
        self.gazetteer = _gazetteer_words()
        self.extra = frozenset(w.lower() for w in extra_words)
        self.spell = _hunspell().spell
        self._known: dict[str, bool] = {}
        self._lists_line_break: bool | None = None

    @cached_property
    def listed(self) -> frozenset[str]:
        """wordfreq's words as a set: a look-up in a set touches less memory than
        one in a dict, and compound tests and candidate lists make tens of them
        per word. (Made on first use, after the start-up's bulk of allocations,
        so that fewer of its garbage collections have to walk it.)"""
        return swedish_words()

    def knows(self, word: str) -> bool:
        """Is this a Swedish word form, as written or in capitals?"""
        known = self._known.get(word)
        if known is None:
            lower = word.lower()
            known = (lower in self.listed or lower in self.gazetteer or lower in self.extra
                     or self._hunspell_knows(word))
            if len(self._known) >= MAX_REMEMBERED:
                self._known.clear()
            self._known[word] = known
        return known

    def lists(self, word: str) -> bool:
        """Is the word in a list (wordfreq, gazetteer, extra words), hunspell aside?"""
        lower = word.lower()
        return lower in self.listed or lower in self.gazetteer or lower in self.extra

    def knows_as_written(self, word: str) -> bool:
        """Is this a Swedish word form in this very case ("Örebro", "över";
        not "örebro")? The same test as ``knows``, named for what a caller means
        by it: hunspell takes a word as written (or in capitals), never a name
        in lower case; the lists are looked up in lower case."""
        return self.knows(word)

    def could_be_compound(self, word: str) -> bool:
        """Could hunspell know this word outside wordfreq's list? Only as a
        compound of listed parts, two or more, with or without a linking s
        ("partnerskaps|avtalet", "personuppgifts|biträdes|avtal", "i|anspråk|tagande"):
        a cheap test that spares hunspell most words it would refuse.

        Spelled out: a listed last part of three or more letters, after either
        a listed front (with or without a linking s) of one or more, or, for
        a front of four or more, a listed middle part after a listed first one
        (the linking s before the last part taken off first). Every front part
        is a front of the word itself, so which fronts are listed is worked
        out once per word, not once per split."""
        lower = word.lower()
        listed = self.listed
        last_split = len(lower) - 3  # the last part has at least three letters
        fronts = None  # the lengths of the listed fronts, a linking s allowed
        for split in range(1, last_split + 1):
            if lower[split:] not in listed:
                continue
            if fronts is None:
                fronts = self._listed_fronts(lower, last_split)
            if split in fronts:
                return True
            if split >= 4:
                middle_end = split - 1 if lower[split - 1] == "s" else split
                for front in fronts:
                    if front > middle_end - 3:
                        break
                    if lower[front:middle_end] in listed:
                        return True
        return False

    def _listed_fronts(self, lower: str, longest: int) -> dict[int, None]:
        """The lengths, 1 to ``longest``, of the fronts of ``lower`` that are listed
        words, or listed words and a linking s; in order (a dict kept as an ordered set)."""
        listed = self.listed
        front_listed = [lower[:length] in listed for length in range(longest + 1)]
        return {length: None for length in range(1, longest + 1)
                if front_listed[length] or (lower[length - 1] == "s" and front_listed[length - 1])}

    def lists_line_break(self) -> bool:
        """Does any word in wordfreq's list hold a line break? (None does: its
        words are tokens split at white space; but this is checked, not assumed.)"""
        if self._lists_line_break is None:
            self._lists_line_break = any("\n" in word for word in self.frequencies)
        return self._lists_line_break

    def with_diacritics(self, word: str) -> tuple[str, ...]:
        """The listed words that are this lower-case word with å, ä or ö put
        back: "far" -> ("får", "fär", ...)."""
        return _by_skeleton().get(word, ())

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
