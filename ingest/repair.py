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

from .context import BOUNDARY, ContextModel, context_model, context_word
from .document import Document
from .lexicon import KNOWN_WORD_ZIPF, Lexicon, default_lexicon
from .quality import DAMAGE

# A word: letters and digits, with the characters English-model OCR puts for
# Swedish letters, and the second halves of mis-decoded ones ("fÃ¶r", "pÃ¥",
# "Ã¤r"); optionally broken by a hyphen at a line end.
_PART = r"(?:[^\W_]|[&|¢\u00a4\u00a5\u00b6])+"
TOKEN = re.compile(rf"{_PART}(?:-[ \t]*\n[ \t]*{_PART})?|\*(?=[ \t])")
PROTECTED_SPAN = re.compile(
    # the address's local part starts where a word starts and is bounded, so that a
    # long run of letters is not tried from every position (which is quadratic)
    r"(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+"
    r"|\b\w+\.(?:se|nu|com|org|eu)\b", re.IGNORECASE)
# What every protected span holds one of: most texts have none, and are spared the
# slower search.
_PROTECTED_HINT = re.compile(r"@|://|www\.|\.(?:se|nu|com|org|eu)\b", re.IGNORECASE)
NUMBER = re.compile(r"^[\d.,:/–-]+$")
MOJIBAKE_HINT = re.compile("[ÃÂâ€Å]")
ABBREVIATION = re.compile(r"^(?=.*[A-ZÅÄÖ].*[A-ZÅÄÖ])[A-Za-zÅÄÖåäö]+$")  # two or more capitals: FoU, LSS
# A word set in capitals, too long for an abbreviation: "SAMMANTRADESPROTOKOLL".
CAPITALS_WORD = re.compile(r"^[A-ZÅÄÖ]{6,}$")
LINE_START = re.compile(r"(?:^|\n)[ \t]*$")
SHORT_LINE = 40  # characters: a line this short is a heading, not wrapped text
# What may stand before the first word of a line or a numbered heading ("§ 4 ", "2.1 ").
LINE_OPENING = re.compile(r"[\s§\d.:)•*-]*")

# Whether a text shows English-model OCR damage: then valid-looking words may be
# damage too ("ar" for "är"). Clean Swedish has no marks and few unknown words
# with a Swedish reading; damaged text has several per hundred words.
DAMAGED_TEXT = 0.01
STRIPPED_GAP = 2.5  # Zipf units: a rival this much commoner marks a word as stripped
# How much commoner (on wordfreq's Zipf scale, per log unit of channel
# probability) a confusable word must be to replace a valid one.
ZIPF_WEIGHT = 1.0
REAL_WORD_MARGIN = 2.0  # nats: how much better a rival must fit than the valid word
RIVAL_PRUNE = 8.0  # nats: rivals this much less likely out of context cannot win in it
BULLET_MARKS = ("*", "¢", "e", "©")
# A digit among letters is OCR damage ("4r", "l6st") even where web text, and so
# wordfreq, has the same damage.
DIGIT_IN_WORD = re.compile(r"[^\W\d_]\d|\d[^\W\d_]")
_SWEDISH_LETTER = re.compile("[åäöÅÄÖ]")
_BREAK = re.compile(r"[.!?;]|\n[ \t]*\n")
LN10 = math.log(10)
MAX_REMEMBERED = 200_000
MAX_SPELLED = 15  # hunspell look-ups per unknown word
MAX_ZIPF = 7.6  # "är", "och": the commonest Swedish words
UNKNOWN_WINDOW = 1.5  # nats: readings of an unknown word this close to the best go to context
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


class _Context:
    """What a fix sees: the text, its tokens and the token at hand. There is one
    per text, moved along it token by token, so that what depends on the text
    alone is worked out once."""

    __slots__ = ("text", "tokens", "words", "unknown", "breaks", "damaged", "lexicon", "readings",
                 "restoring", "index", "token", "left")

    def __init__(self, text: str, tokens: list[re.Match], words: list[str], unknown: list[str | None],
                 damaged: bool, lexicon: Lexicon, readings: "_Readings", restoring: float):
        self.text = text
        self.tokens = tokens
        self.words = words  # the tokens as strings
        self.unknown = unknown  # each token's reading if it is outside the lexicon (readings.unknown)
        # breaks[i]: does a sentence end between token i - 1 and token i?
        self.breaks = [False] + [_sentence_break(text, before.end(), after.start())
                                 for before, after in zip(tokens, tokens[1:])]
        self.damaged = damaged
        self.lexicon = lexicon
        self.readings = readings
        self.restoring = restoring  # log of how often this text lost å, ä or ö (the channel's own rate)
        self.index = 0  # the token at hand
        self.token = ""
        self.left: str | None = BOUNDARY  # the word before, as repaired (BOUNDARY after a sentence end)

    def neighbour(self, offset: int) -> str | None:
        i = self.index + offset
        return self.words[i] if 0 <= i < len(self.words) else None

    def at_line_start(self) -> bool:
        return bool(LINE_START.search(self.text, 0, self.tokens[self.index].start()))

    def opens_line(self) -> bool:
        """Does this word open a heading, a list item or a line after a short one?
        (A line that merely continues a wrapped sentence does not count.)"""
        start = self.tokens[self.index].start()
        line_start = self.text.rfind("\n", 0, start) + 1
        if not LINE_OPENING.fullmatch(self.text, line_start, start):
            return False
        if self.text[line_start:start].strip():  # "§ 4 ", "2.1 ", "• "
            return True
        previous = self.text[self.text.rfind("\n", 0, max(line_start - 1, 0)) + 1:line_start].strip()
        return len(previous) < SHORT_LINE or previous.endswith((".", "!", "?", ":"))


def repair_text(text: str, lexicon: Lexicon | None = None, table=None) -> RepairResult:
    lexicon = lexicon or default_lexicon()
    table = table or default_table()
    protected = ([m.span() for m in PROTECTED_SPAN.finditer(text)]
                 if _PROTECTED_HINT.search(text) else [])
    tokens = list(TOKEN.finditer(text))
    if protected:
        tokens = [m for m in tokens if not _inside(m.span(), protected)]
    readings = _readings_for(lexicon, table)
    words = [m.group() for m in tokens]
    unknown = [readings.unknown(word) for word in words]
    damaged = is_damaged(words, unknown, readings)
    restoring = math.log(restoring_rate(words, unknown)) if damaged else -math.inf
    changes = []
    context = _Context(text, tokens, words, unknown, damaged, lexicon, readings, restoring)
    left = BOUNDARY
    for index, token in enumerate(words):
        if context.breaks[index]:
            left = BOUNDARY
        word = token
        fixes = _fixes_for(token)
        # Most tokens need no fix at all: an ordinary word (only the last three
        # fixes apply) without a reading, and without rivals or in a text without
        # damage, comes out as it is, whether fix_protected claims it or not.
        if (fixes[0] is not fix_protected or unknown[index] is not None
                or (damaged and readings.rivals(token))):
            context.index, context.token, context.left = index, token, left
            for fix in fixes:
                found = fix(context)
                if found:
                    after, reason = found
                    if after != token:
                        match = tokens[index]
                        changes.append(Change(match.start(), match.end(), token, after, reason))
                        word = after
                    break
        left = BOUNDARY if word == "•" else context_word(word)
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
    """A word broken at a line end: joined when the whole is a word ("utveck-\nling"),
    kept with its hyphen after an abbreviation, a single letter or a number
    ("FoU-\nenheter", "e-\ntjänsten", "2022-03-\n01"); either way repaired."""
    token = c.token
    if "\n" not in token:
        return None
    head, tail = (part.strip() for part in re.split(r"-[ \t]*\n", token, maxsplit=1))
    if (len(head) == 1 or ABBREVIATION.match(head) or tail[:1].isupper()
            or (head[-1:].isdigit() and tail[:1].isdigit())):
        return f"{head}-{_reading(c, tail)}", "hyphenation"
    joined = head + tail
    if c.readings.unknown(joined) or c.lexicon.knows(joined):
        return _reading(c, joined), "hyphenation"
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
    """A bullet read as "*" or "¢", or as "e" or "©" before a capital, opening a line."""
    if c.token in BULLET_MARKS and c.damaged and c.at_line_start():
        following = c.neighbour(1)
        if following and (c.token in "*¢" or following[:1].isupper()):
            return "•", "bullet"
    return None


def fix_word_in_capitals(c: _Context):
    """In a damaged text, a heading's word in capitals that is no word, read as the
    word it is in small letters ("SAMMANTRADESPROTOKOLL" -> "SAMMANTRÄDESPROTOKOLL");
    abbreviations are shorter, and a word that is one stays as it is."""
    if not c.damaged:
        return None
    options = c.readings.unknown_options(c.token.lower())
    if not options:
        return None
    best = options[0][0].upper()
    return (best, _reason(c.token.lower(), options[0][0])) if best != c.token else None


def fix_protected(c: _Context):
    """Leave numbers, abbreviations, their endings ("SIP:ar", "LSS:s") and English
    alone (returns the token unchanged)."""
    token = c.token
    if _number_or_abbreviation(token) or _abbreviation_ending(c):
        return token, "protected"
    if _is_english(token, c) and not _marked(token):
        return token, "protected"
    return None


def fix_unknown_word(c: _Context):
    """A word outside the lexicon becomes its likeliest Swedish reading; where
    several are close, the one that fits best between its neighbours
    ("kulturmilj6varden" -> "kulturmiljövärden")."""
    if c.unknown[c.index] is None:  # the token's readings, known already: none
        return None
    best = _unknown_reading(c, c.token)
    return (best, _reason(c.token, best)) if best else None


def fix_real_word(c: _Context):
    """A valid word that the context model, weighing how the OCR writes Swedish,
    finds far less likely here than a confusable one ("nämnden far" -> "nämnden får",
    "tre ar" -> "tre år")."""
    best = _rival_reading(c, c.token)
    return (best, _reason(c.token, best)) if best else None


def _unknown_reading(c: _Context, word: str) -> str | None:
    options = c.readings.unknown_options(word)
    if not options:
        return None
    best = options[0][0]
    model = c.readings.context
    if len(options) > 1 and model is not None:
        right = _right_word(c)
        best = max(options, key=lambda option: option[1] + model.score(option[0], c.left, right)
                   - model.log_unigram(context_word(option[0])))[0]
    return _sentence_case(c, best)


def _rival_reading(c: _Context, word: str) -> str | None:
    if not c.damaged:
        return None
    rivals = c.readings.rivals(word)
    if not rivals:
        return None
    model = c.readings.context
    right = _right_word(c)
    best, best_score = None, model.score(word.lower(), c.left, right) + REAL_WORD_MARGIN
    for candidate, channel in rivals:
        restoring = c.restoring if _SWEDISH_LETTER.search(candidate) else 0.0
        score = channel + restoring + model.score(candidate, c.left, right)
        if score > best_score:
            best, best_score = candidate, score
    return _sentence_case(c, _match_case(word, best)) if best else None


def _reading(c: _Context, word: str) -> str:
    """The word as repair reads it here: its Swedish reading if unknown, its
    rival if that fits far better, else the word itself."""
    return _unknown_reading(c, word) or _rival_reading(c, word) or word


FIXES = (fix_mojibake, fix_line_break_hyphen, fix_lone_i, fix_bullet, fix_protected,
         fix_unknown_word, fix_real_word)


@lru_cache(maxsize=1 << 16)
def _fixes_for(token: str) -> tuple:
    """The fixes, in order, that can apply to this token, judged by its characters
    alone; each of the others would find nothing to do. Most words need only the
    last three, and a look-up here is cheaper than asking the first four."""
    fixes = []
    if MOJIBAKE_HINT.search(token):
        fixes.append(fix_mojibake)
    if "\n" in token:
        fixes.append(fix_line_break_hyphen)
    if token in ("|", "1"):
        fixes.append(fix_lone_i)
    if token in BULLET_MARKS:
        fixes.append(fix_bullet)
    if CAPITALS_WORD.match(token):
        fixes.append(fix_word_in_capitals)
    return (*fixes, fix_protected, fix_unknown_word, fix_real_word)


# ---- helpers -------------------------------------------------------------------------------

def restoring_rate(words: list[str], unknown: list[str | None]) -> float:
    """How often this text lost its å, ä and ö: of the words that have them once
    repaired, the share that came without. Near 1 for English-model OCR; low
    for text that mostly kept them, where a valid word is left alone.
    ``unknown`` has each word's reading if it is outside the lexicon."""
    restored = intact = 0
    for word, reading in zip(words, unknown):
        if _SWEDISH_LETTER.search(word):
            intact += 1
        elif reading and _SWEDISH_LETTER.search(reading):
            restored += 1
    return (restored + 1) / (restored + intact + 2)


def _sentence_break(text: str, start: int, end: int) -> bool:
    return _BREAK.search(text, start, end) is not None


def _right_word(c: _Context) -> str | None:
    """The next word as the context model sees it: its repaired reading if it
    is outside the lexicon, BOUNDARY after a sentence end."""
    i = c.index + 1
    if i >= len(c.words) or c.breaks[i]:
        return BOUNDARY
    return context_word(c.unknown[i] or c.words[i])


def is_damaged(words: list[str], unknown: list[str | None], readings: "_Readings") -> bool:
    """Does the text show English-model OCR damage? Marks like "é" inside words,
    unknown words with a Swedish reading ("hogskola"), or listed words far
    rarer than the same word with å, ä or ö ("anvanda", which web text has too),
    in one word of a hundred. ``unknown`` has each word's reading if it is
    outside the lexicon."""
    counted = suspicious = 0
    for word, reading in zip(words, unknown):
        if len(word) >= 2:
            counted += 1
            if _marked(word) or reading or readings.stripped(word):
                suspicious += 1
    return bool(counted) and suspicious / counted >= DAMAGED_TEXT


@lru_cache(maxsize=4)
def _readings_for(lexicon: Lexicon, table) -> "_Readings":
    return _Readings(lexicon, table)


class _Readings:
    """The context-free readings of words, each worked out once and remembered
    (up to MAX_REMEMBERED words) across texts."""

    def __init__(self, lexicon: Lexicon, table):
        self.lexicon = lexicon
        self.table = table
        self._unknown: dict[str, tuple[tuple[str, float], ...]] = {}
        # What depends on the context model too (forgotten when it is replaced):
        self._real: dict[str, tuple[tuple[str, float], ...]] = {}  # rivals
        self._stripped: dict[str, bool] = {}
        self.context = context_model(lexicon)
        # A token broken at a line end ("utveck-\nling") has no reading of its own
        # (fix_line_break_hyphen reads its halves): all its variants keep the line
        # break, and no listed word, nor so any compound of listed words, holds one.
        self._line_breaks_unreadable = not table.can_change("\n") and not lexicon.lists_line_break()

    @property
    def context(self) -> ContextModel | None:
        return self._context

    @context.setter
    def context(self, model: ContextModel | None) -> None:
        self._context = model
        self._real.clear()
        self._stripped.clear()

    def unknown(self, token: str) -> str | None:
        """The likeliest Swedish reading of a word outside the lexicon, if any."""
        options = self.unknown_options(token)
        return options[0][0] if options else None

    def unknown_options(self, token: str) -> tuple[tuple[str, float], ...]:
        """The readings of a word outside the lexicon that context may choose
        between, best first, each with its score out of context."""
        found = self._unknown.get(token)
        if found is None:
            if len(self._unknown) > MAX_REMEMBERED:
                self._unknown.clear()
            if self._line_breaks_unreadable and "\n" in token:
                found = ()  # what _options would find, whether or not the token is valid
            else:
                found = () if self._valid(token) else self._options(token)
            self._unknown[token] = found
        return found

    def stripped(self, token: str) -> bool:
        """Is this listed word most likely a commoner word that lost its å, ä or ö?"""
        found = self._stripped.get(token)
        if found is None:
            if len(self._stripped) > MAX_REMEMBERED:
                self._stripped.clear()
            rivals = self.rivals(token)
            found = bool(rivals) and (max(self.lexicon.zipf(word) for word, _ in rivals)
                                      - self.lexicon.zipf(token) >= STRIPPED_GAP)
            self._stripped[token] = found
        return found

    def _valid(self, token: str) -> bool:
        if len(token) < 2 or NUMBER.match(token):
            return True
        if DIGIT_IN_WORD.search(token):
            return False
        if self.lexicon.lists(token):
            return True
        # Marks of English-model OCR ("férutsattningar") need no hunspell to be told apart.
        return not _marked(token) and self.lexicon.knows(token)

    def rivals(self, token: str) -> tuple[tuple[str, float], ...]:
        """The listed words the OCR could have written as this valid one by
        dropping their å, ä or ö ("får" for "far"), each with log P(token | word)
        - log P(token | token), for the context to weigh. Rivals too rare to win
        in any context are left out."""
        found = self._real.get(token)
        if found is None:
            if len(self._real) > MAX_REMEMBERED:
                self._real.clear()
            found = []
            lower = token.lower()
            candidates = self.lexicon.with_diacritics(lower) if lower.isalpha() else ()
            if self.context is not None and candidates:
                own = self.context.log_unigram(lower)
                for candidate in candidates:
                    channel = self.table.channel_ratio(lower, candidate)
                    if (channel is not None
                            and channel + self.context.log_unigram(candidate) > own - RIVAL_PRUNE):
                        found.append((candidate, channel))
            found = tuple(found)
            self._real[token] = found
        return found

    def _listed_options(self, token: str, lower: str) -> tuple[tuple[str, float], ...]:
        """The quick path for the commonest damage, a word that only lost its
        å, ä or ö ("forvaltningen"): the listed words with them put back, scored
        as ``_options`` scores them."""
        scored = []
        for candidate in self.lexicon.with_diacritics(lower):
            probability = self.table.probability(lower, candidate)
            if probability:
                scored.append((math.log(probability) + ZIPF_WEIGHT * LN10 * self.lexicon.zipf(candidate),
                               candidate))
        return _within_window(token, scored)

    def _options(self, token: str) -> tuple[tuple[str, float], ...]:
        """The known variants scoring within UNKNOWN_WINDOW of the best. Variants
        come most probable first, so once even a rare known word could not come
        within the window, the rest need no (slower) hunspell look-up; nor do
        any after the first MAX_SPELLED, too unlikely to matter for a word no
        list has."""
        lower = token.lower()
        if lower.isalpha():
            found = self._listed_options(token, lower)
            if found:
                return found
        scored: list[tuple[float, str]] = []
        best_score = -math.inf
        listed = self.lexicon.listed
        rare_bonus = ZIPF_WEIGHT * LN10 * KNOWN_WORD_ZIPF
        spelled = 0
        best_possible = ZIPF_WEIGHT * LN10 * MAX_ZIPF
        variants = self.table.channel_variants(lower)
        for position, (candidate, probability, _) in enumerate(variants):
            channel = math.log(max(probability, 1e-12))
            if channel + best_possible <= best_score - UNKNOWN_WINDOW:
                break  # variants come most probable first: none further on can come close
            if candidate in listed:
                score = channel + ZIPF_WEIGHT * LN10 * self.lexicon.zipf(candidate)
            elif channel + rare_bonus <= best_score - UNKNOWN_WINDOW or spelled >= MAX_SPELLED:
                # So it is for every unlisted variant from here on (channels only fall and
                # best_score only rises): only the listed ones are left to score.
                for candidate, probability, _ in variants[position + 1:]:
                    if candidate in listed:
                        channel = math.log(max(probability, 1e-12))
                        if channel + best_possible <= best_score - UNKNOWN_WINDOW:
                            break  # as above (an unlisted variant between changes nothing)
                        score = channel + ZIPF_WEIGHT * LN10 * self.lexicon.zipf(candidate)
                        scored.append((score, candidate))
                        best_score = max(best_score, score)
                break
            elif not self.lexicon.could_be_compound(candidate):
                continue
            else:
                spelled += 1
                if not self.lexicon.knows_as_written(_match_case(token, candidate)):
                    continue
                score = channel + rare_bonus
            scored.append((score, candidate))
            best_score = max(best_score, score)
        return _within_window(token, scored)


def _within_window(token: str, scored: list[tuple[float, str]]) -> tuple[tuple[str, float], ...]:
    """The readings within UNKNOWN_WINDOW of the best, best first, in the token's case."""
    if not scored:
        return ()
    scored.sort(key=lambda item: (-item[0], item[1]))
    best = scored[0][0]
    return tuple((_match_case(token, candidate), score) for score, candidate in scored
                 if score > best - UNKNOWN_WINDOW)


@lru_cache(maxsize=1 << 16)  # asked of every token, once to tell the damage and again to fix it
def _marked(token: str) -> bool:
    """Does the token carry a mark of English-model OCR (quality.DAMAGE: "férut", "6versyn", "&r")?"""
    return DAMAGE.search(token) is not None


@lru_cache(maxsize=1 << 16)
def _number_or_abbreviation(token: str) -> bool:
    return bool(NUMBER.match(token) or ABBREVIATION.match(token))


def _abbreviation_ending(c: _Context) -> bool:
    start = c.tokens[c.index].start()
    if start == 0 or c.text[start - 1] != ":" or c.index == 0:
        return False
    before = c.tokens[c.index - 1]
    return before.end() == start - 1 and bool(ABBREVIATION.match(before.group()))


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


def _sentence_case(c: _Context, word: str) -> str:
    """English-model OCR reads a small "ö" or "ä" as a capital ("Over" for "över"):
    inside a sentence, a word whose capital was such a letter is written small,
    unless it is a name ("Örebro", "Åsa")."""
    first = c.token[:1]
    following = c.neighbour(1) or ""
    if (first.isupper() and word[:1] != first and word[1:].islower() and c.left != BOUNDARY
            and not c.opens_line()
            and not following[:1].isupper()  # "Östra Göinge"
            and c.lexicon.lower_case_word(word)):
        return word.lower()
    return word


def _match_case(original: str, word: str) -> str:
    case = _case_of(original)
    if case == "upper":
        return word.upper()
    if case == "capital":
        return word[:1].upper() + word[1:]
    return word


@lru_cache(maxsize=1 << 16)  # a token's case is asked for once per reading of it
def _case_of(original: str) -> str | None:
    """The case ``_match_case`` gives a reading of this token: "upper" for a word
    in capitals ("LSS"), "capital" for one with a capital first ("Huddinge"; and
    "|", read as "I"), else None."""
    letters = [ch for ch in original if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return "upper"
    first = original[:1]
    if first.isupper() or (not first.isalpha() and first in "|" and original == "|"):
        return "capital"
    return None


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
