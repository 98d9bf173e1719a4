"""Swedish text analysis, engine-neutral: the words, stop words and stems that
an index is built from. The whoosh engine wraps these in its own filters; another
engine can call them directly."""

import re
import unicodedata
from functools import lru_cache

import Stemmer

# Snowball's Swedish stop list.
STOP_WORDS = frozenset("""
alla allt att av blev bli blir blivit de dem den denna deras dess dessa det detta dig din
dina ditt du där då efter ej eller en er era ert ett från för ha hade han hans har henne
hennes hon honom hur här i icke ingen inom inte jag ju kan kunde man med mellan men mig min
mina mitt mot mycket ni nu när någon något några och om oss på samma sedan sig sin sina
sitta själv skulle som så sådan sådana sådant till under upp ut utan vad var vara varför
varit varje vars vart vem vi vid vilka vilkas vilken vilket vår våra vårt än är åt över
""".split())

# Words, keeping inner dots and colons of abbreviations and forms like "KI:s", "t.ex".
TOKEN_PATTERN = re.compile(r"\w+(?:[.:']\w+)*")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("swedish")


def stem(word: str) -> str:
    """Snowball Swedish stem of a lower-cased word (PyStemmer caches internally)."""
    return _stemmer().stemWord(word)


def terms(text: str) -> list[str]:
    """The index terms of a text, in order: lower-cased, stop words out, stemmed."""
    words = (m.group().lower() for m in TOKEN_PATTERN.finditer(text))
    return [stem(w) for w in words if w not in STOP_WORDS]


# Letters that do not decompose under NFKD but are typed without their marks.
_UNDECOMPOSED = str.maketrans({"ø": "o", "æ": "ae", "ð": "d", "þ": "th", "ß": "ss", "ł": "l"})


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """The word as typed without diacritics: "Södertörns" -> "Sodertorns"."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word.translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# In the folded field a stop word also stops when typed without diacritics ("for", "pa").
FOLDED_STOP_WORDS = STOP_WORDS | frozenset(fold(w) for w in STOP_WORDS)


def folded_terms(text: str) -> list[str]:
    """The terms of the folded field: as terms(), then without diacritics."""
    words = (m.group().lower() for m in TOKEN_PATTERN.finditer(text))
    return [fold(stem(w)) for w in words if w not in FOLDED_STOP_WORDS]
