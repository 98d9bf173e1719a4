"""The Swedish public bodies a municipal document names: a gazetteer.

Four lists, shipped as data files in ``ingest/data/gazetteer/``:
- ``kommuner.tsv``: the 290 municipalities, ``name<TAB>official name<TAB>county``
  ("Huddinge", "Huddinge kommun", "Stockholms län"; "Stockholm", "Stockholms stad", ...);
- ``regioner.tsv``: the 21 regions, ``name<TAB>county``;
- ``myndigheter.txt``: national agencies, universities, research bodies and other
  institutions, one a line, a short form in parentheses where one is common
  ("Inspektionen för vård och omsorg (IVO)");
- ``namnder.txt``: board names, ``name<TAB>abbreviation`` or the name alone.
Lines starting with "#" and blank lines are comments.

Two stages use them: OCR repair takes ``gazetteer_words()`` as lexicon words, so
that "Tyres6" can become "Tyresö"; metadata extraction matches the names to tell
which municipality and which board a document belongs to.
"""

import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

# Beside the module, installed with the package (pyproject's package-data); a
# plain path rather than importlib.resources, whose import alone costs ~10 ms.
DATA_DIR = Path(__file__).parent / "data" / "gazetteer"
# "Inspektionen för vård och omsorg (IVO)": the name, then the short form.
_SHORT_FORM = re.compile(r"^(.*?)\s*\(([^()]+)\)$")
_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")


class Municipality(NamedTuple):
    name: str  # "Stockholm"
    official_name: str  # "Stockholms stad"
    county: str  # "Stockholms län"


class Region(NamedTuple):
    name: str  # "Region Stockholm", "Västra Götalandsregionen"
    county: str


class PublicBody(NamedTuple):
    name: str  # "Inspektionen för vård och omsorg"
    abbreviation: str | None  # "IVO"; or a short name: "Kronofogden", "Forte"


class Board(NamedTuple):
    name: str  # "Socialnämnden"
    abbreviation: str | None  # "SN"


def _rows(filename: str) -> list[list[str]]:
    text = (DATA_DIR / filename).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def municipalities() -> tuple[Municipality, ...]:
    return tuple(Municipality(*row) for row in _rows("kommuner.tsv"))


@lru_cache(maxsize=1)
def regions() -> tuple[Region, ...]:
    return tuple(Region(*row) for row in _rows("regioner.tsv"))


@lru_cache(maxsize=1)
def public_bodies() -> tuple[PublicBody, ...]:
    bodies = []
    for (line,) in _rows("myndigheter.txt"):
        match = _SHORT_FORM.match(line.strip())
        bodies.append(PublicBody(*match.groups()) if match else PublicBody(line.strip(), None))
    return tuple(bodies)


@lru_cache(maxsize=1)
def boards() -> tuple[Board, ...]:
    return tuple(Board(row[0], row[1] if len(row) > 1 and row[1] else None)
                 for row in _rows("namnder.txt"))


def genitive(word: str) -> str:
    """Swedish genitive: "Huddinge" -> "Huddinges"; a word ending in s, x or z stays."""
    return word if word[-1:].lower() in ("s", "x", "z") else word + "s"


@lru_cache(maxsize=1)
def gazetteer_words() -> frozenset[str]:
    """Every word form in the gazetteer's names, lower-cased, for the repair lexicon.

    Words are split at white space with edge punctuation taken off, as the OCR
    stage splits text; a hyphenated word counts whole and by its parts
    ("upplands-bro", "upplands", "bro"). Each name also gives the genitive of its
    last word (unless an acronym): "huddinges", "stockholms", "tyresös", "kommuns",
    "socialnämndens".
    """
    names: list[str] = []
    extra: list[str] = []  # abbreviations and counties: no genitive of their own
    for municipality in municipalities():
        names += [municipality.name, municipality.official_name]
        extra.append(municipality.county)
    for region in regions():
        names.append(region.name)
        extra.append(region.county)
    for body in (*public_bodies(), *boards()):
        names.append(body.name)
        extra.append(body.abbreviation or "")

    words: set[str] = set()
    for text in names + extra:
        for token in text.split():
            token = _EDGE_PUNCTUATION.sub("", token).lower()
            if token:
                words.add(token)
                words.update(part for part in token.split("-") if part)
    for name in names:
        last = _EDGE_PUNCTUATION.sub("", name.split()[-1])
        if last and not last.isupper():  # no genitive of "AB" or "KTH"
            last = last.lower()
            words.add(genitive(last))
            if "-" in last:
                words.add(genitive(last.rsplit("-", 1)[-1]))
    return frozenset(words)
