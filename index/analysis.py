"""Swedish text analysis, engine-neutral: the words, stop words and stems that
an index is built from, compounds' parts (index.compounds), and a document's
content key. The whoosh engine wraps these in its own tokenizer; the tantivy
engine hands it the terms they give, as text."""

import hashlib
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

# Shorter words are never split into compound parts (index.compounds).
MIN_COMPOUND_LETTERS = 7


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("swedish")


def stem(word: str) -> str:
    """Snowball Swedish stem of a lower-cased word (PyStemmer caches internally)."""
    return _stemmer().stemWord(word)


def terms(text: str) -> list[str]:
    """The terms of a text, in order: lower-cased, stop words out, stemmed."""
    words = (m.group().lower() for m in TOKEN_PATTERN.finditer(text))
    return [stem(w) for w in words if w not in STOP_WORDS]


def word_terms(word: str, *, folded: bool, indexing: bool) -> tuple[str, ...] | None:
    """The terms of one word as written: its stem, and when indexing a compound
    its parts' stems after it (index.compounds, from the word as written: a
    capital can mark a name); folded: without diacritics, and a stop word also
    when typed without them. None for a stop word."""
    lower = word.lower()
    if not lower or lower in (FOLDED_STOP_WORDS if folded else STOP_WORDS):
        return None
    found = [stem(lower)]
    if indexing and len(word) >= MIN_COMPOUND_LETTERS:
        from .compounds import compound_parts  # loads the lexicon: index time only

        found.extend(stem(part) for part in compound_parts(word))
    return tuple(fold(term) for term in found) if folded else tuple(found)


# Words remembered per kind of analysis; past this many the memory starts over
# (about 150 bytes a word). An archive of 100,000 documents has some 400,000.
MAX_REMEMBERED_WORDS = 1_000_000

# {(folded, indexing): {word as written: its word_terms}}
_remembered: dict[tuple[bool, bool], dict[str, tuple[str, ...] | None]] = {}


def remembered_terms(*, folded: bool, indexing: bool) -> dict[str, tuple[str, ...] | None]:
    """The word_terms of the words analysed so far, by word as written: an
    archive repeats its words, and a dict lookup is what a repeated word costs.
    A word not in it is analysed by remember()."""
    return _remembered.setdefault((folded, indexing), {})


def remember(remembered: dict, word: str, *, folded: bool, indexing: bool) -> tuple[str, ...] | None:
    """word_terms(word), kept in remembered (from remembered_terms with the same flags)."""
    if len(remembered) >= MAX_REMEMBERED_WORDS:
        remembered.clear()
    found = remembered[word] = word_terms(word, folded=folded, indexing=indexing)
    return found


def index_terms(text: str) -> list[str]:
    """The terms an index holds for a text: terms(), and after each compound the
    stems of its parts ("samverkansavtal" -> samverkansavtal, samverkan, avtal).
    Queries are analysed by terms(): a word typed is matched as typed."""
    from .compounds import compound_parts  # loads the lexicon: index time only

    out = []
    for match in TOKEN_PATTERN.finditer(text):
        word = match.group()
        lower = word.lower()
        if lower not in STOP_WORDS:
            out.append(stem(lower))
            if len(word) >= MIN_COMPOUND_LETTERS:
                out.extend(stem(part) for part in compound_parts(word))
    return out


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


# Hyphenation at a line end ("utveck-\nla"): one copy of a text may have it, another not.
_LINE_END_HYPHEN = re.compile(r"(?<=\w)-[ \t]*\r?\n\s*(?=\w)")


def content_key(text: str) -> str | None:
    """What two copies of one document share however they were stored (a .txt
    and its PDF, different bytes): a hash of the text's words, lower-cased and
    without diacritics, so layout, punctuation, line-end hyphens and lost
    å/ä/ö do not count. Numbers do: two versions differing only in a sum or a
    date are two documents. None for a text without words."""
    words = TOKEN_PATTERN.findall(_LINE_END_HYPHEN.sub("", text))
    if not words:
        return None
    # The words joined, then lower-cased and folded at once: both work character by
    # character, so this is " ".join(fold(word.lower())), at a fraction of the cost.
    return hashlib.sha256(fold_text(" ".join(words).lower()).encode("utf-8")).hexdigest()[:32]


# The combining marks of the Latin diacritics (U+034F, the grapheme joiner, is no mark).
_LATIN_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]")
_UNDECOMPOSED_LETTERS = re.compile("[" + "".join(map(chr, _UNDECOMPOSED)) + "]")


def fold_text(text: str) -> str:
    """fold() of a whole text, which is the text's characters each folded
    (fold works character by character): a text in Latin letters in one pass."""
    if text.isascii():
        return text
    marked = text.translate(_UNDECOMPOSED) if _UNDECOMPOSED_LETTERS.search(text) else text
    folded = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", marked))
    if folded.isascii():  # no letters but Latin ones: nothing else to fold
        return folded
    return "".join(fold(ch) for ch in text)
