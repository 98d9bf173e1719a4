"""Repair broken Swedish in OCR'd text, and say exactly what changed and why.

In the spirit of ftfy's ``fix_and_explain``: ``repair_text`` returns the repaired
text and every change (position in the input, before, after, reason). Each fix
is a small named function, tried on each word in turn:

- ``fix_mojibake``: ftfy on a word that is mis-decoded UTF-8 ("fÃ¶r");
- ``fix_line_break_hyphen``: a word broken at a line end joins when the whole is
  a word ("utveck-\\nling"); an abbreviation keeps its hyphen ("FoU-\\nenheter");
- ``fix_lone_i``: "|" or "1" standing alone for "I" or "i" ("| uppdraget", "1 enlighet");
- ``fix_bullet``: "e" or "¢" opening a line, standing for a bullet;
- ``fix_unknown_word``: a word outside the lexicon becomes its most likely Swedish
  reading under the confusion table learned from paired OCR data
  ("férutsattningar" -> "förutsättningar", "hogskola" -> "högskola");
- ``fix_real_word``: in text that shows OCR damage, a valid word far less likely
  than a confusable one is replaced ("ar" -> "är", "pa" -> "på"); in clean text
  no valid word is ever touched.

Never touched: numbers, dates, diarienummer, abbreviations (FoU, LSS), URLs,
e-mail addresses, English words and names.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import ftfy

from .document import Document
from .lexicon import KNOWN_WORD_ZIPF, Lexicon, default_lexicon
from .quality import DAMAGE

# A word: letters and digits, with the characters English-model OCR puts for
# Swedish letters, and the second halves of mis-decoded ones ("fÃ¶r", "pÃ¥",
# "Ã¤r"); optionally broken by a hyphen at a line end.
_PART = r"(?:[^\W_]|[&|¢\u00a4\u00a5\u00b6])+"
TOKEN = re.compile(rf"{_PART}(?:-[ \t]*\n[ \t]*{_PART})?")
PROTECTED_SPAN = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b\w+\.(?:se|nu|com|org|eu)\b", re.IGNORECASE)
NUMBER = re.compile(r"^[\d.,:/–-]+$")
MOJIBAKE_HINT = re.compile("[ÃÂâ€Å]")
ABBREVIATION = re.compile(r"^(?=.*[A-ZÅÄÖ].*[A-ZÅÄÖ])[A-Za-zÅÄÖåäö]+$")  # two or more capitals: FoU, LSS
LINE_START = re.compile(r"(?:^|\n)[ \t]*$")

# Whether a text shows English-model OCR damage: then valid-looking words may be
# damage too ("ar" for "är"). Clean Swedish has no marks and few unknown words
# with a Swedish reading; damaged text has several per hundred words.
DAMAGED_TEXT = 0.01
# How much commoner (on wordfreq's Zipf scale, per log unit of channel
# probability) a confusable word must be to replace a valid one.
ZIPF_WEIGHT = 1.0
REAL_WORD_MARGIN = 2.0
LN10 = math.log(10)
MAX_REMEMBERED = 200_000
# Words that follow the preposition "i" and hardly ever a number: before them a
# lone "1" is "i" ("1 en strategisk", "1 enlighet med").
FOLLOWS_I = frozenset("en ett denna detta dessa min mitt mina sin sitt sina vår vårt våra er ert "
                      "era deras hans hennes varje samband enlighet stället övrigt".split())


@dataclass(frozen=True)
class Change:
    start: int  # position in the input text
    end: int
    before: str
    after: str
    reason: str

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "before": self.before, "after": self.after,
                "reason": self.reason}


@dataclass(frozen=True)
class RepairResult:
    text: str
    changes: tuple[Change, ...]
    damaged: bool  # whether the input showed OCR damage

    def counts(self) -> dict[str, int]:
        return dict(Counter(change.reason for change in self.changes))


@dataclass
class _Context:
    text: str
    tokens: list[re.Match]
    index: int
    damaged: bool
    lexicon: Lexicon
    readings: "_Readings"

    @property
    def token(self) -> str:
        return self.tokens[self.index].group()

    def neighbour(self, offset: int) -> str | None:
        i = self.index + offset
        return self.tokens[i].group() if 0 <= i < len(self.tokens) else None

    def at_line_start(self) -> bool:
        return bool(LINE_START.search(self.text, 0, self.tokens[self.index].start()))


def repair_text(text: str, lexicon: Lexicon | None = None, table=None) -> RepairResult:
    lexicon = lexicon or default_lexicon()
    table = table or default_table()
    protected = [m.span() for m in PROTECTED_SPAN.finditer(text)]
    tokens = [m for m in TOKEN.finditer(text) if not _inside(m.span(), protected)]
    readings = _readings_for(lexicon, table)
    damaged = is_damaged([m.group() for m in tokens], readings)
    changes = []
    for index, match in enumerate(tokens):
        context = _Context(text, tokens, index, damaged, lexicon, readings)
        for fix in FIXES:
            found = fix(context)
            if found:
                after, reason = found
                if after != match.group():
                    changes.append(Change(match.start(), match.end(), match.group(), after, reason))
                break
    return RepairResult(_apply(text, changes), tuple(changes), damaged)


def repair(doc: Document, lexicon: Lexicon | None = None) -> Document:
    """Repair the pages whose text was not read again by Swedish OCR."""
    texts, changes = [], []
    cleaned = doc.text.split("\f") if doc.text else [page.text for page in doc.pages]
    for page, page_text in zip(doc.pages, cleaned):
        if page.source in ("ocr", "re-ocr"):
            texts.append(page_text)
            continue
        result = repair_text(page_text, lexicon)
        texts.append(result.text)
        changes += [{"page": page.number, **c.as_dict()} for c in result.changes]
    return doc.evolve(text="\f".join(texts), repairs=tuple(changes))


# ---- the fixes ----------------------------------------------------------------------------

def fix_mojibake(c: _Context):
    if MOJIBAKE_HINT.search(c.token):
        fixed = ftfy.fix_text(c.token)
        if fixed != c.token:
            return fixed, "mojibake"
    return None


def fix_line_break_hyphen(c: _Context):
    token = c.token
    if "\n" not in token:
        return None
    head, tail = (part.strip() for part in re.split(r"-[ \t]*\n", token, maxsplit=1))
    joined = head + tail
    if c.lexicon.knows(joined):
        return joined, "hyphenation"
    repaired = c.readings.unknown(joined)
    if repaired:
        return repaired, "hyphenation"
    if ABBREVIATION.match(head) or tail[:1].isupper():
        return f"{head}-{tail}", "hyphenation"
    return token, "hyphenation kept"


def fix_lone_i(c: _Context):
    token = c.token
    if token not in ("|", "1") or not c.damaged:
        return None
    following = c.neighbour(1)
    if not following or not following[:1].islower():
        return None
    # "1" is usually the number ("bilaga 1 till", "den 1 januari"): it reads as
    # "i" only before words that follow the preposition and not a number.
    if token == "1" and following not in FOLLOWS_I:
        return None
    sentence_start = _ends_sentence(c)
    return ("I" if sentence_start else "i"), "I/i"


def fix_bullet(c: _Context):
    if c.token in ("e", "¢", "©") and c.damaged and c.at_line_start():
        following = c.neighbour(1)
        if following and following[:1].isupper():
            return "•", "bullet"
    return None


def fix_protected(c: _Context):
    """Leave numbers, abbreviations and English alone (returns the token unchanged)."""
    token = c.token
    if NUMBER.match(token) or ABBREVIATION.match(token):
        return token, "protected"
    if _is_english(token, c) and not DAMAGE.search(token):
        return token, "protected"
    return None


def fix_unknown_word(c: _Context):
    best = c.readings.unknown(c.token)
    return (best, _reason(c.token, best)) if best else None


def fix_real_word(c: _Context):
    if not c.damaged:
        return None
    best = c.readings.real_word(c.token)
    return (best, _reason(c.token, best)) if best else None


FIXES = (fix_mojibake, fix_line_break_hyphen, fix_lone_i, fix_bullet, fix_protected,
         fix_unknown_word, fix_real_word)


# ---- helpers -------------------------------------------------------------------------------

def is_damaged(words: list[str], readings: "_Readings") -> bool:
    """Does the text show English-model OCR damage? Marks like "é" inside words,
    or unknown words with a Swedish reading ("hogskola"), in one word of a hundred."""
    counted = [w for w in words if len(w) >= 2]
    if not counted:
        return False
    suspicious = sum(1 for w in counted if DAMAGE.search(w) or readings.unknown(w))
    return suspicious / len(counted) >= DAMAGED_TEXT


@lru_cache(maxsize=4)
def _readings_for(lexicon: Lexicon, table) -> "_Readings":
    return _Readings(lexicon, table)


class _Readings:
    """The context-free readings of words, each worked out once and remembered
    (up to MAX_REMEMBERED words) across texts."""

    def __init__(self, lexicon: Lexicon, table):
        self.lexicon = lexicon
        self.table = table
        self._unknown: dict[str, str | None] = {}
        self._real: dict[str, str | None] = {}

    def unknown(self, token: str) -> str | None:
        """The likeliest Swedish reading of a word outside the lexicon, if any."""
        if token not in self._unknown:
            if len(self._unknown) > MAX_REMEMBERED:
                self._unknown.clear()
            known = len(token) < 2 or self.lexicon.knows(token) or bool(NUMBER.match(token))
            self._unknown[token] = None if known else self._best(token, floor=-math.inf)
        return self._unknown[token]

    def real_word(self, token: str) -> str | None:
        """A far likelier word than this valid one under the confusion table."""
        if token not in self._real:
            if len(self._real) > MAX_REMEMBERED:
                self._real.clear()
            best = None
            if token.isalpha():
                own = self._score(token.lower(), self.table.keep_probability(token.lower()))
                best = self._best(token, floor=own + REAL_WORD_MARGIN, common_only=True)
            self._real[token] = best
        return self._real[token]

    def _best(self, token: str, floor: float, common_only: bool = False) -> str | None:
        """The best-scoring known variant above floor. Variants come most probable
        first, so once even a rare known word could not beat the best so far,
        the rest need no (slower) hunspell look-up."""
        lower = token.lower()
        best, best_score = None, floor
        frequencies = self.lexicon.frequencies
        rare_bonus = ZIPF_WEIGHT * LN10 * KNOWN_WORD_ZIPF
        for candidate, probability in self.table.variants(lower):
            channel = math.log(max(probability, 1e-12))
            if candidate in frequencies:
                score = channel + ZIPF_WEIGHT * LN10 * self.lexicon.zipf(candidate)
            elif common_only or channel + rare_bonus <= best_score:
                continue
            elif self.lexicon.knows(candidate):
                score = channel + rare_bonus
            else:
                continue
            if score > best_score:
                best, best_score = candidate, score
        return _match_case(token, best) if best else None

    def _score(self, word: str, probability: float) -> float:
        return math.log(max(probability, 1e-12)) + ZIPF_WEIGHT * LN10 * self.lexicon.zipf(word)


def _ends_sentence(c: _Context) -> bool:
    before = c.text[:c.tokens[c.index].start()].rstrip()
    return not before or before[-1] in ".!?:"


def _is_english(token: str, c: _Context) -> bool:
    """An English word that is not also Swedish, or any English word among English
    neighbours ("Centre for Research": "for" stays)."""
    if token.lower() not in _english_words():
        return False
    return not c.lexicon.knows(token) or _english_neighbour(c)


def _english_neighbour(c: _Context) -> bool:
    english = _english_words()
    for offset in (-1, 1):
        word = c.neighbour(offset)
        if word and word.lower() in english and not c.lexicon.knows(word):
            return True
    return False


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    import wordfreq

    return frozenset(wordfreq.iter_wordlist("en", wordlist="small"))


def _match_case(original: str, word: str) -> str:
    letters = [ch for ch in original if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return word.upper()
    first = original[:1]
    if first.isupper() or (not first.isalpha() and first in "|" and original == "|"):
        return word[:1].upper() + word[1:]
    return word


def _reason(before: str, after: str) -> str:
    """Name the error class a change repaired, by the letter it restored."""
    for letter, name in (("ö", "ö"), ("ä", "ä"), ("å", "å")):
        if letter in after.lower() and letter not in before.lower():
            if before.isascii() and before.isalpha():
                return "stripped diacritics"
            return name
    return "confusion"


def _inside(span: tuple[int, int], protected: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in protected)


def _apply(text: str, changes: list[Change]) -> str:
    out, position = [], 0
    for change in changes:
        out.append(text[position:change.start])
        out.append(change.after)
        position = change.end
    out.append(text[position:])
    return "".join(out)


@lru_cache(maxsize=1)
def default_table():
    from .confusions import ConfusionTable

    return ConfusionTable.default()
