"""Swedish compounds and their parts, so that "avtal" finds "samverkansavtal".

A word is split where both sides are real words: listed in wordfreq's Swedish
frequencies, reasonably frequent, and known to hunspell in lower case (the list
also holds names, English words and fragments). The front may carry a linking
-s- ("partnerskaps|avtalet") or stand in its compound form ("förskole|lokaler"
is förskola + lokaler), and may itself be a compound ("personuppgifts|biträdes|
avtal"). Of the possible splits the one with the fewest parts wins, then the
one with the most frequent parts; and a word is split only if its parts are
clearly commoner than the word itself (Koehn & Knight's test, with a margin),
so "kommun" stays whole rather than become "kom" + "mun", and "innovationer"
is no "inne" + "ovationer".

Kept whole: short words, words common in their own right ("samarbete",
"sjukhuset"), names (a capitalised word that hunspell knows only capitalised:
"Lundström", "Flemingsberg"), words made with a particle ("samverkan",
"genomföra"), and words whose would-be tail is only an ending
("aktivitet|erna", "erfaren|heter": the Snowball stem ends before the tail).
It still errs now and then ("angeläget" gives ange + läget); a wrong part only
adds a rare match, since the whole word is always indexed too.

Needs the lexicon (wordfreq and hunspell, about 0.7 s to load), so it runs when
documents are indexed, never for a query. Every answer is remembered: an
archive repeats its words.
"""

import math
from functools import lru_cache
from typing import NamedTuple

from .analysis import MIN_COMPOUND_LETTERS, STOP_WORDS, stem

MIN_HEAD_LETTERS = 3  # "bad|platser", "sol|celler"
MIN_TAIL_LETTERS = 4  # shorter tails are mostly endings: -het, -ens, -ing
# wordfreq's Zipf scale: 3 is once per million words. A tail is an inflected form
# ("nämndens", "avskiljare"), rarer than the base form a front stands for ("miljö"),
# and hunspell vouches for it.
MIN_HEAD_ZIPF = 3.0
MIN_TAIL_ZIPF = 2.0
# A word at least this common is a word in its own right: "kommunen", "samarbete".
COMMON_WORD_ZIPF = 3.5
# How much commoner the parts must be than the word (Zipf, i.e. tenfold per 1):
# "innovationer" is no inne + ovationer, "demografiska" no demo + grafiska.
SPLIT_MARGIN = 0.5
# Parts of parts: "personuppgifts|biträdes|avtal" has a compound front.
MAX_DEPTH = 3
# Prefixes and particles that make new words, not compounds: "samverkan" is no
# kind of "verkan", "genomföra" no kind of "föra".
NOT_HEADS = frozenset("sam samman fram genom inne ovan bort hit dit bak före ned ner".split())
# Endings that are also words: "värde|ring" is värdera's noun, "mät|bart" an
# adjective, "just|eras" a verb.
NOT_TAILS = frozenset("ring ringen ringar ringarna bar bara bart eras".split())


class Split(NamedTuple):
    parts: tuple[str, ...]  # every part, compound fronts before their own parts
    leaves: int  # how many simple words
    score: float  # mean Zipf frequency of the simple words


@lru_cache(maxsize=500_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The parts to index beside a word as written ("Partnerskapsavtalet" ->
    ("partnerskap", "avtalet")), lower-cased; () if the word is not split."""
    lower = word.lower()
    parts = _parts(lower)
    if parts and word[0].isupper() and not _is_word(lower):
        return ()  # a name
    return parts


@lru_cache(maxsize=500_000)
def _parts(word: str) -> tuple[str, ...]:
    if len(word) < MIN_COMPOUND_LETTERS or not word.isalpha() or _zipf(word) >= COMMON_WORD_ZIPF:
        return ()
    split = _best_split(word, MAX_DEPTH)
    if split is None or split.score < _zipf(word) + SPLIT_MARGIN:
        return ()
    return split.parts


@lru_cache(maxsize=500_000)
def _best_split(word: str, depth: int) -> Split | None:
    # The tail keeps at least two letters of the stem: otherwise it is an ending.
    last_cut = min(len(word) - MIN_TAIL_LETTERS, len(stem(word)) - 2)
    best = None
    # No cut inside or right after a particle the word begins with: "samman|ställa".
    first_cut = max([MIN_HEAD_LETTERS] + [len(p) + 1 for p in NOT_HEADS if word.startswith(p)])
    for cut in range(first_cut, last_cut + 1):
        tail, front = word[cut:], word[:cut]
        if (tail in NOT_TAILS or tail in STOP_WORDS
                or _zipf(tail) < MIN_TAIL_ZIPF or not _is_word(tail)):
            continue
        head = _head(front, depth)
        if head is None:
            continue
        leaves = head.leaves + 1
        candidate = Split(head.parts + (tail,), leaves,
                          (head.score * head.leaves + _zipf(tail)) / leaves)
        if best is None or (candidate.leaves, -candidate.score) < (best.leaves, -best.score):
            best = candidate
    return best


def _head(front: str, depth: int) -> Split | None:
    """The front of a compound as a word: itself, its base form, or a compound."""
    form = _base_form(front)
    if form is not None:
        return Split((form,), 1, _zipf(form))
    if depth <= 1:
        return None
    inner = front[:-1] if front.endswith("s") else front
    split = _best_split(inner, depth - 1)
    return split and Split((inner,) + split.parts, split.leaves, split.score)


def _base_form(front: str) -> str | None:
    """The listed word a compound's front stands for, the commonest if several:
    "partnerskaps" -> partnerskap, "förskole" -> förskola, "skol" -> skola,
    "arbets" -> arbete, "löne" -> lön."""
    if front in STOP_WORDS:
        return None
    stems = [front] + ([front[:-1]] if front.endswith("s") else [])
    forms = []
    for base in stems:
        if len(base) < MIN_HEAD_LETTERS or base in STOP_WORDS:
            continue
        forms.append(base)
        if len(base) > MIN_HEAD_LETTERS:  # "ans" is no "anse", "res" no "resa"
            forms += [base + "a", base + "e"]
            if base[-1] in "eou":  # kyrko-, förskole-, gatu-, löne-
                forms += [base[:-1] + "a", base[:-1]]
    forms = [f for f in forms if _zipf(f) >= MIN_HEAD_ZIPF and f not in STOP_WORDS]
    forms.sort(key=_zipf, reverse=True)
    return next((f for f in forms if _is_word(f)), None)


@lru_cache(maxsize=500_000)
def _is_word(word: str) -> bool:
    """Is this a Swedish word in lower case for hunspell? wordfreq's list also
    holds English words, names and fragments ("ella", "ning", "erat")."""
    return _lexicon().lower_case_word(word)


def _zipf(word: str) -> float:
    frequency = _frequencies().get(word)
    return math.log10(frequency) + 9 if frequency else 0.0


@lru_cache(maxsize=1)
def _lexicon():
    from ingest.lexicon import default_lexicon

    return default_lexicon()


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    return _lexicon().frequencies
