"""Which municipality (or region) a document comes from.

A clerk reads it off the letterhead: the first header line that opens with the
official name ("HUDDINGE KOMMUN", "Göteborgs Stad", "Region Skåne"), or an
organisational line that ends with it ("Socialförvaltningen, Tyresö kommun",
"Socialnämnden i Lidingö stad", "Till kommunfullmäktige i Haninge kommun").
An avtal has no letterhead of its own: its municipality is the first party that
is one. Failing all that, the municipality the text names clearly more often
than any other (its official name counting double, one in the header block
three times), leaving out names inside other names ("Region Stockholm",
"Stockholms län", "Stockholms universitet"), and regions when the board is a
municipal one (a socialnämnd is never a region's).

Names are matched case- and diacritics-blind ("FALU KOMMUN", "Gavle kommun"),
and a letterhead "X kommun" whose X is one letter off a municipality's name is
read as that municipality (OCR's "Vaxj6 kommun").
"""

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .. import gazetteer
from ..lexicon import default_lexicon
from . import layout

# Lines of the letterhead that may end with the official name.
ORGANISATION_SUFFIX = re.compile(
    r"(?:förvaltning(?:en)?|kontoret|enheten|avdelningen|nämnden|styrelsen|utskottet|fullmäktige|"
    r"kansliet|staben|sekretariatet|rådet)$", re.IGNORECASE)
LETTERHEAD_JOINER = re.compile(r"^(?P<unit>.+?)(?:,\s*|\s+i\s+)(?P<name>[^,]+)$")
FUZZY_LETTERHEAD = re.compile(r"^(?P<name>[^,:]{3,30}?)\s+(?:kommun|stad)$", re.IGNORECASE)
INSTITUTION_AFTER = re.compile(
    r"^\s+(?:universitet|högskola|län|lasarett|sjukhus|tingsrätt|stift|hamn|stadshus|energi|"
    r"vatten|kommuns?|stad|stads)\b", re.IGNORECASE)
DAMAGED_OFFICIAL = re.compile(r"\b(?P<name>[A-ZÅÄÖ][\w-]{4,})\s+kommun\b")
REGION_BOARDS = frozenset({"Regionfullmäktige", "Regionstyrelsen", "Hälso- och sjukvårdsnämnden",
                           "Patientnämnden"})
OFFICIAL_WEIGHT = 2
BARE_WEIGHT = 1
HEADER_WEIGHT = 3  # a name in the header block (the title) counts this many times
MIN_SCORE = 3  # one official mention in the body is not enough
MIN_LEAD = 1.5  # the best must have this many times the runner-up's score


@dataclass(frozen=True)
class FoundMunicipality:
    name: str  # "Huddinge", "Region Skåne"
    cue: str


@dataclass(frozen=True)
class Mention:
    name: str
    start: int
    end: int
    official: bool  # "Huddinge kommun" rather than "Huddinge"


@dataclass(frozen=True)
class _Form:
    names: frozenset[str]  # the municipalities or regions it may stand for
    official: bool  # "Huddinge kommun", "Region Skåne"; not the bare "Huddinge"
    spellings: frozenset[str]  # as the gazetteer writes it, lower case


@lru_cache(maxsize=1)
def _forms() -> dict[str, _Form]:
    """Folded form -> what it stands for."""
    forms: dict[str, _Form] = {}

    def add(form: str, name: str, official: bool):
        key = layout.fold_letters(form)
        old = forms.get(key, _Form(frozenset(), official, frozenset()))
        forms[key] = _Form(old.names | {name}, old.official and official,
                           old.spellings | {form.lower()})

    for m in gazetteer.municipalities():
        if m.official_name.startswith("Region "):  # Gotland: the region's name is the official one
            add(m.official_name, m.official_name, True)
        else:
            add(m.official_name, m.name, True)
        for stem in {m.name, gazetteer.genitive(m.name)}:
            add(f"{stem} kommun", m.name, True)
        add(m.name, m.name, False)
        add(gazetteer.genitive(m.name), m.name, False)
    for r in gazetteer.regions():
        add(r.name, r.name, True)
        add(gazetteer.genitive(r.name), r.name, True)
    return forms


@lru_cache(maxsize=1)
def _plain_words() -> frozenset[str]:
    """Municipalities whose name is also a Swedish word ("Vara", "Mark", "Boden", "Lund"),
    by hunspell's case-aware dictionary."""
    names = {m.name for m in gazetteer.municipalities()}
    lexicon = default_lexicon()
    return frozenset(name for name in names if lexicon.lower_case_word(name))


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    alternatives = "|".join(re.escape(f) for f in sorted(_forms(), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def find_mentions(text: str) -> list[Mention]:
    """Every municipality or region the text names, in order."""
    folded = layout.fold_letters(text)
    found = []
    for match in _pattern().finditer(folded):
        form = _forms()[match.group()]
        written = text[match.start():match.end()]
        if not form.official and written.lower() not in form.spellings:
            continue  # a bare name must be spelled right: "skära" is not Skara
        name = _disambiguate(form.names, written)
        if name:
            found.append(Mention(name, match.start(), match.end(), form.official))
    return found


def _disambiguate(names: frozenset[str], written: str) -> str | None:
    """ "Habo" or "Håbo": the one spelled as written; None if still unclear."""
    if len(names) == 1:
        return next(iter(names))
    exact = [n for n in names if written.lower().startswith(n.lower())]
    return exact[0] if len(exact) == 1 else None


def split_letterhead(line: str) -> list[str]:
    """A header line OCR ran together, cut after the municipality or board it opens with:
    "LULEÅ KOMMUN PROTOKOLL" -> ["LULEÅ KOMMUN", "PROTOKOLL"]; other lines whole."""
    from .board import board_at_start

    line = line.strip()
    mentions = find_mentions(line)
    if mentions and mentions[0].start == 0 and mentions[0].official:
        end = mentions[0].end
    else:
        board = board_at_start(line)
        if not board:
            return [line]
        end = board.end
    rest = line[end:].strip()
    return [line[:end], rest] if rest else [line]


def header_cells(line: str) -> list[str]:
    """The parts of a header line a heading may stand in: its columns, what follows the
    municipality or board it opens with, and the capitals it ends with (page number aside)."""
    line = layout.without_page_mark(line)
    tail = layout.capital_tail(line)
    return layout.cells(line) + split_letterhead(line)[1:] + ([tail] if tail else [])


def municipality_of(name_text: str) -> str | None:
    """The municipality or region a name stands for: "Karlstads kommun" -> "Karlstad"."""
    mentions = find_mentions(name_text)
    if mentions and mentions[0].start == 0:
        return mentions[0].name
    return None


# ---- the document's municipality ---------------------------------------------------------------

def find_municipality(text: str, *, parties: list[dict] | None = None,
                      board: str | None = None) -> FoundMunicipality | None:
    return (letterhead(text) or first_party(parties or [])
            or most_named(text, municipal_board=is_municipal_board(board)))


def is_municipal_board(board: str | None) -> bool:
    """A board only a municipality has: a listed one that is not a region's. A board
    read by its shape alone ("Nämnd för folkhälsa och sjukvård") may be either's."""
    return board is not None and board not in REGION_BOARDS and board in _listed_boards()


@lru_cache(maxsize=1)
def _listed_boards() -> frozenset[str]:
    return frozenset(board.name for board in gazetteer.boards())


def letterhead(text: str) -> FoundMunicipality | None:
    header = layout.header_lines(text)
    for i, line in enumerate(header):
        for cell in layout.cells(line) or [line]:
            name = _letterhead_name(cell)
            if name:
                return FoundMunicipality(name, line)
        wrapped = _wrapped_letterhead(header, i)
        if wrapped:
            return wrapped
    return None


def _wrapped_letterhead(header: list[str], i: int) -> FoundMunicipality | None:
    """A logotype's name over its second word: "Kristianstads" over "kommun", "SALA" over
    "KOMMUN", "REGION" over "NORRBOTTEN", in the first column of two lines."""
    below = next((line for line in header[i + 1:i + 3] if line), "")  # OCR may leave a blank between
    first, second = (layout.cells(header[i]) or [""])[0], (layout.cells(below) or [""])[0]
    # also a name of two words: "UPPLANDS" over "VÄSBY KOMMUN"
    if ((layout.fold(second).split()[-1:] in (["kommun"], ["stad"]) and len(second.split()) <= 3
         or layout.fold(first) == "region")
            and first and second and len(first.split()) <= 2):
        name = _letterhead_name(f"{first} {second}")
        if name:
            return FoundMunicipality(name, f"{header[i]} / {below}")
    return None


def _letterhead_name(cell: str) -> str | None:
    mentions = find_mentions(cell)
    if mentions and mentions[0].start == 0 and mentions[0].official:
        return mentions[0].name
    joined = LETTERHEAD_JOINER.match(cell)
    if joined and _is_organisation(joined.group("unit")):
        mentions = find_mentions(joined.group("name"))
        if mentions and mentions[0].start == 0 and mentions[0].end == len(joined.group("name")):
            return mentions[0].name
    fuzzy = FUZZY_LETTERHEAD.match(cell.strip())
    if fuzzy and not mentions:
        return _nearest_name(fuzzy.group("name"))
    return None


def _is_organisation(unit: str) -> bool:
    """ "Socialförvaltningen", "Socialnämnden", "Motion till kommunfullmäktige"."""
    words = unit.split()
    return bool(words) and (bool(ORGANISATION_SUFFIX.search(words[0].rstrip(",")))
                            or bool(ORGANISATION_SUFFIX.search(unit))
                            and len(words) <= 6)


def _nearest_name(written: str) -> str | None:
    """The one municipality whose name or genitive is within one letter of ``written``."""
    target = layout.fold(written)
    if len(target) < 5:
        return None
    close = {m.name for m in gazetteer.municipalities()
             for form in (m.name, gazetteer.genitive(m.name))
             if layout.edit_distance(layout.fold(form), target, 1) <= 1}
    return close.pop() if len(close) == 1 else None


def first_party(parties: list[dict]) -> FoundMunicipality | None:
    for party in parties:
        name = municipality_of(party["name"])
        if name:
            return FoundMunicipality(name, f"party: {party['name']}")
    return None


def most_named(text: str, *, municipal_board: bool) -> FoundMunicipality | None:
    header_end = len("\n".join(layout.header_lines(text)))
    scores: Counter = Counter()
    cues: dict[str, str] = {}
    for mention in find_mentions(text):
        if municipal_board and is_region(mention.name):
            continue
        if not mention.official and not _counts_as_bare(text, mention):
            continue
        weight = OFFICIAL_WEIGHT if mention.official else BARE_WEIGHT
        if mention.start < header_end:
            weight *= HEADER_WEIGHT
        scores[mention.name] += weight
        cues.setdefault(mention.name, text[mention.start:mention.end])
    # OCR's "Gavie kommun": "X kommun" with X one letter off a municipality's name.
    known = {(m.start, m.end) for m in find_mentions(text)}
    for match in DAMAGED_OFFICIAL.finditer(text):
        if match.span() not in known and not find_mentions(match.group()):
            name = _nearest_name(match.group("name"))
            if name:
                scores[name] += OFFICIAL_WEIGHT
                cues.setdefault(name, match.group())
    ranked = scores.most_common(2)
    if not ranked or ranked[0][1] < MIN_SCORE:
        return None
    if len(ranked) > 1 and ranked[0][1] < MIN_LEAD * ranked[1][1]:
        return None
    name, score = ranked[0]
    return FoundMunicipality(name, f"named {score} points' worth, e.g. {cues[name]!r}")


def is_region(name: str) -> bool:
    return name in {r.name for r in gazetteer.regions()}


def _counts_as_bare(text: str, mention: Mention) -> bool:
    """A bare name counts when capitalised, not part of another name ("Stockholms
    universitet"), and, if it is also a Swedish word ("Vara", "Mark", "Boden"), not
    where any word is capitalised: opening a sentence or a line."""
    written = text[mention.start:mention.end]
    if not written[:1].isupper() or INSTITUTION_AFTER.match(text[mention.end:mention.end + 20]):
        return False
    before = text[max(0, mention.start - 3):mention.start]
    opens_sentence = not before.strip(" \t") or bool(re.search(r"[.!?:]\s*$|\n\s*$", before))
    return not (opens_sentence and mention.name in _plain_words())
