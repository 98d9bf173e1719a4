"""The English OCR model's character confusions on Swedish, learned from pairs.

Tesseract's English model has no å, ä or ö, so it reads them as the nearest
shapes it knows: "férutsattningar" (förutsättningar), "dldrande" (åldrande),
"6versyn", "&r", "| uppdraget", and, most often, the bare vowel ("hogskola").
Rather than guess that table, ``learn`` counts it from aligned (damaged, gold)
tokens: every place where the two differ by a short substitution ("é" -> "ö",
"a" -> "ä", "|" -> "I", "rn" -> "m"), over how often the damaged side shows
that string at all. ``ConfusionTable`` turns the counts into P(gold | seen)
and proposes, for a token, the corrections those substitutions allow, most
probable first. The committed table, ingest/data/confusions.json, is made by
``bench/repair_data.py --learn`` from the training split of its paired data.
"""

import json
import math
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

DATA_PATH = Path(__file__).with_name("data") / "confusions.json"
MAX_UNIT = 2  # the longest string a substitution replaces or writes (before widening)
MAX_LENGTH_GAP = 2  # pairs further apart in length are not learned from
MIN_SIMILARITY = 0.5  # nor pairs less alike than this (difflib ratio)
MIN_COUNT = 2  # substitutions seen fewer times are dropped
MIN_PROBABILITY = 0.001  # and so are those rarer than this, given what was seen
MIN_RELATIVE = 1e-5  # variants this much less likely than the token itself are not proposed
MAX_VARIANTS = 200


def substitutions(damaged: str, gold: str) -> list[tuple[str, str]] | None:
    """The (seen, gold) substitutions that turn ``damaged`` into ``gold``, or
    None when the two are too different for the differences to be trusted:
    less alike than MIN_SIMILARITY, unless they differ in one short stretch
    ("|" and "I", "&r" and "är"). An insertion or deletion is widened by its
    left neighbour (or right, at the start) so that every substitution has
    something to be seen."""
    matcher = SequenceMatcher(None, damaged, gold, autojunk=False)
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if len(changes) > 1 and matcher.ratio() < MIN_SIMILARITY:
        return None
    units = []
    for _, i1, i2, j1, j2 in changes:
        if i2 - i1 > MAX_UNIT or j2 - j1 > MAX_UNIT:
            return None
        if i1 == i2:  # gold has characters the damaged token lacks
            if i1 > 0:
                i1, j1 = i1 - 1, j1 - 1
            elif i2 < len(damaged):
                i2, j2 = i2 + 1, j2 + 1
            else:
                return None
        units.append((damaged[i1:i2], gold[j1:j2]))
    return units


def learn(pairs, min_count: int = MIN_COUNT) -> dict:
    """The confusion table from aligned (damaged, gold) token pairs.

    Pass every aligned pair, equal ones included: they give the denominators,
    how often each string is seen at all. Pairs with None on a side, with
    whitespace inside, or too far apart are skipped for the substitutions.
    Returns {"substitutions": [{"seen", "gold", "count", "seen_total", "gold_total"}, ...]},
    most frequent first, ready for ``ConfusionTable`` and for JSON."""
    pairs = [(d, g) for d, g in pairs if d is not None]
    counts = Counter()
    for damaged, gold in pairs:
        if (gold is None or damaged == gold or abs(len(damaged) - len(gold)) > MAX_LENGTH_GAP
                or any(c.isspace() for c in damaged + gold)):
            continue
        counts.update(substitutions(damaged, gold) or ())
    counts = {unit: n for unit, n in counts.items() if n >= min_count}
    seen_totals = _substring_counts((d for d, _ in pairs), {len(seen) for seen, _ in counts})
    gold_totals = _substring_counts((g for _, g in pairs if g), {len(gold) for _, gold in counts})
    rules = [{"seen": seen, "gold": gold, "count": n, "seen_total": seen_totals[seen],
              "gold_total": max(gold_totals[gold], n)}
             for (seen, gold), n in counts.items()]
    rules = [r for r in rules if r["count"] / r["seen_total"] >= MIN_PROBABILITY]
    rules.sort(key=lambda r: (-r["count"], r["seen"], r["gold"]))
    return {"version": 1, "pairs": len(pairs), "substitutions": rules}


def _substring_counts(texts, lengths: set[int]) -> Counter:
    counts = Counter()
    for text in texts:
        for size in lengths:
            counts.update(text[i:i + size] for i in range(len(text) - size + 1))
    return counts


class ConfusionTable:
    """The learned substitutions, both ways round: P(gold | seen), which ranks the
    corrections of a token, and P(seen | gold), the OCR channel, which says how
    likely a word was to come out as the token (for weighing a valid word
    against a confusable one in context)."""

    def __init__(self, table: dict):
        self.rules: dict[str, list[tuple[str, float, float]]] = {}
        self.emission: dict[tuple[str, str], float] = {}  # (seen, gold) -> P(seen | gold)
        self.forward: dict[tuple[str, str], float] = {}  # (seen, gold) -> P(gold | seen)
        emitted = Counter()  # per gold string: how often it was read as something else
        for rule in table["substitutions"]:
            probability = rule["count"] / rule["seen_total"]
            emission = rule["count"] / rule.get("gold_total", rule["seen_total"])
            self.rules.setdefault(rule["seen"], []).append((rule["gold"], probability, emission))
            self.emission[rule["seen"], rule["gold"]] = emission
            self.forward[rule["seen"], rule["gold"]] = probability
            if len(rule["gold"]) == 1:
                emitted[rule["gold"]] += emission
        # The chance a character is read right: what its substitutions leave over.
        self.keep = {seen: max(1e-6, 1.0 - sum(p for _, p, _ in options))
                     for seen, options in self.rules.items() if len(seen) == 1}
        # The chance a character comes out as itself, as the channel sees it.
        self.kept_as_written = {gold: max(1e-3, 1.0 - share) for gold, share in emitted.items()}
        self.longest = max(map(len, self.rules), default=1)
        # Per seen string, its substitutions as ``_compute`` applies them, worked out
        # once rather than per token: (gold, odds against keeping the seen string,
        # channel log-ratio).
        self._edits = {seen: tuple((gold, p / self.keep_probability(seen),
                                    math.log(emission / self._written_as_is(seen)))
                                   for gold, p, emission in options)
                       for seen, options in self.rules.items()}
        self._variants = lru_cache(maxsize=1 << 16)(self._compute)

    @classmethod
    def load(cls, path: Path | str = DATA_PATH) -> "ConfusionTable":
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> "ConfusionTable":
        """The committed table, loaded once."""
        return cls.load()

    def can_change(self, char: str) -> bool:
        """Can a substitution replace or remove this character?"""
        return any(char in seen for seen in self.rules)

    def keep_probability(self, token: str) -> float:
        """The chance that ``token`` was read exactly as it stands."""
        probability = 1.0
        for char in token:
            probability *= self.keep.get(char, 1.0)
        return probability

    def _written_as_is(self, text: str) -> float:
        probability = 1.0
        for char in text:
            probability *= self.kept_as_written.get(char, 1.0)
        return probability

    def probability(self, token: str, word: str) -> float | None:
        """For a word of the token's length: P(word | token) under the table, as
        ``variants`` gives it; None if a difference is no learned substitution."""
        probability = self.keep_probability(token)
        for seen, gold in zip(token, word):
            if seen != gold:
                forward = self.forward.get((seen, gold))
                if forward is None:
                    return None
                probability *= forward / self.keep.get(seen, 1.0)
        return probability

    def channel_ratio(self, token: str, word: str) -> float | None:
        """For a word of the token's length: log P(token | word) - log P(token | token),
        letter by letter; None if a difference is no learned substitution."""
        ratio = 0.0
        for seen, gold in zip(token, word):
            if seen != gold:
                emission = self.emission.get((seen, gold))
                if emission is None:
                    return None
                ratio += math.log(emission / self._written_as_is(seen))
        return ratio

    def variants(self, token: str, max_changes: int = 3) -> list[tuple[str, float]]:
        """Corrections of ``token`` by up to ``max_changes`` learned
        substitutions, with their probability under the table (the token
        itself excluded), most probable first."""
        texts, probabilities, _ = self._variants(token, max_changes)
        return list(zip(texts, probabilities))

    def channel_variants(self, token: str, max_changes: int = 3) -> list[tuple[str, float, float]]:
        """As ``variants``, each with a third figure: log P(token | variant) -
        log P(token | token), how much less (or more) likely the OCR was to
        write ``token`` for the variant than for the token itself."""
        return list(zip(*self._variants(token, max_changes)))

    def _compute(self, token: str, max_changes: int) -> tuple[tuple[str, ...], tuple[float, ...],
                                                              tuple[float, ...]]:
        """The variants, their probabilities and their channel log-ratios, as three
        tuples: remembered that way, the cache holds three objects per token rather
        than one per variant, far fewer for the garbage collector to count and walk."""
        # (start, end, replacement, odds against keeping what is there, channel log-ratio,
        # the token after the edit)
        edits = []
        for start in range(len(token)):
            for end in range(start + 1, min(len(token), start + self.longest) + 1):
                options = self._edits.get(token[start:end])
                if options:
                    rest = token[end:]
                    edits.extend((start, end, gold, factor, ratio, rest) for gold, factor, ratio in options)
        if not edits:
            return (), (), ()
        # Edits come by start; next_edit[position] is the first that starts at or after position,
        # so that a combination only looks at the edits that can follow its last one.
        next_edit, k = [], 0
        for position in range(len(token) + 1):
            while k < len(edits) and edits[k][0] < position:
                k += 1
            next_edit.append(k)
        base = self.keep_probability(token)
        floor = MIN_RELATIVE
        odds_of: dict[str, float] = {}  # each text found: its best odds, and that combination's channel
        channel_of: dict[str, float] = {}

        # Depth first, in the order of the edits: where two combinations give the same
        # text with the same odds, the first one's channel is kept.
        def extend(first: int, position: int, odds: float, channel: float, head: str, changes: int):
            for start, end, gold, factor, ratio, rest in edits[first:]:
                new_odds = odds * factor
                if new_odds < floor:
                    continue
                new_channel = channel + ratio
                new_head = head + token[position:start] + gold  # the text up to this edit's end
                text = new_head + rest
                known = odds_of.get(text)
                if known is None or new_odds > known:
                    odds_of[text] = new_odds
                    channel_of[text] = new_channel
                if changes + 1 < max_changes:
                    extend(next_edit[end], end, new_odds, new_channel, new_head, changes + 1)

        extend(0, 0, 1.0, 0.0, "", 0)
        odds_of.pop(token, None)
        # Most likely first, ties in alphabetical order: sorted by text, then (stable) by odds.
        ranked = sorted(odds_of)
        ranked.sort(key=odds_of.__getitem__, reverse=True)
        del ranked[MAX_VARIANTS:]
        return (tuple(ranked), tuple([base * odds_of[text] for text in ranked]),
                tuple([channel_of[text] for text in ranked]))
